"""Pages → raw tables: each page's lines cut into table segments (layout), each segment into a grid (grid), and
a table continued over pages stitched into one RawTable under its first page's header.

`PageTables` takes a document's pages in order (`add_page`); `found()` gives what the pages held. Performance
forms (绩效目标表) are taken out of each page first by the PerformanceReader.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from ..catalogue import catalogue, norm
from ..model import ConversionError, Issue, PageContent, RawTable
from ..settings import GridSettings
from .contents import contents_entries, is_contents_page
from .grid import HeaderHint, build_grid, header_texts
from .hints import form_hint
from .layout import Meta, Segment, band_texts, money_unit_in, parse_meta, split_page, strip_furniture
from .numbering import table_numbers
from .performance.reader import PerformanceReader

_AMOUNT = re.compile(r"^[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d+$")
COVER_PAGES = 3         # pages whose first lines make the cover text (the document's year when no table names one)


@dataclass
class OpenTable:
    """A table being assembled page by page."""
    title: str
    form_id: Optional[str]
    meta: Meta
    grids: list = field(default_factory=list)
    closed: bool = False
    empty_marker: bool = False
    notes: list = field(default_factory=list)
    page_widths: list = field(default_factory=list)
    marker_pages: list = field(default_factory=list)
    reaches_page_end: bool = True     # the last part ended near the page bottom: the next page may continue it


@dataclass
class FoundTables:
    """What a document's pages held, besides the performance forms."""
    tables: list                                    # RawTable, in document order
    notices: list = field(default_factory=list)     # Chinese, user-facing (pages skipped …)
    cover: str = ""                                 # first lines of the first pages (a year printed on the cover)
    uncertain: dict = field(default_factory=dict)   # page read by OCR → its low-confidence characters
    contents: list = field(default_factory=list)    # ContentsEntry: the tables the document's 目录 lists
    numbers: list = field(default_factory=list)     # TableNumber: the tables' own numbered labels (公开01表 …)


class PageTables:
    """Assembles a document's tables page by page: `add_page` each page in order, then `found`."""

    def __init__(self, name: str, grid: GridSettings, perf: PerformanceReader):
        self.name, self.grid, self.perf = name, grid, perf
        self.running = set()              # first/last lines seen on earlier pages: running headers/footers
        self.completed: list = []         # OpenTables that no later page can continue
        self.current: Optional[OpenTable] = None
        self.text_pages = self.image_pages = 0
        self.cover_lines: list = []
        self.uncertain: dict = {}
        self.contents: list = []
        self.numbers: list = []
        self.untitled = 0                 # ruled tables with amounts found under no title
        self.contents_page = None         # the last 目录 page (its entries may run onto the next page)

    def add_page(self, page: PageContent):
        if page.ocr:
            self.uncertain[page.number] = page.uncertain
        if not page.chars:
            if page.images:
                self.image_pages += 1
            return
        self.text_pages += 1
        lines = page.lines()
        if is_contents_page(lines):
            self.contents += contents_entries(lines)
            self.contents_page = page.number
        elif self.contents_page is not None and page.number == self.contents_page + 1:
            self.contents += contents_entries(lines, continued=True)
        else:
            self.numbers += table_numbers(lines, page.number)
        bands = band_texts(lines, page)
        lines = strip_furniture(self.perf.split_off_forms(page, lines), page, self.running)
        self.running |= bands
        if len(self.cover_lines) < COVER_PAGES:
            self.cover_lines.append(" ".join(l.text for l in lines[:8]))
        for seg in split_page(page, lines):
            if seg.title is not None:
                self._close_current()
                meta = parse_meta(seg.meta_lines, seg.title.text)
                self.current = OpenTable(seg.title.text, seg.title.form_id, meta)
            elif self.current is None or self.current.closed or not self.current.reaches_page_end:
                self._untitled_table(seg)
                continue
            _add_segment(self.current, seg, self.grid)
        if self.current is not None and self.current.closed:
            self._close_current()

    def _untitled_table(self, seg: Segment):
        """A grid with amounts in its rows under no title (the title printed as an image, or none at all):
        kept as a table of unknown form named after its page, never skipped; the next page may continue it."""
        grid = build_grid(seg.page, seg.lines, self.grid) if seg.lines else None
        if grid is None or not _holds_amounts(grid):
            return
        self._close_current()
        self.current = OpenTable(f"第 {seg.page.number} 页的无标题表格", None, Meta(), grids=[grid],
                                 page_widths=[seg.page.width], reaches_page_end=_reaches_page_end(seg))
        self.untitled += 1

    def _close_current(self):
        if self.current is not None:
            self.completed.append(self.current)
            self.current = None

    def completed_tables(self) -> list:
        """RawTables of the tables no later page can change (a preview while the rest is read)."""
        return [raw_table(t) for t in self.completed if t.grids or t.empty_marker]

    def found(self) -> FoundTables:
        """Everything the pages held; ConversionError when every page was an image OCR could not read."""
        self._close_current()
        notices = []
        if self.image_pages and not self.text_pages:
            raise ConversionError(f"{self.name}：扫描件，OCR 未识别出任何文字（页面只有图像，没有文字层）")
        if self.image_pages:
            notices.append(f"{self.image_pages} 页只有图像（扫描页），OCR 未识别出文字，已跳过")
        if self.untitled:
            notices.append(f"{self.untitled} 张表格没有可识别的标题，已按未识别表格输出（以所在页命名）")
        return FoundTables(self.completed_tables(), notices, " ".join(self.cover_lines), dict(self.uncertain),
                           list(self.contents), list(self.numbers))


