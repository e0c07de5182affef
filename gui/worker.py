"""Background work: converting a document (with progress and cancel) and exporting, off the GUI thread.

Signals are emitted from the worker thread and delivered to the receivers' (GUI) thread, so every receiver
must be a QObject's method (never a lambda: a lambda would run in the worker thread).
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

from PySide6.QtCore import QThread, Signal

from converters.model import ConversionError, failure_message
from converters.batch import memory_message
from converters.pipeline import Cancelled, convert_document
from converters.review import ReviewSession
from converters.settings import ConversionSettings
from converters.sources.processes import largest_process_mb

PAGE_READERS = max(1, min(os.cpu_count() or 1, 4))     # processes reading a PDF's pages (~100 MB each)
# The GUI process holds the app besides the conversion: its limit covers both.
GUI_CONVERSION = ConversionSettings.resolve({"page_workers": PAGE_READERS, "limits": {"memory_mb": 2048}})


class ConversionJob(QThread):
    """Convert one file and open a ReviewSession on it (saved corrections restored)."""

    progress = Signal(int, int, str)        # done pages, total pages, message
    preview = Signal(object)                # Document: the tables completed so far (a long PDF)
    succeeded = Signal(object)              # ReviewSession
    failed = Signal(str)                    # Chinese reason, names the file
    cancelled = Signal()

    def __init__(self, path, data_dir=None, parent=None, conversion: ConversionSettings = GUI_CONVERSION):
        super().__init__(parent)
        self.path = Path(path)
        self.data_dir = data_dir
        self.conversion = conversion
        self._cancel = threading.Event()
        self.outcome = None                 # 'succeeded' | 'failed' | 'cancelled', once finished

    def cancel(self):
        self._cancel.set()

    def _progress(self, done: int, total: int, message: str):
        self._page = min(int(done) + 1, int(total)) if total else int(done) + 1
        self.progress.emit(int(done), int(total), message)

    def _should_stop(self) -> bool:
        """Cancelled by the user, or this process or one of its page readers past the memory limit (checked
        between pages: the render and content limits keep a single page bounded)."""
        if self._cancel.is_set():
            return True
        used = largest_process_mb()
        limit = self.conversion.limits.memory_mb
        if used > limit:
            self._out_of_memory = memory_message(self.path.name, self._page, used, limit)
            return True
        return False

    def run(self):
        self._page, self._out_of_memory = 1, None
        try:
            if not self.path.exists():
                raise ConversionError(f"{self.path.name}：文件不存在")
            doc = convert_document(self.path, self.conversion, progress=self._progress, cancel=self._should_stop,
                                   preview=self.preview.emit)
            if self._cancel.is_set():
                raise Cancelled()
            session = ReviewSession.open(doc, data_dir=self.data_dir)
        except Cancelled:
            if self._out_of_memory:
                self.outcome = "failed"
                self.failed.emit(self._out_of_memory)
                return
            self.outcome = "cancelled"
            self.cancelled.emit()
        except BaseException as e:          # noqa: BLE001 - any failure is reported, never crashes the app
            self.outcome = "failed"
            self.failed.emit(failure_message(self.path.name, e))
        else:
            self.outcome = "succeeded"
            self.succeeded.emit(session)


class FunctionJob(QThread):
    """Run `fn()` in a thread; `done(result)` or `failed(exception)`."""

    done = Signal(object)
    failed = Signal(object)

    def __init__(self, fn, parent=None):
        super().__init__(parent)
        self._fn = fn

    def run(self):
        try:
            result = self._fn()
        except BaseException as e:          # noqa: BLE001
            self.failed.emit(e)
        else:
            self.done.emit(result)
