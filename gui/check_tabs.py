"""The 校验 / 列映射 tabs under the table: the table's issues, and which canonical column each source column
feeds (changeable)."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHeaderView, QTableWidget, QTableWidgetItem, QTreeWidget, \
    QTreeWidgetItem

from converters.catalogue import catalogue
from converters.model import SEVERITY_LABELS, SEVERITY_RANK, SHEET_FIRST_DATA_ROW, Table

from .style import CELL_COLORS, SEVERITY_TEXT

NOT_EXPORTED = "（不导出）"


class IssueList(QTreeWidget):
    """The issues of a table, most severe first; an issue's item holds its (row, col) as UserRole data."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("issueList")
        self.setHeaderLabels(["级别", "位置", "说明"])
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setWordWrap(False)
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.header().setStretchLastSection(True)

    def show_issues(self, t: Optional[Table]) -> str:
        """List the issues of `t`; returns the tab's title (how many need a look)."""
        self.clear()
        issues = [] if t is None else sorted(
            t.issues, key=lambda i: (SEVERITY_RANK.get(i.severity, 3), i.row if i.row is not None else -1,
                                     i.col if i.col is not None else -1))
        for issue in issues:
            if issue.row is None:
                where = "整表"
            else:
                where = f"第 {issue.row + SHEET_FIRST_DATA_ROW} 行"
                if issue.col is not None and 0 <= issue.col < len(t.columns):
                    where += f" · {t.columns[issue.col]}"
            item = QTreeWidgetItem([SEVERITY_LABELS.get(issue.severity, issue.severity), where, issue.message])
            item.setData(0, Qt.ItemDataRole.UserRole, (issue.row, issue.col))
            item.setToolTip(2, issue.message)
            item.setForeground(0, QBrush(SEVERITY_TEXT.get(issue.severity, SEVERITY_TEXT["info"])))
            item.setBackground(0, QBrush(CELL_COLORS.get(issue.severity, CELL_COLORS["info"])))
            self.addTopLevelItem(item)
        if t is not None and not issues:
            item = QTreeWidgetItem(["", "", "本表未发现问题"])
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.addTopLevelItem(item)
        n = sum(1 for i in issues if i.severity in ("error", "warning"))
        if n:
            return f"校验（{n} 处待核对）"
        return f"校验（{len(issues)} 条提示）" if issues else "校验（通过）"


class ColumnMapping(QTableWidget):
    """Each source column of a table, its header, and the canonical column it feeds (a drop-down)."""

    column_chosen = Signal(int, object)     # source column, canonical column name (None: not exported)

    def __init__(self, parent=None):
        super().__init__(0, 3, parent)
        self.setObjectName("mappingTable")
        self.setHorizontalHeaderLabels(["源列", "源表头", "对应标准列"])
        self.verticalHeader().hide()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)

    def show_mapping(self, t: Optional[Table], read_only: bool) -> Optional[str]:
        """Show the columns of `t`; returns the tab's title (how many columns feed none), None without a table."""
        self.setRowCount(0)
        if t is None:
            return None
        form = catalogue().get(t.form)
        unmapped = 0
        self.setRowCount(len(t.source_columns))
        for k, (header, canonical) in enumerate(t.source_columns):
            self.setItem(k, 0, QTableWidgetItem(str(k + 1)))
            self.setItem(k, 1, QTableWidgetItem(header or "（无表头）"))
            self.item(k, 1).setToolTip(header or "")
            if form is None:
                self.setItem(k, 2, QTableWidgetItem("（先选择目标表式）"))
                continue
            combo = QComboBox(self)
            combo.addItem(NOT_EXPORTED, None)
            for name in form.column_names:
                combo.addItem(name, name)
            combo.setCurrentIndex(max(0, combo.findData(canonical)) if canonical else 0)
            combo.setEnabled(t.raw is not None and not read_only)
            combo.setProperty("source_index", k)
            combo.activated.connect(self._combo_chosen)
            self.setCellWidget(k, 2, combo)
            if canonical is None:
                unmapped += 1
                self.item(k, 1).setBackground(QBrush(CELL_COLORS["warning"]))
        return f"列映射（{unmapped} 列未对应）" if unmapped else "列映射"

    def _combo_chosen(self, combo_index: int):
        combo = self.sender()
        if combo is not None:
            self.column_chosen.emit(int(combo.property("source_index")), combo.itemData(combo_index))
