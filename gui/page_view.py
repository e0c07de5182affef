"""The source page beside the table, the table's area outlined, zoom and paging.

A PDF page is rendered with pypdfium2; scene coordinates are PDF points with a top-left origin (the engine's
bbox convention), so region and cell boxes are drawn as they are and the rendered image is scaled down into
that coordinate system. A DOCX or Excel source has no printed image: its page (a worksheet, or a page of the
Word body) is drawn as the grid of cell texts the engine read, and boxes in cell coordinates
(col, row, col + 1, row + 1) are placed on that grid (`SheetLayout`).
"""
from __future__ import annotations

import math
import re
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from PySide6.QtCore import QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QFont, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (QGraphicsItem, QGraphicsPixmapItem, QGraphicsRectItem, QGraphicsScene,
                               QGraphicsSimpleTextItem, QGraphicsView, QLabel, QSizePolicy, QSpinBox,
                               QStyleOptionGraphicsItem, QToolBar, QVBoxLayout, QWidget)

from .style import CELL_FILL, CELL_PEN, REGION_FILL, REGION_PEN

ZOOM_STEPS = (0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0)
CACHE_PAGES = 12
LOUPE_SCALE = 2.0           # render scale of the magnified cell (144 dpi)
LOUPE_CONTEXT = 3.0         # neighbouring content shown left and right of the cell, in cell heights


def render_page(pdf, index: int, scale: float) -> QImage:
    """Page `index` (0-based) of a pypdfium2 PdfDocument as a QImage."""
    page = pdf[index]
    try:
        bitmap = page.render(scale=scale)
        pil = bitmap.to_pil().convert("RGB")
    finally:
        page.close()
    data = pil.tobytes("raw", "RGB")
    return QImage(data, pil.width, pil.height, 3 * pil.width, QImage.Format.Format_RGB888).copy()


# ---------------------------------------------------------------------------------------------- office sources
FONT_PT = 10             # cell text size in scene points (a pixel size: scene units are points)
ROW_PT = 14.0            # height of one text line in a cell
PAD_PT = 3.0
MAX_LINES = 6            # a cell grows to at most this many wrapped lines


@dataclass
class GridPage:
    """One page of an office source laid out in points: column edges, row edges, the cells to draw."""
    name: str
    xs: list                 # column edges (len = columns + 1)
    ys: list                 # row edges of the page's rows (len = rows + 1)
    row_index: dict          # sheet row → position on the page
    cells: list              # (x0, y0, x1, y1, text, numeric, ruled)

    @property
    def size(self) -> tuple:
        return (self.xs[-1] if self.xs else 200.0, self.ys[-1] if self.ys else 60.0)

    def box(self, bbox) -> Optional[tuple]:
        """A box in cell coordinates (col0, row0, col1, row1) → points (x0, top, x1, bottom) on this page."""
        c0, r0, c1, r1 = (int(v) for v in bbox)
        rows = [self.row_index[r] for r in range(r0, r1) if r in self.row_index]
        if not rows or not self.xs:
            return None
        last = len(self.xs) - 1
        return (self.xs[min(c0, last)], self.ys[rows[0]], self.xs[min(c1, last)], self.ys[rows[-1] + 1])


def _text_width(text: str) -> float:
    """Printed width estimate in points: Chinese characters one em, Latin and digits about half."""
    return FONT_PT * sum(1.05 if ch >= "\u2e80" else 0.6 for ch in text)


_NUMERIC = re.compile(r"^[-+(]?[\d,]*\.?\d+%?\)?$")


