"""Work around a PySide6 reference-count bug on Python 3.11.

PySide6 6.12 (built for the stable ABI) returns ``None`` from every void method, and
``True``/``False`` from some, without taking a reference: it counts on these objects
being immortal, which they are only from Python 3.12 (PEP 683). On 3.11 each call drops
None's count by one, and after some tens of thousands of calls (a few minutes of use)
CPython aborts with "none_dealloc: deallocating None". Giving the three singletons a huge
extra count makes them immortal in practice. It is a no-op on 3.12+ and non-CPython.
"""

from __future__ import annotations

import sys

_EXTRA_REFS = 1 << 40  # far more than any session can drop


def immortalize_singletons() -> bool:
    """Pad the counts of None, True and False once; True when it was needed."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    if getattr(sys, "_migration_planner_immortal", False):
        return True
    import ctypes

    for obj in (None, True, False):
        refcount = ctypes.c_ssize_t.from_address(id(obj))  # ob_refcnt is the first field
        refcount.value += _EXTRA_REFS
    sys._migration_planner_immortal = True  # type: ignore[attr-defined]
    return True
