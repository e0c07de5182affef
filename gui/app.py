"""Entry point of the desktop app: `gui.app.run(argv)` (argv: files or folders to open at start)."""
from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication

from converters.version import APP_NAME

from .settings import APPLICATION, ORGANIZATION

ICON = Path(__file__).resolve().parent.parent / "resources" / "icons" / "app.svg"
QT_TRANSLATION = "qtbase_zh_CN"       # Qt's own texts: standard dialog buttons, text field context menus
CJK_FAMILIES = ("Microsoft YaHei UI", "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC",
                "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei")


def _pick_font(app: QApplication):
    """Prefer a CJK UI font so Chinese text does not fall back glyph by glyph to mismatched fonts."""
    families = set(QFontDatabase.families())
    for name in CJK_FAMILIES:
        if name in families:
            font = QFont(name)
            font.setPointSizeF(max(app.font().pointSizeF(), 9.5))
            app.setFont(font)
            return


def _install_qt_translation(app: QApplication):
    """Qt's own texts in Chinese, from Qt's translations folder (in the bundle PySide6/Qt/translations, which
    PySide6's embedded qt.conf makes QLibraryInfo report); once per application."""
    if app.findChild(QTranslator, QT_TRANSLATION) is not None:
        return
    translator = QTranslator(app)
    translator.setObjectName(QT_TRANSLATION)
    if translator.load(QT_TRANSLATION, QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)


def create_application(argv=None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        if sys.platform.startswith("linux") and not os.environ.get("LC_ALL"):
            os.environ["LC_TIME"] = "zh_CN.UTF-8"    # Qt's file dialogs show dates in the system locale's format
        app = QApplication([sys.argv[0] if sys.argv else "budgettables"] + list(argv or []))
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APP_NAME)
    _install_qt_translation(app)
    if ICON.exists():
        app.setWindowIcon(QIcon(str(ICON)))
    _pick_font(app)
    return app


ERROR_LOG = "errors.log"


def report_unexpected(exc_type, exc, tb, parent=None) -> Path:
    """An error no code path expected (a bug): its traceback appended to errors.log in the app's data folder,
    the user told in Chinese what happened and where the details are, never shown a traceback. The app goes
    on; corrections are saved as they are made. Returns the log's path."""
    import datetime
    import traceback
    from converters.review import default_data_dir
    from . import dialogs
    log = default_data_dir() / ERROR_LOG
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "a", encoding="utf-8") as f:
            f.write(f"--- {datetime.datetime.now().isoformat(timespec='seconds')}\n")
            f.write("".join(traceback.format_exception(exc_type, exc, tb)))
    except OSError:
        pass
    try:
        dialogs.show_error(parent, "程序内部错误",
                           f"刚才的操作没有完成（{exc_type.__name__}）。已做的修改已自动保存，可以继续使用。\n"
                           f"详细信息已记录到：{log}")
    except Exception:  # noqa: BLE001 - a report must never raise in its turn
        pass
    return log


def _excepthook(exc_type, exc, tb):
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    report_unexpected(exc_type, exc, tb, QApplication.activeWindow())


def run(argv) -> int:
    """Start the app; `argv`: paths of PDF files or folders to open at start."""
    app = create_application()
    signal.signal(signal.SIGINT, signal.SIG_DFL)      # Ctrl+C in the terminal ends the app
    sys.excepthook = _excepthook                      # an exception in a slot: a message, not a traceback
    from .main_window import MainWindow
    window = MainWindow()
    window.show()
    paths = [a for a in argv if not a.startswith("-")]
    if paths:
        QTimer.singleShot(0, lambda: window.open_paths(paths))
    return app.exec()
