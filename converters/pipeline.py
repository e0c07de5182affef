"""The conversion pipeline: read document → find tables → stitch pages → classify → standardize → check."""
from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from .checks import run_checks
from .forms import catalogue, match_score, norm, strip_enum
from .grid import GridSettings, HeaderHint, build_grid, header_texts
from .layout import (Meta, Segment, band_texts, group_lines, money_unit_in, parse_meta, split_page,
                     strip_furniture)
from .model import ConversionError, Document, Issue
from .normalize import RawTable, standardize
from .ocr import flag_doubtful_enumerations, flag_uncertain_cells
from .pdf_reader import iter_pages, open_pdf
from .performance import PerformanceReader

SUPPORTED_SUFFIXES = {".pdf"}
# Other document types: module (in converters/) whose read_tables(path) -> (pages, [RawTable], [notices]).
TABLE_READERS = {".docx": "docx_reader", ".xlsx": "xlsx_reader", ".xls": "xlsx_reader"}

NO_TABLES = "没有找到可识别的表格：文件中没有带标题的报表（可能不是部门预算公开文件）"

ProgressFn = Callable[[int, int, str], None]      # (done pages, total pages, message)
PreviewFn = Callable[[Document], None]            # the tables found so far, while the rest is read


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


class Cancelled(Exception):
    pass


def convert_document(path, progress: Optional[ProgressFn] = None,
                     cancel: Optional[Callable[[], bool]] = None,
                     settings: GridSettings = GridSettings(), workers: int = 1,
                     preview: Optional[PreviewFn] = None) -> Document:
    """Convert one file. Raises ConversionError (Chinese message naming the file) when it cannot.
    `workers` > 1 reads a PDF's pages in that many processes. `preview`, if given, now and then receives a
    Document of the PDF's tables completed so far (standardized and checked; a new one each time)."""
    path = Path(path)
    name = path.name
    suffix = path.suffix.lower()
    uncertain: dict = {}          # page read by OCR → its characters read with low confidence
    perf = PerformanceReader()    # the performance-target forms (绩效目标表) of a PDF
    if suffix in TABLE_READERS:
        import importlib
        reader = importlib.import_module(f".{TABLE_READERS[suffix]}", __package__)
        pages, tables, notices = reader.read_tables(path, perf)
        doc = Document(source=str(path), pages=pages, notices=list(notices))
    elif suffix in SUPPORTED_SUFFIXES:
        pdf = open_pdf(path)
        doc = Document(source=str(path), pages=len(pdf.pages))
        try:
            snapshots = TablesSoFar(doc, perf, preview) if preview else None
            tables = _find_tables(pdf, path, doc, progress, cancel, settings, workers, uncertain, perf, snapshots)
        finally:
            pdf.close()
    else:
        raise ConversionError(f"{name}：暂不支持此文件类型（{path.suffix or '无扩展名'}），目前支持 PDF、DOCX、XLSX、XLS")
    perf_tables = perf.tables()
    doc.notices.extend(perf.notices)
    _finish(doc, tables, perf_tables, uncertain)
    if not doc.tables:
        doc.notices.append(NO_TABLES)
    return doc


def _finish(doc: Document, tables: list, perf_tables: list, uncertain: dict):
    """Standardize the raw tables into `doc`, after them the performance tables, and check them all."""
    _fill_document_meta(tables + perf_tables, doc)
    for raw in tables:
        doc.tables.extend(t for t in standardize(raw) if _is_real_table(t))
    doc.tables.extend(perf_tables)
    flag_uncertain_cells(doc.tables, uncertain)
    flag_doubtful_enumerations(doc.tables, set(uncertain))
    run_checks(doc.tables)


@dataclass(frozen=True)
class PreviewSettings:
    first: float = 1.0       # seconds of reading before the first snapshot
    longest: float = 8.0     # the interval between snapshots doubles up to this


PREVIEW = PreviewSettings()


class TablesSoFar:
    """Snapshots of a PDF's tables completed so far, so that a user sees the first tables of a long document
    while the rest is read. A snapshot is taken after a page once the interval has passed since the last
    (see PreviewSettings: it grows, as a snapshot of 400 forms costs more than one of ten)."""

    def __init__(self, doc: Document, perf: PerformanceReader, emit: PreviewFn):
        self.doc, self.perf, self.emit = doc, perf, emit
        self.interval, self.longest = PREVIEW.first, PREVIEW.longest
        self.due = time.monotonic() + self.interval
        self.shown = (0, 0)          # (tables, forms) of the last snapshot

    def after_page(self, tables: list, uncertain: dict):
        """`tables`: the OpenTables completed so far (they do not change any more)."""
        if time.monotonic() < self.due or (len(tables), len(self.perf.forms)) == self.shown:
            return
        self.shown = (len(tables), len(self.perf.forms))
        snapshot = Document(source=self.doc.source, pages=self.doc.pages)
        _finish(snapshot, [_raw_table(t) for t in tables if t.grids or t.empty_marker], self.perf.tables_so_far(),
                dict(uncertain))
        self.emit(snapshot)
        self.interval = min(2 * self.interval, self.longest)
        self.due = time.monotonic() + self.interval


