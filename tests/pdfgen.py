"""Generate budget-disclosure-like PDFs (部门预算公开) for tests.

A small, dependency-light library (reportlab only; no pytest) that draws report tables the way real
disclosures print them: titles, meta lines ("单位名称：X    单位：万元", Hebei "824X局  预算年度：2024
单位：万元"), merged multi-row headers, wrapped cell text with vertically centred numbers, tables continuing
over pages (header repeated or not, rows optionally split across the break), page footers and running
headers, narrative pages between tables, landscape pages and four ruling styles.

Every glyph is drawn with ``drawString`` at a computed position, so the geometry is fully controlled and
``build_pdf`` can report where everything landed.

Quick use::

    from tests import pdfgen as g
    spec, exp = g.shanxi_expenditure_summary(ruling="hlines")
    facts = g.build_pdf(g.DocSpec([spec]), "/tmp/x.pdf")
    facts["tables"][0]["pages"]        # -> [1]
    exp.columns, exp.rows               # canonical columns / standardized rows the engine should produce

    doc, expected = g.sample_document(ruling="grid", landscape=False)
    facts = g.build_pdf(doc, "/tmp/sample.pdf")   # also fills expected[i].pages

Header grids: ``None`` continues the cell to its left (colspan), ``"^"`` continues the cell above (rowspan).
Body rows: printed strings; ``None`` (or "") is a blank cell.
"""
from __future__ import annotations

import io
import random
import re
from dataclasses import dataclass, field
from typing import Optional, Union

from reportlab.lib.pagesizes import A4, landscape as _landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as _canvas

DEFAULT_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
SPAN_UP = "^"          # header cell merged with the cell above

__all__ = [
    "TableSpec", "Narrative", "Cover", "PageBreak", "DocSpec", "Expected", "Budget", "BudgetItem",
    "build_pdf", "build_pdf_bytes", "make_budget", "render_png", "wrap_text", "header_cells",
    "shanxi_revenue_summary", "shanxi_expenditure_summary", "budget_summary", "hebei_expenditure_summary",
    "three_public", "operating_expenses", "empty_table", "long_table", "sample_document",
    "FUNCTION_CLASSES",
]


# ============================================================================================ specs
@dataclass
class Expected:
    """The standardized table the engine should export for one TableSpec (truth-file format)."""
    form: str
    title: str
    columns: list
    rows: list
    unit_name: Optional[str] = None
    year: Optional[int] = None
    money_unit: Optional[str] = "万元"
    empty: bool = False
    pages: list = field(default_factory=list)      # filled by build_pdf (1-based)

    def to_truth(self) -> dict:
        return {"form": self.form, "title": self.title, "unit_name": self.unit_name, "year": self.year,
                "money_unit": self.money_unit, "pages": list(self.pages), "empty": self.empty,
                "columns": list(self.columns), "rows": [list(r) for r in self.rows]}


@dataclass
class TableSpec:
    title: str                              # printed title
    header: list                            # header grid; None = colspan with left cell, "^" = rowspan
    rows: list                              # body rows as printed strings (None / "" = blank)
    col_widths: Optional[list] = None       # relative weights, scaled to table_width (None: from content)
    meta_left: Optional[str] = "单位名称：测试县财政局"
    meta_right: Optional[str] = "单位：万元"
    meta_center: Optional[str] = None       # Hebei "预算年度：2024"
    label: Optional[str] = None             # e.g. "预算公开表2", printed above the title
    label_align: str = "left"               # "left" | "right"
    note: Optional[str] = None              # line(s) under the table: "注：本表无数据", "备注：……"
    ruling: str = "grid"                    # "grid" | "hlines" | "hlines_all" | "none"
    repeat_header: bool = True              # repeat the header on continuation pages
    landscape: bool = False
    font_size: float = 9
    align_numbers: str = "right"            # "right" | "center" | "left"
    col_align: Optional[list] = None        # per column "l" | "c" | "r" | "n" (numbers per align_numbers)
    split_rows: bool = False                # split a tall wrapped row across the page break
    table_width: Optional[float] = None     # points; None = full content width
    title_size: Optional[float] = None      # default font_size + 7
    title_bold: bool = True
    min_row_height: Optional[float] = None  # default 2 * font_size
    line_width: Optional[float] = None      # default 0.6 (grid) / 0.8 (hlines)
    expected: Optional[Expected] = None     # what the engine should export (set by the builders)


@dataclass
class Narrative:
    """Paragraphs of running text. A paragraph starting with "# " is a centred heading, "## " a left heading."""
    paragraphs: list
    heading: Optional[str] = None
    new_page: Optional[bool] = None         # None: new page unless DocSpec.several_per_page
    font_size: float = 10.5
    landscape: bool = False


@dataclass
class Cover:
    """A cover page (no footer, no running header)."""
    title: str
    subtitle: Optional[str] = None
    date: Optional[str] = None


@dataclass
class PageBreak:
    pass


@dataclass
class DocSpec:
    tables: list                            # TableSpec | Narrative | Cover | PageBreak, in order
    footer: Optional[str] = "-{n}-"         # "-{n}-", "第{n}页", "第 {n} 页", "{n}" or None
    running_header: Optional[str] = None    # e.g. "XX单位2023年单位预算公开报告"
    several_per_page: bool = False          # start a table on the current page if room is left
    font_path: str = DEFAULT_FONT
    subfont_index: int = 0
    footer_offset: int = 0                  # printed number = physical page number + footer_offset
    running_header_align: str = "center"    # "center" | "right" | "left"
    running_header_rule: bool = False       # a thin rule under the running header (Word style)
    margins: tuple = (50.0, 50.0, 50.0, 56.0)   # left, right, top, bottom (points)


DocItem = Union[TableSpec, Narrative, Cover, PageBreak]


# ============================================================================================ fonts and text
_FONTS: dict = {}


def _register_font(path: str, subfont_index: int = 0) -> str:
    key = (path, subfont_index)
    if key not in _FONTS:
        name = f"BTCJK{len(_FONTS)}"
        pdfmetrics.registerFont(TTFont(name, path, subfontIndex=subfont_index))
        _FONTS[key] = (name, {})
    return _FONTS[key][0]


class _Metrics:
    """Fast string widths: per-character advance cache (the TTF has no kerning in reportlab)."""

    def __init__(self, font_name: str):
        self.font = font_name
        self._cache = next(v[1] for v in _FONTS.values() if v[0] == font_name)

    def width(self, text: str, size: float) -> float:
        cache = self._cache
        w = 0.0
        for ch in text:
            cw = cache.get(ch)
            if cw is None:
                cw = cache[ch] = pdfmetrics.stringWidth(ch, self.font, 1000.0) / 1000.0
            w += cw
        return w * size


_TOKEN = re.compile(r"[A-Za-z0-9.,%+\-_/:]+|\s+|.", re.S)


def wrap_text(text: str, width: float, metrics: "_Metrics", size: float, first_indent: float = 0.0) -> list:
    """Greedy line wrapping: CJK per character, ASCII/number runs kept whole when they fit.

    Explicit "\\n" are kept as line breaks. Returns at least one (possibly empty) line.
    """
    out = []
    for para in str(text).split("\n"):
        line, lw = "", 0.0
        avail = max(width - first_indent, size)
        for tok in _TOKEN.findall(para):
            tw = metrics.width(tok, size)
            if lw + tw <= avail + 1e-6:
                line, lw = line + tok, lw + tw
                continue
            if tok.isspace():               # a break opportunity: drop the space
                out.append(line)
                line, lw, avail = "", 0.0, max(width, size)
                continue
            if tw > max(width, size) or not line:
                # Too long for any line (or nothing on this line yet): break per character.
                for ch in tok:
                    cw = metrics.width(ch, size)
                    if lw + cw > avail + 1e-6 and line:
                        out.append(line)
                        line, lw, avail = "", 0.0, max(width, size)
                    line, lw = line + ch, lw + cw
                continue
            out.append(line)
            line, lw, avail = tok, tw, max(width, size)
        out.append(line)
    # Trailing spaces never matter for layout.
    out = [ln.rstrip() for ln in out]
    return out or [""]


