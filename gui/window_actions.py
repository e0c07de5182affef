"""The main window's actions (with their shortcuts), its menus and tool bar, and the 最近打开 menu.

`create_actions(window)` makes each action an attribute of the window (`window.open_action` …) and connects
it to the window's or the review panel's method."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QStyle

from . import dialogs
from .settings import recent_files, remove_recent_file


class RecentMenu(QMenu):
    """The files opened last, newest first; a file that is gone is dropped from the list when chosen."""

    open_requested = Signal(str)

    def __init__(self, title: str, settings, parent):
        super().__init__(title, parent)
        self.settings = settings
        self.rebuild()

    def rebuild(self):
        self.clear()
        files = recent_files(self.settings)
        for k, path in enumerate(files, 1):
            a = self.addAction(f"&{k % 10} {Path(path).name}")
            a.setToolTip(path)
            a.setStatusTip(path)
            a.setData(path)
            a.triggered.connect(self._chosen)
        if files:
            self.addSeparator()
            self.addAction("清除列表", self._clear)
        else:
            self.addAction("（无）").setEnabled(False)

    def _chosen(self):
        path = self.sender().data()
        if not Path(path).exists():
            remove_recent_file(self.settings, path)
            self.rebuild()
            dialogs.show_error(self.parentWidget(), "文件不存在",
                               f"找不到文件“{Path(path).name}”：\n{path}\n\n已从最近打开列表中移除。")
            return
        self.open_requested.emit(path)

    def _clear(self):
        self.settings.setValue("recent_files", [])
        self.rebuild()


def _action(window: QMainWindow, text, slot, shortcuts=(), tip=None, checkable=False, icon=None) -> QAction:
    a = QAction(text, window)
    if shortcuts:
        a.setShortcuts([QKeySequence(s) for s in shortcuts])
    if tip:
        a.setStatusTip(tip)
        a.setToolTip(tip)
    if icon is not None:
        a.setIcon(window.style().standardIcon(icon))
    a.setCheckable(checkable)
    if checkable:
        a.triggered.connect(slot)
    else:                               # triggered(bool) must not reach slots with optional arguments
        a.triggered.connect(lambda _checked=False, f=slot: f())
    a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    window.addAction(a)
    return a


def create_actions(w: QMainWindow):
    """The actions of the main window `w` (a MainWindow), its menu bar and its tool bar."""
    SP = QStyle.StandardPixmap
    review, page = w.review, w.review.page_view
    w.open_action = _action(w, "打开…", w.choose_files, [QKeySequence.StandardKey.Open], "打开 PDF 文件",
                            icon=SP.SP_DialogOpenButton)
    w.open_folder_action = _action(w, "打开文件夹…", w.choose_folder, ["Ctrl+Shift+O"], "批量转换文件夹中的全部 PDF")
    w.export_action = _action(w, "导出全部表格…", w.export_all, ["Ctrl+E"], "把全部表格导出为 Excel 工作簿",
                              icon=SP.SP_DialogSaveButton)
    w.export_selected_action = _action(w, "导出所选表格…", w.export_selected, ["Ctrl+Shift+E"],
                                       "只导出表格列表中选中的表格")
    w.quit_action = _action(w, "退出", w.close, [QKeySequence.StandardKey.Quit])
    w.undo_action = _action(w, "撤销", w.undo, ["Ctrl+Z"], icon=SP.SP_ArrowBack)
    w.redo_action = _action(w, "重做", w.redo, ["Ctrl+Y", "Ctrl+Shift+Z"], icon=SP.SP_ArrowForward)
    w.insert_above_action = _action(w, "在上方插入行", review.insert_row_above, ["Ctrl+Shift+Insert"])
    w.insert_below_action = _action(w, "在下方插入行", review.insert_row_below, ["Ctrl+Insert"])
    w.delete_row_action = _action(w, "删除行", review.delete_rows, ["Ctrl+Delete"])
    # Ctrl+V itself is the grid's (a window-wide shortcut would take it from the cell editors)
    w.paste_action = _action(w, "粘贴到表格\tCtrl+V", review.paste_cells, tip=(
        "把复制的单元格（如从 Excel 复制的区域）粘贴到当前单元格起的位置；一个值时填入全部选中的单元格"))
    w.raw_action = _action(w, "显示原始表格", review.set_raw_visible, ["Ctrl+R"], checkable=True)
    review.raw_check.toggled.connect(w.raw_action.setChecked)
    w.zoom_in_action = _action(w, "放大页面", page.zoom_in, ["Ctrl++", "Ctrl+="])
    w.zoom_out_action = _action(w, "缩小页面", page.zoom_out, ["Ctrl+-"])
    w.fit_width_action = _action(w, "页面适合宽度", page.fit_width, ["Ctrl+0"])
    w.next_table_action = _action(w, "下一张表", review.next_table, ["Ctrl+PgDown", "Alt+Down"])
    w.prev_table_action = _action(w, "上一张表", review.previous_table, ["Ctrl+PgUp", "Alt+Up"])
    w.next_flag_action = _action(w, "下一处待核对", w.next_flagged, ["F8"])
    w.prev_flag_action = _action(w, "上一处待核对", w.previous_flagged, ["Shift+F8"])
    w.next_page_action = _action(w, "下一页", page.next_page, ["Alt+PgDown"])
    w.prev_page_action = _action(w, "上一页", page.previous_page, ["Alt+PgUp"])
    w.cancel_action = _action(w, "取消转换", w.cancel_conversion)
    w.review_tab_action = _action(w, "文档审阅", lambda: w.tabs.setCurrentIndex(0), ["Ctrl+1"])
    w.batch_tab_action = _action(w, "批量转换", lambda: w.tabs.setCurrentIndex(1), ["Ctrl+2"])
    w.about_action = _action(w, "关于", w.about)
    w.save_template_action = _action(w, "保存为模板…", w.save_template, tip=(
        "把当前表格的表式与列映射保存为模板：以后同样标题或表头的表格自动识别"))
    w.import_template_action = _action(w, "导入模板…", w.import_template)
    w.export_template_action = _action(w, "导出模板…", w.export_templates, tip="把已保存的模板导出为一个文件，供他人导入")

    mb = w.menuBar()
    m = mb.addMenu("文件(&F)")
    m.addAction(w.open_action)
    m.addAction(w.open_folder_action)
    w.recent_menu = RecentMenu("最近打开", w.settings, w)
    m.addMenu(w.recent_menu)
    m.addSeparator()
    m.addAction(w.export_action)
    m.addAction(w.export_selected_action)
    m.addSeparator()
    m.addAction(w.import_template_action)
    m.addAction(w.export_template_action)
    m.addSeparator()
    m.addAction(w.quit_action)
    _add(mb.addMenu("编辑(&E)"), w.undo_action, w.redo_action, None, w.paste_action, None, w.insert_above_action,
         w.insert_below_action, w.delete_row_action, None, w.save_template_action)
    _add(mb.addMenu("视图(&V)"), w.raw_action, None, w.zoom_in_action, w.zoom_out_action, w.fit_width_action, None,
         w.review_tab_action, w.batch_tab_action)
    _add(mb.addMenu("导航(&N)"), w.next_table_action, w.prev_table_action, None, w.next_flag_action,
         w.prev_flag_action, None, w.next_page_action, w.prev_page_action)
    _add(mb.addMenu("帮助(&H)"), w.about_action)

    tb = w.addToolBar("常用")
    tb.setObjectName("mainToolBar")
    tb.setMovable(False)
    tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    _add(tb, w.open_action, w.export_action, None, w.undo_action, w.redo_action, None, w.prev_table_action,
         w.next_table_action, w.next_flag_action)


def update_actions(w: QMainWindow, converting: bool, exporting: bool):
    """Enable the actions of `w` that apply now; undo / redo name what they would undo / redo."""
    s = w.session
    has, in_review = s is not None, w.tabs.currentIndex() == 0
    w.undo_action.setEnabled(bool(s and s.can_undo))
    w.redo_action.setEnabled(bool(s and s.can_redo))
    w.undo_action.setText(f"撤销 {s.undo_label}" if s and s.can_undo else "撤销")
    w.redo_action.setText(f"重做 {s.redo_label}" if s and s.can_redo else "重做")
    w.export_action.setEnabled((has or not in_review) and not exporting)
    w.export_selected_action.setEnabled(has and in_review and not exporting)
    for a in (w.paste_action, w.insert_above_action, w.insert_below_action, w.delete_row_action, w.save_template_action,
              w.next_table_action, w.prev_table_action, w.next_flag_action, w.prev_flag_action):
        a.setEnabled(has)
    w.cancel_action.setEnabled(converting)


def _add(bar, *actions):
    """Add `actions` to a menu or tool bar, a separator for each None."""
    for a in actions:
        bar.addSeparator() if a is None else bar.addAction(a)
