"""The main window: menus and shortcuts, opening files (dialog, recent files, drag and drop, command line),
background conversion with progress and cancel, export, and the 文档审阅 / 批量转换 tabs."""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Optional

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QApplication, QFrame, QHBoxLayout, QLabel, QMainWindow, QProgressBar, QPushButton,
                               QStyle, QTabWidget, QToolButton, QVBoxLayout, QWidget)

from converters.output.workbook import ExportExistsError, export_document, workbook_name, write_table_workbook
from converters.review import ReviewSession, review_issues
from converters.version import APP_NAME, __version__

from . import dialogs
from .batch import BatchWidget
from .review_panel import ReviewPanel
from .settings import add_recent_file, create_settings, int_list, recent_files, remove_recent_file
from .worker import GUI_CONVERSION, ConversionJob, FunctionJob

WELCOME = "把 PDF 文件拖到窗口中，或选择“文件 → 打开”（Ctrl+O）。"
DEFAULT_SIZE = (1400, 900)
SPLITTERS = ("main_splitter", "right_splitter", "grid_splitter")


def expand_paths(paths: list) -> tuple:
    """(files, folders given): folders are searched recursively for PDFs (the CLI's rule)."""
    from converters.cli import collect_inputs
    files, _ = collect_inputs([str(p) for p in paths])
    folders = [p for p in paths if Path(p).is_dir()]
    return [str(f) for f in files], folders