_NUM = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?$")


def _is_number(s) -> bool:
    return bool(s) and bool(_NUM.match(str(s).strip()))


# ============================================================================================ header grid
@dataclass
class HeaderCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    text: str


def header_cells(header: list) -> list:
    """Merged cells of a header grid (None = continues left, "^" = continues up)."""
    if not header:
        return []
    nrows = len(header)
    ncols = len(header[0])
    if any(len(r) != ncols for r in header):
        raise ValueError("header rows must all have the same number of columns")
    covered = [[False] * ncols for _ in range(nrows)]
    cells = []
    for r in range(nrows):
        for c in range(ncols):
            if covered[r][c]:
                continue
            v = header[r][c]
            if v is None or v == SPAN_UP:          # orphan continuation: an empty cell of its own
                covered[r][c] = True
                cells.append(HeaderCell(r, c, 1, 1, ""))
                continue
            cs = 1
            while c + cs < ncols and header[r][c + cs] is None and not covered[r][c + cs]:
                cs += 1
            rs = 1
            while r + rs < nrows and header[r + rs][c] == SPAN_UP:
                rs += 1
            for rr in range(r, r + rs):
                for cc in range(c, c + cs):
                    covered[rr][cc] = True
            cells.append(HeaderCell(r, c, rs, cs, str(v)))
    return cells


def leaf_labels(header: list) -> list:
    """The lowest header text over each column (the label a reader would call the column)."""
    if not header:
        return []
    ncols = len(header[0])
    labels = [""] * ncols
    for cell in sorted(header_cells(header), key=lambda h: h.row):
        for c in range(cell.col, cell.col + cell.colspan):
            if cell.text:
                labels[c] = cell.text
    return labels


