"""Above the review panel: the document bar (the document shown, the conversion's progress and its 取消 button)
and the note banner (corrections restored, the document's notices)."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QToolButton, QWidget


class DocumentBar(QWidget):
    cancel_requested = Signal()

    def __init__(self, text: str, parent=None):
        super().__init__(parent)
        self.label = QLabel(text, self)
        self.label.setObjectName("docLabel")
        self.progress = QProgressBar(self)
        self.progress.setObjectName("conversionProgress")
        self.progress.setMinimumWidth(260)
        self.progress.setMaximumWidth(420)
        self.progress.setFormat("%p%")
        self.progress_label = QLabel("", self)
        self.cancel_button = QPushButton("取消", self)
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setToolTip("取消正在进行的转换")
        self.cancel_button.clicked.connect(self.cancel_requested)
        bar = QHBoxLayout(self)
        bar.setContentsMargins(6, 4, 6, 0)
        bar.addWidget(self.label, 1)
        bar.addWidget(self.progress_label)
        bar.addWidget(self.progress)
        bar.addWidget(self.cancel_button)
        self.show_progress(False)

    def show_document(self, text: str, tooltip: str = ""):
        self.label.setText(text)
        self.label.setToolTip(tooltip)

    def show_progress(self, visible: bool):
        for w in (self.progress, self.progress_label, self.cancel_button):
            w.setVisible(visible)

    def start(self, text: str):
        """A conversion starts: a busy bar until its first progress."""
        self.progress.setRange(0, 0)
        self.progress_label.setText(text)
        self.show_progress(True)

    def set_progress(self, done: int, total: int, text: str):
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)
        self.progress.setFormat(f"{done}/{total} 页")
        self.progress_label.setText(text)


class NoteBanner(QFrame):
    """Lines of notes about the document, with a 放弃这些更正 button when corrections were restored."""

    discard_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("noteBanner")
        self.setStyleSheet("#noteBanner { background: #FFF8E1; border: 1px solid #F0C36D; border-radius: 3px; }")
        self.label = QLabel("", self)
        self.label.setObjectName("noteLabel")
        self.label.setWordWrap(True)
        self.discard_button = QPushButton("放弃这些更正", self)
        self.discard_button.setToolTip("撤销为本文档保存的全部更正，恢复为转换结果")
        self.discard_button.clicked.connect(self.discard_requested)
        close = QToolButton(self)
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("关闭提示")
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 3, 4, 3)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.discard_button)
        layout.addWidget(close)
        self.hide()

    @property
    def lines(self) -> list:
        return self.label.text().splitlines()

    def set_lines(self, lines: list, can_discard: bool):
        self.label.setText("\n".join(lines))
        self.discard_button.setVisible(can_discard)
        self.setVisible(bool(lines))
