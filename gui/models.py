"""Qt item models over the review session's data: the list of tables, a table's grid and its raw grid."""
from __future__ import annotations

import re
from typing import Optional

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QFont

from converters.model import SEVERITY_LABELS, SHEET_FIRST_DATA_ROW, Table, most_severe
from converters.output.workbook import page_span
from converters.review import column_kinds, form_name, review_issues, table_status

from .style import CELL_COLORS, RAW_HEADER_BG, ROW_COLORS, STATUS_COLORS, edit_text, format_value

KIND_LABELS = {"amount": "金额", "count": "数量", "code": "编码", "text": "文本"}


_TITLE_LEAD = re.compile(r"^[\s　]*(?:部门|单位)?\s*(?:(?:19|20)\d{2}\s*年度?)?\s*")


def display_title(t: Table) -> str:
    """The title without what every table of a document repeats at its start (the unit's name, the year):
    "测试县财政局部门2024年预算支出总表" → "预算支出总表". The full title is in the tooltip."""
    title = t.title
    if t.unit_name and title.startswith(t.unit_name):
        title = title[len(t.unit_name):]
    return _TITLE_LEAD.sub("", title, count=1) or t.title


class TableListModel(QAbstractTableModel):
    """One row per table of the document: 标题 (shortened, see `display_title`) | 目标表式 | 页码 | 状态."""

    HEADERS = ("标题", "目标表式", "页码", "状态")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._tables: list = []

    def set_tables(self, tables: list):
        self.beginResetModel()
        self._tables = list(tables)
        self.endResetModel()

    def refresh(self, tables: list):
        """Same number of tables: only contents (status, form …) changed."""
        if len(tables) != len(self._tables):
            self.set_tables(tables)
            return
        self._tables = list(tables)
        if self._tables:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._tables) - 1, len(self.HEADERS) - 1))

    def table(self, row: int) -> Optional[Table]:
        return self._tables[row] if 0 <= row < len(self._tables) else None

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self._tables)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Horizontal:
                return self.HEADERS[section]
            return str(section + 1)
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        t = self._tables[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if col == 0:
                if role == Qt.ItemDataRole.ToolTipRole:
                    meta = "  ".join(x for x in (t.unit_name, str(t.year) if t.year else None,
                                                 f"金额单位：{t.money_unit}" if t.money_unit else None) if x)
                    return t.title + (f"\n{meta}" if meta else "")
                return display_title(t)
            if col == 1:
                return form_name(t.form)
            if col == 2:
                return page_span(t.pages)
            kind, text = table_status(t)
            if role == Qt.ItemDataRole.ToolTipRole and kind == "review":
                return "\n".join(f"{SEVERITY_LABELS.get(i.severity, i.severity)}：{i.message}"
                                 for i in review_issues(t)[:12])
            return text
        if role == Qt.ItemDataRole.ForegroundRole and col == 3:
            return QBrush(STATUS_COLORS[table_status(t)[0]])
        if role == Qt.ItemDataRole.ForegroundRole and col == 1 and t.form == "unknown":
            return QBrush(STATUS_COLORS["unknown"])
        return None


class GridModel(QAbstractTableModel):
    """The standardized table: editable; flagged cells coloured by severity with the check message as tooltip.

    Edits are not applied here: `setData` calls `edit(row, col, text)` (the session's set_cell) and the
    window updates the model from the session's change notification.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.table: Optional[Table] = None
        self.edit = None                    # callable(row, col, text) -> None; raises to refuse
        self._kinds: list = []
        self._cells: dict = {}
        self._rows: dict = {}

    # ------------------------------------------------------------------ updating
    def set_table(self, table: Optional[Table]):
        self.beginResetModel()
        self._load(table)
        self.endResetModel()

    def _load(self, table):
        self.table = table
        self._kinds = column_kinds(table) if table is not None else []
        self._index_issues()

    def _index_issues(self):
        self._cells, self._rows = {}, {}
        if self.table is None:
            return
        for issue in self.table.issues:
            if issue.row is None:
                continue
            if issue.col is None:
                self._rows.setdefault(issue.row, []).append(issue)
            else:
                self._cells.setdefault((issue.row, issue.col), []).append(issue)

    def replace(self, table: Table):
        """Same shape, new content (a cell edit, or checks changed the issues)."""
        if self.table is None or table is None or len(table.columns) != len(self.table.columns) \
                or len(table.rows) != len(self.table.rows):
            self.set_table(table)
            return
        self._load(table)
        if self.rowCount() and self.columnCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))
        self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, max(0, self.rowCount() - 1))

    def rows_inserted(self, table: Table, row: int, count: int):
        self.beginInsertRows(QModelIndex(), row, row + count - 1)
        self._load(table)
        self.endInsertRows()
        self.replace(table)

    def rows_removed(self, table: Table, row: int, count: int):
        self.beginRemoveRows(QModelIndex(), row, row + count - 1)
        self._load(table)
        self.endRemoveRows()
        self.replace(table)

    # ------------------------------------------------------------------ queries
    def issues_at(self, row: int, col: int) -> list:
        return self._cells.get((row, col), []) + self._rows.get(row, [])

    def kind(self, col: int):
        return self._kinds[col] if 0 <= col < len(self._kinds) else None

    # ------------------------------------------------------------------ Qt model
    def rowCount(self, parent=QModelIndex()):
        if parent.isValid() or self.table is None:
            return 0
        return len(self.table.rows)

    def columnCount(self, parent=QModelIndex()):
        if parent.isValid() or self.table is None:
            return 0
        return len(self.table.columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if self.table is None:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if section >= len(self.table.columns):
                return None
            if role == Qt.ItemDataRole.DisplayRole:
                return self.table.columns[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                kind = self.kind(section)
                return f"{self.table.columns[section]}（{KIND_LABELS.get(kind, '原始列')}）"
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return str(section + SHEET_FIRST_DATA_ROW)       # the exported sheet's row, as messages name it
        if role == Qt.ItemDataRole.BackgroundRole and section in self._rows:
            return QBrush(CELL_COLORS[most_severe(self._rows[section])])
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.table is None:
            return None
        r, c = index.row(), index.column()
        row = self.table.rows[r]
        value = row[c] if c < len(row) else None
        if role == Qt.ItemDataRole.DisplayRole:
            return format_value(value, self.kind(c))
        if role == Qt.ItemDataRole.EditRole:
            return edit_text(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if isinstance(value, (int, float)) and self.kind(c) != "code":
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            cell = self._cells.get((r, c))
            if cell:
                return QBrush(CELL_COLORS[most_severe(cell)])
            if r in self._rows:
                return QBrush(ROW_COLORS[most_severe(self._rows[r])])
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            issues = self.issues_at(r, c)
            if issues:
                return "\n".join(f"{SEVERITY_LABELS.get(i.severity, i.severity)}：{i.message}" for i in issues)
            if isinstance(value, str) and self.kind(c) in ("amount", "count"):
                return "不是数字"
            return None
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole):
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self.edit is None:
            return False
        self.edit(index.row(), index.column(), value)
        return True


class RawGridModel(QAbstractTableModel):
    """The extracted grid before standardization: header rows (shaded) then body rows; read-only."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.table: Optional[Table] = None
        self._header: list = []
        self._rows: list = []
        self._ncols = 0

    def set_table(self, table: Optional[Table]):
        self.beginResetModel()
        self.table = table
        self._header = [list(r) for r in (table.raw_header if table is not None else [])]
        self._rows = [list(r) for r in (table.raw_rows if table is not None else [])]
        self._ncols = max([len(r) for r in self._header + self._rows] +
                          [len(table.source_columns) if table is not None else 0])
        self.endResetModel()

    @property
    def header_rows(self) -> int:
        return len(self._header)

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self._header) + len(self._rows)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else self._ncols

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal:
            mapped = None
            if self.table is not None and section < len(self.table.source_columns):
                mapped = self.table.source_columns[section][1]
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{section + 1}" + (f"→{mapped}" if mapped else "")
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"源表第 {section + 1} 列" + (f"，对应标准列“{mapped}”" if mapped else "，未对应标准列")
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            h = len(self._header)
            return f"表头{section + 1}" if section < h else str(section - h + 1)
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        h = len(self._header)
        row = self._header[r] if r < h else self._rows[r - h]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return row[c] if c < len(row) else ""
        if role == Qt.ItemDataRole.BackgroundRole and r < h:
            return QBrush(RAW_HEADER_BG)
        if role == Qt.ItemDataRole.FontRole and r < h:
            f = QFont()
            f.setBold(True)
            return f
        return None

    def flags(self, index):
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable if index.isValid() else Qt.ItemFlag.NoItemFlags
