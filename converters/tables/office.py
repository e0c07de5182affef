"""Report tables in office documents: a sheet of cell texts (a worksheet, or a DOCX body) → RawTables.

The sheet sources (sources/xlsx.py, sources/docx.py) turn a file into `Sheet`s: rows of cell texts as printed, with the
merged ranges. Here those rows are cut into tables the way a reader sees them: a title line, meta lines
(单位名称 / 预算年度 / 单位：万元), the header (leading rows without amounts, codes or row labels), the body, and
notes below. The PDF engine's rules decide what is a title, a meta line, a header row and a 栏次 row; the
result is the same RawTable a PDF page gives, so standardization and checks are shared.

Performance-target forms (绩效目标表) are not tables of columns: from such a form's title to the next title
the rows are handed to the PDF engine's `PerformanceReader` as cells (a merged range is one cell over its
rows and columns) and text lines, and the rest of the sheet is cut into tables as above.

Cell coordinates stand in for PDF boxes: a cell's source is (page, (col, row, col + 1, row + 1)) in the
sheet's row/column indexes, and a sheet's "page" is its 1-based position in the workbook (a DOCX row carries
the printed page it falls on).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Optional

from ..catalogue import catalogue, norm
from ..model import Char, Issue, RawTable, Sheet, make_line, merge_map
from ..settings import GridSettings
from .grid import HeaderHint, is_data_block, is_layout_row
from .hints import form_hint
from .layout import (GENERIC_TITLE, META_LABELS, SENTENCE, TOC_FILL, TOC_TAIL, is_note, money_unit_in,
                     parse_meta)
from .performance.cells import GridCell
from .performance.reader import PerformanceReader
from .performance.vocabulary import label_of

@dataclass
class _Found:
    """A table found in a sheet: its rows (indexes) and what was printed around it."""
    title: Optional[str]
    meta_lines: list
    rows: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    closed: bool = False


class _Text:
    """A text line for layout's line tests (they only read `.text`)."""
    def __init__(self, text: str):
        self.text = text


# ---------------------------------------------------------------------------------------------- text tests
def title_of(text: str) -> Optional[tuple]:
    """(title, form_id or None) when a line reads as a report-table title (the PDF engine's rules on the text
    alone: short, no sentence punctuation, not a TOC entry or meta line, names a form or ends with 表)."""
    text = text.strip()
    if len(text) < 4 or len(text) > 80 or TOC_TAIL.search(text) or TOC_FILL.search(text):
        return None
    if SENTENCE.search(text.replace("：", "").replace(":", "")) and not re.search(r"表\s*$", text):
        return None
    form = catalogue().classify_title(text)
    if META_LABELS.search(text) and (form is None or re.search(r"[:：]", text)):
        return None             # a meta line; "2026年预算单位收入预算总表" names a form and is a title
    if form is None and not GENERIC_TITLE.search(norm(text)):
        return None
    return re.sub(r"\s+", "", text), form.id if form else None


def is_meta_text(text: str) -> bool:
    """单位名称 / 预算年度 / 单位：万元 (a header label such as 价值（金额单位：万元） is not one)."""
    return bool(META_LABELS.search(re.sub(r"[（(][^()（）]*[)）]", "", text)))


def _empty_marked(text: str) -> bool:
    return any(m in norm(text) for m in catalogue().empty_markers)


def _is_narrative(text: str) -> bool:
    return len(text) > 25 and bool(re.search(r"[。；]", text))


_AMOUNT = re.compile(r"^[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d+$")


def _row_line(texts: list):
    """One synthetic text line with each cell as its own run, for grid.is_data_block."""
    chars = [Char(ch, 10000.0 * j + 10 * k, 10000.0 * j + 10 * k + 10, 0.0, 10.0, 10.0)
             for j, t in enumerate(texts) for k, ch in enumerate(re.sub(r"\s+", "", t))]
    return make_line(chars)


