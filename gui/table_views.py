"""The views of the review tab's table pane: the table's heading, the drop-down of target forms, the editable grid
(copy, paste, clear) and the delegate that keeps a selected flagged cell's colour visible."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QKeySequence, QPen
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QComboBox, QHeaderView, QLabel, QSizePolicy, QStyle,
                               QStyledItemDelegate, QTableView, QVBoxLayout, QWidget)

from converters.catalogue import catalogue
from converters.model import Table, spreadsheet_safe, unescape_spreadsheet_safe
from converters.output.workbook import page_span
from converters.review import form_choices

from .style import CELL_COLORS, SEVERITY_TEXT


def setup_table_view(view: QTableView, stretch_last=False) -> QTableView:
    """The look every table view of the review tab shares: fixed row height, no wrapping, smooth scrolling."""
    view.setAlternatingRowColors(False)
    view.setWordWrap(False)
    view.verticalHeader().setDefaultSectionSize(24)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.horizontalHeader().setStretchLastSection(stretch_last)
    view.horizontalHeader().setHighlightSections(False)
    view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    return view


def fit_columns(view: QTableView, narrowest: int) -> None:
    """Columns as wide as their contents, between `narrowest` and 240 pixels."""
    view.resizeColumnsToContents()
    for c in range(view.model().columnCount()):
        view.setColumnWidth(c, max(narrowest, min(view.columnWidth(c) + 8, 240)))


class TableHeading(QWidget):
    """The table's title and, under it, its unit, year, money unit, pages and size."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.title_label = QLabel("", self)
        self.title_label.setObjectName("tableTitle")
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.title_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.meta_label = QLabel("", self)
        self.meta_label.setObjectName("tableMeta")
        self.meta_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addWidget(self.title_label)
        layout.addWidget(self.meta_label)

    def show_table(self, t: Optional[Table]) -> None:
        if t is None:
            self.title_label.setText("")
            self.meta_label.setText("")
            return
        self.title_label.setText(f"<b>{t.title}</b>")
        self.title_label.setToolTip(t.title)
        meta = [f"单位：{t.unit_name}" if t.unit_name else None, f"年度：{t.year}" if t.year else None,
                f"金额单位：{t.money_unit}" if t.money_unit else None,
                f"第 {page_span(t.pages)} 页" if t.pages else None,
                f"{len(t.rows)} 行" if not t.empty else "空表（原表无数据）"]
        self.meta_label.setText("    ".join(m for m in meta if m))


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
            lines.append("\t".join(str(spreadsheet_safe(x)).replace("\t", " ").replace("\n", " ") for x in cells))
        text = "\n".join(lines)
        QApplication.clipboard().setText(text)
        return text

    def paste_targets(self, text: str) -> list:
        """[(row, col, text)] that pasting tab-separated `text` sets: the block from the current cell on, or one
        value into every selected cell. Cells outside the table are included (the caller counts them)."""
        block = [[unescape_spreadsheet_safe(v) for v in line.split("\t")]
                 for line in text.replace("\r\n", "\n").rstrip("\n").split("\n")] if text else []
        if not block:
            return []
        selected = self.selectionModel().selectedIndexes()
        if len(block) == 1 and len(block[0]) == 1 and len(selected) > 1:
            return [(i.row(), i.column(), block[0][0]) for i in selected]
        r0, c0 = max(0, self.currentIndex().row()), max(0, self.currentIndex().column())
        return [(r0 + i, c0 + j, v) for i, line in enumerate(block) for j, v in enumerate(line)]

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


class FormCombo(QComboBox):
    """The target forms a table can be given (the catalogue's); the forms read by their own readers are listed
    for their tables but cannot be chosen."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setToolTip("本表对应的标准表式；未识别的表格可在此指定")
        for form_id, name in form_choices():
            self.addItem(name, form_id)
        for form in catalogue().forms:
            if form.reader:
                self.addItem(form.name, form.id)
                self.model().item(self.count() - 1).setEnabled(False)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(8)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.view().setMinimumWidth(self.view().sizeHintForColumn(0) + 24)

    def show_form(self, form_id) -> None:
        """Show `form_id` (None: nothing) without emitting `activated`."""
        self.blockSignals(True)
        if form_id is None:
            self.setCurrentIndex(-1)
        else:
            k = self.findData(form_id)
            self.setCurrentIndex(k if k >= 0 else 0)
        self.blockSignals(False)