def _holds_amounts(grid) -> bool:
    """A grid worth a table of its own without a title: ruled with amounts in two rows, or unruled with columns
    of amounts (three rows with two amounts each; a list of figures in prose never lines up like that)."""
    if grid.ncols < 2:
        return False
    amounts = [sum(1 for c in r if _AMOUNT.match(c)) for r in grid.rows]
    if grid.strategy == "ruled":
        return sum(1 for n in amounts if n) >= 2
    return grid.ncols >= 3 and sum(1 for n in amounts if n >= 2) >= 3


def _empty_marked(texts) -> bool:
    markers = catalogue().empty_markers
    return any(m in norm(t) for t in texts for m in markers)


def _add_segment(table: OpenTable, seg: Segment, settings: GridSettings):
    notes = [l.text for l in seg.note_lines]
    table.notes.extend(notes)
    if _empty_marked(notes + [l.text for l in seg.lines]):
        table.empty_marker = True
        table.marker_pages.append(seg.page.number)        # "注：本表无数据" may stand alone on the next page
    lines = [l for l in seg.lines if not _empty_marked([l.text])]
    if seg.closed:
        table.closed = True
    if not lines:
        return
    if table.meta.money_unit is None:
        for l in lines[:6]:
            mu = money_unit_in(l.text)
            if mu:
                table.meta.money_unit = mu
                break
    first = table.grids[0] if table.grids else None
    if first is None:
        grid = build_grid(seg.page, lines, settings, hint=form_hint(table.form_id))
    else:
        hint = HeaderHint(header_texts=header_texts(first))
        grid = build_grid(seg.page, lines, settings, hint=hint)
        if grid is not None and not any(grid.header) and grid.strategy == "stream" \
                and abs(seg.page.width - first_page_width(table)) < 1:
            # A continuation without its header: the first page's columns (blank columns have no text here).
            grid = build_grid(seg.page, lines, settings, fixed_edges=first.col_edges, hint=hint)
    repeated_header_only = grid is not None and not grid.rows and any(grid.header)
    if grid is not None and (seg.title is not None or _looks_tabular(grid) or repeated_header_only):
        table.grids.append(grid)
        table.page_widths.append(seg.page.width)
        table.reaches_page_end = _reaches_page_end(seg)


def _reaches_page_end(seg: Segment) -> bool:
    """Does the table run to the bottom of its page (only then can the next page continue it)?"""
    bottom = seg.lines[-1].bottom
    return bottom > 0.6 * seg.page.height and not any(l.top > bottom + 1 for l in seg.page_lines)


def _looks_tabular(grid) -> bool:
    """A continuation needs a real row: a heading such as "八、名词解释" at the top of the next page is not one."""
    numbers = any(ch.isdigit() for r in grid.rows for c in r[1:] for ch in c)
    return numbers or sum(1 for r in grid.rows if sum(1 for c in r if c) >= 2) >= 2


def first_page_width(table: OpenTable) -> float:
    return table.page_widths[0] if table.page_widths else 0.0


def raw_table(t: OpenTable) -> RawTable:
    """The RawTable of an assembled table: its pages' grids stitched under the first page's header."""
    grids = t.grids
    first = next((g for g in grids if any(g.header)), grids[0] if grids else None)
    header = first.header if first else []
    n = len(header)
    rows, sources, pages, regions = [], [], [], []
    issues = []
    for k, g in enumerate(grids):
        target = column_alignment(g.col_edges, first.col_edges) if first else []
        if g.ncols != n and (None in target or len(set(target)) < len(target)):
            issues.append(Issue("column_mismatch", "warning",
                                f"第 {g.page} 页的列数（{g.ncols}）与表头（{n}）不一致，请核对该页", None, None))
        if g.page not in pages:
            pages.append(g.page)
        regions.append((g.page, g.bbox))
        for m, (row, box) in enumerate(zip(g.rows, g.boxes)):
            r, b = [""] * n, [None] * n
            for j, (text, cell) in enumerate(zip(row, box)):
                to = target[j] if j < len(target) and target[j] is not None else min(j, n - 1)
                r[to] = (r[to] + text) if r[to] else text
                b[to] = b[to] or cell
            src = [(g.page, cell or box[0]) for cell in b]
            if k > 0 and m == 0 and rows and _is_row_continuation(r):
                rows[-1] = [(a + c) if c else a for a, c in zip(rows[-1], r)]
                continue
            rows.append(r)
            sources.append(src)
    pages = sorted(set(pages) | set(t.marker_pages))
    if len(pages) > 1:
        issues.append(Issue("continued_table", "info", f"跨页表格：已拼接第 {'、'.join(map(str, pages))} 页", None, None))
    return RawTable(t.form_id, t.title, header, first.header_rows if first else [], rows, sources, pages,
                    t.meta.unit_name, t.meta.year, t.meta.money_unit, t.empty_marker, issues, regions)


def column_alignment(edges: list, reference: list) -> list:
    """For each column of a page, the column of the table's first page it overlaps most (None: none).
    A continuation page may lack a blank column's rules, so columns are matched by position, not by index."""
    if edges == reference:
        return list(range(len(edges) - 1))
    out = []
    for a, b in zip(edges, edges[1:]):
        overlaps = [min(b, d) - max(a, c) for c, d in zip(reference, reference[1:])]
        k = max(range(len(overlaps)), key=overlaps.__getitem__)
        out.append(k if overlaps[k] > 0 else None)
    return out


_ROW_START = re.compile(r"^(?:\d{2,}|[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d{1,2}[、.．]|[①-⑳]|合计|总计|小计)")


def _is_row_continuation(row: list) -> bool:
    """The first row of a continuation page that only carries the rest of a wrapped name."""
    filled = [c for c in row if c]
    if not filled:
        return False
    if any(re.fullmatch(r"[-\d,.\s]+", c) for c in filled):
        return False
    return not _ROW_START.match(filled[0]) and len(filled) == 1
