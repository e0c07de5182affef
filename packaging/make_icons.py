"""Render resources/icons/app.svg to app.png (256 px, Linux desktop entry) and app.ico (16–256 px, the Windows
executables). Run again after editing the SVG: `python packaging/make_icons.py`; the outputs are committed."""
import io
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image  # noqa: E402
from PySide6.QtCore import QBuffer, QIODevice, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(svg: Path, size: int) -> Image.Image:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(str(svg)).render(painter)
    painter.end()
    buf = QBuffer()
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buf, "PNG")
    return Image.open(io.BytesIO(bytes(buf.data()))).convert("RGBA")


def main() -> int:
    app = QGuiApplication(sys.argv[:1])  # noqa: F841 (QPainter needs an application)
    svg = ICONS / "app.svg"
    big = render(svg, 256)
    big.save(ICONS / "app.png")
    small = [render(svg, s) for s in ICO_SIZES[:-1]]      # each size drawn from the SVG, not scaled down
    big.save(ICONS / "app.ico", sizes=[(s, s) for s in ICO_SIZES], append_images=small)
    print(f"{ICONS / 'app.png'}, {ICONS / 'app.ico'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