# ============================================================================================ layout engine
class _Writer:
    def __init__(self, doc: DocSpec, out, encrypt=None):
        self.doc = doc
        self.font = _register_font(doc.font_path, doc.subfont_index)
        self.m = _Metrics(self.font)
        kw = {"pagesize": A4, "pageCompression": 1}
        if encrypt is not None:
            kw["encrypt"] = encrypt
        self.c = _canvas.Canvas(out, **kw)
        self.c.setTitle("部门预算公开")
        self.page_no = 0
        self.page_open = False
        self.page_landscape = False
        self.page_is_cover = False
        self.page_empty = True
        self.y = 0.0
        self.page_sizes = []
        self.footers = {}
        self.facts_tables = []
        self.facts_narratives = []

    # ------------------------------------------------------------------------------- pages
    @property
    def size(self):
        return _landscape(A4) if self.page_landscape else A4

    @property
    def top(self):
        return self.size[1] - self.doc.margins[2]

    @property
    def bottom(self):
        return self.doc.margins[3]

    @property
    def left(self):
        return self.doc.margins[0]

    @property
    def right(self):
        return self.size[0] - self.doc.margins[1]

    def new_page(self, landscape_: bool = False, cover: bool = False):
        if self.page_open:
            self.finish_page()
        self.page_landscape = landscape_
        self.page_is_cover = cover
        self.c.setPageSize(self.size)
        self.page_no += 1
        self.page_sizes.append(tuple(self.size))
        self.page_open = True
        self.page_empty = True
        self.y = self.top
        if not cover and self.doc.running_header:
            size = 9
            w, h = self.size
            text = self.doc.running_header
            base = h - self.doc.margins[2] + 12
            tw = self.m.width(text, size)
            if self.doc.running_header_align == "right":
                x = self.right - tw
            elif self.doc.running_header_align == "left":
                x = self.left
            else:
                x = (w - tw) / 2
            self._text(x, base, text, size)
            if self.doc.running_header_rule:
                self.c.setLineWidth(0.5)
                self.c.line(self.left, base - 3, self.right, base - 3)

    def finish_page(self):
        if not self.page_open:
            return
        if not self.page_is_cover and self.doc.footer:
            n = self.page_no + self.doc.footer_offset
            text = self.doc.footer.format(n=n)
            size = 9
            w = self.size[0]
            self._text((w - self.m.width(text, size)) / 2, self.bottom - 20, text, size)
            self.footers[self.page_no] = text
        self.c.showPage()
        self.page_open = False

    def ensure_page(self, landscape_: bool, need: float, allow_continue: bool):
        """Open a page for content of height `need` (continue the current one if allowed and it fits)."""
        if (self.page_open and self.page_landscape == landscape_ and not self.page_is_cover
                and (self.page_empty or (allow_continue and self.y - need >= self.bottom))):
            return
        self.new_page(landscape_)

    # ------------------------------------------------------------------------------- drawing primitives
    def _text(self, x, y, text, size, bold=False):
        draw_text(self.c, self.font, x, y, text, size, bold)

    def _lines_block(self, lines, x0, x1, ytop, ybot, size, leading, align, pad):
        """Draw wrapped lines vertically centred in [ybot, ytop], aligned in [x0+pad, x1-pad]."""
        lines = [ln for ln in lines]
        while lines and lines[-1] == "":
            lines.pop()
        if not lines:
            return
        cy = (ytop + ybot) / 2
        total = len(lines) * leading
        for i, ln in enumerate(lines):
            if not ln:
                continue
            base = cy + total / 2 - leading * (i + 0.5) - 0.36 * size
            lw = self.m.width(ln, size)
            if align == "r":
                x = x1 - pad - lw
            elif align == "c":
                x = (x0 + x1 - lw) / 2
            else:
                x = x0 + pad
            self._text(x, base, ln, size)

    def _draw_segments(self, segs, width):
        """Draw axis-parallel segments once each, merging collinear touching pieces."""
        hs, vs = {}, {}
        for (x1, y1, x2, y2) in segs:
            if abs(y1 - y2) < 1e-6:
                hs.setdefault(round(y1, 2), []).append((min(x1, x2), max(x1, x2)))
            else:
                vs.setdefault(round(x1, 2), []).append((min(y1, y2), max(y1, y2)))
        self.c.setLineWidth(width)
        self.c.setLineCap(2)       # projecting square caps: corners close cleanly
        for y, spans in hs.items():
            for a, b in _merge_spans(spans):
                self.c.line(a, y, b, y)
        for x, spans in vs.items():
            for a, b in _merge_spans(spans):
                self.c.line(x, a, x, b)
        self.c.setLineCap(0)

    # ------------------------------------------------------------------------------- cover / narrative
    def emit_cover(self, cov: Cover):
        self.new_page(False, cover=True)
        w, h = self.size
        size = 26
        lines = wrap_text(cov.title, w - 140, self.m, size)
        y = h * 0.62
        for ln in lines:
            self._text((w - self.m.width(ln, size)) / 2, y, ln, size, bold=True)
            y -= size * 1.6
        if cov.subtitle:
            y -= 20
            self._text((w - self.m.width(cov.subtitle, 16)) / 2, y, cov.subtitle, 16)
        if cov.date:
            self._text((w - self.m.width(cov.date, 14)) / 2, h * 0.2, cov.date, 14)
        self.page_empty = False

    def emit_narrative(self, nar: Narrative, index: int):
        new_page = nar.new_page if nar.new_page is not None else not self.doc.several_per_page
        size = nar.font_size
        leading = size * 1.75
        if new_page or not self.page_open:
            self.new_page(nar.landscape)
        else:
            self.ensure_page(nar.landscape, 3 * leading, True)
            if not self.page_empty:
                self.y -= leading
        pages = [self.page_no]
        width = self.right - self.left
        items = ([("# ", nar.heading)] if nar.heading else [])
        for p in nar.paragraphs:
            if p.startswith("## "):
                items.append(("## ", p[3:]))
            elif p.startswith("# "):
                items.append(("# ", p[2:]))
            else:
                items.append(("", p))
        for kind, text in items:
            if kind == "# ":
                hs = size + 5
                lines = wrap_text(text, width, self.m, hs)
                for ln in lines:
                    if self.y - hs * 1.8 < self.bottom:
                        self.new_page(nar.landscape)
                        pages.append(self.page_no)
                    self.y -= hs * 1.8
                    self._text((self.left + self.right - self.m.width(ln, hs)) / 2, self.y, ln, hs, bold=True)
                self.y -= hs * 0.6
            else:
                bold = kind == "## "
                indent = 0.0 if bold else 2 * size
                lines = wrap_text(text, width, self.m, size, first_indent=indent)
                for i, ln in enumerate(lines):
                    if self.y - leading < self.bottom:
                        self.new_page(nar.landscape)
                        pages.append(self.page_no)
                    self.y -= leading
                    self._text(self.left + (indent if i == 0 else 0.0), self.y + (leading - size) / 2 - 1, ln,
                               size, bold=bold)
            self.page_empty = False
        self.y -= leading * 0.5
        self.facts_narratives.append({"index": index, "pages": pages})

    # ------------------------------------------------------------------------------- tables
    def emit_table(self, spec: TableSpec, index: int):
        if spec.ruling not in ("grid", "hlines", "hlines_all", "none"):
            raise ValueError(f"unknown ruling {spec.ruling!r}")
        size = spec.font_size
        leading = size * 1.3
        pad_x, pad_y = 2.5, 2.5
        min_h = spec.min_row_height or size * 2.0
        pw = (_landscape(A4) if spec.landscape else A4)[0]
        avail = pw - self.doc.margins[0] - self.doc.margins[1]
        tw = min(spec.table_width or avail, avail)
        x0 = self.doc.margins[0] + (avail - tw) / 2
        ncols = len(spec.header[0]) if spec.header else max((len(r) for r in spec.rows), default=1)
        widths = self._col_widths(spec, ncols, tw, size, pad_x)
        xs = [x0]
        for wdt in widths:
            xs.append(xs[-1] + wdt)
        x1 = xs[-1]
        aligns = self._col_aligns(spec, ncols)

        # Header layout.
        hcells = header_cells(spec.header)
        nh = len(spec.header)
        hrow_h = [min_h] * nh
        hlines = {}
        for hc in hcells:
            span_w = xs[hc.col + hc.colspan] - xs[hc.col] - 2 * pad_x
            hlines[(hc.row, hc.col)] = wrap_text(hc.text, span_w, self.m, size) if hc.text else []
            if hc.rowspan == 1:
                need = len(hlines[(hc.row, hc.col)]) * leading + 2 * pad_y
                hrow_h[hc.row] = max(hrow_h[hc.row], need)
        for hc in hcells:
            if hc.rowspan > 1:
                need = len(hlines[(hc.row, hc.col)]) * leading + 2 * pad_y
                have = sum(hrow_h[hc.row:hc.row + hc.rowspan])
                if need > have:
                    hrow_h[hc.row + hc.rowspan - 1] += need - have
        header_h = sum(hrow_h)

        # Body layout.
        body = []
        for r in spec.rows:
            cells = list(r) + [None] * (ncols - len(r))
            lines = []
            for c in range(ncols):
                v = cells[c]
                if v is None or v == "":
                    lines.append([])
                else:
                    lines.append(wrap_text(str(v), widths[c] - 2 * pad_x, self.m, size))
            nmax = max((len(ln) for ln in lines), default=0)
            body.append((cells, lines, max(min_h, nmax * leading + 2 * pad_y)))

        # Title block.
        tsize = spec.title_size or size + 7
        title_lines = wrap_text(spec.title, tw, self.m, tsize) if spec.title else []
        has_meta = bool(spec.meta_left or spec.meta_right or spec.meta_center)
        block_h = ((size * 1.9) if spec.label else 0) + len(title_lines) * tsize * 1.45 + \
            (size * 1.9 if has_meta else 0) + (tsize * 0.3 if title_lines else 0)
        first_h = body[0][2] if body else 0
        gap = 22.0
        need = block_h + header_h + first_h + (gap if not self.page_empty else 0)
        self.ensure_page(spec.landscape, need, self.doc.several_per_page)
        if not self.page_empty:
            self.y -= gap
        fact = {"index": index, "title": spec.title, "form": spec.expected.form if spec.expected else None,
                "landscape": spec.landscape, "title_page": self.page_no, "pages": [], "header_pages": [],
                "row_pages": [], "split_rows": [], "fragments": [], "col_x": [round(x, 2) for x in xs],
                "ruling": spec.ruling}
        y = self.y
        if spec.label:
            lx = x0 if spec.label_align == "left" else x1 - self.m.width(spec.label, size)
            self._text(lx, y - size * 1.2, spec.label, size)
            y -= size * 1.9
        for ln in title_lines:
            y -= tsize * 1.45
            self._text((x0 + x1 - self.m.width(ln, tsize)) / 2, y + tsize * 0.3, ln, tsize, bold=spec.title_bold)
        if title_lines:
            y -= tsize * 0.3
        if has_meta:
            base = y - size * 1.35
            if spec.meta_left:
                self._text(x0, base, spec.meta_left, size)
            if spec.meta_center:
                self._text((x0 + x1 - self.m.width(spec.meta_center, size)) / 2, base, spec.meta_center, size)
            if spec.meta_right:
                self._text(x1 - self.m.width(spec.meta_right, size), base, spec.meta_right, size)
            y -= size * 1.9
        self.page_empty = False

        # Fragments (one per page the table occupies).
        frag = None

        def open_fragment(y_top, with_header, fresh):
            nonlocal frag
            frag = {"page": self.page_no, "top": y_top, "header": with_header, "fresh": fresh,
                    "rows": [], "row_idx": [], "segs": []}
            yy = y_top
            if with_header and nh:
                row_tops = [y_top]
                for hh in hrow_h:
                    row_tops.append(row_tops[-1] - hh)
                for hc in hcells:
                    cx0, cx1 = xs[hc.col], xs[hc.col + hc.colspan]
                    cy0, cy1 = row_tops[hc.row], row_tops[hc.row + hc.rowspan]
                    self._lines_block(hlines[(hc.row, hc.col)], cx0, cx1, cy0, cy1, size, leading, "c", pad_x)
                    frag["segs"] += _rect_segs(cx0, cy1, cx1, cy0)
                yy = y_top - header_h
                fact["header_pages"].append(self.page_no)
            frag["header_bottom"] = yy
            if self.page_no not in fact["pages"]:
                fact["pages"].append(self.page_no)
            return yy

        def close_fragment(y_bot):
            f = frag
            segs = []
            if spec.ruling == "grid":
                segs = list(f["segs"])
                for (rtop, rbot) in f["rows"]:
                    segs += [(x0, rtop, x1, rtop), (x0, rbot, x1, rbot)]
                    segs += [(x, rbot, x, rtop) for x in xs]
            elif spec.ruling in ("hlines", "hlines_all"):
                segs = [(x0, f["top"], x1, f["top"])]
                if f["header"] and nh:
                    segs.append((x0, f["header_bottom"], x1, f["header_bottom"]))
                if spec.ruling == "hlines_all":
                    segs += [(x0, rb, x1, rb) for (_, rb) in f["rows"]]
                segs.append((x0, y_bot, x1, y_bot))
            if segs:
                lw = spec.line_width or (0.6 if spec.ruling == "grid" else 0.8)
                self._draw_segments(segs, lw)
            h = self.size[1]
            fact["fragments"].append({"page": f["page"], "header": f["header"],
                                      "bbox": [round(x0, 2), round(h - f["top"], 2), round(x1, 2),
                                               round(h - y_bot, 2)],
                                      "rows": list(f["row_idx"])})

        def draw_row(cells_lines, ytop, h, i):
            for c in range(ncols):
                ln = cells_lines[c]
                if not ln:
                    continue
                al = aligns[c]
                v = "".join(ln)
                if al == "n":
                    al = _ALIGN[spec.align_numbers] if _is_number(v) else "l"
                self._lines_block(ln, xs[c], xs[c + 1], ytop, ytop - h, size, leading, al, pad_x)
            frag["rows"].append((ytop, ytop - h))
            frag["row_idx"].append(i)

        y = open_fragment(y, True, False)
        for i, (cells, lines, h) in enumerate(body):
            # A row taller than a whole continuation page is drawn anyway (it overflows) unless split.
            overflow_ok = not frag["rows"] and frag["fresh"] and not spec.split_rows
            if y - h < self.bottom and not overflow_ok:
                room = y - self.bottom
                nmax = max(len(ln) for ln in lines) if lines else 0
                nfit = int((room - 2 * pad_y) // leading)
                if spec.split_rows and nmax > 1 and 1 <= nfit < nmax:
                    first = [ln[:nfit] if len(ln) > nfit else ln for ln in lines]
                    rest = [ln[nfit:] if len(ln) > nfit else [] for ln in lines]
                    h1 = nfit * leading + 2 * pad_y
                    draw_row(first, y, h1, i)
                    fact["row_pages"].append(self.page_no)
                    close_fragment(y - h1)
                    self.new_page(spec.landscape)
                    y = open_fragment(self.y, spec.repeat_header, True)
                    h2 = max(min_h, max(len(ln) for ln in rest) * leading + 2 * pad_y)
                    draw_row(rest, y, h2, i)
                    fact["split_rows"].append({"row": i, "pages": [self.page_no - 1, self.page_no]})
                    y -= h2
                    continue
                close_fragment(y)
                self.new_page(spec.landscape)
                y = open_fragment(self.y, spec.repeat_header, True)
            draw_row(lines, y, h, i)
            fact["row_pages"].append(self.page_no)
            y -= h
        close_fragment(y)

        if spec.note:
            nl = wrap_text(spec.note, tw, self.m, size)
            nlead = size * 1.6
            y -= size * 0.4
            for ln in nl:
                if y - nlead < self.bottom:
                    self.new_page(spec.landscape)
                    y = self.y
                    if self.page_no not in fact["pages"]:
                        fact["pages"].append(self.page_no)
                y -= nlead
                self._text(x0, y + (nlead - size) / 2, ln, size)
            fact["note_page"] = self.page_no
        self.y = y
        self.page_empty = False
        if spec.expected is not None:
            spec.expected.pages = list(fact["pages"])
        self.facts_tables.append(fact)

    def _col_widths(self, spec, ncols, tw, size, pad):
        if spec.col_widths:
            if len(spec.col_widths) != ncols:
                raise ValueError("col_widths must have one weight per column")
            tot = float(sum(spec.col_widths))
            return [tw * w / tot for w in spec.col_widths]
        nat = []
        hc = header_cells(spec.header)
        for c in range(ncols):
            body_w = 0.0
            for r in spec.rows:
                if c < len(r) and r[c]:
                    body_w = max(body_w, self.m.width(str(r[c]), size))
            body_w = min(body_w, 14 * size)
            head_w = 0.0
            for h in hc:
                if h.col == c and h.colspan == 1 and h.text:
                    head_w = max(head_w, min(self.m.width(h.text, size), 5 * size))
            nat.append(max(body_w, head_w, 2.5 * size) + 2 * pad + 2)
        tot = sum(nat)
        return [tw * n / tot for n in nat]

    def _col_aligns(self, spec, ncols):
        if spec.col_align:
            return list(spec.col_align)
        hc = header_cells(spec.header)
        out = []
        for c in range(ncols):
            texts = "".join(h.text for h in hc if h.col <= c < h.col + h.colspan)
            vals = [str(r[c]) for r in spec.rows if c < len(r) and r[c] not in (None, "")]
            if "序号" in texts:
                out.append("c")
            elif any(k in texts for k in ("编码", "代码", "科目编码")):
                out.append("l")
            elif vals and sum(_is_number(v) for v in vals) >= 0.5 * len(vals):
                out.append("n")
            else:
                out.append("l")
        return out

    # ------------------------------------------------------------------------------- document
    def run(self):
        for idx, item in enumerate(self.doc.tables):
            if isinstance(item, PageBreak):
                if self.page_open:
                    self.finish_page()
                continue
            if isinstance(item, Cover):
                self.emit_cover(item)
            elif isinstance(item, Narrative):
                self.emit_narrative(item, idx)
            elif isinstance(item, TableSpec):
                self.emit_table(item, idx)
            else:
                raise TypeError(f"unsupported document item: {type(item).__name__}")
        if not self.page_open and self.page_no == 0:
            self.new_page(False)       # an empty document still has one page
        self.finish_page()
        self.c.save()
        return {"pages": self.page_no, "page_sizes": self.page_sizes, "tables": self.facts_tables,
                "narratives": self.facts_narratives, "footers": self.footers}


_ALIGN = {"right": "r", "center": "c", "left": "l"}


def draw_text(c, font: str, x, y, text, size, bold=False):
    """One line of text on a reportlab canvas; bold is faked by fill + stroke (the CJK font has no bold face)."""
    if not text:
        return
    if bold:
        c.saveState()
        t = c.beginText()
        t.setTextRenderMode(2)
        t.setFont(font, size)
        t.setTextOrigin(x, y)
        t.textOut(text)
        c.setLineWidth(size * 0.035)
        c.drawText(t)
        c.restoreState()
    else:
        c.setFont(font, size)
        c.drawString(x, y, text)


def _merge_spans(spans):
    spans = sorted(spans)
    out = []
    for a, b in spans:
        if out and a <= out[-1][1] + 0.01:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return out


def _rect_segs(x0, y0, x1, y1):
    return [(x0, y0, x1, y0), (x0, y1, x1, y1), (x0, y0, x0, y1), (x1, y0, x1, y1)]


def build_pdf(doc: DocSpec, path, *, encrypt=None) -> dict:
    """Write `doc` to `path` (a path or a binary file object). Returns layout facts:

    {"pages": n, "page_sizes": [(w, h)…],
     "tables": [{"index": position in doc.tables, "title", "form", "landscape", "title_page",
                 "pages": [1-based pages the table (incl. its note) occupies], "header_pages": [pages where
                 the header is drawn], "row_pages": [page of each body row (first page if split)],
                 "split_rows": [{"row": i, "pages": [p, p+1]}], "fragments": [{"page", "header",
                 "bbox": [x0, top, x1, bottom] in pdfplumber coordinates, "rows": [body row indexes]}],
                 "col_x": [column boundaries], "ruling", "note_page"?}…],
     "narratives": [{"index", "pages"}…], "footers": {page: printed footer text}}

    Each TableSpec's `expected.pages` is filled in as a side effect. `encrypt` is passed to reportlab's
    Canvas (a password string or a reportlab.lib.pdfencrypt.StandardEncryption).
    """
    if isinstance(path, (str, bytes)) or hasattr(path, "__fspath__"):
        path = str(path)
    return _Writer(doc, path, encrypt=encrypt).run()


def build_pdf_bytes(doc: DocSpec, **kw) -> tuple:
    """(pdf bytes, facts)."""
    buf = io.BytesIO()
    facts = build_pdf(doc, buf, **kw)
    return buf.getvalue(), facts


def render_png(pdf_path, page_index: int, out_path, scale: float = 1.5) -> str:
    """Render one page (0-based) to PNG with pypdfium2 (for eyeballing layouts)."""
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        pdf[page_index].render(scale=scale).to_pil().save(str(out_path))
    finally:
        pdf.close()
    return str(out_path)


# ============================================================================================ budget data
# The 30 enumerated expenditure lines of the two-sided summaries: (类 code, name).
FUNCTION_CLASSES = [
    ("201", "一般公共服务支出"), ("202", "外交支出"), ("203", "国防支出"), ("204", "公共安全支出"),
    ("205", "教育支出"), ("206", "科学技术支出"), ("207", "文化旅游体育与传媒支出"), ("208", "社会保障和就业支出"),
    ("209", "社会保险基金支出"), ("210", "卫生健康支出"), ("211", "节能环保支出"), ("212", "城乡社区支出"),
    ("213", "农林水支出"), ("214", "交通运输支出"), ("215", "资源勘探工业信息等支出"), ("216", "商业服务业等支出"),
    ("217", "金融支出"), ("219", "援助其他地区支出"), ("220", "自然资源海洋气象等支出"), ("221", "住房保障支出"),
    ("222", "粮油物资储备支出"), ("223", "国有资本经营预算支出"), ("224", "灾害防治及应急管理支出"), ("227", "预备费"),
    ("229", "其他支出"), ("230", "转移性支出"), ("231", "债务还本支出"), ("232", "债务付息支出"),
    ("233", "债务发行费用支出"), ("234", "抗疫特别国债安排的支出"),
]
_CN_NUM = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五", "十六",
           "十七", "十八", "十九", "二十", "二十一", "二十二", "二十三", "二十四", "二十五", "二十六", "二十七", "二十八",
           "二十九", "三十", "三十一"]
