"""The PySide6 desktop app. Depends on :mod:`planner`; the core never imports this package."""

from ui._compat import immortalize_singletons

immortalize_singletons()  # before any PySide6 call: see ui/_compat.py
