"""The conversion pipeline: read document → find tables → stitch pages → classify → standardize → check.

    sources/   a file → pages (PageSource) or sheets (SheetSource)
    tables/    pages or sheets → RawTables (and the performance forms)
    standard/  RawTables → standardized Tables, flagged by the checks
The layers never call each other sideways: this module drives them (docs/architecture.md).
"""
from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path
from typing import Callable, Optional, Union

from .model import Document, Issue
from .settings import ConversionSettings
from .sources import reader_for
from .standard.checks import run_checks
from .standard.classify import classify_by_content
from .standard.normalize import standardize
from .standard.ocr_flags import flag_doubtful_enumerations, flag_uncertain_cells
from .standard.performance import performance_tables
from .tables.contents import missing_from_contents
from .tables.numbering import missing_from_numbering
from .tables.office import sheets_to_tables
from .tables.pages import FoundTables, PageTables
from .tables.performance.reader import PerformanceReader

NO_TABLES = "没有找到可识别的表格：文件中没有带标题的报表（可能不是部门预算公开文件）"

ProgressFn = Callable[[int, int, str], None]      # (done pages, total pages, message)
OCR_STAGES = {"render": "正在渲染第 {n}/{total} 页（扫描页）", "recognize": "正在识别第 {n}/{total} 页的文字（OCR）"}
PreviewFn = Callable[[Document], None]            # the tables found so far, while the rest is read


class Cancelled(Exception):
    pass


def convert_document(path, settings: Union[None, dict, ConversionSettings] = None, *,
                     progress: Optional[ProgressFn] = None, cancel: Optional[Callable[[], bool]] = None,
                     preview: Optional[PreviewFn] = None) -> Document:
    """Convert one file. Raises ConversionError (Chinese message naming the file) when it cannot.
    `settings`: ConversionSettings.resolve's None, dict or instance (e.g. {"page_workers": 2} reads a PDF's pages
    in two processes). `preview`, if given, now and then receives a Document of a page source's tables completed
    so far (standardized and checked; a new one each time)."""
    path = Path(path)
    settings = ConversionSettings.resolve(settings)
    reader = reader_for(path)
    perf = PerformanceReader(settings.performance)    # the performance-target forms (绩效目标表)
    if reader.kind == "sheets":
        source = reader(path, settings)
        tables, notices = sheets_to_tables(source.sheets, perf, settings.grid)
        doc = Document(source=str(path), pages=source.page_count,
                       notices=[n for sheet in source.sheets for n in sheet.notices] + list(notices))
        found = FoundTables(tables)
    else:
        with reader(path, settings) as source:
            doc = Document(source=str(path), pages=source.page_count)
            found = read_pages(source, doc, perf, settings, progress, cancel, preview)
            doc.notices.extend(found.notices)
    forms = perf.finished_forms()
    doc.notices.extend(perf.notices)
    standardize_and_check(doc, found, performance_tables(forms))
    if reader.kind == "sheets":
        flag_doubtful_sheet_cells(doc.tables, source.sheets)
    check_contents(doc, found.contents, found.numbers)
    return doc


def flag_doubtful_sheet_cells(tables: list, sheets: list):
    """A warning on every table cell read from a sheet cell whose value could not be read (a formula saved
    without its result, which then stands in the cell), saying why."""
    marks = {(sheet.page, r, c): message for sheet in sheets for r, c, message in sheet.doubtful}
    if not marks:
        return
    for t in tables:
        for i, row in enumerate(t.sources):
            for j, src in enumerate(row):
                if src is None:
                    continue
                c0, r0, c1, r1 = (int(v) for v in src.bbox)          # cell coordinates (a merge spans several)
                hit = next((marks[(src.page, r, c)] for r in range(r0, r1) for c in range(c0, c1)
                            if (src.page, r, c) in marks), None)
                if hit:
                    t.issues.append(Issue("formula_not_calculated", "warning", hit, i, j))


def check_contents(doc: Document, contents: list, numbers: list = ()):
    """The tables the document's 目录 lists that no table answers to (without a 目录: the tables its numbering,
    公开01表 …, names and the output lacks): `doc.missing` and a notice each; a document with no table at all
    says why."""
    if contents and not doc.tables:
        doc.notices.append(f"目录列出 {len(contents)} 张表，但各页没有表格：表格可能另附在单独的文件中")
        return
    for entry in missing_from_contents(contents, [t.title for t in doc.tables]):
        doc.missing.append({"title": entry.title, "page": entry.page})
        where = f"（目录中的第 {entry.page} 页）" if entry.page else ""
        doc.notices.append(f"目录列出的“{entry.title}”{where}没有找到：可能被删除、只有图片或版式无法识别")
    if not contents:
        pages = {p for t in doc.tables for p in t.pages}
        for label, page in missing_from_numbering(list(numbers), pages):
            doc.missing.append({"title": label, "page": page})
            doc.notices.append(f"第 {page} 页标有“{label}”，但没有找到表格：可能只有图片或版式无法识别" if page else
                               f"表格编号中缺少“{label}”：该表可能被删除或没有找到")
    if not doc.tables:
        doc.notices.append(NO_TABLES if not doc.unread else
                           f"没有找到表格：第 {'、'.join(map(str, doc.unread))} 页无法完整读取（见上）")


