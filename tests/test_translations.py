"""Qt's own texts (standard dialog buttons) are shown in Chinese: gui.app installs Qt's zh_CN translation."""
import pytest
from PySide6.QtCore import QCoreApplication, QFileInfo, QTranslator
from PySide6.QtWidgets import QMessageBox

from gui.app import QT_TRANSLATION, create_application


@pytest.fixture
def app(qapp):
    """The test session's application with Qt's translation installed; removed again afterwards."""
    app = create_application()
    yield app
    translator = app.findChild(QTranslator, QT_TRANSLATION)
    if translator is not None:
        app.removeTranslator(translator)
        translator.setParent(None)          # gone with its Python reference, so the next test installs it anew


def test_standard_buttons_are_chinese(app):
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    box = QMessageBox(QMessageBox.Icon.Question, "标题", "正文",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
    assert box.button(QMessageBox.StandardButton.Cancel).text() == "取消"
    assert box.button(QMessageBox.StandardButton.Yes).text() == "是(&Y)"
    box.deleteLater()


def test_installed_once(app):
    create_application()
    assert len(app.findChildren(QTranslator, QT_TRANSLATION)) == 1
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"


def test_file_dialogs_are_chinese_and_a_typed_new_export_folder_is_created(app, qtbot, tmp_path):
    from PySide6.QtWidgets import QFileDialog, QLabel, QLineEdit

    from gui.dialogs import FileDialog
    (tmp_path / "已有").mkdir()
    dialog = FileDialog(None, "选择导出目录", str(tmp_path), folder=True, new_folder_allowed=True)
    qtbot.addWidget(dialog)
    dialog.show()
    labels = {w.text() for w in dialog.findChildren(QLabel)}
    assert {"查找范围：", "文件类型："} <= labels and not {"Look in:", "Files of type:"} & labels
    assert dialog.labelText(QFileDialog.DialogLabel.Accept) == "选择"
    assert dialog.iconProvider().type(QFileInfo(str(tmp_path / "已有"))) == "文件夹"
    dialog.findChild(QLineEdit, "fileNameEdit").setText("新导出")
    dialog.accept()
    assert dialog.result() == QFileDialog.DialogCode.Accepted
    assert (tmp_path / "新导出").is_dir() and dialog.selectedFiles() == [str(tmp_path / "新导出")]
