"""A DOCX or Excel source drawn as the engine read it: it has no printed image, so its page (a worksheet, or a page
of the Word body) is the grid of its cell texts, laid out in points. Boxes in cell coordinates
(col, row, col + 1, row + 1) are placed on that grid (`GridPage.box`)."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

from converters.model import merge_map
from converters.sources import reader_for

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


class GridItem(QGraphicsItem):
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