def read_pages(source, doc: Document, perf: PerformanceReader, settings: ConversionSettings,
               progress: Optional[ProgressFn], cancel: Optional[Callable[[], bool]],
               preview: Optional[PreviewFn]) -> FoundTables:
    """The tables of a page source, page by page, reporting progress and honouring `cancel`."""
    finder = PageTables(source.path.name, settings.grid, perf)
    snapshots = TablesSoFar(doc, finder, perf, preview, settings) if preview else None
    done = 0

    def stage(number: int, name: str):
        if progress:
            progress(done, doc.pages, OCR_STAGES[name].format(n=number, total=doc.pages))
    for page in source.pages(stage):
        if cancel and cancel():
            raise Cancelled()
        done = page.number
        if progress:
            progress(page.number, doc.pages, f"正在整理第 {page.number}/{doc.pages} 页的表格")
        if page.unread:
            doc.notices.append(page.unread)
            doc.unread.append(page.number)
        finder.add_page(page)
        if snapshots is not None and page.number < doc.pages:
            snapshots.after_page()
    return finder.found()


def standardize_and_check(doc: Document, found: FoundTables, perf_tables: list):
    """Standardize the raw tables into `doc`, after them the performance tables, flag what OCR read with doubt,
    and check them all."""
    fill_document_meta(found.tables + perf_tables, found.cover)
    titled = frozenset(r.form_id for r in found.tables if r.form_id)
    for raw in found.tables:
        doc.tables.extend(t for t in standardize(classify_by_content(raw, titled)) if _is_real_table(t))
    doc.tables.extend(perf_tables)
    flag_uncertain_cells(doc.tables, found.uncertain)
    flag_doubtful_enumerations(doc.tables, set(found.uncertain))
    run_checks(doc.tables)


class TablesSoFar:
    """Snapshots of a document's tables completed so far, so that a user sees the first tables of a long document
    while the rest is read. A snapshot is taken after a page once the interval has passed since the last
    (see PreviewSettings: it grows, as a snapshot of 400 forms costs more than one of ten)."""

    def __init__(self, doc: Document, finder: PageTables, perf: PerformanceReader, emit: PreviewFn,
                 settings: ConversionSettings):
        self.doc, self.finder, self.perf, self.emit = doc, finder, perf, emit
        self.interval, self.longest = settings.preview.first, settings.preview.longest
        self.due = time.monotonic() + self.interval
        self.shown = (0, 0)          # (tables, forms) of the last snapshot

    def after_page(self):
        done = (len(self.finder.completed), len(self.perf.forms))
        if time.monotonic() < self.due or done == self.shown:
            return
        self.shown = done
        snapshot = Document(source=self.doc.source, pages=self.doc.pages)
        found = FoundTables(self.finder.completed_tables(), uncertain=dict(self.finder.uncertain))
        standardize_and_check(snapshot, found, performance_tables(self.perf.forms_so_far()))
        self.emit(snapshot)
        self.interval = min(2 * self.interval, self.longest)
        self.due = time.monotonic() + self.interval


def _is_real_table(t) -> bool:
    """Headings and table-of-contents lines that looked like titles give tables with nothing in them."""
    if t.form == "unknown":
        return len(t.columns) >= 2 and bool(t.rows)
    return bool(t.columns[:t.extra_from])


def fill_document_meta(tables: list, cover: str = ""):
    """Tables without their own 单位名称 / 年度 / 金额单位 take the document's (the most common one; the year
    printed on the cover when no table names one)."""
    def common(values):
        c = Counter(v for v in values if v)
        return c.most_common(1)[0][0] if c else None
    unit = common(t.unit_name for t in tables)
    year = common(t.year for t in tables)
    money = common(t.money_unit for t in tables)
    if year is None:
        m = re.search(r"((?:19|20)\d{2})\s*年", cover)
        year = int(m.group(1)) if m else None
    for t in tables:
        t.unit_name = t.unit_name or unit
        t.year = t.year or year
        t.money_unit = t.money_unit or money