class SheetLayout:
    """The pages of a DOCX/XLSX/XLS source as the engine reads them (converters' office readers), laid out
    as grids. Page numbers are the engine's: a worksheet's position, or the printed page of a Word row."""

    def __init__(self, sheets: list):
        from converters.model import merge_map
        self._rows = {}                       # page → (sheet, [row indexes])
        self._merged = {id(s): merge_map(s) for s in sheets}
        for sheet in sheets:
            self._rows.setdefault(sheet.page, (sheet, []))
            for r in range(len(sheet.rows)):
                self._rows.setdefault(sheet.page_of(r), (sheet, []))[1].append(r)
        self.count = max(self._rows, default=0)
        self._pages = {}

    @classmethod
    def load(cls, path: str) -> "SheetLayout":
        from converters.sources import reader_for
        return cls(reader_for(path).read_sheets(Path(path)))

    def page(self, number: int) -> GridPage:
        if number not in self._pages:
            sheet, rows = self._rows.get(number, (None, []))
            self._pages[number] = (_grid_page(sheet, rows, self._merged[id(sheet)]) if sheet
                                   else GridPage("", [], [], {}, []))
        return self._pages[number]


def _grid_page(sheet, rows: list, merged: dict) -> GridPage:
    on_page = set(rows)
    ends = _row_ends(sheet, rows, merged)
    width = max(ends.values(), default=1)
    widths = [36.0] * width
    for r in rows:
        for c, text in enumerate(sheet.rows[r][:width]):
            m = merged.get((r, c))
            if text and (m is None or m[1] == m[3]):
                widths[c] = max(widths[c], min(240.0, _text_width(text) + 2 * PAD_PT))
    xs = [0.0]
    for w in widths:
        xs.append(xs[-1] + w)
    spans = []                                # (r, c0, c1, rows spanned on the page, text)
    for r in rows:
        for c, text in enumerate(sheet.rows[r][:ends[r]]):
            m = merged.get((r, c))
            if m is not None and (m[0], m[1]) != (r, c):
                continue
            r1, c1 = (m[2], min(m[3], width - 1)) if m else (r, c)
            spans.append((r, c, c1, [k for k in range(r, r1 + 1) if k in on_page], text))
    heights = {r: ROW_PT + 2 * PAD_PT for r in rows}
    for r, c0, c1, covered, text in spans:
        if len(covered) == 1 and text:
            lines = min(MAX_LINES, math.ceil(_text_width(text) / max(1.0, xs[c1 + 1] - xs[c0] - 2 * PAD_PT)))
            heights[r] = max(heights[r], lines * ROW_PT + 2 * PAD_PT)
    ys, index = [0.0], {}
    for k, r in enumerate(rows):
        index[r] = k
        ys.append(ys[-1] + heights[r])
    paragraph = sheet.row_blocks is not None
    cells = []
    for r, c0, c1, covered, text in spans:
        ruled = not (paragraph and sheet.row_blocks[r] is None)
        if not ruled and not text:
            continue
        top, bottom = ys[index[covered[0]]], ys[index[covered[-1]] + 1]
        cells.append((xs[c0], top, xs[c1 + 1], bottom, text, bool(_NUMERIC.match(text)), ruled))
    return GridPage(sheet.name if sheet.row_pages is None else "", xs, ys, index, cells)   # worksheets are named


def _row_ends(sheet, rows: list, merged: dict) -> dict:
    """How many columns each row draws. A worksheet: all it uses. A Word page: each table only its own
    columns (the body's grid is as wide as its widest table) and paragraphs the width of the page's tables."""
    def used(rs):
        return max((max(c, merged[(r, c)][3] if (r, c) in merged else c) + 1
                    for r in rs for c, x in enumerate(sheet.rows[r]) if x), default=1)
    if sheet.row_blocks is None:
        n = used(rows)
        return {r: n for r in rows}
    blocks = {}
    for r in rows:
        blocks.setdefault(sheet.row_blocks[r], []).append(r)
    widths = {b: used(rs) for b, rs in blocks.items() if b is not None}
    page = max(widths.values(), default=1)
    return {r: widths.get(sheet.row_blocks[r], page) for r in rows}


