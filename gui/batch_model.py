"""The batch tab's list: one BatchItem per document (its state, progress, session and export folder), the Qt
model over them and the progress-bar delegate of its 进度 column."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QRect, Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionProgressBar

from converters.review import review_issues

from .style import STATUS_COLORS

STATE_TEXT = {"pending": "等待中", "running": "转换中", "done": "已完成", "failed": "失败", "cancelled": "已取消"}
STATE_COLORS = {"pending": STATUS_COLORS["empty"], "running": STATUS_COLORS["unknown"], "done": STATUS_COLORS["ok"],
                "failed": QBrush(Qt.GlobalColor.red).color(), "cancelled": STATUS_COLORS["empty"]}


@dataclass
class BatchItem:
    path: Path
    state: str = "pending"
    done_pages: int = 0
    total_pages: int = 0
    message: str = ""
    session: object = None
    export_folder: Optional[Path] = None

    @property
    def percent(self) -> int:
        if self.state == "done":
            return 100
        return int(100 * self.done_pages / self.total_pages) if self.total_pages else 0


class BatchModel(QAbstractTableModel):
    HEADERS = ("文件", "状态", "进度", "表格", "待核对", "说明")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.items: list = []
        self._names: list = []         # distinguishing_names of the items (recomputed when the list changes)

    def add(self, paths: list) -> int:
        known = {str(i.path.resolve()) for i in self.items}
        new = []
        for p in map(Path, paths):
            key = str(p.resolve())
            if key not in known:
                known.add(key)
                new.append(BatchItem(p))
        if new:
            self.beginInsertRows(QModelIndex(), len(self.items), len(self.items) + len(new) - 1)
            self.items.extend(new)
            self._names = distinguishing_names([i.path for i in self.items])
            self.endInsertRows()
            if len(self.items) > len(new):         # earlier rows may now need a folder to be told apart
                self.dataChanged.emit(self.index(0, 0), self.index(len(self.items) - 1, 0))
        return len(new)

    def remove(self, rows: list):
        for r in sorted(rows, reverse=True):
            self.beginRemoveRows(QModelIndex(), r, r)
            del self.items[r]
            self._names = distinguishing_names([i.path for i in self.items])
            self.endRemoveRows()

    def changed(self, item: BatchItem):
        r = self.items.index(item)
        self.dataChanged.emit(self.index(r, 0), self.index(r, len(self.HEADERS) - 1))

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section] if orientation == Qt.Orientation.Horizontal else str(section + 1)
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        item = self.items[index.row()]
        col = index.column()
        tables = item.session.tables if item.session is not None else None
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return self._names[index.row()]
            if col == 1:
                text = STATE_TEXT[item.state]
                return text + ("，已导出" if item.export_folder else "")
            if col == 2:
                return "—" if item.state in ("failed", "cancelled") else f"{item.percent}%"
            if col == 3:
                return "" if tables is None else str(len(tables))
            if col == 4:
                return "" if tables is None else str(sum(len(review_issues(t)) for t in tables))
            if col == 5:
                return item.message
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == 0:
                return str(item.path)
            if col == 5 and item.message:
                return item.message
        if role == Qt.ItemDataRole.ForegroundRole and col == 1:
            return QBrush(STATE_COLORS[item.state])
        if role == Qt.ItemDataRole.UserRole and col == 2:
            return None if item.state in ("failed", "cancelled") else item.percent
        return None


def distinguishing_names(paths: list) -> list:
    """Each path's file name, with as many parent folders as it takes to tell it from another of the same name
    ("2023/甲局.pdf", "2024/甲局.pdf")."""
    paths = [Path(p) for p in paths]
    depth = [1] * len(paths)
    for _ in range(max((len(p.parts) for p in paths), default=0)):
        names = ["/".join(p.parts[-d:]) for p, d in zip(paths, depth)]
        clashes = {n for n in names if names.count(n) > 1}
        if not clashes:
            break
        depth = [d + 1 if n in clashes and d < len(p.parts) else d for p, d, n in zip(paths, depth, names)]
    return ["/".join(p.parts[-d:]) for p, d in zip(paths, depth)]


class LeftElidedDelegate(QStyledItemDelegate):
    """Elides a long file name at its start: documents of one department differ at the end (year, 预算/决算)."""

    def initStyleOption(self, option, index):
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideLeft


class ProgressDelegate(QStyledItemDelegate):
    """Paints the 进度 column as a progress bar."""

    def initStyleOption(self, option, index):
        super().initStyleOption(option, index)
        option.displayAlignment = Qt.AlignmentFlag.AlignCenter

    def paint(self, painter, option, index):
        value = index.data(Qt.ItemDataRole.UserRole)
        if value is None:
            return super().paint(painter, option, index)
        bar = QStyleOptionProgressBar()
        bar.rect = QRect(option.rect.adjusted(3, 4, -3, -4))
        bar.minimum, bar.maximum, bar.progress = 0, 100, int(value)
        bar.text = f"{int(value)}%"
        bar.textVisible = True
        bar.state = option.state | QStyle.StateFlag.State_Horizontal
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, option.widget)
