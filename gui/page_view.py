"""The source page beside the table, the table's area outlined, zoom and paging.

A page source's page (a PDF's) is drawn by its reader (`converters.sources.reader_for(path).render`), so another
page-based input format needs no change here. Scene coordinates are points with a top-left origin (the engine's
bbox convention), so region and cell boxes are drawn as they are and the rendered image is scaled down into
that coordinate system. A sheet source (DOCX, Excel) has no printed image: its pages are drawn as the grids
of gui/sheet_view.py, and its boxes (in cell coordinates) placed on them.
"""
from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from typing import Optional

import numpy as np
from PySide6.QtCore import QRect, QRectF, Qt, Signal
from PySide6.QtGui import QAction, QBrush, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (QGraphicsPixmapItem, QGraphicsRectItem, QGraphicsScene, QGraphicsSimpleTextItem,
                               QGraphicsView, QLabel, QSizePolicy, QSpacerItem, QSpinBox, QToolButton, QVBoxLayout,
                               QWidget)

from converters.settings import DEFAULT
from converters.sources import READERS, reader_for

from .flow_layout import FlowLayout
from .sheet_view import GridItem, SheetLayout
from .style import CELL_FILL, CELL_PEN, REGION_FILL, REGION_PEN

ZOOM_STEPS = (0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0)
CACHE_PAGES = 12
LOUPE_SCALE = 2.0           # render scale of the magnified cell (144 dpi)
LOUPE_CONTEXT = 3.0         # neighbouring content shown left and right of the cell, in cell heights


def render_page(path: str, number: int, scale: float) -> QImage:
    """Page `number` (1-based) of a page source, drawn by its reader at `scale` pixels per point."""
    pixels = np.ascontiguousarray(reader_for(path).render(path, number, scale))
    grey = pixels.ndim == 2
    image = QImage(pixels.data, pixels.shape[1], pixels.shape[0], pixels.strides[0],
                   QImage.Format.Format_Grayscale8 if grey else QImage.Format.Format_RGB888)
    return image.copy()                     # the QImage does not own the array's memory


