"""Contract-migration planner: the Qt-free core (import, model, solve, results, report)."""

import ctypes
import os
import sys
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


def _keep_freed_memory() -> None:
    """On Linux (glibc), keep memory that HiGHS frees for its next solve.

    HiGHS allocates its work arrays afresh on every LP solve. With glibc's defaults the
    large ones are mapped and unmapped each time and the top of the heap is trimmed, so
    every solve page-faults its memory in again: on the M benchmark that is 0.8 s of a
    5.6 s solve (the exit-week search solves about 25 LPs). Larger thresholds keep up
    to a few hundred MB for reuse; other platforms' allocators are left alone."""
    if not sys.platform.startswith("linux"):
        return
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):  # not glibc (e.g. musl)
        return
    m_trim_threshold, m_top_pad, m_mmap_threshold = -1, -2, -3
    mallopt(m_mmap_threshold, 256 << 20)
    mallopt(m_trim_threshold, 512 << 20)
    mallopt(m_top_pad, 64 << 20)


_keep_freed_memory()
