"""Entry point of the desktop app: `gui.app.run(argv)` (argv: files or folders to open at start)."""
from __future__ import annotations

import signal
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication

from .settings import APPLICATION, ORGANIZATION

ICON = Path(__file__).resolve().parent.parent / "resources" / "icons" / "app.svg"
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


def create_application(argv=None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0] if sys.argv else "budgettables"] + list(argv or []))
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("预算公开表格转换器")
    if ICON.exists():
        app.setWindowIcon(QIcon(str(ICON)))
    _pick_font(app)
    return app


def run(argv) -> int:
    """Start the app; `argv`: paths of PDF files or folders to open at start."""
    app = create_application()
    signal.signal(signal.SIGINT, signal.SIG_DFL)      # Ctrl+C in the terminal ends the app
    from .main_window import MainWindow
    window = MainWindow()
    window.show()
    paths = [a for a in argv if not a.startswith("-")]
    if paths:
        QTimer.singleShot(0, lambda: window.open_paths(paths))
    return app.exec()