# ---------------------------------------------------------------------------------------------- merges
def _row_cells(sheet: Sheet, r: int, merged: dict) -> list:
    """[(c0, c1, text)] of the non-empty cells that start on row r (a merged cell spans c0..c1)."""
    out = []
    for c, text in enumerate(sheet.rows[r]):
        m = merged.get((r, c))
        if m is not None and (m[0], m[1]) != (r, c):
            continue
        if text.strip():
            out.append((c, m[3] if m else c, text.strip()))
    return out


# ---------------------------------------------------------------------------------------------- finding tables
def _text_row(sheet: Sheet, r: int, cells: list) -> bool:
    """A line of text rather than a table row: a DOCX paragraph, a row with one cell, only meta text, or a
    form's title beside a short label ("2022年预算收支总表 … 公开表1")."""
    if sheet.row_blocks is not None and sheet.row_blocks[r] is None:
        return True
    if any(_AMOUNT.match(t) for _, _, t in cells):
        return False
    return len(cells) == 1 or is_meta_text("  ".join(t for _, _, t in cells)) or (
        len(cells) == 2 and _row_title(cells) is not None)


def _row_title(cells: list) -> Optional[tuple]:
    """The title a text row carries: its only cell's, or the cell that names a form."""
    if len(cells) == 1:
        return title_of(cells[0][2])
    return next((t for t in map(title_of, (x for _, _, x in cells)) if t and t[1]), None)


def find_tables(sheet: Sheet, merged: dict) -> list:
    """Cut a sheet's rows into tables (_Found), in order. `merged` is the sheet's merge_map."""
    found, cur = [], None
    title, meta = None, []
    last_block = None
    for r in range(len(sheet.rows)):
        cells = _row_cells(sheet, r, merged)
        if not cells:
            continue
        line = "  ".join(t for _, _, t in cells)
        block = sheet.block_of(r)
        if _text_row(sheet, r, cells):
            t = _row_title(cells)
            paragraph = sheet.row_blocks is not None and block is None
            in_table = cur is not None and not cur.closed
            note = is_note(_Text(line)) or _empty_marked(line)
            if t is not None and (t[1] or not in_table or paragraph or _wide(cells, sheet)):
                if cur is not None:
                    cur.closed = True
                title, meta, cur = t[0], [], None
            elif in_table and not paragraph and not (note or _is_narrative(line)):
                cur.rows.append(r)              # a table row with one filled cell (a category or 合计 row)
            elif cur is not None and (note or cur.notes):
                cur.notes.append(line)          # notes go on until the next title
                cur.closed = True
            elif cur is None and is_meta_text(line):
                meta.append(line)
            elif cur is not None:
                cur.closed = True
            continue
        if cur is not None and not cur.closed and block == last_block:
            cur.rows.append(r)
        elif cur is not None and title is None and _continues(sheet, cur, r):
            cur.rows.append(r)                  # DOCX: a table split in two at a page end
            cur.closed = False
        else:
            cur = _Found(title, meta, [r])
            found.append(cur)
            title, meta = None, []
        last_block = block
    return found