def count_pages(path: str) -> int:
    """How many pages a page source has, from its reader."""
    with reader_for(path)(path, DEFAULT) as source:
        return source.page_count


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
    fit_changed = Signal(str)               # 'width' | 'page' | '' (manual zoom): the user's choice, to remember

    def __init__(self, parent=None):
        super().__init__(parent)
        self._source: Optional[str] = None      # a page source (PDF), drawn by its reader
        self._sheets: Optional[SheetLayout] = None   # a DOCX/XLSX/XLS source, drawn as grids
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

        # The controls wrap onto a second row in a narrow pane rather than hide behind a toolbar's » menu:
        # every control stays visible at any pane width.
        self.toolbar = QWidget(self)
        self.toolbar.setObjectName("pageToolBar")
        bar = FlowLayout(self.toolbar, spacing=2)
        bar.setContentsMargins(4, 2, 4, 2)

        def button(text, tip, slot):
            a = QAction(text, self)
            a.setToolTip(tip)
            a.triggered.connect(lambda _checked=False, f=slot: f())
            b = QToolButton(self.toolbar)
            b.setDefaultAction(a)
            b.setAutoRaise(True)
            bar.addWidget(b)
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
        bar.addWidget(self.page_spin)
        self.page_total = QLabel("/ 0 页", self)
        self.page_total.setContentsMargins(3, 0, 3, 0)
        self.page_total.setMinimumWidth(1)            # a long sheet name is cut, never widens the pane
        bar.addWidget(self.page_total)
        self.next_button = button("▶", "下一页", self.next_page)
        bar.addItem(QSpacerItem(12, 1))                # paging | zoom
        self.zoom_out_button = button("－", "缩小（Ctrl+-）", lambda: self.zoom_step(-1))
        self.zoom_label = QLabel("100%", self)
        self.zoom_label.setMinimumWidth(40)
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        bar.addWidget(self.zoom_label)
        self.zoom_in_button = button("＋", "放大（Ctrl++）", lambda: self.zoom_step(1))
        self.fit_width_button = button("适合宽度", "表格（无表格时页面）宽度适合窗口（Ctrl+0）",
                                       self.fit_width)
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
    def set_document(self, path: Optional[str], pages: int = 0):
        """Show the pages of `path` (None: nothing); `pages`: its page count when known (Document.pages), else
        its reader counts them."""
        self.close_document()
        if path is None:
            return
        reader = READERS.get(Path(path).suffix.lower())
        sheets = reader is not None and reader.kind == "sheets"
        try:
            if sheets:
                self._sheets = SheetLayout.load(path)
                self._count = self._sheets.count
            else:
                self._count = pages or count_pages(path)
                self._source = path
        except Exception:                   # noqa: BLE001 - the table is still reviewable without its page
            self._sheets, self._source, self._count = None, None, 0
            self._message("无法显示此文件的内容" if sheets else "无法显示此文件的页面")
        self._update_controls()

    def close_document(self):
        self._cache.clear()
        self.scene.clear()
        self._source = None
        self._sheets = None
        self._count = 0
        self._page = 0
        self._regions = {}
        self._cell = None
        self.loupe.hide()
        self._update_controls()

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
        """Show the first page of a table with its areas outlined, fitted as the user last chose (default: to the
        width; a manual zoom is kept)."""
        self.set_regions(regions)
        first = min(self._regions) if self._regions else (min(pages) if pages else 1)
        self.show_page(first)
        boxes = self._table_boxes(first)
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
        pixmap = self._image(page, LOUPE_SCALE) if self._source is not None else None
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
        if (self._source is None and self._sheets is None) or not self._count:
            return
        page = max(1, min(self._count, int(page)))
        changed = page != self._page
        self._page = page
        if self._sheets is not None:
            self._page_size = self._sheets.page(page).size
        else:                               # the page's size, from its image at the current scale (kept)
            scale = self._render_scale(self._zoom)
            pixmap = self._image(page, scale)
            if pixmap is not None:
                self._page_size = (pixmap.width() / scale, pixmap.height() / scale)
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
        self.set_zoom(z)

    def zoom_in(self):
        self.zoom_step(1)

    def zoom_out(self):
        self.zoom_step(-1)

    def fit_width(self):
        self.set_fit("width")

    def fit_page(self):
        self.set_fit("page")

    @property
    def fit(self) -> str:
        return self._fit or ""

    def set_fit(self, fit: str):
        """'width' or 'page' (fitted on every resize and table), '' (keep the zoom)."""
        self._fit = fit or None
        self._apply_fit()
        self.fit_changed.emit(self.fit)

    def _apply_fit(self, redraw: bool = True):
        if not self._page:
            return
        w, h = self._page_size
        vw = max(50, self.view.viewport().width() - 24)
        vh = max(50, self.view.viewport().height() - 24)
        boxes = self._table_boxes(self._page)
        table = self._table_width(boxes)
        z = vw / (table or w) if self._fit == "width" else min(vw / w, vh / h)
        self.set_zoom(z, keep_fit=True, redraw=redraw)
        if self._fit == "width" and table:
            self.view.ensureVisible(self._united(boxes), 0, 20)

    def _table_boxes(self, page: int) -> list:
        """The table's areas on `page`, in scene points."""
        return [b for b in (self._scene_box(page, x) for x in self._regions.get(page, [])) if b]

    def _table_width(self, boxes: list) -> float:
        """The width (scene points, with a margin) of the table's areas `boxes`; 0 when none: "fit to width" fits
        the table, which is what the user reads, not the page's margins."""
        if not boxes:
            return 0.0
        return min(self._page_size[0], max(b[2] for b in boxes) - min(b[0] for b in boxes) + 24)

    def set_zoom(self, zoom: float, keep_fit: bool = False, redraw: bool = True):
        zoom = max(ZOOM_STEPS[0], min(ZOOM_STEPS[-1], zoom))
        if not keep_fit and self._fit:
            self._fit = None
            self.fit_changed.emit("")
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
            image = render_page(self._source, page, scale)
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
            self.scene.addItem(GridItem(grid))
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
