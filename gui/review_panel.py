"""The review tab: list of tables | page of the PDF | the table in its target form (editable), its raw grid,
and the 校验 / 列映射 panel. Observes a converters.review.ReviewSession and edits it."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QKeySequence, QPen
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QCheckBox, QComboBox, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QSizePolicy, QSplitter, QStyle, QStyledItemDelegate, QTableView,
                               QTableWidget, QTableWidgetItem, QTabWidget, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
                               QWidget)

from converters.output.workbook import page_span
from converters.catalogue import catalogue
from converters.review import ReviewError, ReviewSession, form_choices

from . import dialogs
from .models import GridModel, RawGridModel, TableListModel
from .page_view import PageView
from .style import CELL_COLORS, SEVERITY_LABELS, SEVERITY_RANK, SEVERITY_TEXT

NOT_EXPORTED = "（不导出）"


class GridView(QTableView):
    """The editable grid: Delete / Backspace clears the selected cells, Ctrl+C copies them (tab-separated),
    Ctrl+V pastes (see ReviewPanel.paste_cells)."""

    clear_requested = Signal()
    paste_requested = Signal()

    def copy_selection(self) -> str:
        indexes = self.selectionModel().selectedIndexes()
        if not indexes:
            return ""
        rows = sorted({i.row() for i in indexes})
        cols = sorted({i.column() for i in indexes})
        chosen = {(i.row(), i.column()) for i in indexes}
        model = self.model()
        lines = []
        for r in rows:
            cells = [(model.data(model.index(r, c), Qt.ItemDataRole.EditRole) or "") if (r, c) in chosen else ""
                     for c in cols]
            lines.append("\t".join(str(x).replace("\t", " ").replace("\n", " ") for x in cells))
        text = "\n".join(lines)
        QApplication.clipboard().setText(text)
        return text

    def keyPressEvent(self, event):
        if event.matches(QKeySequence.StandardKey.Copy) and self.state() != QAbstractItemView.State.EditingState:
            self.copy_selection()
            event.accept()
            return
        if event.matches(QKeySequence.StandardKey.Paste) and self.state() != QAbstractItemView.State.EditingState:
            self.paste_requested.emit()
            event.accept()
            return
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and \
                self.state() != QAbstractItemView.State.EditingState and not event.modifiers():
            self.clear_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class FlaggedCellDelegate(QStyledItemDelegate):
    """A selected cell keeps showing that it is flagged: the selection colour hides the cell's severity colour,
    so a frame in that colour is drawn inside it."""

    FRAME = {CELL_COLORS[k].name(): SEVERITY_TEXT[k] for k in CELL_COLORS}

    def paint(self, painter, option, index):
        super().paint(painter, option, index)
        brush = index.data(Qt.ItemDataRole.BackgroundRole)
        if option.state & QStyle.StateFlag.State_Selected and isinstance(brush, QBrush):
            painter.save()
            painter.setPen(QPen(self.FRAME.get(brush.color().name(), brush.color().darker(150)), 2))
            painter.drawRect(option.rect.adjusted(2, 2, -2, -2))
            painter.restore()


def _table_view(view: QTableView, stretch_last=False):
    view.setAlternatingRowColors(False)
    view.setWordWrap(False)
    view.verticalHeader().setDefaultSectionSize(24)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.horizontalHeader().setStretchLastSection(stretch_last)
    view.horizontalHeader().setHighlightSections(False)
    view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    return view


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

        # ---- left: tables
        self.table_model = TableListModel(self)
        self.table_list = _table_view(QTableView(self))
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
        self.table_list.setWordWrap(False)
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

        # ---- middle: the page
        self.page_view = PageView(self)

        # ---- right: the table
        self.form_combo = QComboBox(self)
        self.form_combo.setObjectName("formCombo")
        self.form_combo.setToolTip("本表对应的标准表式；未识别的表格可在此指定")
        for form_id, name in form_choices():
            self.form_combo.addItem(name, form_id)
        for form in catalogue().forms:              # shown for their tables, never assigned: they have own readers
            if form.reader:
                self.form_combo.addItem(form.name, form.id)
                self.form_combo.model().item(self.form_combo.count() - 1).setEnabled(False)
        self.form_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.form_combo.setMinimumContentsLength(8)
        self.form_combo.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.form_combo.view().setMinimumWidth(self.form_combo.view().sizeHintForColumn(0) + 24)
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
        self.title_label = QLabel("", self)
        self.title_label.setObjectName("tableTitle")
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.title_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.meta_label = QLabel("", self)
        self.meta_label.setObjectName("tableMeta")
        self.meta_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self.grid_model = GridModel(self)
        self.grid_model.edit = self._edit_cell
        self.grid = _table_view(GridView(self))
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
        self.raw_grid = _table_view(QTableView(self))
        self.raw_grid.setObjectName("rawGrid")
        self.raw_grid.setModel(self.raw_model)
        self.raw_grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.raw_grid.hide()
        self.grid_splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.grid_splitter.setObjectName("gridSplitter")
        self.grid_splitter.addWidget(self.grid)
        self.grid_splitter.addWidget(self.raw_grid)
        self.grid_splitter.setChildrenCollapsible(False)

        self.issue_list = QTreeWidget(self)
        self.issue_list.setObjectName("issueList")
        self.issue_list.setHeaderLabels(["级别", "位置", "说明"])
        self.issue_list.setRootIsDecorated(False)
        self.issue_list.setUniformRowHeights(True)
        self.issue_list.setWordWrap(False)
        self.issue_list.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.issue_list.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.issue_list.header().setStretchLastSection(True)
        self.issue_list.itemClicked.connect(self._issue_clicked)
        self.issue_list.itemActivated.connect(self._issue_clicked)
        self.mapping = QTableWidget(0, 3, self)
        self.mapping.setObjectName("mappingTable")
        self.mapping.setHorizontalHeaderLabels(["源列", "源表头", "对应标准列"])
        self.mapping.verticalHeader().hide()
        self.mapping.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.mapping.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.mapping.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.mapping.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.bottom_tabs = QTabWidget(self)
        self.bottom_tabs.setObjectName("bottomTabs")
        self.bottom_tabs.addTab(self.issue_list, "校验")
        self.bottom_tabs.addTab(self.mapping, "列映射")

        tools = QHBoxLayout()
        tools.setContentsMargins(0, 0, 0, 0)
        tools.addWidget(QLabel("目标表式：", self))
        tools.addWidget(self.form_combo, 1)
        tools.addSpacing(8)
        tools.addWidget(self.insert_button)
        tools.addWidget(self.delete_button)
        tools.addSpacing(8)
        tools.addWidget(self.raw_check)
        top = QWidget(self)
        tv = QVBoxLayout(top)
        tv.setContentsMargins(0, 0, 0, 0)
        tv.setSpacing(3)
        tv.addWidget(self.title_label)
        tv.addWidget(self.meta_label)
        tv.addLayout(tools)
        tv.addWidget(self.grid_splitter, 1)
        self.right_splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.right_splitter.setObjectName("rightSplitter")
        self.right_splitter.addWidget(top)
        self.right_splitter.addWidget(self.bottom_tabs)
        self.right_splitter.setStretchFactor(0, 3)
        self.right_splitter.setStretchFactor(1, 1)
        self.right_splitter.setChildrenCollapsible(False)

        self.main_splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.main_splitter.setObjectName("mainSplitter")
        self.main_splitter.addWidget(left)
        self.main_splitter.addWidget(self.page_view)
        self.main_splitter.addWidget(self.right_splitter)
        self.main_splitter.setStretchFactor(0, 0)
        self.main_splitter.setStretchFactor(1, 2)
        self.main_splitter.setStretchFactor(2, 3)
        self.main_splitter.setSizes([340, 390, 670])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.main_splitter)
        self._update_table_tools()

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
            self.page_view.set_document(session.doc.source if session else None)
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

    def flagged_cells(self) -> list:
        """[(table, row, col)] of the cells errors and warnings point at, in reading order."""
        out = []
        if self.session is None:
            return out
        for ti, t in enumerate(self.session.tables):
            cells = {(i.row, i.col if i.col is not None else 0) for i in t.issues
                     if i.row is not None and i.severity in ("error", "warning") and 0 <= i.row < len(t.rows)}
            out += [(ti, r, c) for r, c in sorted(cells)]
        return out

    def next_flagged(self, forward: bool = True) -> bool:
        cells = self.flagged_cells()
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
        self._fit_columns()
        self._refresh_table_widgets()
        if t is not None:
            self.page_view.show_table(t.regions, t.pages)
        self.table_changed.emit(index)

    def _fit_columns(self):
        self.grid.resizeColumnsToContents()
        for c in range(self.grid_model.columnCount()):
            self.grid.setColumnWidth(c, max(64, min(self.grid.columnWidth(c) + 8, 240)))
        self.raw_grid.resizeColumnsToContents()
        for c in range(self.raw_model.columnCount()):
            self.raw_grid.setColumnWidth(c, max(48, min(self.raw_grid.columnWidth(c) + 8, 240)))

    def _refresh_table_widgets(self):
        t = self.current_table
        self.form_combo.blockSignals(True)
        if t is not None:
            k = self.form_combo.findData(t.form)
            self.form_combo.setCurrentIndex(k if k >= 0 else 0)
        else:
            self.form_combo.setCurrentIndex(-1)
        self.form_combo.blockSignals(False)
        if t is None:
            self.title_label.setText("")
            self.meta_label.setText("")
        else:
            self.title_label.setText(f"<b>{t.title}</b>")
            self.title_label.setToolTip(t.title)
            meta = [f"单位：{t.unit_name}" if t.unit_name else None, f"年度：{t.year}" if t.year else None,
                    f"金额单位：{t.money_unit}" if t.money_unit else None,
                    f"第 {page_span(t.pages)} 页" if t.pages else None,
                    f"{len(t.rows)} 行" if not t.empty else "空表（原表无数据）"]
            self.meta_label.setText("    ".join(m for m in meta if m))
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
        t = self.current_table
        self.issue_list.clear()
        issues = [] if t is None else sorted(
            t.issues, key=lambda i: (SEVERITY_RANK.get(i.severity, 3), i.row if i.row is not None else -1,
                                     i.col if i.col is not None else -1))
        for issue in issues:
            if issue.row is None:
                where = "整表"
            else:
                where = f"第 {issue.row + 1} 行"
                if issue.col is not None and t and 0 <= issue.col < len(t.columns):
                    where += f" · {t.columns[issue.col]}"
            item = QTreeWidgetItem([SEVERITY_LABELS.get(issue.severity, issue.severity), where, issue.message])
            item.setData(0, Qt.ItemDataRole.UserRole, (issue.row, issue.col))
            item.setToolTip(2, issue.message)
            item.setForeground(0, QBrush(SEVERITY_TEXT.get(issue.severity, SEVERITY_TEXT["info"])))
            item.setBackground(0, QBrush(CELL_COLORS.get(issue.severity, CELL_COLORS["info"])))
            self.issue_list.addTopLevelItem(item)
        if t is not None and not issues:
            item = QTreeWidgetItem(["", "", "本表未发现问题"])
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.issue_list.addTopLevelItem(item)
        n = sum(1 for i in issues if i.severity in ("error", "warning"))
        if n:
            self.bottom_tabs.setTabText(0, f"校验（{n} 处待核对）")
        else:
            self.bottom_tabs.setTabText(0, f"校验（{len(issues)} 条提示）" if issues else "校验（通过）")

    def _refresh_mapping(self):
        t = self.current_table
        self.mapping.setRowCount(0)
        form = catalogue().get(t.form) if t is not None else None
        if t is None:
            return
        unmapped = 0
        self.mapping.setRowCount(len(t.source_columns))
        for k, (header, canonical) in enumerate(t.source_columns):
            self.mapping.setItem(k, 0, QTableWidgetItem(str(k + 1)))
            self.mapping.setItem(k, 1, QTableWidgetItem(header or "（无表头）"))
            self.mapping.item(k, 1).setToolTip(header or "")
            if form is None:
                self.mapping.setItem(k, 2, QTableWidgetItem("（先选择目标表式）"))
                continue
            combo = QComboBox(self.mapping)
            combo.addItem(NOT_EXPORTED, None)
            for name in form.column_names:
                combo.addItem(name, name)
            combo.setCurrentIndex(max(0, combo.findData(canonical)) if canonical else 0)
            combo.setEnabled(t.raw is not None and not self.read_only)
            combo.setProperty("source_index", k)
            combo.activated.connect(self._mapping_chosen)
            self.mapping.setCellWidget(k, 2, combo)
            if canonical is None:
                unmapped += 1
                self.mapping.item(k, 1).setBackground(QBrush(CELL_COLORS["warning"]))
        self.bottom_tabs.setTabText(1, f"列映射（{unmapped} 列未对应）" if unmapped else "列映射")

    def _show_cell_source(self, row: int, col: int):
        t = self.current_table
        if t is None:
            return
        src = t.sources[row][col] if row < len(t.sources) and col < len(t.sources[row]) else None
        if src is not None:
            self.page_view.show_cell(src.page, src.bbox)

    def _grid_current_changed(self, current: QModelIndex, _previous: QModelIndex):
        if current.isValid():
            self._show_cell_source(current.row(), current.column())

    def _issue_clicked(self, item: QTreeWidgetItem, _column: int = 0):
        row, col = item.data(0, Qt.ItemDataRole.UserRole) or (None, None)
        if row is None:
            t = self.current_table
            if t is not None:
                self.page_view.show_table(t.regions, t.pages)
            return
        self.select_cell(row, col, focus=False)

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
        text = QApplication.clipboard().text() if text is None else text
        block = [line.split("\t") for line in text.replace("\r\n", "\n").rstrip("\n").split("\n")] if text else []
        if not block:
            return 0
        selected = self.grid.selectionModel().selectedIndexes()
        if len(block) == 1 and len(block[0]) == 1 and len(selected) > 1:
            cells = [(i.row(), i.column(), block[0][0]) for i in selected]
        else:
            r0, c0 = (max(0, k) for k in self.current_cell())
            cells = [(r0 + i, c0 + j, v) for i, line in enumerate(block) for j, v in enumerate(line)]
        inside = [(r, c, v.strip() or None) for r, c, v in cells if r < len(t.rows) and c < len(t.columns)]
        n = self._run(self.session.set_cells, self._current, inside, "粘贴") or 0
        cut = len(cells) - len(inside)
        self.status_message.emit(f"已粘贴 {n} 个单元格" + (f"；{cut} 个超出表格范围，未粘贴（可先插入行）" if cut else ""))
        return n

    def insert_row_below(self):
        t = self.current_table
        if t is None:
            return
        r, c = self.current_cell()
        at = r + 1 if r >= 0 else len(t.rows)
        if self._run(self.session.insert_row, self._current, at) is not False:
            self.select_cell(at, max(c, 0))

    def insert_row_above(self):
        t = self.current_table
        if t is None:
            return
        r, c = self.current_cell()
        at = max(r, 0)
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

    def _mapping_chosen(self, combo_index: int):
        combo = self.sender()
        if combo is None or self.current_table is None:
            return
        k = combo.property("source_index")
        self.map_column(int(k), combo.itemData(combo_index))

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