_CLASS_NAME = dict(FUNCTION_CLASSES)

# 类 → [(款 code, 款 name, [(项 code, 项 name, kind)])]; kind: "b" basic only, "p" project only, "m" both.
_SUBJECTS = {
    "201": [("20103", "政府办公厅（室）及相关机构事务",
             [("2010301", "行政运行", "b"), ("2010302", "一般行政管理事务", "p"), ("2010350", "事业运行", "b"),
              ("2010399", "其他政府办公厅（室）及相关机构事务支出", "p")]),
            ("20106", "财政事务",
             [("2010601", "行政运行", "b"), ("2010602", "一般行政管理事务", "p"), ("2010699", "其他财政事务支出", "p")])],
    "208": [("20805", "行政事业单位养老支出",
             [("2080501", "行政单位离退休", "b"), ("2080505", "机关事业单位基本养老保险缴费支出", "b"),
              ("2080506", "机关事业单位职业年金缴费支出", "b")]),
            ("20808", "抚恤", [("2080801", "死亡抚恤", "b")])],
    "210": [("21011", "行政事业单位医疗",
             [("2101101", "行政单位医疗", "b"), ("2101102", "事业单位医疗", "b"), ("2101103", "公务员医疗补助", "b")])],
    "213": [("21307", "农村综合改革",
             [("2130705", "对村民委员会和村党支部的补助", "p"), ("2130799", "其他农村综合改革支出", "p")])],
    "221": [("22102", "住房改革支出", [("2210201", "住房公积金", "b")])],
}

