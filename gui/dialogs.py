"""Every dialog the GUI shows goes through these few functions, so tests can monkeypatch them.

Nothing else in gui/ calls QMessageBox / QFileDialog / QDesktopServices directly.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

PDF_FILTER = ("预算公开文件 (*.pdf *.PDF *.docx *.DOCX *.xlsx *.XLSX *.xls *.XLS);;PDF 文件 (*.pdf *.PDF);;"
              "Word 文档 (*.docx);;Excel 工作簿 (*.xlsx *.xls);;所有文件 (*)")


def show_error(parent: QWidget, title: str, text: str, details: str = "") -> None:
    """A readable error message; does not block the caller (the box is window-modal and deletes itself)."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    if details:
        box.setDetailedText(details)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()


def show_info(parent: QWidget, title: str, text: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()


def ask_yes_no(parent: QWidget, title: str, text: str, yes: str = "是", no: str = "否") -> bool:
    """A question that needs an answer before going on (blocks in a local event loop; the GUI stays live)."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.YesRole)
    box.addButton(no, QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(yes_button)
    box.exec()
    return box.clickedButton() is yes_button


TEMPLATE_FILTER = "模板文件 (*.json);;所有文件 (*)"


def get_open_files(parent: QWidget, title: str, directory: str = "", name_filter: str = PDF_FILTER) -> list:
    files, _ = QFileDialog.getOpenFileNames(parent, title, directory, name_filter)
    return files


def get_directory(parent: QWidget, title: str, directory: str = "") -> str:
    return QFileDialog.getExistingDirectory(parent, title, directory)


def open_folder(path) -> None:
    """Show a folder in the system's file manager."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(path))))