def _find_tables(pdf, path, doc, progress, cancel, settings, workers, uncertain: dict, perf,
                 snapshots: Optional[TablesSoFar] = None) -> list:
    """The tables of a PDF; `uncertain` receives each page's low-confidence OCR characters, `perf` (a
    PerformanceReader) the pages' performance forms, `snapshots` (if any) the tables completed so far."""
    name = path.name
    running = set()              # first/last lines seen on earlier pages: running headers/footers
    tables: list = []
    current: Optional[OpenTable] = None
    text_pages = image_pages = 0
    cover_text = []
    for page in iter_pages(pdf, path, workers):
        if cancel and cancel():
            raise Cancelled()
        if progress:
            progress(page.number, doc.pages, f"正在读取第 {page.number}/{doc.pages} 页")
        if page.ocr:
            uncertain[page.number] = page.uncertain
        if not page.chars:
            if page.images:
                image_pages += 1
            continue
        text_pages += 1
        lines = group_lines(page.chars)
        bands = band_texts(lines, page)
        lines = strip_furniture(perf.take(page, lines), page, running)
        running |= bands
        if len(cover_text) < 3:
            cover_text.append(" ".join(l.text for l in lines[:8]))
        for seg in split_page(page, lines):
            if seg.title is not None:
                if current is not None:
                    tables.append(current)
                    current = None
                meta = parse_meta(seg.meta_lines, seg.title.text)
                current = OpenTable(seg.title.text, seg.title.form_id, meta)
            elif current is None or current.closed or not current.reaches_page_end:
                continue
            _add_segment(current, seg, settings)
        if current is not None and current.closed:
            tables.append(current)
            current = None
        if snapshots is not None and page.number < doc.pages:
            snapshots.after_page(tables, uncertain)
    if current is not None:
        tables.append(current)
    if image_pages and not text_pages:
        raise ConversionError(f"{name}：扫描件，OCR 未识别出任何文字（页面只有图像，没有文字层）")
    if image_pages:
        doc.notices.append(f"{image_pages} 页只有图像（扫描页），OCR 未识别出文字，已跳过")
    doc._cover = " ".join(cover_text)   # used for document-level year/unit fallbacks
    return [_raw_table(t) for t in tables if t.grids or t.empty_marker]


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
        grid = build_grid(seg.page, lines, settings, hint=HeaderHint(row_label=row_label_test(table.form_id),
                                                                     header_label=header_label_test(table.form_id)))
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


def header_label_test(form_id):
    """Is a text one of the form's column labels (科目编码, 合计 …)?"""
    form = catalogue().get(form_id) if form_id else None
    if form is None:
        return None
    wide = [re.compile(norm(k.rpartition(">")[2])) for k in form.spec.get("wide_labels", {})]
    wide += [re.compile(norm(k)) for k in form.spec.get("split_column", {}).get("synonyms", [])]
    return lambda text: (any(match_score(c, [text], False)[0] for c in form.columns)
                         or any(rx.fullmatch(norm(text)) for rx in wide))


def row_label_test(form_id):
    """Does a row start with one of the form's row labels or a total label (a body row even without numbers)?"""
    cat = catalogue()
    form = cat.get(form_id) if form_id else None
    labels = [norm(strip_enum(norm(x))) for x in (form.spec.get("row_labels", []) if form else [])]
    labels += list(cat.total_labels)
    labels = [x for x in labels if x]

    def test(text: str) -> bool:
        t = norm(strip_enum(norm(text)))
        return any(t.startswith(x) for x in labels)
    return test


def _raw_table(t: OpenTable) -> RawTable:
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


def _is_real_table(t) -> bool:
    """Headings and table-of-contents lines that looked like titles give tables with nothing in them."""
    if t.form == "unknown":
        return len(t.columns) >= 2 and bool(t.rows)
    return bool(t.columns)


def _fill_document_meta(tables: list, doc: Document):
    """Tables without their own 单位名称 / 年度 / 金额单位 take the document's (the most common one)."""
    def common(values):
        c = Counter(v for v in values if v)
        return c.most_common(1)[0][0] if c else None
    unit = common(t.unit_name for t in tables)
    year = common(t.year for t in tables)
    money = common(t.money_unit for t in tables)
    cover = getattr(doc, "_cover", "")
    if year is None:
        m = re.search(r"((?:19|20)\d{2})\s*年", cover)
        year = int(m.group(1)) if m else None
    for t in tables:
        t.unit_name = t.unit_name or unit
        t.year = t.year or year
        t.money_unit = t.money_unit or money