_PROJECT_NAMES = [
    "办公楼维修改造经费", "信息化系统运行维护费", "政务公开及信息发布专项经费", "财政预算绩效评价第三方服务费",
    "农村综合改革试点试验项目", "村级组织运转经费补助", "档案数字化加工服务费", "干部教育培训经费",
    "债务风险化解工作经费", "国有资产清查专项经费", "政府采购电子化平台建设经费",
    "县级财政支出绩效管理及预算编审一体化系统升级改造经费", "乡村振兴衔接补助资金", "安全生产监督检查经费",
    "会计人员继续教育及职称考试组织经费", "非税收入票据管理经费", "专项债券项目前期评审费",
]


@dataclass
class BudgetItem:
    """One 项-level subject line; amounts in cents (fen × 100 of 万元, i.e. hundredths of the printed unit)."""
    code: str
    name: str
    basic: int = 0          # 基本支出 (current year)
    project: int = 0        # 项目支出 (current year)
    carry: int = 0          # 上年结转 (spent as 项目支出)
    unit_funds: int = 0     # part of the current-year money that is 单位资金 (the rest is 一般公共预算)

    @property
    def current(self) -> int:
        return self.basic + self.project

    @property
    def general(self) -> int:
        return self.current - self.unit_funds

    @property
    def total(self) -> int:
        return self.current + self.carry


@dataclass
class Budget:
    unit: str = "测试县财政局"
    county: str = "测试县"
    year: int = 2024
    unit_code: str = "824"
    items: list = field(default_factory=list)          # BudgetItem, 项 order
    three_public: dict = field(default_factory=dict)   # abroad, reception, car_purchase, car_running (cents)
    operating: list = field(default_factory=list)      # [(unit name, cents)]

    def tree(self):
        """[(level, code, name, agg)] in print order: 类, its 款, their 项; agg = summed BudgetItem."""
        out = []
        by_class = {}
        for it in self.items:
            by_class.setdefault(it.code[:3], []).append(it)
        for cls in sorted(by_class):
            items = by_class[cls]
            out.append((1, cls, _CLASS_NAME.get(cls, cls), _sum_items(items)))
            kuan = {}
            for it in items:
                kuan.setdefault(it.code[:5], []).append(it)
            for k in sorted(kuan):
                out.append((2, k, _KUAN_NAME.get(k, k), _sum_items(kuan[k])))
                for it in kuan[k]:
                    out.append((3, it.code, it.name, it))
        return out

    def totals(self) -> BudgetItem:
        return _sum_items(self.items)

    def class_totals(self) -> dict:
        out = {}
        for it in self.items:
            out.setdefault(it.code[:3], []).append(it)
        return {k: _sum_items(v) for k, v in out.items()}


_KUAN_NAME = {k: n for subs in _SUBJECTS.values() for (k, n, _) in subs}


def _sum_items(items) -> BudgetItem:
    return BudgetItem("", "", sum(i.basic for i in items), sum(i.project for i in items),
                      sum(i.carry for i in items), sum(i.unit_funds for i in items))


def make_budget(seed: int = 1, unit: str = "测试县财政局", county: str = "测试县", year: int = 2024, *,
                carryover: bool = False, unit_funds: bool = True, classes=None, unit_code: str = "824") -> Budget:
    """A random but internally consistent budget (all sums exact, amounts in cents)."""
    rnd = random.Random(seed)
    items = []
    for cls in (classes or sorted(_SUBJECTS)):
        for (_, _, subjects) in _SUBJECTS[cls]:
            for code, name, kind in subjects:
                it = BudgetItem(code, name)
                if kind in "bm":
                    it.basic = rnd.randint(300, 60000)
                if kind in "pm":
                    it.project = rnd.randint(100, 30000)
                items.append(it)
    if unit_funds:
        proj = [i for i in items if i.project > 0]
        it = proj[rnd.randrange(len(proj))]
        it.unit_funds = rnd.randint(1, it.project)
    if carryover:
        proj = [i for i in items if i.project > 0]
        for it in rnd.sample(proj, min(2, len(proj))):
            it.carry = rnd.randint(100, 20000)
    tp = {"abroad": 0, "reception": rnd.randint(50, 300), "car_purchase": 0,
          "car_running": rnd.randint(200, 1500)}
    ops = [(unit, rnd.randint(2000, 12000))]
    sub = unit[:-1] + "事务服务中心" if unit.endswith("局") else unit + "服务中心"
    ops.append((sub, rnd.randint(1000, 6000)))
    return Budget(unit, county, year, unit_code, items, tp, ops)


def _partition(rnd: random.Random, total: int, n: int) -> list:
    """`n` positive integers summing to `total` (total >= n)."""
    if n <= 1:
        return [total]
    cuts = sorted(rnd.sample(range(1, total), n - 1))
    return [b - a for a, b in zip([0] + cuts, cuts + [total])]


