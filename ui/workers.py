"""Long work off the GUI thread.

The work itself is a plain, Qt-free function ``fn(progress, cancel) -> value``: it reports
through ``progress(fraction | None, message)`` and checks (or subscribes to) ``cancel``.
:class:`Worker` wraps it in a QObject with started/progress/result/error/finished signals
and :class:`TaskRunner` runs one at a time in a QThread. Signals cross to the GUI thread
queued, so no widget is ever touched from the worker.
"""

from __future__ import annotations

import gc
import time
import weakref
from dataclasses import dataclass

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from ui.tasks import CancelFlag, Task

PROGRESS_INTERVAL = 0.05  # seconds between progress signals (the GUI needs no more)




@dataclass(frozen=True, slots=True)
class Progress:
    fraction: float | None
    message: str


class Worker(QObject):
    started = Signal()
    progress = Signal(object)  # Progress
    result = Signal(object)
    error = Signal(object)  # the exception
    finished = Signal()

    def __init__(self, fn: Task, name: str) -> None:
        super().__init__()
        self.fn = fn
        self.name = name
        self.cancel_flag = CancelFlag()
        self._last_progress = 0.0
        self._last_message: str | None = None

    def _report(self, fraction: float | None, message: str) -> None:
        """Relay progress, at most every PROGRESS_INTERVAL for the same message: a new
        message (the next phase) always goes through, else the status bar could keep an
        old phase's text while a long one (the LP) runs."""
        now = time.monotonic()
        if (
            now - self._last_progress < PROGRESS_INTERVAL
            and fraction not in (0.0, 1.0)
            and message == self._last_message
        ):
            return
        self._last_progress = now
        self._last_message = message
        self.progress.emit(Progress(fraction, message))

    @Slot()
    def run(self) -> None:
        self.started.emit()
        try:
            value = self.fn(self._report, self.cancel_flag)
        except Exception as exc:  # delivered to the GUI as a signal, shown there
            self.error.emit(exc)
        else:
            self.result.emit(value)
        finally:
            self.finished.emit()


_threads: weakref.WeakSet[QThread] = weakref.WeakSet()


def running_threads() -> list[QThread]:
    """Worker threads still running (tests fail when one is left behind)."""
    return [t for t in list(_threads) if t.isRunning()]


_gc_pauses = 0
_gc_was_enabled = False


def _gc_pause() -> None:
    """No automatic garbage collection while a worker runs.

    A collection runs in whichever thread happens to allocate; in a worker it may free
    Qt objects (widgets in reference cycles) off the GUI thread, which crashes. Garbage
    is collected on the GUI thread when the worker ends instead.
    """
    global _gc_pauses, _gc_was_enabled
    if _gc_pauses == 0:
        _gc_was_enabled = gc.isenabled()
        if _gc_was_enabled:
            gc.collect()
            gc.disable()
    _gc_pauses += 1


def _gc_resume() -> None:
    global _gc_pauses
    _gc_pauses = max(0, _gc_pauses - 1)
    if _gc_pauses == 0 and _gc_was_enabled:
        gc.enable()
        gc.collect()


class TaskRunner(QObject):
    """Runs one :class:`Worker` at a time on its own QThread.

    Connect to the runner's signals, not the worker's: the runner lives on the GUI thread
    and relays each worker signal through a queued slot, so receivers (lambdas included)
    always run on the GUI thread, and nothing is lost to a task that ends before
    connections could be made.
    """

    busy_changed = Signal(bool)
    progress = Signal(object)  # Progress
    result = Signal(object)
    error = Signal(object)  # the exception

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: QThread | None = None
        self._worker: Worker | None = None
        self._busy = False

    @property
    def busy(self) -> bool:
        """True from :meth:`start` until the thread's end reached the GUI thread."""
        return self._busy

    def start(self, fn: Task, name: str) -> Worker:
        if self._busy:
            raise RuntimeError("a task is already running")
        thread = QThread()
        thread.setObjectName(f"worker-{name}")
        worker = Worker(fn, name)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.progress.connect(self._relay_progress)
        worker.result.connect(self._relay_result)
        worker.error.connect(self._relay_error)
        worker.finished.connect(thread.quit)
        thread.finished.connect(self._on_finished)
        self._thread, self._worker = thread, worker  # references keep both alive
        _threads.add(thread)
        self._busy = True
        _gc_pause()
        thread.start()
        self.busy_changed.emit(True)
        return worker

    @Slot(object)
    def _relay_progress(self, value: Progress) -> None:
        self.progress.emit(value)

    @Slot(object)
    def _relay_result(self, value: object) -> None:
        self.result.emit(value)

    @Slot(object)
    def _relay_error(self, exc: BaseException) -> None:
        self.error.emit(exc)

    @Slot()
    def _on_finished(self) -> None:
        if not self._busy:  # already handled by shutdown()
            return
        self._busy = False
        # Collect in an event-loop pass of its own, not in the one that shows the result
        # (a big plan's first view and repaint): two short pauses instead of one long one.
        QTimer.singleShot(0, _gc_resume)
        self.busy_changed.emit(False)

    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel_flag.cancel()

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Cancel and wait; True when no thread is left running."""
        self.cancel()
        running = self._thread is not None and self._thread.isRunning()
        if running and self._thread is not None and not self._thread.wait(timeout_ms):
            return False
        if self._busy:  # do not wait for the queued signal: the loop may be ending
            self._busy = False
            _gc_resume()
            self.busy_changed.emit(False)
        return True