class _GridItem(QGraphicsItem):
    """Draws a GridPage: white paper, light cell borders, each cell's text (numbers right-aligned); only the
    exposed part is painted, so long sheets stay fast."""

    def __init__(self, page: GridPage):
        super().__init__()
        self.grid = page
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        self._font = QFont()
        self._font.setPixelSize(FONT_PT)

    def boundingRect(self) -> QRectF:
        w, h = self.grid.size
        return QRectF(0, 0, w, h)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None):
        painter.fillRect(self.boundingRect(), Qt.GlobalColor.white)
        exposed = option.exposedRect
        painter.setFont(self._font)
        border = QPen(QColor(190, 190, 190), 0)
        for x0, y0, x1, y1, text, numeric, ruled in self.grid.cells:
            if y1 < exposed.top() or y0 > exposed.bottom():
                continue
            rect = QRectF(x0, y0, x1 - x0, y1 - y0)
            if ruled:
                painter.setPen(border)
                painter.drawRect(rect)
            if text:
                painter.setPen(Qt.GlobalColor.black)
                align = (Qt.AlignmentFlag.AlignRight if numeric else Qt.AlignmentFlag.AlignLeft) | \
                    Qt.AlignmentFlag.AlignVCenter
                painter.drawText(rect.adjusted(PAD_PT, 1, -PAD_PT, -1), int(align | Qt.TextFlag.TextWordWrap), text)


class _View(QGraphicsView):
    zoom_requested = Signal(int)            # +1 / -1 (Ctrl + wheel)

    def wheelEvent(self, event):
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom_requested.emit(1 if event.angleDelta().y() > 0 else -1)
            event.accept()
            return
        super().wheelEvent(event)