def _fmt(cents: int, zero: str = "blank", thousands: bool = False, trim: bool = False):
    """Printed form of an amount: zero = "blank" | "0" | "0.00" | "-"."""
    if not cents:
        return {"blank": None, "0": "0", "0.00": "0.00", "-": "-"}[zero]
    s = f"{cents / 100:,.2f}" if thousands else f"{cents / 100:.2f}"
    if trim:
        s = s.rstrip("0").rstrip(".")
    return s


def _val(cents: int, zero: str = "blank"):
    """Standardized value of an amount printed with _fmt (blank and "-" → None)."""
    if not cents:
        return 0.0 if zero in ("0", "0.00") else None
    return round(cents / 100, 2)


def _split_code(code: str) -> str:
    return code if len(code) == 3 else code[-2:]


def _finish(spec: TableSpec, exp: Expected, kw: dict) -> tuple:
    for k, v in kw.items():
        if not hasattr(spec, k):
            raise TypeError(f"unknown TableSpec option {k!r}")
        setattr(spec, k, v)
    spec.expected = exp
    return spec, exp


# ============================================================================================ builders
def shanxi_revenue_summary(budget: Optional[Budget] = None, *, code_style: str = "full",
                           total_position: str = "bottom", total_in_code_col: bool = False, zero: str = "blank",
                           thousands: bool = False, trim: bool = False, **spec_kw) -> tuple:
    """Shanxi 预算收入总表: 项目 over 科目编码/科目名称, 本年收入 over the funding columns, 上年结转 spanning rows.

    code_style "full" prints 2010301, "split" prints 201 / 03 / 01 (expected codes stay full).
    Returns (TableSpec, Expected).
    """
    b = budget or make_budget()
    f = lambda c: _fmt(c, zero, thousands, trim)  # noqa: E731
    v = lambda c: _val(c, zero)  # noqa: E731
    header = [["项目", None, "本年收入", None, None, None, None, None, "上年结转"],
              ["科目编码", "科目名称", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算", "财政专户管理资金",
               "单位资金", SPAN_UP]]
    rows, exp_rows = [], []
    for level, code, name, it in b.tree():
        printed = code if code_style == "full" else _split_code(code)
        rows.append([printed, name, f(it.current), f(it.general), None, None, None, f(it.unit_funds), f(it.carry)])
        exp_rows.append([code, name, v(it.current), v(it.general), None, None, None, v(it.unit_funds), v(it.carry)])
    t = b.totals()
    trow = [None, "合计"] if not total_in_code_col else ["合计", None]
    rows_t = trow + [f(t.current), f(t.general), None, None, None, f(t.unit_funds), f(t.carry)]
    exp_t = [None, "合计", v(t.current), v(t.general), None, None, None, v(t.unit_funds), v(t.carry)]
    if total_position == "top":
        rows.insert(0, rows_t)
        exp_rows.insert(0, exp_t)
    else:
        rows.append(rows_t)
        exp_rows.append(exp_t)
    title = f"{b.unit}部门{b.year}年预算收入总表"
    spec = TableSpec(title, header, rows, col_widths=[1.3, 3.2, 1.3, 1.3, 1.3, 1.3, 1.3, 1.3, 1.3],
                     meta_left=f"单位名称：{b.unit}", landscape=True,
                     note="备注：该表反映部门的一般公共预算、政府性基金预算、国有资本经营预算、财政专户管理资金、单位资金等"
                          "全口径收入的年度预算安排情况（含上年结转），本表支出功能科目按“项”级科目反映。")
    exp = Expected("revenue_summary", title,
                   ["科目编码", "科目名称", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算", "财政专户管理资金",
                    "单位资金", "上年结转"], exp_rows, b.unit, b.year)
    return _finish(spec, exp, spec_kw)


_EXP_TITLES = {"expenditure_summary": "预算支出总表",
               "general_expenditure": "一般公共预算支出预算表（不含上年结转）"}


def shanxi_expenditure_summary(budget: Optional[Budget] = None, *, form: str = "expenditure_summary",
                               code_style: str = "full", total_position: str = "bottom", zero: str = "blank",
                               thousands: bool = False, trim: bool = False, **spec_kw) -> tuple:
    """Shanxi 预算支出总表 (or, form="general_expenditure", 一般公共预算支出预算表): 合计 = 基本支出 + 项目支出."""
    b = budget or make_budget()
    f = lambda c: _fmt(c, zero, thousands, trim)  # noqa: E731
    v = lambda c: _val(c, zero)  # noqa: E731
    general = form == "general_expenditure"
    header = [["功能分类科目", None, f"{b.year}年预算数", None, None],
              ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]]
    rows, exp_rows = [], []

    def amounts(it):
        if general:      # one-year general budget only: no unit funds, no carry-over
            basic, proj = it.basic, it.project - it.unit_funds
        else:
            basic, proj = it.basic, it.project + it.carry
        return basic + proj, basic, proj

    for level, code, name, it in b.tree():
        tot, basic, proj = amounts(it)
        if general and tot == 0:
            continue
        printed = code if code_style == "full" else _split_code(code)
        rows.append([printed, name, f(tot), f(basic), f(proj)])
        exp_rows.append([code, name, v(tot), v(basic), v(proj)])
    tot, basic, proj = amounts(b.totals())
    if total_position == "top":
        rows.insert(0, [None, "合计", f(tot), f(basic), f(proj)])
        exp_rows.insert(0, [None, "合计", v(tot), v(basic), v(proj)])
    else:
        rows.append([None, "合计", f(tot), f(basic), f(proj)])
        exp_rows.append([None, "合计", v(tot), v(basic), v(proj)])
    title = f"{b.unit}部门{b.year}年{_EXP_TITLES[form]}"
    spec = TableSpec(title, header, rows, col_widths=[1.4, 4.0, 1.6, 1.6, 1.6], meta_left=f"单位名称：{b.unit}")
    exp = Expected(form, title, ["科目编码", "科目名称", "合计", "基本支出", "项目支出"], exp_rows, b.unit, b.year)
    return _finish(spec, exp, spec_kw)


def budget_summary(budget: Optional[Budget] = None, *, zero: str = "blank", thousands: bool = False,
                   trim: bool = False, **spec_kw) -> tuple:
    """Shanxi 预算收支总表, two-sided: 收入 项目/2024年 | 支出 项目/2024年合计/当年预算安排/上年结转安排.

    All 30 enumerated expenditure lines; the narrow 支出 项目 column wraps several of them.
    """
    b = budget or make_budget()
    f = lambda c: _fmt(c, zero, thousands, trim)  # noqa: E731
    v = lambda c: _val(c, zero)  # noqa: E731
    y = b.year
    header = [["收入", None, "支出", None, None, None],
              ["项目", f"{y}年", "项目", f"{y}年合计", "当年预算安排", "上年结转安排"]]
    t = b.totals()
    ct = b.class_totals()
    income = [("一、一般公共预算", t.general), ("二、政府性基金预算", 0), ("三、国有资本经营预算", 0),
              ("四、财政专户管理资金", 0), ("五、单位资金", t.unit_funds)]
    rows, exp_rows = [], []
    for k, (code, name) in enumerate(FUNCTION_CLASSES):
        label = f"{_CN_NUM[k]}、{name}"
        it = ct.get(code, BudgetItem("", ""))
        il, ia = income[k] if k < len(income) else (None, 0)
        rows.append([il, f(ia) if il else None, label, f(it.total), f(it.current), f(it.carry)])
        exp_rows.append([il, v(ia) if il else None, label, v(it.total), v(it.current), v(it.carry)])
    tail = [("本年收入合计", t.current, "本年支出合计", (t.total, t.current, t.carry)),
            ("上年结转", t.carry, "年终结转", (0, 0, 0)),
            ("收入总计", t.total, "支出总计", (t.total, t.current, t.carry))]
    for il, ia, el, ea in tail:
        rows.append([il, f(ia), el] + [f(a) for a in ea])
        exp_rows.append([il, v(ia), el] + [v(a) for a in ea])
    title = f"{b.unit}部门{y}年预算收支总表"
    spec = TableSpec(title, header, rows, col_widths=[2.3, 1.2, 2.0, 1.25, 1.25, 1.25],
                     meta_left=f"单位名称：{b.unit}",
                     note="备注：该表反映经财政部门批复的各部门年度预算收支情况（含上年结转），支出功能科目按“类”级科目反映。")
    exp = Expected("budget_summary", title, ["收入项目", "收入预算数", "支出项目", "支出合计", "当年预算安排", "上年结转安排"],
                   exp_rows, b.unit, y)
    return _finish(spec, exp, spec_kw)


