"""Contract-migration planner: the Qt-free core (import, model, solve, results, report)."""

import os
from importlib.metadata import PackageNotFoundError, version

# The arrays here are small: a multi-threaded BLAS only spins its threads after each dot
# product, taking the core that the optimiser's second solve or the other worker process
# needs. Set before numpy is first imported (and inherited by worker processes).
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

try:
    __version__ = version("migration-planner")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+local"
