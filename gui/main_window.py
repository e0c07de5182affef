"""The main window: menus and shortcuts, opening files (dialog, recent files, drag and drop, command line),
background conversion with progress and cancel, export, and the 文档审阅 / 批量转换 tabs."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from PySide6.QtCore import QByteArray, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QTabWidget, QVBoxLayout, QWidget

from converters.output.workbook import ExportExistsError, export_document, export_tables
from converters.model import ReportedError
from converters.review import ReviewSession, document_summary, form_name
from converters.review.templates import (activate_templates, export_templates, import_template, save_template,
                                        template_from_table, user_templates_dir)
from converters.version import APP_NAME, __version__

from . import dialogs
from .batch import BatchWidget, expand_paths
from .document_bar import DocumentBar, NoteBanner
from .review_panel import ReviewPanel, default_main_sizes
from .settings import add_recent_file, create_settings, int_list
from .window_actions import create_actions, update_actions
from .worker import GUI_CONVERSION, ConversionJob, FunctionJob

WELCOME = "把 PDF 文件拖到窗口中，或选择“文件 → 打开”（Ctrl+O）。"
DEFAULT_SIZE = (1400, 900)
SPLITTERS = ("main_splitter", "right_splitter", "grid_splitter")


class MainWindow(QMainWindow):
    def __init__(self, settings: Optional[QSettings] = None, data_dir=None, parent=None):
        super().__init__(parent)
        self.settings = settings if settings is not None else create_settings()
        self.data_dir = data_dir
        self.conversion = GUI_CONVERSION        # the settings every document is converted with
        activate_templates(user_templates_dir(data_dir))      # the templates this user saved apply to every conversion
        self.session: Optional[ReviewSession] = None
        self._job: Optional[ConversionJob] = None
        self._preview_job: Optional[ConversionJob] = None      # the conversion whose first tables are shown
        self._before_preview: Optional[ReviewSession] = None   # shown again if that conversion fails
        self._export_job: Optional[FunctionJob] = None
        self._threads: set = set()
        self.last_export_folder: Optional[Path] = None
        self.open_folder_after_export = True

        self.setWindowTitle(APP_NAME)
        self.setAcceptDrops(True)
        self.resize(*self.default_size())
        self._splitters_restored = False

        # ---- review tab: document bar, note banner, panel
        self.review = ReviewPanel(self)
        self.review.status_message.connect(self.show_status)
        self.review.history_changed.connect(self._update_actions)
        self.review.table_changed.connect(self._table_changed)
        self.doc_bar = DocumentBar(WELCOME, self)
        self.doc_bar.cancel_requested.connect(self.cancel_conversion)
        self.note = NoteBanner(self)
        self.note.discard_requested.connect(self.discard_corrections)
        review_tab = QWidget(self)
        rv = QVBoxLayout(review_tab)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.setSpacing(2)
        rv.addWidget(self.doc_bar)
        rv.addWidget(self.note)
        rv.addWidget(self.review, 1)

        # ---- batch tab
        self.batch = BatchWidget(data_dir, self)
        self.batch.settings = self.settings
        self.batch.find_session = self.find_session
        self.batch.status_message.connect(self.show_status)
        self.batch.open_requested.connect(self.show_session)
        self.batch.export_finished.connect(self._exported)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("mainTabs")
        self.tabs.addTab(review_tab, "文档审阅")
        self.tabs.addTab(self.batch, "批量转换")
        self.tabs.currentChanged.connect(self._tab_changed)
        self.setCentralWidget(self.tabs)

        self.summary_label = QLabel("", self)
        self.statusBar().addPermanentWidget(self.summary_label)

        create_actions(self)
        self.recent_menu.open_requested.connect(self._open_recent)
        self._restore_settings()
        self._update_actions()

    @staticmethod
    def default_size() -> tuple:
        """1400×900, or the screen's available size when that is smaller."""
        screen = QApplication.primaryScreen()
        if screen is None:
            return DEFAULT_SIZE
        avail = screen.availableGeometry()
        return min(DEFAULT_SIZE[0], avail.width()), min(DEFAULT_SIZE[1], avail.height())

    # ------------------------------------------------------------------ actions
    def _open_recent(self, path: str):
        self.open_paths([path])

    def _update_actions(self):
        update_actions(self, converting=self._job is not None, exporting=self._export_job is not None)
        s = self.session
        if s is not None:
            self.summary_label.setText(f"{s.source_name}：{document_summary(s.tables, len(s.doc.missing))}")
        else:
            self.summary_label.setText("")

    def show_status(self, text: str, ms: int = 8000):
        self.statusBar().showMessage(text, ms)

    # ------------------------------------------------------------------ opening
    def choose_files(self):
        files = dialogs.get_open_files(self, "打开 PDF 文件", self.settings.value("last_open_dir", ""))
        if files:
            self.settings.setValue("last_open_dir", str(Path(files[0]).parent))
            self.open_paths(files)

    def choose_folder(self):
        folder = dialogs.get_directory(self, "选择包含 PDF 的文件夹", self.settings.value("last_open_dir", ""))
        if folder:
            self.settings.setValue("last_open_dir", folder)
            self.open_paths([folder])

    def open_paths(self, paths: list):
        """One file: review it. Several files or a folder (or while the batch tab is shown): batch them."""
        paths = [str(p) for p in paths if str(p)]
        if not paths:
            return
        missing = [p for p in paths if not Path(p).exists()]
        for p in missing:
            dialogs.show_error(self, "文件不存在", f"找不到“{Path(p).name}”：\n{p}")
        paths = [p for p in paths if Path(p).exists()]
        if not paths:
            return
        files, folders = expand_paths(paths)
        if not files:
            dialogs.show_error(self, "没有找到 PDF", "所选文件夹中没有 PDF 文件：\n" + "\n".join(map(str, folders)))
            return
        if len(files) == 1 and not folders and self.tabs.currentIndex() == 0:
            self.open_file(files[0])
        else:
            self.tabs.setCurrentIndex(1)
            self.batch.add_files(files)

    def find_session(self, path) -> Optional[ReviewSession]:
        """A session already open for `path` (in the review tab or the batch list), to share its corrections."""
        key = str(Path(path).resolve())
        if self.session is not None and str(Path(self.session.doc.source).resolve()) == key:
            return self.session
        for item in self.batch.items:
            if item.session is not None and str(Path(item.session.doc.source).resolve()) == key:
                return item.session
        return None

    def open_file(self, path: str):
        """Convert `path` in the background; the current document stays until the new one is ready."""
        path = str(path)
        existing = self.find_session(path)
        if existing is not None and existing is not self.session:
            self.show_session(existing)
            return
        if existing is not None:
            self.show_status(f"“{Path(path).name}”已经打开")
            return
        self.cancel_conversion(quiet=True)
        job = ConversionJob(path, self.data_dir, self, self.conversion)
        job.progress.connect(self._job_progress)
        job.preview.connect(self._job_preview)
        job.succeeded.connect(self._job_succeeded)
        job.failed.connect(self._job_failed)
        job.cancelled.connect(self._job_cancelled)
        job.finished.connect(self._job_finished)
        self._job = job
        self._threads.add(job)
        self.doc_bar.start(f"正在转换 {Path(path).name}")
        self.show_status(f"正在转换 {Path(path).name}…", 0)
        if self.session is not None:         # what is on screen is no longer what the user works on: look only
            self.review.set_session(self.session, read_only=True)
        job.start()
        self._update_actions()

    def cancel_conversion(self, quiet: bool = False):
        if self._job is not None:
            self._job.cancel()
            self._end_preview()
            if not quiet:
                self.doc_bar.progress_label.setText("正在取消…")
            self._job = None
            self.doc_bar.show_progress(False)
            self._editable_again()
            self._update_actions()

    def _editable_again(self):
        """The document shown while another converted is the user's again (that conversion failed or stopped)."""
        if self.session is not None and self.review.read_only and self.review.session is self.session:
            self.review.set_session(self.session)

    def _job_progress(self, done: int, total: int, message: str):
        if self.sender() is not self._job:
            return
        self.doc_bar.set_progress(done, total, f"{Path(self._job.path).name}：{message}")

    def _job_preview(self, doc):
        """The tables of a long document completed so far, shown read-only while the rest is read."""
        job = self.sender()
        if job is not self._job:
            return
        if self._preview_job is not job:
            self._preview_job, self._before_preview = job, self.session
            self.session = None
        self.review.set_session(ReviewSession(doc, autosave=False), read_only=True)
        name = Path(doc.source).name
        self.setWindowTitle(f"{name} — {APP_NAME}")
        self.doc_bar.show_document(f"<b>{name}</b>　{doc.pages} 页，正在读取，已找到 {len(doc.tables)} 张表"
                                   "（读取完成前只能查看）", doc.source)
        self._update_actions()

    def _end_preview(self):
        """The previewed conversion ended without a document: show what was shown before its preview."""
        if self._preview_job is None:
            return
        before, self._preview_job, self._before_preview = self._before_preview, None, None
        if before is not None:
            self.show_session(before)
        else:
            self.review.set_session(None)
            self.setWindowTitle(APP_NAME)
            self.doc_bar.show_document(WELCOME)
            self._update_actions()

    def _job_succeeded(self, session):
        if self.sender() is not self._job:
            return
        self._job = None
        self._preview_job = self._before_preview = None
        self.doc_bar.show_progress(False)
        self.show_session(session)
        add_recent_file(self.settings, str(Path(session.doc.source).resolve()))
        self.recent_menu.rebuild()

    def _job_failed(self, reason: str):
        job = self.sender()
        if job is not self._job:
            return
        self._end_preview()
        self._job = None
        self.doc_bar.show_progress(False)
        self._editable_again()
        self.statusBar().clearMessage()
        name = Path(job.path).name
        text = reason[len(name) + 1:] if reason.startswith(name + "：") else reason
        dialogs.show_error(self, "无法打开文件", f"无法转换“{name}”。\n\n原因：{text}", str(job.path))
        self.show_status(f"无法转换“{name}”")
        self._update_actions()

    def _job_cancelled(self):
        job = self.sender()
        if self._job is None or job is self._job:
            self.show_status(f"已取消转换“{Path(job.path).name}”")
        if job is self._job:
            self._job = None
            self.doc_bar.show_progress(False)
            self._update_actions()

    def _job_finished(self):
        job = self.sender()
        self._threads.discard(job)
        job.deleteLater()
        self._update_actions()

    def show_session(self, session: ReviewSession):
        """Review `session` (a freshly converted document or one from the batch list)."""
        self.session = session
        self.tabs.setCurrentIndex(0)
        self.review.set_session(session)
        name = session.source_name
        self.setWindowTitle(f"{name} — {APP_NAME}")
        self.doc_bar.show_document(f"<b>{name}</b>　{session.doc.pages} 页，找到 {len(session.tables)} 张表",
                                   session.doc.source)
        notes = []
        n = session.restored.applied
        if n:
            notes.append(f"已恢复上次对本文档的 {n} 处更正（更正会自动保存）。")
        if session.restored.skipped:
            notes.append(f"{session.restored.skipped} 处更正已无法对应到表格，已跳过。")
        notes += [f"提示：{x}" for x in session.doc.notices]
        self.note.set_lines(notes, can_discard=n > 0)
        if n:
            self.show_status(f"已恢复 {n} 处更正", 15000)
        else:
            self.show_status(f"已打开“{name}”：{len(session.tables)} 张表")
        self._update_actions()

    def discard_corrections(self):
        if self.session is None:
            return
        if not dialogs.ask_yes_no(self, "放弃更正", "撤销为本文档保存的全部更正，恢复为转换结果？", "放弃更正", "保留"):
            return
        n = self.session.discard_corrections()
        self.note.set_lines([x for x in self.note.lines if x.startswith("提示")], False)
        self.show_status(f"已放弃 {n} 处更正")
        self._update_actions()

    # ------------------------------------------------------------------ editing
    def undo(self):
        if self.session is not None and self.session.undo():
            self.show_status("已撤销")

    def redo(self):
        if self.session is not None and self.session.redo():
            self.show_status("已重做")

    def next_flagged(self):
        self.tabs.setCurrentIndex(0)
        self.review.next_flagged(True)

    def previous_flagged(self):
        self.tabs.setCurrentIndex(0)
        self.review.next_flagged(False)

    def _tab_changed(self, index: int):
        if index == 1:
            self.batch.refresh()
        self._update_actions()

    def _table_changed(self, index: int):
        self._update_actions()

    # ------------------------------------------------------------------ exporting
    def _export_root(self, out_root) -> Optional[str]:
        if out_root is not None:
            return str(out_root)
        start = self.settings.value("last_export_dir", "") or str(Path(self.session.doc.source).parent)
        return dialogs.get_directory(self, "选择导出目录", start, new_folder_allowed=True) or None

    def export_all(self, out_root=None):
        """Export every table to out_root/<file stem>/ (the CLI's layout). In the batch tab: the whole batch."""
        if self.tabs.currentIndex() == 1:
            self.batch.export_all(out_root)
        else:
            self._export(out_root, None)

    def export_selected(self, out_root=None, indexes: Optional[list] = None):
        """Export the tables selected in the list to out_root/<file stem>/, named as in a full export."""
        if self.session is None or self._export_job is not None:
            return
        indexes = indexes if indexes is not None else self.review.selected_table_indexes()
        if not indexes:
            self.show_status("请先在表格列表中选择要导出的表格")
            return
        self._export(out_root, indexes)

    def _export(self, out_root, indexes: Optional[list]):
        """Export the tables `indexes` of the document (None: the whole document) in the background."""
        if self.session is None or self._export_job is not None:
            return
        root = self._export_root(out_root)
        if not root:
            return
        self.settings.setValue("last_export_dir", root)
        doc = self.session.snapshot()
        if indexes is None:
            self._start_export(lambda overwrite: export_document(doc, root, overwrite=overwrite), doc, root)
        else:
            self._start_export(lambda overwrite: export_tables(doc, root, indexes, overwrite=overwrite), doc, root,
                               count=sum(1 for i in indexes if 0 <= i < len(doc.tables)))

    def _start_export(self, fn, doc, root, overwrite=False, count=None):
        job = FunctionJob(lambda: fn(overwrite), self)
        job.setProperty("overwrite", overwrite)
        self._export_context = (fn, doc, root, count)
        job.done.connect(self._export_done)
        job.failed.connect(self._export_failed)
        job.finished.connect(self._export_thread_finished)
        self._export_job = job
        self._threads.add(job)
        self.show_status("正在导出…", 0)
        self._update_actions()
        job.start()

    def _export_thread_finished(self):
        job = self.sender()
        self._threads.discard(job)
        job.deleteLater()

    def _export_done(self, folder):
        self._export_job = None
        _, doc, _, count = self._export_context
        n = count if count is not None else len(doc.tables)
        self.show_status(f"已导出 {n} 张表到 {folder}", 15000)
        self._update_actions()
        self._exported(folder)

    def _export_failed(self, exc):
        job = self.sender()
        self._export_job = None
        self.statusBar().clearMessage()
        fn, doc, root, count = self._export_context
        if isinstance(exc, ExportExistsError) and not job.property("overwrite"):
            folder = Path(root) / Path(doc.source).stem
            if dialogs.ask_yes_no(self, "覆盖已有导出",
                                  f"“{folder}”中已有导出的表格。\n\n是否覆盖？", "覆盖", "取消"):
                self._start_export(fn, doc, root, overwrite=True, count=count)
                return
            self.show_status("已取消导出")
        elif isinstance(exc, OSError):
            dialogs.show_error(self, "导出失败", f"无法写入导出目录：{exc.strerror or exc}\n{getattr(exc, 'filename', '') or root}")
        else:
            dialogs.show_error(self, "导出失败", f"导出时出错：{exc}")
        self._update_actions()

    def _exported(self, folder):
        self.last_export_folder = Path(folder)
        if self.open_folder_after_export:
            dialogs.open_folder(folder)

    # ------------------------------------------------------------------ drag and drop
    @staticmethod
    def _local_paths(mime) -> list:
        if mime is None or not mime.hasUrls():
            return []
        return [u.toLocalFile() for u in mime.urls() if u.isLocalFile() and u.toLocalFile()]

    def dragEnterEvent(self, event):
        if self._local_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    dragMoveEvent = dragEnterEvent

    def dropEvent(self, event):
        paths = self._local_paths(event.mimeData())
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        # Open after the drop returns, so the drag source is not kept waiting.
        QTimer.singleShot(0, lambda: self.open_paths(paths))

    # ------------------------------------------------------------------ settings and closing
    def _restore_settings(self):
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        for name in SPLITTERS:
            getattr(self.review, name).splitterMoved.connect(self._save_splitters)
        raw = self.settings.value("view/show_raw", False)
        self.review.set_raw_visible(str(raw).lower() in ("true", "1"))
        fit = str(self.settings.value("view/page_fit", "width"))
        self.review.page_view.set_fit(fit if fit in ("width", "page", "") else "width")
        self.review.page_view.fit_changed.connect(lambda fit: self.settings.setValue("view/page_fit", fit))

    def showEvent(self, event):
        super().showEvent(event)
        if not self._splitters_restored:
            # After the first layout, so the sizes are not rescaled from the splitters' initial size.
            QTimer.singleShot(0, self._restore_splitters)

    def _restore_splitters(self):
        if self._splitters_restored:
            return
        for name in SPLITTERS:
            sizes = int_list(self.settings, f"splitters/{name}")
            splitter = getattr(self.review, name)
            if len(sizes) == splitter.count() and sum(sizes) > 0:
                splitter.setSizes(sizes)
            elif name == "main_splitter":
                splitter.setSizes(default_main_sizes(sum(splitter.sizes())))
        self._splitters_restored = True

    def _save_splitters(self, *_args):
        if not self._splitters_restored:
            return
        for name in SPLITTERS:
            splitter = getattr(self.review, name)
            sizes = splitter.sizes()
            if sum(sizes) > 0 and (name != "grid_splitter" or self.review.raw_visible):
                self.settings.setValue(f"splitters/{name}", [int(s) for s in sizes])

    def save_settings(self):
        self.settings.setValue("window/geometry", self.saveGeometry())
        self._save_splitters()
        self.settings.setValue("view/show_raw", self.review.raw_visible)
        self.settings.sync()

    def closeEvent(self, event):
        self.save_settings()
        if self._job is not None:
            self._job.cancel()
        self.batch.shutdown()
        for job in list(self._threads):
            if hasattr(job, "cancel"):
                job.cancel()
            job.wait(10000)
        if self.session is not None and self.session.save_error:
            self.session.save()
        self.review.page_view.close_document()
        super().closeEvent(event)

    # ------------------------------------------------------------------ templates users teach
    @property
    def templates_dir(self) -> Path:
        return user_templates_dir(self.data_dir)

    def save_template(self):
        """The current table's form and column mapping, saved as a template the next documents follow."""
        table = self.review.current_table
        if table is None:
            return
        try:
            path = save_template(template_from_table(table), self.templates_dir)
        except ReportedError as e:
            dialogs.show_info(self, "保存为模板", str(e))
            return
        dialogs.show_info(self, "保存为模板", f"已保存模板：以后转换的文档中同样标题或表头的表格将自动识别为"
                                              f"“{form_name(table.form)}”。\n\n模板文件：{path}")

    def import_template(self):
        for path in dialogs.get_open_files(self, "导入模板", "", dialogs.TEMPLATE_FILTER):
            try:
                import_template(path, self.templates_dir)
            except (ReportedError, OSError) as e:
                dialogs.show_error(self, "导入模板", str(e))
                return
            self.show_status(f"已导入模板：{Path(path).name}")

    def export_templates(self):
        folder = dialogs.get_directory(self, "导出模板到文件夹", new_folder_allowed=True)
        if not folder:
            return
        target = Path(folder) / "预算表格模板.json"
        if target.exists() and not dialogs.ask_yes_no(self, "导出模板", f"{target.name} 已存在，是否覆盖？"):
            return
        try:
            export_templates(self.templates_dir, target)
        except (ReportedError, OSError) as e:
            dialogs.show_error(self, "导出模板", str(e))
            return
        self.show_status(f"已导出模板：{target}")

    def about(self):
        dialogs.show_info(self, "关于", f"{APP_NAME} {__version__}\n\n"
                                        "把政府部门预算公开 PDF 中的表格转换为标准化的 Excel 工作簿。\n"
                                        "更正会自动保存，重新打开同一文件时恢复。")