def hebei_expenditure_summary(budget: Optional[Budget] = None, *, zero: str = "0", thousands: bool = False,
                              trim: bool = True, **spec_kw) -> tuple:
    """Hebei 部门预算支出总表: 序号 column, 3-row header (功能分类科目 over 科目编码/科目名称, 栏次 row),
    合计 first, meta line "824测试县财政局   预算年度：2024   单位：万元"."""
    b = budget or make_budget()
    f = lambda c: _fmt(c, zero, thousands, trim)  # noqa: E731
    v = lambda c: _val(c, zero)  # noqa: E731
    U = SPAN_UP
    header = [["序号", "功能分类科目", None, "合计", "基本支出", "项目支出", "经营支出", "上解上级支出", "对附属单位补助支出"],
              [U, "科目编码", "科目名称", U, U, U, U, U, U],
              ["栏次", "1", "2", "3", "4", "5", "6", "7", "8"]]
    t = b.totals()
    lines = [(None, "合计", t)] + [(code, name, it) for _, code, name, it in b.tree()]
    rows, exp_rows = [], []
    for k, (code, name, it) in enumerate(lines, 1):
        basic, proj = it.basic, it.project + it.carry
        rows.append([str(k), code, name, f(basic + proj), f(basic), f(proj), f(0), f(0), f(0)])
        exp_rows.append([code, name, v(basic + proj), v(basic), v(proj), v(0), v(0), v(0)])
    title = "部门预算支出总表"
    spec = TableSpec(title, header, rows, col_widths=[0.7, 1.2, 3.2, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2],
                     meta_left=f"{b.unit_code}{b.unit}", meta_center=f"预算年度：{b.year}", font_size=8)
    exp = Expected("expenditure_summary", title,
                   ["科目编码", "科目名称", "合计", "基本支出", "项目支出", "经营支出", "上缴上级支出", "对附属单位补助支出"],
                   exp_rows, b.unit, b.year)
    return _finish(spec, exp, spec_kw)