class PageView(QWidget):
    """Shows one page of the document; `show_page(page, regions, cell)` outlines boxes on it."""

    page_changed = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._pdf = None
        self._sheets: Optional[SheetLayout] = None   # a DOCX/XLSX/XLS source, drawn as grids
        self._path: Optional[str] = None
        self._count = 0
        self._page = 0                      # 1-based, 0 = nothing shown
        self._zoom = 1.0
        self._fit = "width"                 # 'width' | 'page' | None (manual zoom)
        self._regions: dict = {}            # page -> [bbox] of the current table
        self._cell = None                   # (page, bbox) highlighted cell
        self._cache: OrderedDict = OrderedDict()
        self._page_size = (595.0, 842.0)

        self.scene = QGraphicsScene(self)
        self.view = _View(self.scene, self)
        self.view.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.SmoothPixmapTransform)
        self.view.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.view.setBackgroundBrush(QBrush(Qt.GlobalColor.gray))
        self.view.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.view.zoom_requested.connect(self.zoom_step)

        self.toolbar = QToolBar(self)           # overflows into a » menu when the pane is narrow
        self.toolbar.setObjectName("pageToolBar")
        self.toolbar.setIconSize(QSize(16, 16))
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)

        def button(text, tip, slot):
            a = QAction(text, self)
            a.setToolTip(tip)
            a.triggered.connect(lambda _checked=False, f=slot: f())
            self.toolbar.addAction(a)
            return a
        self.prev_button = button("◀", "上一页", self.previous_page)
        self.page_spin = QSpinBox(self)
        self.page_spin.setMinimum(0)
        self.page_spin.setMaximum(0)
        self.page_spin.setKeyboardTracking(False)
        self.page_spin.setToolTip("页码")
        self.page_spin.setButtonSymbols(QSpinBox.ButtonSymbols.NoButtons)
        self.page_spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.page_spin.setMinimumWidth(40)
        self.page_spin.valueChanged.connect(self._spin_changed)
        self.toolbar.addWidget(self.page_spin)
        self.page_total = QLabel("/ 0 页", self)
        self.page_total.setContentsMargins(3, 0, 3, 0)
        self.toolbar.addWidget(self.page_total)
        self.next_button = button("▶", "下一页", self.next_page)
        spacer = QWidget(self)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.toolbar.addWidget(spacer)
        self.zoom_out_button = button("－", "缩小（Ctrl+-）", lambda: self.zoom_step(-1))
        self.zoom_label = QLabel("100%", self)
        self.zoom_label.setMinimumWidth(40)
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.toolbar.addWidget(self.zoom_label)
        self.zoom_in_button = button("＋", "放大（Ctrl++）", lambda: self.zoom_step(1))
        self.fit_width_button = button("适合宽度", "页面宽度适合窗口（Ctrl+0）", self.fit_width)
        self.fit_page_button = button("整页", "整页显示", self.fit_page)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.view, 1)
        # The selected cell magnified under the page: readable however small the page is shown, to check a
        # value against the original without zooming.
        self.loupe = QLabel(self)
        self.loupe.setObjectName("cellLoupe")
        self.loupe.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.loupe.setToolTip("所选单元格在原件中的样子（放大）")
        self.loupe.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)    # never widens the pane
        self.loupe.hide()
        layout.addWidget(self.loupe)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._update_controls()

    # ------------------------------------------------------------------ document
    def set_document(self, path: Optional[str]):
        """Open `path` for rendering (None: show nothing)."""
        self.close_document()
        self._path = path
        if path is None:
            return
        if self._is_office(path):
            try:
                self._sheets = SheetLayout.load(path)
                self._count = self._sheets.count
            except Exception:               # noqa: BLE001 - the table is still reviewable without the grid
                self._sheets = None
                self._count = 0
                self._message("无法显示此文件的内容")
            self._update_controls()
            return
        try:
            import pypdfium2 as pdfium
            self._pdf = pdfium.PdfDocument(path)
            self._count = len(self._pdf)
        except Exception:                   # noqa: BLE001 - the table is still reviewable without the page
            self._pdf = None
            self._count = 0
            self._message("无法显示此文件的页面")
        self._update_controls()

    def close_document(self):
        self._cache.clear()
        self.scene.clear()
        if self._pdf is not None:
            try:
                self._pdf.close()
            except Exception:               # noqa: BLE001
                pass
        self._pdf = None
        self._sheets = None
        self._path = None
        self._count = 0
        self._page = 0
        self._regions = {}
        self._cell = None
        self.loupe.hide()
        self._update_controls()

    @staticmethod
    def _is_office(path: str) -> bool:
        from converters.sources import READERS
        reader = READERS.get(Path(path).suffix.lower())
        return reader is not None and reader.kind == "sheets"

    @property
    def is_grid_source(self) -> bool:
        """The source is a DOCX/XLSX/XLS drawn as grids (no page image)."""
        return self._sheets is not None

    @property
    def page(self) -> int:
        return self._page

    @property
    def page_count(self) -> int:
        return self._count

    @property
    def zoom(self) -> float:
        return self._zoom

    # ------------------------------------------------------------------ what to show
    def set_regions(self, regions: list):
        """The current table's areas: [(page, bbox)]."""
        self._regions = {}
        for page, bbox in regions or []:
            self._regions.setdefault(int(page), []).append(tuple(bbox))
        self._cell = None
        self.loupe.hide()

    def show_table(self, regions: list, pages: list):
        """Show the first page of a table with its areas outlined, fitted to the width."""
        self.set_regions(regions)
        first = min(self._regions) if self._regions else (min(pages) if pages else 1)
        self._fit = "width"
        self.show_page(first)
        boxes = [b for b in (self._scene_box(first, x) for x in self._regions.get(first, [])) if b]
        if boxes:
            self.view.ensureVisible(self._united(boxes), 0, 20)

    def show_cell(self, page: int, bbox):
        """Show a cell's page with the cell highlighted and scrolled into view."""
        self._cell = (int(page), tuple(bbox))
        self.show_page(int(page))
        box = self._scene_box(int(page), bbox)
        if box:
            self.view.ensureVisible(QRectF(*self._rect(box)), 60, 60)
        self._show_loupe(int(page), tuple(bbox))

    def _show_loupe(self, page: int, bbox: tuple):
        """The cell framed on its line of the page, rendered at LOUPE_SCALE (readable at any zoom), as wide as
        the pane allows: the cell with up to LOUPE_CONTEXT cell heights of its neighbours either side (a pane
        narrower than the cell shows the cell's middle). PDF pages only: an office source's grid shows the
        cell's text already."""
        pixmap = self._image(page, LOUPE_SCALE) if self._pdf is not None else None
        if pixmap is None:
            self.loupe.hide()
            return
        s = LOUPE_SCALE
        x0, top, x1, bottom = (v * s for v in bbox)
        pad = LOUPE_CONTEXT * max(bottom - top, s)
        width = max(min(x1 - x0 + 2 * pad, self.view.viewport().width() - 8), x1 - x0 + 8)
        middle = (x0 + x1) / 2
        area = QRect(int(middle - width / 2), int(top - 0.3 * pad), int(width),
                     int(bottom - top + 0.6 * pad)).intersected(pixmap.rect())
        if area.isEmpty():
            self.loupe.hide()
            return
        crop = pixmap.copy(area)
        painter = QPainter(crop)
        painter.setPen(QPen(CELL_PEN, 2))
        painter.drawRect(QRectF(x0 - area.x() - 2, top - area.y() - 2, x1 - x0 + 4, bottom - top + 4))
        painter.end()
        self.loupe.setPixmap(crop)
        self.loupe.show()

    def show_page(self, page: int):
        if (self._pdf is None and self._sheets is None) or not self._count:
            return
        page = max(1, min(self._count, int(page)))
        changed = page != self._page
        self._page = page
        try:
            self._page_size = (self._sheets.page(page).size if self._sheets is not None
                               else tuple(float(v) for v in self._pdf.get_page_size(page - 1)))
        except Exception:                   # noqa: BLE001
            pass
        if self._fit:
            self._apply_fit(redraw=False)
        self._draw()
        self._update_controls()
        if changed:
            self.page_changed.emit(page)

    def next_page(self):
        if self._page < self._count:
            self.show_page(self._page + 1)

    def previous_page(self):
        if self._page > 1:
            self.show_page(self._page - 1)

    def _spin_changed(self, value: int):
        if value and value != self._page:
            self.show_page(value)

    # ------------------------------------------------------------------ zoom
    def zoom_step(self, direction: int):
        current = self._zoom
        if direction > 0:
            z = next((s for s in ZOOM_STEPS if s > current * 1.01), ZOOM_STEPS[-1])
        else:
            z = next((s for s in reversed(ZOOM_STEPS) if s < current * 0.99), ZOOM_STEPS[0])
        self._fit = None
        self.set_zoom(z)

    def zoom_in(self):
        self.zoom_step(1)

    def zoom_out(self):
        self.zoom_step(-1)

    def fit_width(self):
        self._fit = "width"
        self._apply_fit()

    def fit_page(self):
        self._fit = "page"
        self._apply_fit()

    def _apply_fit(self, redraw: bool = True):
        if not self._page:
            return
        w, h = self._page_size
        vw = max(50, self.view.viewport().width() - 24)
        vh = max(50, self.view.viewport().height() - 24)
        z = vw / w if self._fit == "width" else min(vw / w, vh / h)
        self.set_zoom(z, keep_fit=True, redraw=redraw)

    def set_zoom(self, zoom: float, keep_fit: bool = False, redraw: bool = True):
        zoom = max(ZOOM_STEPS[0], min(ZOOM_STEPS[-1], zoom))
        if not keep_fit:
            self._fit = None
        old_scale = self._render_scale(self._zoom)
        self._zoom = zoom
        self.view.resetTransform()
        self.view.scale(zoom, zoom)
        self.zoom_label.setText(f"{round(zoom * 100)}%")
        if redraw and self._page and self._render_scale(zoom) != old_scale:
            self._draw(keep_transform=True)

    def resizeEvent(self, event):
        super().resizeEvent(event)
        if self._fit:
            self._apply_fit()

    # ------------------------------------------------------------------ drawing
    def _render_scale(self, zoom: float) -> float:
        dpr = self.devicePixelRatioF() or 1.0
        wanted = zoom * dpr * 1.25
        for s in (1.0, 1.5, 2.0, 3.0, 4.0, 6.0):
            if s >= wanted:
                return s
        return 6.0

    def _image(self, page: int, scale: float) -> Optional[QPixmap]:
        key = (page, scale)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        try:
            image = render_page(self._pdf, page - 1, scale)
        except Exception:                   # noqa: BLE001
            return None
        pixmap = QPixmap.fromImage(image)
        self._cache[key] = pixmap
        while len(self._cache) > CACHE_PAGES:
            self._cache.popitem(last=False)
        return pixmap

    def _scene_box(self, page: int, bbox) -> Optional[tuple]:
        """A source box in scene points: PDF boxes are points already, office boxes are cell coordinates."""
        if self._sheets is None:
            return tuple(bbox)
        return self._sheets.page(page).box(bbox)

    @staticmethod
    def _rect(bbox) -> tuple:
        x0, top, x1, bottom = bbox
        return (x0, top, max(1.0, x1 - x0), max(1.0, bottom - top))

    def _united(self, boxes) -> QRectF:
        r = QRectF(*self._rect(boxes[0]))
        for b in boxes[1:]:
            r = r.united(QRectF(*self._rect(b)))
        return r

    def _message(self, text: str):
        self.scene.clear()
        item = QGraphicsSimpleTextItem(text)
        item.setBrush(QBrush(Qt.GlobalColor.white))
        self.scene.addItem(item)

    def _draw(self, keep_transform: bool = False):
        h_value = self.view.horizontalScrollBar().value()
        v_value = self.view.verticalScrollBar().value()
        self.scene.clear()
        if self._sheets is not None:
            grid = self._sheets.page(self._page)
            if not grid.cells:
                self._message(f"第 {self._page} 页（{grid.name or '空白'}）没有内容")
                return
            self._page_size = grid.size
            self.scene.addItem(_GridItem(grid))
        else:
            scale = self._render_scale(self._zoom)
            pixmap = self._image(self._page, scale)
            if pixmap is None:
                self._message(f"第 {self._page} 页无法显示")
                return
            self._page_size = (pixmap.width() / scale, pixmap.height() / scale)
            item = QGraphicsPixmapItem(pixmap)
            item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
            item.setScale(1.0 / scale)
            self.scene.addItem(item)
        w, h = self._page_size
        self.scene.setSceneRect(QRectF(0, 0, w, h))
        for bbox in filter(None, (self._scene_box(self._page, b) for b in self._regions.get(self._page, []))):
            rect = QGraphicsRectItem(*self._rect(bbox))
            pen = QPen(REGION_PEN, 2)
            pen.setCosmetic(True)
            rect.setPen(pen)
            rect.setBrush(QBrush(REGION_FILL))
            self.scene.addItem(rect)
        cell = self._scene_box(self._page, self._cell[1]) if self._cell and self._cell[0] == self._page else None
        if cell:
            x0, top, w_, h_ = self._rect(cell)
            rect = QGraphicsRectItem(x0 - 1.5, top - 1.5, w_ + 3, h_ + 3)
            pen = QPen(CELL_PEN, 2)
            pen.setCosmetic(True)
            rect.setPen(pen)
            rect.setBrush(QBrush(CELL_FILL))
            self.scene.addItem(rect)
        if keep_transform:
            self.view.horizontalScrollBar().setValue(h_value)
            self.view.verticalScrollBar().setValue(v_value)

    def _update_controls(self):
        has = self._count > 0
        self.page_spin.blockSignals(True)
        self.page_spin.setMinimum(1 if has else 0)
        self.page_spin.setMaximum(self._count)
        self.page_spin.setValue(self._page)
        self.page_spin.blockSignals(False)
        sheet = self._sheets.page(self._page).name if self._sheets is not None and self._page else ""
        self.page_total.setText(f"/ {self._count} 页" + (f"（{sheet}）" if sheet else ""))
        self.page_spin.setEnabled(has)
        self.prev_button.setEnabled(has and self._page > 1)
        self.next_button.setEnabled(has and self._page < self._count)
        for b in (self.zoom_in_button, self.zoom_out_button, self.fit_width_button, self.fit_page_button):
            b.setEnabled(has)
