"""Fixtures of the GUI tests (pytest-qt): generated PDFs, the dialogs recorded instead of shown, the main window.
Test modules import the fixtures they use from here."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402

import pdfgen  # noqa: E402
from gui import dialogs  # noqa: E402
from gui.main_window import MainWindow  # noqa: E402

WAIT = 20000


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    """small.pdf (预算支出总表 + 三公), other.pdf (another budget), bad.pdf (not a PDF), in one folder."""
    folder = tmp_path_factory.mktemp("pdfs")
    exp, _ = pdfgen.shanxi_expenditure_summary()
    tp, _ = pdfgen.three_public()
    pdfgen.build_pdf(pdfgen.DocSpec([exp, tp]), str(folder / "small.pdf"))
    b = pdfgen.make_budget(seed=5, unit="样例区教育局")
    exp2, _ = pdfgen.shanxi_expenditure_summary(b)
    pdfgen.build_pdf(pdfgen.DocSpec([exp2]), str(folder / "other.pdf"))
    (folder / "bad.pdf").write_text("这不是PDF文件\n", encoding="utf-8")
    return folder


class Dialogs:
    """Records what the window would have shown; answers questions from `answers` (default: yes)."""

    def __init__(self):
        self.errors, self.infos, self.questions, self.opened = [], [], [], []
        self.answers = []
        self.directory = ""
        self.files = []

    def show_error(self, parent, title, text, details=""):
        self.errors.append((title, text))

    def show_info(self, parent, title, text):
        self.infos.append((title, text))

    def ask_yes_no(self, parent, title, text, yes="是", no="否"):
        self.questions.append((title, text))
        return self.answers.pop(0) if self.answers else True

    def get_open_files(self, parent, title, directory="", name_filter=None):
        return list(self.files)

    def get_directory(self, parent, title, directory="", new_folder_allowed=False):
        return self.directory

    def open_folder(self, path):
        self.opened.append(Path(path))


@pytest.fixture
def fake_dialogs(monkeypatch):
    d = Dialogs()
    for name in ("show_error", "show_info", "ask_yes_no", "get_open_files", "get_directory", "open_folder"):
        monkeypatch.setattr(dialogs, name, getattr(d, name))
    return d


@pytest.fixture
def make_window(qtbot, tmp_path, fake_dialogs):
    settings_path = str(tmp_path / "settings.ini")
    data_dir = tmp_path / "data"
    windows = []

    def make():
        w = MainWindow(settings=QSettings(settings_path, QSettings.Format.IniFormat), data_dir=data_dir)
        qtbot.addWidget(w)
        w.show()
        qtbot.waitExposed(w)
        qtbot.waitUntil(lambda: w._splitters_restored, timeout=WAIT)
        windows.append(w)
        return w
    yield make
    for w in windows:
        w.close()


@pytest.fixture
def window(make_window):
    return make_window()