def three_public(budget: Optional[Budget] = None, *, style: str = "shanxi", zero: str = "blank",
                 trim: bool = False, **spec_kw) -> tuple:
    """"三公"经费支出预算表. style "shanxi": 项目 | 年预算数 over 合计/一般公共预算/政府性基金预算/国有资本经营预算,
    six rows ending with 合计. style "hebei": 序号/栏次, 资金性质 header and the Hebei row labels."""
    b = budget or make_budget()
    f = lambda c: _fmt(c, zero, False, trim)  # noqa: E731
    v = lambda c: _val(c, zero)  # noqa: E731
    tp = b.three_public
    car = tp["car_purchase"] + tp["car_running"]
    total = tp["abroad"] + tp["reception"] + car
    cols = ["项目", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"]
    if style == "hebei":
        labels = [("合计", total), ("“三公”经费小计", total), ("一、因公出国（境）费", tp["abroad"]),
                  ("  其中：教学科研人员因公出国（境）费", 0), ("        其他因公出国（境）费", tp["abroad"]),
                  ("二、公务用车购置及运维费", car), ("  其中：公务用车购置费", tp["car_purchase"]),
                  ("        公务用车运行维护费", tp["car_running"]), ("三、公务接待费", tp["reception"])]
        U = SPAN_UP
        header = [["序号", "项 目", "资 金 性 质", None, None, None],
                  [U, U, "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"],
                  ["栏次", "1", "2", "3", "4", "5"]]
        rows = [[str(k), lab, f(a), f(a), None, None] for k, (lab, a) in enumerate(labels, 1)]
        exp_rows = [[lab.strip(), v(a), v(a), None, None] for lab, a in labels]
        title = "部门预算财政拨款“三公”经费支出表"
        spec = TableSpec(title, header, rows, col_widths=[0.6, 2.6, 1.2, 1.2, 1.2, 1.2],
                         meta_left=f"{b.unit_code}{b.unit}", meta_center=f"预算年度：{b.year}", font_size=8)
    else:
        labels = [("因公出国（境）费", tp["abroad"]), ("公务接待费", tp["reception"]), ("公务用车购置及运行费", car),
                  ("①公务用车购置费", tp["car_purchase"]), ("②公务用车运行维护费", tp["car_running"]), ("合计", total)]
        header = [["项目", f"{b.year}年预算数", None, None, None],
                  [SPAN_UP, "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"]]
        rows = [[lab, f(a), f(a), None, None] for lab, a in labels]
        exp_rows = [[lab, v(a), v(a), None, None] for lab, a in labels]
        title = f"{b.unit}部门{b.year}年财政拨款安排“三公”经费支出预算表"
        spec = TableSpec(title, header, rows, col_widths=[2.4, 1.2, 1.2, 1.2, 1.2], meta_left=f"单位名称：{b.unit}")
    exp = Expected("three_public", title, cols, exp_rows, b.unit, b.year)
    return _finish(spec, exp, spec_kw)


def operating_expenses(budget: Optional[Budget] = None, *, zero: str = "blank", **spec_kw) -> tuple:
    """Shanxi 机关运行经费预算表: one row per unit and 部门合计."""
    b = budget or make_budget()
    f = lambda c: _fmt(c, zero)  # noqa: E731
    v = lambda c: _val(c, zero)  # noqa: E731
    header = [["单位名称", f"{b.year}年预算数", None, None, None],
              [SPAN_UP, "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"]]
    lines = list(b.operating) + [("部门合计", sum(a for _, a in b.operating))]
    rows = [[n, f(a), f(a), None, None] for n, a in lines]
    exp_rows = [[n, v(a), v(a), None, None] for n, a in lines]
    title = f"{b.unit}部门{b.year}年财政拨款安排机关运行经费预算表"
    spec = TableSpec(title, header, rows, col_widths=[2.6, 1.2, 1.2, 1.2, 1.2], meta_left=f"单位名称：{b.unit}")
    exp = Expected("operating_expenses", title, ["单位名称", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"],
                   exp_rows, b.unit, b.year)
    return _finish(spec, exp, spec_kw)


def empty_table(title: str, header: list, *, form: Optional[str] = None, columns: Optional[list] = None,
                placeholder_rows: Optional[list] = None, note: str = "注：本表无数据", unit: str = "测试县财政局",
                year: Optional[int] = 2024, **spec_kw) -> tuple:
    """A table printed with its header and no data (optionally blank/"类 款 项" placeholder rows) and a note.

    Expected: empty=True, no rows; columns = `columns` or the header's leaf labels.
    """
    spec = TableSpec(title, header, list(placeholder_rows or []), meta_left=f"单位名称：{unit}", note=note)
    exp = Expected(form or "unknown", title, list(columns or leaf_labels(header)), [], unit, year, empty=True)
    return _finish(spec, exp, spec_kw)


def long_table(n_rows: int, budget: Optional[Budget] = None, *, seed: int = 7, wrap_every: int = 4,
               zero: str = "blank", thousands: bool = True, **spec_kw) -> tuple:
    """项目支出预算表（本年预算） with `n_rows` projects (every `wrap_every`-th name is long enough to wrap) and a
    合计 row: spans several pages for large n_rows. Amounts print with thousands separators by default.

    With `budget`, the projects partition the budget's current-year 项目支出 exactly (一般公共预算 and 单位资金),
    so the table agrees with the summaries of the same document; without, amounts are random."""
    rnd = random.Random(seed)
    b = budget or make_budget()
    f = lambda c: _fmt(c, zero, thousands)  # noqa: E731
    v = lambda c: _val(c, zero)  # noqa: E731
    header = [["项目名称", "本年预算", None, None, None, None, None],
              [SPAN_UP, "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算", "财政专户管理资金", "单位资金"]]
    t = b.totals()
    if budget is not None and t.project - t.unit_funds >= n_rows:
        gens = _partition(rnd, t.project - t.unit_funds, n_rows)
        units = [0] * n_rows
        if t.unit_funds:
            for k, part in zip(rnd.sample(range(n_rows), min(3, n_rows, t.unit_funds)),
                               _partition(rnd, t.unit_funds, min(3, n_rows, t.unit_funds))):
                units[k] = part
    else:
        gens = [rnd.randint(100, 2_000_000) for _ in range(n_rows)]
        units = [rnd.randint(100, 50_000) if k % 5 == 2 else 0 for k in range(n_rows)]
    rows, exp_rows = [], []
    for k in range(n_rows):
        base = _PROJECT_NAMES[k % len(_PROJECT_NAMES)]
        name = f"{b.year}年{base}（第{k + 1}批）"
        if wrap_every and k % wrap_every == wrap_every - 1:
            name = f"{b.year}年{b.county}{base}及配套基础设施建设补助资金（第{k + 1}批）"
        if wrap_every and k % (2 * wrap_every + 1) == 2 * wrap_every:      # a few very tall rows
            name = (f"{b.year}年{b.county}{base}及配套基础设施建设补助资金（含上年结转续建项目、"
                    f"配套设施改造及后期运行维护）（第{k + 1}批）")
        g, u = gens[k], units[k]
        rows.append([name, f(g + u), f(g), None, None, None, f(u)])
        exp_rows.append([name, v(g + u), v(g), None, None, None, v(u)])
    tg, tu = sum(gens), sum(units)
    rows.append(["合计", f(tg + tu), f(tg), None, None, None, f(tu)])
    exp_rows.append(["合计", v(tg + tu), v(tg), None, None, None, v(tu)])
    title = f"{b.unit}部门{b.year}年项目支出预算表（本年预算）"
    spec = TableSpec(title, header, rows, col_widths=[3.6, 1.3, 1.3, 1.2, 1.2, 1.2, 1.2],
                     meta_left=f"单位名称：{b.unit}")
    exp = Expected("project_current", title,
                   ["项目名称", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算", "财政专户管理资金", "单位资金"],
                   exp_rows, b.unit, b.year)
    return _finish(spec, exp, spec_kw)


_OVERVIEW = [
    "（一）贯彻执行国家有关财政、税收方面的法律、法规和方针政策，拟订全县财政发展规划和政策措施并组织实施。",
    "（二）承担全县各项财政收支管理的责任，负责管理全县一般公共预算、政府性基金预算、国有资本经营预算，"
    "组织编制年度预决算草案并组织执行。",
    "（三）负责管理全县非税收入、政府采购、国有资产和会计工作，完成县委、县政府交办的其他任务。",
]


def sample_document(ruling: str = "grid", landscape: Optional[bool] = None, *, seed: int = 1, unit: str = "测试县财政局",
                    county: str = "测试县", year: int = 2024, footer: Optional[str] = "-{n}-",
                    running_header: Optional[str] = None, repeat_header: bool = True, split_rows: bool = False,
                    several_per_page: bool = False, labels: bool = False, long_rows: Optional[int] = None,
                    carryover: bool = False) -> tuple:
    """A short realistic disclosure: cover, overview narrative, budget_summary (wrapped names), revenue_summary,
    a narrative page, expenditure_summary, project_current continuing over 2+ pages, an empty fund_revenue table,
    three_public, and a closing narrative (名词解释).

    With split_rows=True (and long_rows unset) the project table's length is chosen so that one of its rows is
    really split across a page break. `landscape`: True puts every table on landscape pages, False every table on portrait pages, None (default)
    prints the wide revenue summary landscape and the rest portrait. Returns (DocSpec, [Expected] in table order).
    """
    b = make_budget(seed, unit, county, year, carryover=carryover)
    common = {"ruling": ruling, "repeat_header": repeat_header, "split_rows": split_rows}
    if landscape is not None:
        common["landscape"] = landscape
    specs = []
    s, _ = budget_summary(b, **common)
    specs.append(s)
    s, _ = shanxi_revenue_summary(b, **common)
    specs.append(s)
    s, _ = shanxi_expenditure_summary(b, **common)
    specs.append(s)
    n = long_rows or (32 if landscape else 55)
    s, _ = long_table(n, b, seed=seed, **common)
    if split_rows and long_rows is None:
        # Pick a row count that really puts a tall row across a page break.
        for k in range(n, n + 40):
            s_k, _ = long_table(k, b, seed=seed, **common)
            _, facts = build_pdf_bytes(DocSpec([s_k]))
            if facts["tables"][0]["split_rows"]:
                s = s_k
                break
    specs.append(s)
    fund_header = [["功能分类科目", None, "政府性基金收入预算"], ["科目编码", "科目名称", SPAN_UP]]
    s, _ = empty_table(f"{unit}部门{year}年政府性基金预算收入表（不含上年结转）", fund_header, form="fund_revenue",
                       columns=["科目编码", "科目名称", "政府性基金收入预算"], unit=unit, year=year,
                       placeholder_rows=[[None, "合计", None]], **common)
    specs.append(s)
    s, _ = three_public(b, **common)
    specs.append(s)
    if labels:
        for k, sp in enumerate(specs, 1):
            sp.label = f"预算公开表{k}"
    items = [
        Cover(f"{unit}{year}年部门预算", subtitle="（公开文本）", date=f"{year}年3月"),
        Narrative(_OVERVIEW + ["## 二、机构设置情况",
                               f"{unit}为县人民政府工作部门，内设办公室、预算股、国库股等股室，下属{unit[:-1]}事务服务中心。"],
                  heading="第一部分 概况"),
        specs[0], specs[1],
        Narrative([f"{year}年收入预算{_fmt(b.totals().current)}万元，其中一般公共预算{_fmt(b.totals().general)}万元。"
                   "收入较上年减少的主要原因是人员调整。",
                   f"{year}年支出预算{_fmt(b.totals().total)}万元，其中基本支出{_fmt(b.totals().basic)}万元，"
                   f"项目支出{_fmt(b.totals().project + b.totals().carry)}万元。"],
                  heading="第三部分 预算情况说明"),
        specs[2], specs[3], specs[4], specs[5],
        Narrative(["一、财政拨款收入：指本级财政当年拨付的资金。",
                   "二、基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。",
                   "三、项目支出：指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。",
                   "四、“三公”经费：指用财政拨款安排的因公出国（境）费、公务用车购置及运行费和公务接待费。"],
                  heading="第四部分 名词解释"),
    ]
    doc = DocSpec(items, footer=footer, running_header=running_header, several_per_page=several_per_page)
    return doc, [sp.expected for sp in specs]


if __name__ == "__main__":      # python tests/pdfgen.py out.pdf [ruling] [landscape]
    import json
    import sys
    out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/pdfgen_sample.pdf"
    d, exps = sample_document(ruling=sys.argv[2] if len(sys.argv) > 2 else "grid",
                              landscape=len(sys.argv) > 3 and sys.argv[3] == "landscape")
    facts = build_pdf(d, out)
    print(json.dumps({"pages": facts["pages"], "tables": [(t["title"], t["pages"]) for t in facts["tables"]]},
                     ensure_ascii=False, indent=1))
