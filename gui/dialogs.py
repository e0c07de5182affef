"""Every dialog the GUI shows goes through these few functions, so tests can monkeypatch them.

Nothing else in gui/ calls QMessageBox / QFileDialog / QDesktopServices directly.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QFileIconProvider, QLineEdit, QMessageBox, QWidget

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


class _ChineseFileTypes(QFileIconProvider):
    """The dialog's 类型 column in Chinese (Qt's translation leaves "Folder" and "pdf File" in English)."""

    def type(self, info) -> str:
        if info.isDir():
            return "文件夹"
        return f"{info.suffix().upper()} 文件" if info.suffix() else "文件"


class FileDialog(QFileDialog):
    """Qt's file dialog with every label in Chinese (Qt's own translation misses some: "Look in:", "Files of type:").
    Choosing a folder (`new_folder_allowed`), a typed name of a folder that does not exist yet is created and chosen
    instead of being rejected. Where the platform shows its own dialog, that one (in the system's language)."""

    LABELS = {QFileDialog.DialogLabel.LookIn: "查找范围：", QFileDialog.DialogLabel.FileName: "名称：",
              QFileDialog.DialogLabel.FileType: "文件类型：", QFileDialog.DialogLabel.Reject: "取消"}

    def __init__(self, parent, title: str, directory: str = "", *, folder: bool = False,
                 new_folder_allowed: bool = False, name_filter: str = ""):
        super().__init__(parent, title, directory, name_filter)
        self._types = _ChineseFileTypes()         # (the dialog does not own its icon provider)
        self.setIconProvider(self._types)
        if folder:
            self.setFileMode(QFileDialog.FileMode.Directory)
            self.setOption(QFileDialog.Option.ShowDirsOnly, True)
        else:
            self.setFileMode(QFileDialog.FileMode.ExistingFiles)
        for label, text in self.LABELS.items():
            self.setLabelText(label, text)
        self.setLabelText(QFileDialog.DialogLabel.Accept, "选择" if folder else "打开")
        self.new_folder_allowed = new_folder_allowed

    def accept(self):
        edit = self.findChild(QLineEdit, "fileNameEdit")
        name = edit.text().strip() if edit is not None else ""
        if self.new_folder_allowed and name:
            target = Path(self.directory().absolutePath()) / name
            if not target.exists():
                try:
                    target.mkdir(parents=True)
                except OSError as e:
                    show_error(self, "无法新建文件夹", f"无法新建文件夹 {target}：{e.strerror or e}")
                    return
        super().accept()


def get_open_files(parent: QWidget, title: str, directory: str = "", name_filter: str = PDF_FILTER) -> list:
    dialog = FileDialog(parent, title, directory, name_filter=name_filter)
    return dialog.selectedFiles() if dialog.exec() else []


def get_directory(parent: QWidget, title: str, directory: str = "", new_folder_allowed: bool = False) -> str:
    """A folder chosen by the user ("" when cancelled); `new_folder_allowed`: a typed new name is created (an
    export folder)."""
    dialog = FileDialog(parent, title, directory, folder=True, new_folder_allowed=new_folder_allowed)
    chosen = dialog.selectedFiles() if dialog.exec() else []
    return chosen[0] if chosen else ""


def open_folder(path) -> None:
    """Show a folder in the system's file manager."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(path))))
