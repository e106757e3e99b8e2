"""Contract-migration planner: the Qt-free core (import, model, solve, results, report)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("migration-planner")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+local"