class MainWindow(QMainWindow):
    def __init__(self, settings: Optional[QSettings] = None, data_dir=None, parent=None):
        super().__init__(parent)
        self.settings = settings if settings is not None else create_settings()
        self.data_dir = data_dir
        self.conversion = GUI_CONVERSION        # the settings every document is converted with
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
        self.doc_label = QLabel(WELCOME, self)
        self.doc_label.setObjectName("docLabel")
        self.progress = QProgressBar(self)
        self.progress.setObjectName("conversionProgress")
        self.progress.setMinimumWidth(260)
        self.progress.setMaximumWidth(420)
        self.progress.setFormat("%p%")
        self.progress_label = QLabel("", self)
        self.cancel_button = QPushButton("取消", self)
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setToolTip("取消正在进行的转换")
        self.cancel_button.clicked.connect(lambda _checked=False: self.cancel_conversion())
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 0)
        bar.addWidget(self.doc_label, 1)
        bar.addWidget(self.progress_label)
        bar.addWidget(self.progress)
        bar.addWidget(self.cancel_button)
        self._show_progress(False)

        self.note = QFrame(self)
        self.note.setObjectName("noteBanner")
        self.note.setStyleSheet("#noteBanner { background: #FFF8E1; border: 1px solid #F0C36D; border-radius: 3px; }")
        self.note_label = QLabel("", self.note)
        self.note_label.setObjectName("noteLabel")
        self.note_label.setWordWrap(True)
        self.discard_button = QPushButton("放弃这些更正", self.note)
        self.discard_button.setToolTip("撤销为本文档保存的全部更正，恢复为转换结果")
        self.discard_button.clicked.connect(lambda _checked=False: self.discard_corrections())
        close_note = QToolButton(self.note)
        close_note.setText("✕")
        close_note.setAutoRaise(True)
        close_note.setToolTip("关闭提示")
        close_note.clicked.connect(self.note.hide)
        nl = QHBoxLayout(self.note)
        nl.setContentsMargins(8, 3, 4, 3)
        nl.addWidget(self.note_label, 1)
        nl.addWidget(self.discard_button)
        nl.addWidget(close_note)
        self.note.hide()

        review_tab = QWidget(self)
        rv = QVBoxLayout(review_tab)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.setSpacing(2)
        rv.addLayout(bar)
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

        self._create_actions()
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

    # ------------------------------------------------------------------ actions and menus
    def _action(self, text, slot, shortcuts=(), tip=None, checkable=False, icon=None) -> QAction:
        a = QAction(text, self)
        if shortcuts:
            a.setShortcuts([QKeySequence(s) for s in shortcuts])
        if tip:
            a.setStatusTip(tip)
            a.setToolTip(tip)
        if icon is not None:
            a.setIcon(self.style().standardIcon(icon))
        a.setCheckable(checkable)
        if checkable:
            a.triggered.connect(slot)
        else:                               # triggered(bool) must not reach slots with optional arguments
            a.triggered.connect(lambda _checked=False, f=slot: f())
        a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.addAction(a)
        return a

    def _create_actions(self):
        SP = QStyle.StandardPixmap
        self.open_action = self._action("打开…", self.choose_files, [QKeySequence.StandardKey.Open], "打开 PDF 文件",
                                        icon=SP.SP_DialogOpenButton)
        self.open_folder_action = self._action("打开文件夹…", self.choose_folder, ["Ctrl+Shift+O"],
                                               "批量转换文件夹中的全部 PDF")
        self.export_action = self._action("导出全部表格…", self.export_all, ["Ctrl+E"],
                                          "把全部表格导出为 Excel 工作簿", icon=SP.SP_DialogSaveButton)
        self.export_selected_action = self._action("导出所选表格…", self.export_selected, ["Ctrl+Shift+E"],
                                                   "只导出表格列表中选中的表格")
        self.quit_action = self._action("退出", self.close, [QKeySequence.StandardKey.Quit])
        self.undo_action = self._action("撤销", self.undo, ["Ctrl+Z"], icon=SP.SP_ArrowBack)
        self.redo_action = self._action("重做", self.redo, ["Ctrl+Y", "Ctrl+Shift+Z"], icon=SP.SP_ArrowForward)
        self.insert_above_action = self._action("在上方插入行", self.review.insert_row_above, ["Ctrl+Shift+Insert"])
        self.insert_below_action = self._action("在下方插入行", self.review.insert_row_below, ["Ctrl+Insert"])
        self.delete_row_action = self._action("删除行", self.review.delete_rows, ["Ctrl+Delete"])
        # Ctrl+V itself is the grid's (a window-wide shortcut would take it from the cell editors)
        self.paste_action = self._action("粘贴到表格\tCtrl+V", self.review.paste_cells, tip=(
            "把复制的单元格（如从 Excel 复制的区域）粘贴到当前单元格起的位置；一个值时填入全部选中的单元格"))
        self.raw_action = self._action("显示原始表格", self.review.set_raw_visible, ["Ctrl+R"], checkable=True)
        self.review.raw_check.toggled.connect(self.raw_action.setChecked)
        self.zoom_in_action = self._action("放大页面", self.review.page_view.zoom_in, ["Ctrl++", "Ctrl+="])
        self.zoom_out_action = self._action("缩小页面", self.review.page_view.zoom_out, ["Ctrl+-"])
        self.fit_width_action = self._action("页面适合宽度", self.review.page_view.fit_width, ["Ctrl+0"])
        self.next_table_action = self._action("下一张表", self.review.next_table, ["Ctrl+PgDown", "Alt+Down"])
        self.prev_table_action = self._action("上一张表", self.review.previous_table, ["Ctrl+PgUp", "Alt+Up"])
        self.next_flag_action = self._action("下一处待核对", self.next_flagged, ["F8"])
        self.prev_flag_action = self._action("上一处待核对", self.previous_flagged, ["Shift+F8"])
        self.next_page_action = self._action("下一页", self.review.page_view.next_page, ["Alt+PgDown"])
        self.prev_page_action = self._action("上一页", self.review.page_view.previous_page, ["Alt+PgUp"])
        self.cancel_action = self._action("取消转换", self.cancel_conversion)
        self.review_tab_action = self._action("文档审阅", lambda: self.tabs.setCurrentIndex(0), ["Ctrl+1"])
        self.batch_tab_action = self._action("批量转换", lambda: self.tabs.setCurrentIndex(1), ["Ctrl+2"])
        self.about_action = self._action("关于", self.about)

        mb = self.menuBar()
        m = mb.addMenu("文件(&F)")
        m.addAction(self.open_action)
        m.addAction(self.open_folder_action)
        self.recent_menu = m.addMenu("最近打开")
        m.addSeparator()
        m.addAction(self.export_action)
        m.addAction(self.export_selected_action)
        m.addSeparator()
        m.addAction(self.quit_action)
        m = mb.addMenu("编辑(&E)")
        for a in (self.undo_action, self.redo_action, None, self.paste_action, None, self.insert_above_action,
                  self.insert_below_action, self.delete_row_action):
            m.addSeparator() if a is None else m.addAction(a)
        m = mb.addMenu("视图(&V)")
        for a in (self.raw_action, None, self.zoom_in_action, self.zoom_out_action, self.fit_width_action, None,
                  self.review_tab_action, self.batch_tab_action):
            m.addSeparator() if a is None else m.addAction(a)
        m = mb.addMenu("导航(&N)")
        for a in (self.next_table_action, self.prev_table_action, None, self.next_flag_action, self.prev_flag_action,
                  None, self.next_page_action, self.prev_page_action):
            m.addSeparator() if a is None else m.addAction(a)
        m = mb.addMenu("帮助(&H)")
        m.addAction(self.about_action)
        self._rebuild_recent_menu()

        tb = self.addToolBar("常用")
        tb.setObjectName("mainToolBar")
        tb.setMovable(False)
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for a in (self.open_action, self.export_action, None, self.undo_action, self.redo_action, None,
                  self.prev_table_action, self.next_table_action, self.next_flag_action):
            tb.addSeparator() if a is None else tb.addAction(a)

    def _rebuild_recent_menu(self):
        self.recent_menu.clear()
        files = recent_files(self.settings)
        for k, path in enumerate(files, 1):
            a = self.recent_menu.addAction(f"&{k % 10} {Path(path).name}")
            a.setToolTip(path)
            a.setStatusTip(path)
            a.setData(path)
            a.triggered.connect(self._open_recent)
        if files:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("清除列表", self._clear_recent)
        else:
            self.recent_menu.addAction("（无）").setEnabled(False)

    def _open_recent(self):
        path = self.sender().data()
        if not Path(path).exists():
            remove_recent_file(self.settings, path)
            self._rebuild_recent_menu()
            dialogs.show_error(self, "文件不存在", f"找不到文件“{Path(path).name}”：\n{path}\n\n已从最近打开列表中移除。")
            return
        self.open_paths([path])

    def _clear_recent(self):
        self.settings.setValue("recent_files", [])
        self._rebuild_recent_menu()

    def _update_actions(self):
        has = self.session is not None
        in_review = self.tabs.currentIndex() == 0
        s = self.session
        self.undo_action.setEnabled(bool(s and s.can_undo))
        self.redo_action.setEnabled(bool(s and s.can_redo))
        self.undo_action.setText(f"撤销 {s.undo_label}" if s and s.can_undo else "撤销")
        self.redo_action.setText(f"重做 {s.redo_label}" if s and s.can_redo else "重做")
        self.export_action.setEnabled((has or not in_review) and self._export_job is None)
        self.export_selected_action.setEnabled(has and in_review and self._export_job is None)
        for a in (self.paste_action, self.insert_above_action, self.insert_below_action, self.delete_row_action,
                  self.next_table_action, self.prev_table_action, self.next_flag_action, self.prev_flag_action):
            a.setEnabled(has)
        self.cancel_action.setEnabled(self._job is not None)
        if s is not None:
            flagged = sum(len(review_issues(t)) for t in s.tables)
            self.summary_label.setText(f"{s.source_name}：{len(s.tables)} 张表，" +
                                       (f"{flagged} 处待核对" if flagged else "全部通过"))
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
        self.progress.setRange(0, 0)
        self.progress_label.setText(f"正在转换 {Path(path).name}")
        self._show_progress(True)
        self.show_status(f"正在转换 {Path(path).name}…", 0)
        job.start()
        self._update_actions()

    def cancel_conversion(self, quiet: bool = False):
        if self._job is not None:
            self._job.cancel()
            self._end_preview()
            if not quiet:
                self.progress_label.setText("正在取消…")
            self._job = None
            self._show_progress(False)
            self._update_actions()

    def _show_progress(self, visible: bool):
        for w in (self.progress, self.progress_label, self.cancel_button):
            w.setVisible(visible)

    def _job_progress(self, done: int, total: int, message: str):
        if self.sender() is not self._job:
            return
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)
        self.progress.setFormat(f"{done}/{total} 页")
        self.progress_label.setText(f"{Path(self._job.path).name}：{message}")

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
        self.doc_label.setText(f"<b>{name}</b>　{doc.pages} 页，正在读取，已找到 {len(doc.tables)} 张表"
                               "（读取完成前只能查看）")
        self.doc_label.setToolTip(doc.source)
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
            self.doc_label.setText(WELCOME)
            self.doc_label.setToolTip("")
            self._update_actions()

    def _job_succeeded(self, session):
        if self.sender() is not self._job:
            return
        self._job = None
        self._preview_job = self._before_preview = None
        self._show_progress(False)
        self.show_session(session)
        add_recent_file(self.settings, str(Path(session.doc.source).resolve()))
        self._rebuild_recent_menu()

    def _job_failed(self, reason: str):
        job = self.sender()
        if job is not self._job:
            return
        self._end_preview()
        self._job = None
        self._show_progress(False)
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
            self._show_progress(False)
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
        self.doc_label.setText(f"<b>{name}</b>　{session.doc.pages} 页，找到 {len(session.tables)} 张表")
        self.doc_label.setToolTip(session.doc.source)
        notes = []
        n = session.restored.applied
        if n:
            notes.append(f"已恢复上次对本文档的 {n} 处更正（更正会自动保存）。")
        if session.restored.skipped:
            notes.append(f"{session.restored.skipped} 处更正已无法对应到表格，已跳过。")
        notes += [f"提示：{x}" for x in session.doc.notices]
        self._set_note(notes, can_discard=n > 0)
        if n:
            self.show_status(f"已恢复 {n} 处更正", 15000)
        else:
            self.show_status(f"已打开“{name}”：{len(session.tables)} 张表")
        self._update_actions()

    def _set_note(self, lines: list, can_discard: bool):
        self.note_label.setText("\n".join(lines))
        self.discard_button.setVisible(can_discard)
        self.note.setVisible(bool(lines))

    def discard_corrections(self):
        if self.session is None:
            return
        if not dialogs.ask_yes_no(self, "放弃更正", "撤销为本文档保存的全部更正，恢复为转换结果？", "放弃更正", "保留"):
            return
        n = self.session.discard_corrections()
        self._set_note([x for x in self.note_label.text().splitlines() if x.startswith("提示")], False)
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
        return dialogs.get_directory(self, "选择导出目录", start) or None

    def _snapshot(self):
        doc = copy.copy(self.session.doc)
        doc.tables = list(self.session.doc.tables)   # tables are copied on write: a consistent snapshot
        return doc

    def export_all(self, out_root=None):
        """Export every table to out_root/<file stem>/ (the CLI's layout). In the batch tab: the whole batch."""
        if self.tabs.currentIndex() == 1:
            self.batch.export_all(out_root)
            return
        if self.session is None or self._export_job is not None:
            return
        root = self._export_root(out_root)
        if not root:
            return
        self.settings.setValue("last_export_dir", root)
        doc = self._snapshot()
        self._start_export(lambda overwrite: export_document(doc, root, overwrite=overwrite), doc, root)

    def export_selected(self, out_root=None, indexes: Optional[list] = None):
        """Export the tables selected in the list to out_root/<file stem>/, named as in a full export."""
        if self.session is None or self._export_job is not None:
            return
        indexes = indexes if indexes is not None else self.review.selected_table_indexes()
        if not indexes:
            self.show_status("请先在表格列表中选择要导出的表格")
            return
        root = self._export_root(out_root)
        if not root:
            return
        self.settings.setValue("last_export_dir", root)
        doc = self._snapshot()
        tables = [(i, doc.tables[i]) for i in indexes if 0 <= i < len(doc.tables)]

        def write(overwrite: bool):
            folder = Path(root) / Path(doc.source).stem
            names = [workbook_name(i + 1, len(doc.tables), t.title) for i, t in tables]
            existing = [n for n in names if (folder / n).exists()]
            if existing and not overwrite:
                raise ExportExistsError(f"导出目录中已有同名工作簿：{'、'.join(existing[:5])}")
            folder.mkdir(parents=True, exist_ok=True)
            for name, (_, t) in zip(names, tables):
                write_table_workbook(t, folder / name, Path(doc.source).name)
            return folder
        self._start_export(write, doc, root, count=len(tables))

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

    def dragMoveEvent(self, event):
        if self._local_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

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

    def about(self):
        dialogs.show_info(self, "关于", f"{APP_NAME} {__version__}\n\n"
                                        "把政府部门预算公开 PDF 中的表格转换为标准化的 Excel 工作簿。\n"
                                        "更正会自动保存，重新打开同一文件时恢复。")
