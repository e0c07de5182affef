"""The layout engine that writes a DocSpec as a PDF (a part of tests/pdfgen.py, which re-exports it; import that).

Pages, running headers and footers, covers, narrative text and tables (title block, header grid, wrapped rows,
continuation over pages, ruling); ``build_pdf`` returns the layout facts of what it drew.
"""
from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4, landscape as _landscape
from reportlab.pdfgen import canvas as _canvas

if __package__:                         # imported as tests.<module>
    from .pdfgen_draw import _Metrics, _is_number, _merge_spans, _rect_segs, _register_font, draw_text, wrap_text
    from .pdfgen_specs import Cover, DocSpec, Narrative, PageBreak, TableSpec, header_cells
else:                                   # with tests/ on sys.path
    from pdfgen_draw import _Metrics, _is_number, _merge_spans, _rect_segs, _register_font, draw_text, wrap_text
    from pdfgen_specs import Cover, DocSpec, Narrative, PageBreak, TableSpec, header_cells


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
