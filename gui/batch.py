"""The batch tab: many documents converted one after another in the background, exported in one go.

A document that fails shows its reason and the others go on. Converted documents are ReviewSessions (saved
corrections restored), so exporting here writes the same corrected workbooks as the review tab.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QProgressBar, QSizePolicy,
                               QTableView, QToolBar, QVBoxLayout, QWidget)

from converters.batch import collect, unique_names
from converters.output.dataset import CONSOLIDATED_DIR, REPORT_XLSX, held_record, write_outputs
from converters.output.workbook import export_documents

from . import dialogs
from .batch_model import STATE_TEXT, BatchItem, BatchModel, LeftElidedDelegate, ProgressDelegate
from .worker import ConversionJob, FunctionJob


def expand_paths(paths: list) -> tuple:
    """(files, folders given): folders are searched recursively for the files the engine reads (the CLI's rule)."""
    sources, _ = collect([str(p) for p in paths])
    return [str(s.path) for s in sources], [p for p in paths if Path(p).is_dir()]


def unique_stems(paths: list) -> list:
    """Export folder names: the file stems, made unique within the batch ('a', 'a_2', …)."""
    return unique_names([Path(p).stem for p in paths])


def _record(item: BatchItem, root: Path):
    """The item as the report and the dataset see it: converted (its current tables, corrections included),
    failed (its reason) or not converted."""
    status = "converted" if item.session is not None else "failed" if item.state == "failed" else "not_run"
    return held_record(str(item.path), status, item.session.snapshot() if item.session is not None else None,
                       item.message, item.export_folder, root)


class BatchWidget(QWidget):
    status_message = Signal(str)
    open_requested = Signal(object)         # ReviewSession
    export_finished = Signal(object)        # output root folder

    def __init__(self, data_dir=None, parent=None):
        super().__init__(parent)
        self.data_dir = data_dir
        self.find_session: Callable = lambda path: None     # reuse a session already open elsewhere
        self.settings = None
        self._job: Optional[ConversionJob] = None
        self._job_item: Optional[BatchItem] = None
        self._export_job: Optional[FunctionJob] = None
        self._export_root = None
        self._threads: set = set()
        self._stopped = False
        self.model = BatchModel(self)
        self.view = QTableView(self)
        self.view.setObjectName("batchList")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setItemDelegateForColumn(0, LeftElidedDelegate(self.view))
        self.view.setItemDelegateForColumn(2, ProgressDelegate(self.view))
        self.view.verticalHeader().setDefaultSectionSize(26)
        self.view.setWordWrap(False)
        hh = self.view.horizontalHeader()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        hh.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(4, QHeaderView.ResizeMode.ResizeToContents)
        hh.setStretchLastSection(True)
        self.view.setColumnWidth(0, 380)
        self.view.setColumnWidth(2, 140)
        self.view.doubleClicked.connect(self._double_clicked)
        self._build_toolbar()
        self.summary = QLabel("把 PDF 文件或文件夹拖到窗口中，或点击“添加文件…”。", self)
        self.summary.setObjectName("batchSummary")
        self.overall = QProgressBar(self)
        self.overall.setObjectName("batchProgress")
        self.overall.setRange(0, 100)
        self.overall.setValue(0)
        self.overall.setMaximumWidth(320)
        self.current_label = QLabel("", self)
        status = QHBoxLayout()
        status.addWidget(self.summary, 1)
        status.addWidget(self.current_label)
        status.addWidget(self.overall)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.view, 1)
        layout.addLayout(status)
        self._update()

    def _build_toolbar(self):
        self.toolbar = QToolBar(self)       # overflows into a » menu when the window is narrow
        self.toolbar.setObjectName("batchToolBar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)

        def button(text, tip, slot, name):
            a = QAction(text, self)
            a.setToolTip(tip)
            a.setObjectName(name)
            a.triggered.connect(lambda _checked=False, f=slot: f())
            return a
        self.add_files_button = button("添加文件…", "添加要转换的 PDF 文件", self.choose_files, "batchAddFiles")
        self.add_folder_button = button("添加文件夹…", "添加文件夹中的全部 PDF（含子文件夹）", self.choose_folder,
                                        "batchAddFolder")
        self.remove_button = button("移除", "从列表中移除所选文档", self.remove_selected, "batchRemove")
        self.clear_button = button("清空", "清空列表", self.clear, "batchClear")
        self.cancel_button = button("停止", "停止转换（当前文档取消，未开始的保持等待）", self.stop, "batchStop")
        self.start_button = button("继续转换", "转换等待中的文档", self.start, "batchStart")
        self.open_button = button("在审阅中打开", "在“文档审阅”中查看和修改所选文档（双击亦可）", self.open_selected,
                                  "batchOpen")
        self.export_button = button("全部导出…", "把所有已完成的文档导出到一个文件夹（每个文档一个子文件夹）",
                                    self.export_all, "batchExport")
        self.report_button = button("导出汇总…", f"导出全部文档的汇总表（{REPORT_XLSX}）、各表式的合并工作簿"
                                    f"（{CONSOLIDATED_DIR}/）和长表数据集（dataset.parquet / dataset.csv）",
                                    self.export_report, "batchExportReport")
        tb = self.toolbar
        for a in (self.add_files_button, self.add_folder_button, self.remove_button, self.clear_button):
            tb.addAction(a)
        tb.addSeparator()
        tb.addAction(self.start_button)
        tb.addAction(self.cancel_button)
        spacer = QWidget(self)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        tb.addWidget(spacer)
        tb.addAction(self.open_button)
        tb.addAction(self.export_button)
        tb.addAction(self.report_button)

    # ------------------------------------------------------------------ list
    def refresh(self):
        """Re-read every row (documents may have been corrected in the review tab)."""
        if self.items:
            self.model.dataChanged.emit(self.model.index(0, 0),
                                        self.model.index(len(self.items) - 1, len(BatchModel.HEADERS) - 1))

    @property
    def items(self) -> list:
        return self.model.items

    def add_files(self, paths: list, start: bool = True) -> int:
        n = self.model.add(paths)
        if n:
            self.status_message.emit(f"已添加 {n} 个文档到批量转换")
        if start:
            self._stopped = False
            self._start_next()
        self._update()
        return n

    def choose_files(self):
        start = self.settings.value("last_open_dir", "") if self.settings is not None else ""
        files = dialogs.get_open_files(self, "添加 PDF 文件", start)
        if files:
            self.add_files(files)

    def choose_folder(self):
        start = self.settings.value("last_open_dir", "") if self.settings is not None else ""
        folder = dialogs.get_directory(self, "添加文件夹", start)
        if folder:
            files, _ = expand_paths([folder])
            if not files:
                dialogs.show_error(self, "没有找到 PDF", f"文件夹“{folder}”中没有 PDF 文件。")
                return
            self.add_files(files)

    def selected_rows(self) -> list:
        return sorted({i.row() for i in self.view.selectionModel().selectedRows()})

    def remove_selected(self):
        rows = [r for r in self.selected_rows() if self.items[r] is not self._job_item]
        self.model.remove(rows)
        self._update()

    def clear(self):
        rows = [r for r, item in enumerate(self.items) if item is not self._job_item]
        self.model.remove(rows)
        self._update()

    # ------------------------------------------------------------------ converting
    @property
    def running(self) -> bool:
        return self._job is not None

    def start(self):
        self._stopped = False
        for item in self.items:
            if item.state == "cancelled":
                item.state, item.message = "pending", ""
                self.model.changed(item)
        self._start_next()
        self._update()

    def stop(self):
        self._stopped = True
        if self._job is not None:
            self._job.cancel()
        self._update()

    def _start_next(self):
        if self._job is not None or self._stopped:
            return
        item = next((i for i in self.items if i.state == "pending"), None)
        if item is None:
            self._update()
            return
        existing = self.find_session(item.path)
        if existing is not None:
            self._finish(item, existing)
            self._start_next()
            return
        item.state, item.message, item.done_pages = "running", "", 0
        self.model.changed(item)
        job = ConversionJob(item.path, self.data_dir, self)
        job.progress.connect(self._job_progress)
        job.succeeded.connect(self._job_succeeded)
        job.failed.connect(self._job_failed)
        job.cancelled.connect(self._job_cancelled)
        job.finished.connect(self._job_finished)
        self._job, self._job_item = job, item
        self._threads.add(job)
        job.start()
        self._update()

    def _job_progress(self, done: int, total: int, message: str):
        item = self._job_item
        if item is None or self.sender() is not self._job:
            return
        item.done_pages, item.total_pages = done, total
        item.message = message
        self.model.changed(item)
        self._update()

    def _finish(self, item: BatchItem, session):
        item.session = session
        item.state = "done"
        n = session.restored.applied
        notes = list(session.doc.notices)
        if n:
            notes.insert(0, f"已恢复 {n} 处更正")
        if not session.tables:
            notes.insert(0, "未找到表格")
        item.message = "；".join(notes)
        self.model.changed(item)

    def _job_succeeded(self, session):
        if self.sender() is self._job and self._job_item is not None:
            self._finish(self._job_item, session)

    def _job_failed(self, reason: str):
        if self.sender() is self._job and self._job_item is not None:
            self._job_item.state, self._job_item.message = "failed", reason
            self.model.changed(self._job_item)

    def _job_cancelled(self):
        if self.sender() is self._job and self._job_item is not None:
            self._job_item.state, self._job_item.message = "cancelled", "已取消"
            self.model.changed(self._job_item)

    def _job_finished(self):
        job = self.sender()
        self._threads.discard(job)
        if job is self._job:
            self._job, self._job_item = None, None
            self._start_next()
        job.deleteLater()
        self._update()

    def shutdown(self, wait_ms: int = 10000):
        """Stop converting (on closing the window) and wait for the worker threads."""
        self._stopped = True
        for job in list(self._threads):
            if hasattr(job, "cancel"):
                job.cancel()
        for job in list(self._threads):
            job.wait(wait_ms)

    # ------------------------------------------------------------------ opening and exporting
    def _double_clicked(self, index: QModelIndex):
        self._open_row(index.row())

    def open_selected(self):
        rows = self.selected_rows()
        if rows:
            self._open_row(rows[0])

    def _open_row(self, row: int):
        item = self.items[row]
        if item.session is not None:
            self.open_requested.emit(item.session)
        elif item.state == "failed":
            dialogs.show_error(self, "无法打开", f"“{item.path.name}”转换失败：\n{item.message}")
        else:
            self.status_message.emit(f"“{item.path.name}”尚未转换完成")

    def export_all(self, out_root: Optional[str] = None):
        """Export every converted document to out_root/<stem>/ (asks for the folder when not given)."""
        if self._export_job is not None:
            self.status_message.emit("正在导出，请稍候")
            return
        done = [i for i in self.items if i.session is not None]
        if not done:
            dialogs.show_error(self, "没有可导出的文档", "批量列表中还没有转换完成的文档。")
            return
        if not self._choose_export_root(out_root):
            return
        stems = dict(zip(map(id, self.items), unique_stems([i.path for i in self.items])))
        jobs = [(id(i), i.session.snapshot(), stems[id(i)]) for i in done]
        self._run_export(jobs, overwrite=False)

    def _choose_export_root(self, out_root: Optional[str]) -> bool:
        """Set the export folder (asking for it when not given); False when the user cancels."""
        if out_root is None:
            start = self.settings.value("last_export_dir", "") if self.settings is not None else ""
            out_root = dialogs.get_directory(self, "选择导出目录", start, new_folder_allowed=True)
            if not out_root:
                return False
        if self.settings is not None:
            self.settings.setValue("last_export_dir", str(out_root))
        self._export_root = Path(out_root)
        return True

    def export_report(self, out_root: Optional[str] = None):
        """Write the report, the consolidated workbook of each form and the dataset of the whole list."""
        if self._export_job is not None:
            self.status_message.emit("正在导出，请稍候")
            return
        if not any(i.session is not None for i in self.items):
            dialogs.show_error(self, "没有可导出的文档", "批量列表中还没有转换完成的文档。")
            return
        if not self._choose_export_root(out_root):
            return
        root = self._export_root
        records = [_record(i, root) for i in self.items]
        job = FunctionJob(lambda: write_outputs(records, root), self)
        job.done.connect(self._report_done)
        job.failed.connect(self._export_failed)
        job.finished.connect(self._export_thread_finished)
        self._export_job = job
        self._threads.add(job)
        self.current_label.setText("正在导出汇总…")
        job.start()
        self._update()

    def _report_done(self, _paths):
        self._export_job = None
        self.current_label.setText("")
        self.status_message.emit(f"已导出汇总到 {self._export_root}：{REPORT_XLSX}、{CONSOLIDATED_DIR}/ 各表式合并工作簿、"
                                 "dataset 数据集")
        self._update()
        self.export_finished.emit(self._export_root)

    def _run_export(self, jobs: list, overwrite: bool):
        root = self._export_root
        job = FunctionJob(lambda: (jobs, overwrite, export_documents(jobs, root, overwrite)), self)
        job.done.connect(self._export_done)
        job.failed.connect(self._export_failed)
        job.finished.connect(self._export_thread_finished)
        self._export_job = job
        self._threads.add(job)
        self.current_label.setText("正在导出…")
        job.start()
        self._update()

    def _export_thread_finished(self):
        job = self.sender()
        self._threads.discard(job)
        job.deleteLater()

    def _export_done(self, payload):
        jobs, overwrite, results = payload
        self._export_job = None
        self.current_label.setText("")
        by_key = {id(i): i for i in self.items}
        exists, errors, exported = [], [], 0
        for key, folder, error, is_exists in results:
            item = by_key.get(key)
            if folder is not None:
                exported += 1
                if item is not None:
                    item.export_folder = folder
                    self.model.changed(item)
            elif is_exists:
                exists.append(key)
            else:
                errors.append(error)
        if exists and not overwrite:
            names = [by_key[k].path.name for k in exists if k in by_key]
            shown = "\n".join(names[:10]) + (f"\n……等 {len(names)} 个" if len(names) > 10 else "")
            if dialogs.ask_yes_no(self, "覆盖已有导出",
                                  f"以下文档在“{self._export_root}”中已有导出：\n\n{shown}\n\n是否覆盖？",
                                  "覆盖", "跳过"):
                again = [j for j in jobs if j[0] in exists]
                self._pending_summary = (exported, errors)
                self._run_export(again, overwrite=True)
                return
        before = getattr(self, "_pending_summary", (0, []))
        self._pending_summary = (0, [])
        exported += before[0]
        errors = before[1] + errors
        failed = sum(1 for i in self.items if i.state == "failed")
        text = f"已导出 {exported} 个文档到 {self._export_root}"
        if failed:
            text += f"；{failed} 个转换失败的文档未导出"
        self.status_message.emit(text)
        if errors:
            dialogs.show_error(self, "部分文档导出失败", "\n".join(errors))
        self._update()
        if exported:
            self.export_finished.emit(self._export_root)

    def _export_failed(self, exc):
        self._export_job = None
        self.current_label.setText("")
        dialogs.show_error(self, "导出失败", f"导出时出错：{exc}")
        self._update()

    @property
    def exporting(self) -> bool:
        return self._export_job is not None

    # ------------------------------------------------------------------ state
    def _update(self):
        items = self.items
        counts = {s: sum(1 for i in items if i.state == s) for s in STATE_TEXT}
        if items:
            parts = [f"共 {len(items)} 个文档", f"已完成 {counts['done']}"]
            if counts["failed"]:
                parts.append(f"失败 {counts['failed']}")
            if counts["pending"] + counts["running"]:
                parts.append(f"待转换 {counts['pending'] + counts['running']}")
            if counts["cancelled"]:
                parts.append(f"已取消 {counts['cancelled']}")
            self.summary.setText("，".join(parts))
            finished = counts["done"] + counts["failed"] + counts["cancelled"]
            running = self._job_item.percent / 100 if self._job_item is not None else 0
            self.overall.setValue(int(100 * (finished + running) / len(items)))
        else:
            self.summary.setText("把 PDF 文件或文件夹拖到窗口中，或点击“添加文件…”。")
            self.overall.setValue(0)
        if self._job_item is not None and not self.current_label.text().startswith("正在导出"):
            self.current_label.setText(f"正在转换：{self._job_item.path.name}")
        elif self._export_job is None:
            self.current_label.setText("")
        self.cancel_button.setEnabled(self._job is not None)
        self.start_button.setEnabled(self._job is None and any(i.state in ("pending", "cancelled") for i in items))
        self.export_button.setEnabled(self._export_job is None and counts["done"] > 0)
        self.report_button.setEnabled(self._export_job is None and counts["done"] > 0)
        self.open_button.setEnabled(counts["done"] > 0)
        self.remove_button.setEnabled(bool(items))
        self.clear_button.setEnabled(bool(items))
