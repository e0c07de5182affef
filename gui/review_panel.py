"""The review tab: list of tables | page of the PDF | the table in its target form (editable), its raw grid,
and the 校验 / 列映射 panel. Observes a converters.review.ReviewSession and edits it."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QCheckBox, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QSplitter, QTableView, QTabWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from converters.review import ReviewError, ReviewSession, cell_location, flagged_cells

from . import dialogs
from .check_tabs import ColumnMapping, IssueList
from .models import GridModel, RawGridModel, TableListModel
from .page_view import PageView
from .table_views import FlaggedCellDelegate, FormCombo, GridView, TableHeading, fit_columns, setup_table_view



def default_main_sizes(width: int) -> list:
    """The table list, the page and the standardized table across `width` pixels: a narrow list, the page and the
    table sharing the rest evenly (the page readable at fit-to-width: 1366 px gives it about 560)."""
    listing = max(240, min(340, round(0.2 * width)))
    page = (width - listing) // 2
    return [listing, page, width - listing - page]

class ReviewPanel(QWidget):
    status_message = Signal(str)
    history_changed = Signal()              # undo / redo availability or texts changed
    table_changed = Signal(int)             # the current table index (-1: none)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.session: Optional[ReviewSession] = None
        self.read_only = False              # a preview of a document still being read
        self._unsubscribe = None
        self._current = -1
        tables = self._build_table_list()
        self.page_view = PageView(self)
        self.right_splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.right_splitter.setObjectName("rightSplitter")
        self.right_splitter.addWidget(self._build_table_pane())
        self.right_splitter.addWidget(self._build_check_tabs())
        self.right_splitter.setStretchFactor(0, 3)
        self.right_splitter.setStretchFactor(1, 1)
        self.right_splitter.setChildrenCollapsible(False)
        self.main_splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.main_splitter.setObjectName("mainSplitter")
        self.main_splitter.addWidget(tables)
        self.main_splitter.addWidget(self.page_view)
        self.main_splitter.addWidget(self.right_splitter)
        self.main_splitter.setStretchFactor(0, 0)
        self.main_splitter.setStretchFactor(1, 1)
        self.main_splitter.setStretchFactor(2, 1)
        self.main_splitter.setSizes(default_main_sizes(1400))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.main_splitter)
        self._update_table_tools()

    def _build_table_list(self) -> QWidget:
        """Left: the document's tables."""
        self.table_model = TableListModel(self)
        self.table_list = setup_table_view(QTableView(self))
        self.table_list.setObjectName("tableList")
        self.table_list.setModel(self.table_model)
        self.table_list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table_list.verticalHeader().hide()
        hh = self.table_list.horizontalHeader()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        hh.resizeSection(1, 112)
        for c in (2, 3):
            hh.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        self.table_list.setTextElideMode(Qt.TextElideMode.ElideRight)     # titles shown without unit and year
        self.table_list.selectionModel().currentRowChanged.connect(self._table_row_changed)
        self.tables_label = QLabel("表格", self)
        self.tables_label.setObjectName("sectionLabel")
        left = QWidget(self)
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.setSpacing(2)
        lv.addWidget(self.tables_label)
        lv.addWidget(self.table_list, 1)
        return left

    def _build_table_pane(self) -> QWidget:
        """Right, top: the table's heading, its tools, the grid and the raw grid."""
        tools = self._build_tools()
        self.heading = TableHeading(self)
        top = QWidget(self)
        tv = QVBoxLayout(top)
        tv.setContentsMargins(0, 0, 0, 0)
        tv.setSpacing(3)
        tv.addWidget(self.heading)
        tv.addLayout(tools)
        tv.addWidget(self._build_grids(), 1)
        return top

    def _build_tools(self) -> QHBoxLayout:
        self.form_combo = FormCombo(self)
        self.form_combo.setObjectName("formCombo")
        self.form_combo.activated.connect(self._form_chosen)
        self.insert_button = QPushButton("插入行", self)
        self.insert_button.setToolTip("在当前行下方插入空行（Ctrl+Insert）")
        self.insert_button.clicked.connect(lambda _checked=False: self.insert_row_below())
        self.delete_button = QPushButton("删除行", self)
        self.delete_button.setToolTip("删除所选行（Ctrl+Delete）")
        self.delete_button.clicked.connect(lambda _checked=False: self.delete_rows())
        self.raw_check = QCheckBox("原始表格", self)
        self.raw_check.setToolTip("在标准表旁显示提取到的原始表格（Ctrl+R）")
        self.raw_check.toggled.connect(self.set_raw_visible)
        tools = QHBoxLayout()
        tools.setContentsMargins(0, 0, 0, 0)
        tools.addWidget(QLabel("目标表式：", self))
        tools.addWidget(self.form_combo, 1)
        tools.addSpacing(8)
        tools.addWidget(self.insert_button)
        tools.addWidget(self.delete_button)
        tools.addSpacing(8)
        tools.addWidget(self.raw_check)
        return tools

    def _build_grids(self) -> QSplitter:
        """The table in its target form (editable) beside its raw grid (hidden until asked for)."""
        self.grid_model = GridModel(self)
        self.grid_model.edit = self._edit_cell
        self.grid = setup_table_view(GridView(self))
        self.grid.setObjectName("grid")
        self.grid.setModel(self.grid_model)
        self.grid.setItemDelegate(FlaggedCellDelegate(self.grid))
        triggers = QAbstractItemView.EditTrigger
        self._edit_triggers = triggers.DoubleClicked | triggers.EditKeyPressed | triggers.AnyKeyPressed
        self.grid.setEditTriggers(self._edit_triggers)
        self.grid.selectionModel().currentChanged.connect(self._grid_current_changed)
        self.grid.clear_requested.connect(self.clear_selected_cells)
        self.grid.paste_requested.connect(self.paste_cells)
        self.raw_model = RawGridModel(self)
        self.raw_grid = setup_table_view(QTableView(self))
        self.raw_grid.setObjectName("rawGrid")
        self.raw_grid.setModel(self.raw_model)
        self.raw_grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.raw_grid.hide()
        self.grid_splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.grid_splitter.setObjectName("gridSplitter")
        self.grid_splitter.addWidget(self.grid)
        self.grid_splitter.addWidget(self.raw_grid)
        self.grid_splitter.setChildrenCollapsible(False)
        return self.grid_splitter

    def _build_check_tabs(self) -> QTabWidget:
        """Right, bottom: the 校验 and 列映射 tabs."""
        self.issue_list = IssueList(self)
        self.issue_list.itemClicked.connect(self._issue_clicked)
        self.issue_list.itemActivated.connect(self._issue_clicked)
        self.mapping = ColumnMapping(self)
        self.mapping.column_chosen.connect(self._mapping_chosen)
        self.bottom_tabs = QTabWidget(self)
        self.bottom_tabs.setObjectName("bottomTabs")
        self.bottom_tabs.addTab(self.issue_list, "校验")
        self.bottom_tabs.addTab(self.mapping, "列映射")
        return self.bottom_tabs

    # ------------------------------------------------------------------ session
    def set_session(self, session: Optional[ReviewSession], read_only: bool = False):
        """Review `session`; `read_only`: a preview of a document still being read (nothing can be edited).
        The same document again (the next preview, or the converted document after its previews) keeps the
        table and the position shown."""
        if self._unsubscribe:
            self._unsubscribe()
            self._unsubscribe = None
        same = (session is not None and self.session is not None
                and self.session.doc.source == session.doc.source)
        keep, scroll = (self._current, self.grid.verticalScrollBar().value()) if same else (0, 0)
        self.session = session
        self.read_only = read_only
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers if read_only else self._edit_triggers)
        self._current = -1
        if not same:
            self.page_view.set_document(session.doc.source if session else None, session.doc.pages if session else 0)
        self.table_model.set_tables(session.tables if session else [])
        self._update_tables_label()
        if session is not None:
            if not read_only:
                self._unsubscribe = session.subscribe(self._on_change)
            if session.tables:
                self.select_table(min(max(keep, 0), len(session.tables) - 1))
                self.grid.verticalScrollBar().setValue(scroll)
        if self._current < 0:
            self._show_table(-1)
        self.history_changed.emit()

    @property
    def current_table_index(self) -> int:
        return self._current

    @property
    def current_table(self):
        if self.session is None or not 0 <= self._current < len(self.session.tables):
            return None
        return self.session.tables[self._current]

    def selected_table_indexes(self) -> list:
        rows = sorted({i.row() for i in self.table_list.selectionModel().selectedRows()})
        if not rows and self._current >= 0:
            rows = [self._current]
        return rows

    # ------------------------------------------------------------------ navigation
    def select_table(self, index: int):
        if self.session is None or not 0 <= index < len(self.session.tables):
            return
        sm = self.table_list.selectionModel()
        idx = self.table_model.index(index, 0)
        flags = QItemSelectionModel.SelectionFlag
        sm.setCurrentIndex(idx, flags.ClearAndSelect | flags.Rows)
        self.table_list.scrollTo(idx)
        if self._current != index:          # currentRowChanged did not fire (same row, new model)
            self._show_table(index)

    def next_table(self):
        if self.session and self._current + 1 < len(self.session.tables):
            self.select_table(self._current + 1)

    def previous_table(self):
        if self.session and self._current > 0:
            self.select_table(self._current - 1)

    def select_cell(self, row: int, col: Optional[int], focus: bool = True):
        if self.grid_model.table is None or not 0 <= row < self.grid_model.rowCount():
            return
        col = 0 if col is None or not 0 <= col < self.grid_model.columnCount() else col
        idx = self.grid_model.index(row, col)
        self.grid.selectionModel().setCurrentIndex(idx, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.grid.scrollTo(idx, QAbstractItemView.ScrollHint.EnsureVisible)
        if focus:
            self.grid.setFocus()
        self._show_cell_source(row, col)

    def current_cell(self) -> tuple:
        idx = self.grid.currentIndex()
        return (idx.row(), idx.column()) if idx.isValid() else (-1, -1)

    def next_flagged(self, forward: bool = True) -> bool:
        cells = flagged_cells(self.session.tables) if self.session is not None else []
        if not cells:
            self.status_message.emit("没有待核对的单元格")
            return False
        r, c = self.current_cell()
        here = (self._current, r, c)
        if forward:
            target = next((x for x in cells if x > here), cells[0])
        else:
            target = next((x for x in reversed(cells) if x < here), cells[-1])
        if target[0] != self._current:
            self.select_table(target[0])
        self.select_cell(target[1], target[2])
        issues = self.grid_model.issues_at(target[1], target[2])
        if issues:
            self.status_message.emit(issues[0].message)
        return True

    # ------------------------------------------------------------------ showing a table
    def _table_row_changed(self, current: QModelIndex, _previous: QModelIndex):
        if current.isValid() and current.row() != self._current:
            self._show_table(current.row())

    def _show_table(self, index: int):
        self._current = index
        t = self.current_table
        self.grid_model.set_table(t)
        self.raw_model.set_table(t)
        fit_columns(self.grid, 64)
        fit_columns(self.raw_grid, 48)
        self._refresh_table_widgets()
        if t is not None:
            self.page_view.show_table(t.regions, t.pages)
        self.table_changed.emit(index)

    def _refresh_table_widgets(self):
        t = self.current_table
        self.form_combo.show_form(t.form if t is not None else None)
        self.heading.show_table(t)
        self._refresh_issues()
        self._refresh_mapping()
        self._update_table_tools()

    def _update_table_tools(self):
        has = self.current_table is not None and not self.read_only
        self.form_combo.setEnabled(has and self.current_table.raw is not None)
        self.insert_button.setEnabled(has and bool(self.current_table.columns))
        self.delete_button.setEnabled(has and bool(self.current_table.rows))

    def _update_tables_label(self):
        if self.session is None:
            self.tables_label.setText("表格")
            return
        n = len(self.session.tables)
        if self.read_only:
            self.tables_label.setText(f"表格（已找到 {n} 张，仍在读取…）")
            return
        flagged = sum(1 for t in self.session.tables for i in t.issues if i.severity in ("error", "warning"))
        self.tables_label.setText(f"表格（{n} 张" + (f"，{flagged} 处待核对）" if flagged else "）"))

    def _refresh_issues(self):
        self.bottom_tabs.setTabText(0, self.issue_list.show_issues(self.current_table))

    def _refresh_mapping(self):
        title = self.mapping.show_mapping(self.current_table, self.read_only)
        if title is not None:
            self.bottom_tabs.setTabText(1, title)

    def _show_cell_source(self, row: int, col: int):
        t = self.current_table
        if t is None:
            return
        where = cell_location(t, row, col)
        if where is not None:
            self.page_view.show_cell(*where)

    def _grid_current_changed(self, current: QModelIndex, _previous: QModelIndex):
        if current.isValid():
            self._show_cell_source(current.row(), current.column())

    def _issue_clicked(self, item: QTreeWidgetItem, _column: int = 0):
        row, col = item.data(0, Qt.ItemDataRole.UserRole) or (None, None)
        t = self.current_table
        if row is not None:
            self.select_cell(row, col, focus=False)
        if t is not None and (row is None or cell_location(t, row, col or 0) is None):
            self.page_view.show_table(t.regions, t.pages)       # a table's issue, or a row read from nowhere

    # ------------------------------------------------------------------ raw grid
    def set_raw_visible(self, visible: bool):
        if self.raw_check.isChecked() != visible:
            self.raw_check.setChecked(visible)          # re-enters via toggled
            return
        self.raw_grid.setVisible(visible)
        if visible and sum(self.grid_splitter.sizes()) > 0 and min(self.grid_splitter.sizes()) < 40:
            total = sum(self.grid_splitter.sizes())
            self.grid_splitter.setSizes([total // 2, total - total // 2])

    @property
    def raw_visible(self) -> bool:
        return self.raw_check.isChecked()

    # ------------------------------------------------------------------ edits
    def _run(self, fn, *args):
        if self.session is None or self.read_only:
            return False
        try:
            return fn(*args)
        except ReviewError as e:
            self.status_message.emit(str(e))
            return False

    def _edit_cell(self, row: int, col: int, text):
        self._run(self.session.set_cell, self._current, row, col, text)

    def clear_selected_cells(self):
        if self.current_table is None:
            return
        cells = [(i.row(), i.column(), None) for i in sorted(self.grid.selectionModel().selectedIndexes(),
                                                             key=lambda i: (i.row(), i.column()))]
        self._run(self.session.set_cells, self._current, cells, "清除单元格")

    def paste_cells(self, text: Optional[str] = None) -> int:
        """Paste tab-separated text (copied from Excel or from this grid; default: the clipboard) at the current
        cell, as one correction; one value fills every selected cell. Returns the number of cells changed."""
        t = self.current_table
        if t is None or self.read_only:
            return 0
        cells = self.grid.paste_targets(QApplication.clipboard().text() if text is None else text)
        if not cells:
            return 0
        inside = [(r, c, v.strip() or None) for r, c, v in cells if r < len(t.rows) and c < len(t.columns)]
        n = self._run(self.session.set_cells, self._current, inside, "粘贴") or 0
        cut = len(cells) - len(inside)
        self.status_message.emit(f"已粘贴 {n} 个单元格" + (f"；{cut} 个超出表格范围，未粘贴（可先插入行）" if cut else ""))
        return n

    def insert_row_below(self):
        self._insert_row(below=True)

    def insert_row_above(self):
        self._insert_row(below=False)

    def _insert_row(self, below: bool):
        t = self.current_table
        if t is None:
            return
        r, c = self.current_cell()
        at = (r + 1 if r >= 0 else len(t.rows)) if below else max(r, 0)
        if self._run(self.session.insert_row, self._current, at) is not False:
            self.select_cell(at, max(c, 0))

    def delete_rows(self):
        t = self.current_table
        if t is None or not t.rows:
            return
        rows = sorted({i.row() for i in self.grid.selectionModel().selectedIndexes()}, reverse=True)
        if not rows:
            r, _ = self.current_cell()
            rows = [r] if r >= 0 else []
        if not rows:
            self.status_message.emit("请先选择要删除的行")
            return
        for r in rows:
            self._run(self.session.delete_row, self._current, r)
        if self.current_table is not None and self.current_table.rows:
            self.select_cell(min(rows[-1], len(self.current_table.rows) - 1), 0)

    def _rebuild_confirmed(self, what: str) -> bool:
        """Ask before a form change or column mapping replaces the corrections made to the table's cells."""
        n = self.session.edits_since_rebuild(self._current)
        return not n or dialogs.ask_yes_no(
            self, what, f"{what}会按原始表格重新整理本表，本表已做的 {n} 处修改将被替换（撤销可恢复）。继续吗？",
            yes="继续", no="取消")

    def _form_chosen(self, combo_index: int):
        form_id = self.form_combo.itemData(combo_index)
        if self.current_table is None or form_id == self.current_table.form:
            return
        if not self._rebuild_confirmed("更改表式"):
            self._refresh_table_widgets()
            return
        if self._run(self.session.set_form, self._current, form_id):
            self.status_message.emit(f"已将本表的目标表式改为“{self.form_combo.itemText(combo_index)}”（可撤销）")
        else:
            self._refresh_table_widgets()

    def set_form(self, form_id: str) -> bool:
        """Programmatic form change (same as choosing it in the drop-down)."""
        k = self.form_combo.findData(form_id)
        if k < 0:
            return False
        self.form_combo.setCurrentIndex(k)
        self._form_chosen(k)
        return True

    def _mapping_chosen(self, source: int, column):
        if self.current_table is not None:
            self.map_column(source, column)

    def map_column(self, source: int, column: Optional[str]) -> bool:
        if self.current_table is not None and not self._rebuild_confirmed("指定列"):
            self._refresh_mapping()
            return False
        ok = self._run(self.session.map_column, self._current, source, column)
        if not ok:
            self._refresh_mapping()
        return bool(ok)

    # ------------------------------------------------------------------ session changes
    def _on_change(self, ch):
        session = self.session
        if session is None:
            return
        tables = session.tables
        cur = self._current
        affected = range(ch.start, ch.start + len(ch.old))
        if ch.kind == "reset":
            self.table_model.set_tables(tables)
            self._current = -1
            self.select_table(min(max(cur, 0), len(tables) - 1))
        elif ch.kind == "tables":
            self.table_model.refresh(tables)
            if cur in affected:
                self._current = -1
                self.select_table(min(ch.start, len(tables) - 1))
            else:
                if cur >= ch.start + len(ch.old):
                    cur += len(ch.new) - len(ch.old)
                self._current = -1
                self.select_table(cur)
        else:
            self.table_model.refresh(tables)
            target = ch.start
            if ch.origin in ("undo", "redo") and target != cur:
                self.select_table(target)                  # show what the undo / redo changed
            elif target == cur:
                new = tables[cur]
                if ch.kind == "cell":
                    self.grid_model.replace(new)
                elif ch.kind == "rows_inserted":
                    self.grid_model.rows_inserted(new, ch.row, ch.count)
                elif ch.kind == "rows_removed":
                    self.grid_model.rows_removed(new, ch.row, ch.count)
                self.raw_model.table = new
                self._refresh_table_widgets()
            if ch.origin in ("undo", "redo") and ch.row is not None and ch.kind != "rows_removed":
                self.select_cell(ch.row, ch.col, focus=False)
        if ch.kind not in ("reset", "tables") and ch.start != self._current and self.current_table is not None:
            self.grid_model.replace(self.current_table)     # cross-table checks may have changed its flags
            self._refresh_issues()
        self._update_tables_label()
        if session.save_error:
            self.status_message.emit(session.save_error)
        self.history_changed.emit()
