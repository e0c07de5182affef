"""The GUI under failure: an unexpected error in a slot becomes a Chinese message and a log entry, never a
traceback; a conversion past its memory limit stops with the page it was on."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

pytest.importorskip("pytestqt")

from PySide6.QtCore import QTimer  # noqa: E402

import pdfgen as g  # noqa: E402
from converters.review import DATA_DIR_ENV  # noqa: E402
from converters.settings import ConversionSettings  # noqa: E402
from gui import app  # noqa: E402
from gui.worker import ConversionJob  # noqa: E402
from gui_fixtures import fake_dialogs  # noqa: E402,F401


@pytest.mark.qt_no_exception_capture
def test_an_error_in_a_slot_is_a_message_and_a_log_entry(qtbot, tmp_path, monkeypatch, fake_dialogs):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    monkeypatch.setattr("sys.excepthook", app._excepthook)

    def broken():
        raise ValueError("模拟的程序错误")
    QTimer.singleShot(0, broken)
    qtbot.waitUntil(lambda: bool(fake_dialogs.errors), timeout=5000)
    title, text = fake_dialogs.errors[0]
    assert title == "程序内部错误" and "ValueError" in text and str(tmp_path / app.ERROR_LOG) in text
    assert "Traceback" not in text
    log = (tmp_path / app.ERROR_LOG).read_text(encoding="utf-8")
    assert "Traceback" in log and "模拟的程序错误" in log


def test_a_conversion_over_its_memory_limit_fails_with_its_page(qtbot, tmp_path):
    exp, _ = g.shanxi_expenditure_summary()
    path = tmp_path / "预算.pdf"
    g.build_pdf(g.DocSpec([exp]), str(path))
    job = ConversionJob(path, data_dir=tmp_path, conversion=ConversionSettings.resolve({"limits": {"memory_mb": 1}}))
    with qtbot.waitSignal(job.failed, timeout=20000) as failed:
        job.start()
    job.wait()
    assert failed.args[0].startswith("预算.pdf：内存不足：第 1 页（") and job.outcome == "failed"