def _wide(cells: list, sheet: Sheet) -> bool:
    c0, c1, _ = cells[0]
    return c1 - c0 + 1 >= max(2, sheet.width // 2)


def _continues(sheet: Sheet, cur: _Found, r: int) -> bool:
    """A DOCX table whose rows go on in the next table element, with nothing but notes-free blank space
    between and the same number of columns."""
    if sheet.row_blocks is None or cur.notes:
        return False
    prev = cur.rows[-1]
    between = range(prev + 1, r)
    return all(not any(x.strip() for x in sheet.rows[k]) for k in between) and \
        _used_width(sheet, cur.rows) == _used_width(sheet, [r])


def _used_width(sheet: Sheet, rows: list) -> int:
    return max((c for r in rows for c, x in enumerate(sheet.rows[r]) if x.strip()), default=-1) + 1


# ---------------------------------------------------------------------------------------------- one table
def _first_data_row(texts_by_row: list, spans_by_row: list, ncols: int, hint: HeaderHint, gap: float) -> int:
    """Index of the first body row: the header is the leading rows without amounts, codes or row labels
    (grid.is_data_block on the cell texts); a row with text only in the left part is a category row."""
    for k, texts in enumerate(texts_by_row):
        if is_data_block([_row_line(texts)], gap, hint):
            return k
        last = max((c1 for _, c1 in spans_by_row[k]), default=0)
        filled = [t for t in texts if t]
        label = hint.header_label is not None and any(hint.header_label(t) for t in filled)
        parts = all(norm(t) in catalogue().code_parts for t in filled)        # 类 | 款 | 项 under 科目编码
        if k > 0 and last + 1 <= 0.6 * ncols and not label and not parts and not is_layout_row(texts):
            return k
    return len(texts_by_row)


def raw_table(sheet: Sheet, found: _Found, merged: dict, grid: GridSettings) -> Optional[RawTable]:
    """The RawTable of one found table (None when it has no rows left)."""
    form = catalogue().classify_title(found.title) if found.title else None
    form_id = form.id if form else None
    empty_marker = any(_empty_marked(n) for n in found.notes)
    rows = []
    for r in found.rows:
        line = "".join(sheet.rows[r])
        if _empty_marked(line) and len(_row_cells(sheet, r, merged)) == 1:
            empty_marker = True                  # "本表无数据" printed inside the table
        else:
            rows.append(r)
    cols = [c for c in range(sheet.width)
            if any(sheet.rows[r][c].strip() or _spanned_text(sheet, merged, r, c) for r in rows)]
    if not cols and not empty_marker:
        return None
    texts = [[_cell(sheet, merged, r, c) for c in cols] for r in rows]
    spans = [[_span(cols, c0, c1) for c0, c1, _ in _row_cells(sheet, r, merged)] for r in rows]
    hint = form_hint(form_id)
    first = _first_data_row(texts, spans, len(cols), hint, grid.chunk_gap)
    if form_id is None and first == len(rows) > 1:
        first = 1          # a table of an unknown form with counts only ("12", "5"): the first row heads it
    layout = [is_layout_row(t) for t in texts]
    head_rows = [r for k, r in enumerate(rows[:first]) if not layout[k]]
    body_rows = [r for k, r in enumerate(rows) if k >= first and not layout[k]]
    header = _header_fragments(sheet, merged, head_rows, cols)
    header_rows = [[_cell(sheet, merged, r, c) for c in cols] for r in head_rows]
    body, sources = _body(sheet, merged, body_rows, cols)
    meta = parse_meta([_Text(x) for x in found.meta_lines], found.title or "")
    if meta.money_unit is None:
        meta.money_unit = next(filter(None, (money_unit_in(" ".join(h)) for h in header_rows)), None)
    pages = sorted({sheet.page_of(r) for r in head_rows + body_rows}) or [sheet.page_of(found.rows[0])]
    issues = []
    if len(pages) > 1:
        issues.append(Issue("continued_table", "info", f"跨页表格：已拼接第 {'、'.join(map(str, pages))} 页",
                            None, None))
    return RawTable(form_id, found.title or sheet.name, header, header_rows, body, sources, pages,
                    meta.unit_name, meta.year, meta.money_unit, empty_marker, issues,
                    _regions(sheet, head_rows + body_rows, cols))


def _span(cols: list, c0: int, c1: int) -> tuple:
    """A merged cell's first and last column among the table's columns."""
    inside = [j for j, c in enumerate(cols) if c0 <= c <= c1] or [0]
    return inside[0], inside[-1]


def _spanned_text(sheet: Sheet, merged: dict, r: int, c: int) -> bool:
    m = merged.get((r, c))
    return bool(m and sheet.rows[m[0]][m[1]].strip())


def _cell(sheet: Sheet, merged: dict, r: int, c: int) -> str:
    """A cell's own text (a merged range's text belongs to its top-left cell)."""
    m = merged.get((r, c))
    if m is not None and (m[0], m[1]) != (r, c):
        return ""
    return sheet.rows[r][c].strip()


def _header_fragments(sheet: Sheet, merged: dict, head_rows: list, cols: list) -> list:
    """Per column, the header texts above it top → bottom: a merged label goes to every column it spans,
    once (a label merged down over several rows is not repeated)."""
    frags = [[] for _ in cols]
    for r in head_rows:
        for j, c in enumerate(cols):
            m = merged.get((r, c))
            if m is not None and m[0] != r and m[0] in head_rows:
                continue
            text = sheet.rows[m[0]][m[1]].strip() if m is not None else sheet.rows[r][c].strip()
            if text:
                frags[j].append(text)
    return frags


def _body(sheet: Sheet, merged: dict, body_rows: list, cols: list) -> tuple:
    """Body rows as printed and each cell's source. A text merged across columns goes to the column that
    suits it: not into a column of codes (合计 merged over 科目编码 and 科目名称 belongs to the name)."""
    codes = [_is_code_column(sheet, merged, body_rows, c) for c in cols]
    rows, sources = [], []
    for r in body_rows:
        row = [""] * len(cols)
        src = [(sheet.page_of(r), (c, r, c + 1, r + 1)) for c in cols]
        for c0, c1, text in _row_cells(sheet, r, merged):
            span = [j for j, c in enumerate(cols) if c0 <= c <= c1]
            if not span:
                continue
            j = next((k for k in span if not codes[k]), span[0]) if not text.isdigit() else span[0]
            row[j] = text
            m = merged.get((r, c0))
            if m is not None:
                src[j] = (sheet.page_of(r), (m[1], m[0], m[3] + 1, m[2] + 1))
        rows.append(row)
        sources.append(src)
    return rows, sources


def _is_code_column(sheet: Sheet, merged: dict, rows: list, c: int) -> bool:
    """Most of the column's values are codes (201, 02 …)."""
    values = [v for v in (_cell(sheet, merged, r, c) for r in rows) if v]
    return sum(1 for v in values if re.fullmatch(r"\d{2,}", v)) > len(values) / 2


def _regions(sheet: Sheet, rows: list, cols: list) -> list:
    """The table's area on each page it covers, in cell coordinates."""
    if not rows or not cols:
        return []
    out = {}
    for r in rows:
        p = sheet.page_of(r)
        r0, r1 = out.get(p, (r, r))
        out[p] = (min(r0, r), max(r1, r))
    return [(p, (cols[0], r0, cols[-1] + 1, r1 + 1)) for p, (r0, r1) in sorted(out.items())]


# ---------------------------------------------------------------------------------------------- performance forms
def _is_performance_title(title: Optional[tuple]) -> bool:
    """Does a (title, form id) name a form read by the performance reader (labels with values beside them)?"""
    form = catalogue().get(title[1]) if title and title[1] else None
    return form is not None and form.spec.get("reader") == "performance"


def _title_line(sheet: Sheet, merged: dict, r: int, cells: list) -> Optional[tuple]:
    """The title a row prints as a line of text (a row with a form's label, or under a cell merged down from
    the rows above, is a row of the form)."""
    if not _text_row(sheet, r, cells) or any(label_of(t) for _, _, t in cells) or _under_merge(sheet, merged, r):
        return None
    return _row_title(cells)


def _under_merge(sheet: Sheet, merged: dict, r: int) -> bool:
    """Does a cell merged down from an earlier row reach into row r?"""
    return any(m[0] < r for c in range(sheet.width) if (m := merged.get((r, c))) is not None)


def performance_regions(sheet: Sheet, merged: dict) -> list:
    """[(title, title row or None, [rows])] of a sheet's performance forms: from a form's title to the next
    title, as on paper; a worksheet named as a form that has no title row is one from its first row."""
    regions, cur = [], None
    named = title_of(sheet.name) if sheet.row_blocks is None else None
    if _is_performance_title(named):
        cur = (named[0], None, [])
        regions.append(cur)
    for r in range(len(sheet.rows)):
        cells = _row_cells(sheet, r, merged)
        if not cells:
            continue
        t = _title_line(sheet, merged, r, cells)
        if t is None:
            if cur is not None:
                cur[2].append(r)
        elif _is_performance_title(t):
            cur = (t[0], r, [])
            regions.append(cur)
        else:
            cur = None
    return regions


def read_performance_form(perf: PerformanceReader, sheet: Sheet, merged: dict, title: str, rows: list):
    """Give a form's rows to the performance reader: a row printed as a line of text (a DOCX paragraph, or
    one cell at the form's left edge on a row of its own: the year, the 负责人 footer) is a text line, every
    other non-empty cell a GridCell over its merged range (a field's label also over the empty cells up to its
    value: Excel prints a text on over empty neighbours)."""
    spans = {r: _row_cells(sheet, r, merged) for r in rows}
    left = min((c0 for r in rows for c0, _, _ in spans[r]), default=0)
    cells, lines = [], []
    for r in rows:
        for c0, c1, text in spans[r]:
            m = merged.get((r, c0))
            r1 = m[2] if m else r
            c1 = _label_reach(sheet, merged, r, c1, text) if r1 == r else c1
            cell = GridCell.of(sheet.page_of(r), r, c0, r1, c1, text)
            (lines if _is_line(sheet, merged, r, spans[r], left) else cells).append(cell)
    if cells:
        perf.read_grid(title, cells, lines)


def _label_reach(sheet: Sheet, merged: dict, r: int, c1: int, text: str) -> int:
    """The last column of a field's label ending at column c1 of row r, printed on over the empty cells up to
    the next cell of its row (its value); c1 when nothing follows them."""
    lab = label_of(text)
    if lab is None or lab.kind not in ("column", "amount"):
        return c1
    c = c1 + 1
    while c < sheet.width and not sheet.rows[r][c].strip() and (r, c) not in merged:
        c += 1
    return c - 1 if c < sheet.width else c1


def _is_line(sheet: Sheet, merged: dict, r: int, cells: list, left: int) -> bool:
    """Is row r (its cells: [(c0, c1, text)]) a line of text printed with a form rather than a row of it?"""
    if sheet.row_blocks is not None and sheet.row_blocks[r] is None:
        return True                                     # a DOCX paragraph
    if len(cells) != 1 or cells[0][0] != left or label_of(cells[0][2]) or _under_merge(sheet, merged, r):
        return False
    own = merged.get((r, left))
    return own is None or own[2] == r


def _blank_rows(sheet: Sheet, rows: set) -> Sheet:
    """The sheet with these rows left empty (row indexes, and so sources, stay as they are)."""
    return replace(sheet, rows=[[""] * len(row) if r in rows else row for r, row in enumerate(sheet.rows)])


# ---------------------------------------------------------------------------------------------- documents
def sheets_to_tables(sheets: list, perf: PerformanceReader, grid: GridSettings) -> tuple:
    """(raw tables, notices) of a document's sheets. Performance forms go to `perf` (the tables it makes are
    its own); a block of cells without any title is reported, a contents list (目录) is not."""
    tables, untitled = [], []
    for sheet in sheets:
        merged = merge_map(sheet)
        taken = set()
        for title, title_row, rows in performance_regions(sheet, merged):
            read_performance_form(perf, sheet, merged, title, rows)
            taken.update(rows + ([title_row] if title_row is not None else []))
        if taken:
            sheet = _blank_rows(sheet, taken)
        for found in find_tables(sheet, merged):
            if found.title is None:
                fallback = title_of(sheet.name) if sheet.row_blocks is None else None
                if fallback is None:
                    if not _is_contents(sheet, found):
                        untitled.append(sheet.name if sheet.row_blocks is None
                                        else f"第 {sheet.page_of(found.rows[0])} 页")
                    continue
                found.title = fallback[0]
            raw = raw_table(sheet, found, merged, grid)
            if raw is not None:
                tables.append(raw)
    notices = []
    if untitled:
        names = "、".join(dict.fromkeys(untitled))
        notices.append(f"{len(untitled)} 个表格没有标题，无法判断表式，已跳过（{names}）")
    return tables, notices


def _is_contents(sheet: Sheet, found: _Found) -> bool:
    """A table of contents: its cells are report titles."""
    return any(catalogue().classify_title(x) for r in found.rows for x in sheet.rows[r] if x.strip())

