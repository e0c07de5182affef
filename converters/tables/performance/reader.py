"""项目支出绩效目标表 (performance-target forms): reading the forms of a document, page by page or office table by table.

A performance form is not a table of columns but a ruled sheet of labelled cells: a field block (项目名称 …
项目实施计划, each label with its value in the cell to its right), a funding block (实施期 / 年度 × 资金总额 and
its sources), the 总体目标 of both periods (under the headers 实施期目标 | 年度目标) and an indicator grid
(一级 / 二级 / 三级指标 and 指标值, the left and right halves being the two periods). Every printed form becomes
one row of `performance_targets`, every indicator one row of `performance_indicators`.

How it is read:
- `page_cells` (cells.py): the page's text is cut into cells by the ruling.
- `PerformanceReader.split_off_forms` routes a page: from a performance title to the next other title (or on, across
  pages) the page belongs to the forms; the rest goes back to the table pipeline.
- `PerformanceReader.read_grid` takes a form printed as an office table (DOCX, XLSX; tables/office.py finds it
  the same way): its cells are `GridCell`s, boxes made of row and column indexes, read like a page's cells.
- Labels are data (vocabulary.py); a form is read
  cell by cell, and the state kept across a page break (the open text field, the goal and grid columns) joins a
  form continued on the next page.
- At the end, reprints of a form (same project, nothing new) are dropped and flagged, a form's parts printed as
  separate forms are joined, merged 一级 / 二级 labels are carried down to every indicator they cover
  (`finished_forms`); standard/performance.py makes the two standardized tables of them.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Optional

from ...catalogue import norm
from ...model import clean_text, parse_number
from ...settings import DEFAULT, PerformanceSettings
from ..layout import find_title, money_unit_in
from .cells import Cell, page_cells
from .vocabulary import LEVEL1, LEVEL2, LEVEL3, NAME, TARGETS, VALUE, Label, inline_values, label_of, vocabulary


_YEAR_LINE = re.compile(r"^[（(]?\s*((?:19|20)\d{2})\s*年度?\s*[)）]?$")
_PUNCT = re.compile(r"[、，,。.·:：\s]")


# ---------------------------------------------------------------------------------------------- one form
@dataclass
class Indicator:
    period: Optional[str]
    level1: Optional[str]
    level2: Optional[str]
    level3: Optional[str]
    value: Optional[str]
    sources: dict                 # column -> CellSource

    def key(self) -> tuple:
        return (self.period, self.level1, self.level2, self.level3, self.value)


@dataclass
class GridColumn:
    x0: float
    x1: float
    column: Optional[str]         # canonical name, None: a column without one (绩效指标描述 …)
    period: Optional[str]
    header: str


@dataclass
class Form:
    """One printed performance form, as read so far."""
    title: str
    page: int
    year: Optional[int] = None
    pages: list = field(default_factory=list)
    values: dict = field(default_factory=dict)        # column -> text / number
    sources: dict = field(default_factory=dict)       # column -> CellSource
    seen: set = field(default_factory=set)            # columns whose label was printed
    money_unit: Optional[str] = None
    indicators: list = field(default_factory=list)    # Indicator, in print order
    unmapped: list = field(default_factory=list)      # grid headers without a canonical column
    regions: list = field(default_factory=list)       # (page, bbox)
    reprints: list = field(default_factory=list)      # pages of identical reprints (dropped)
    # reading state
    section: str = "fields"                           # fields | goals | grid
    open_field: Optional[tuple] = None                # (column, value x0, value x1 or None) of the last field
    pending: Optional[Cell] = None                    # value text cut off by a page break before its label
    totals_x: dict = field(default_factory=dict)      # 资金总额 label text -> (x0, x1)

    @property
    def name(self) -> Optional[str]:
        v = self.values.get(NAME)
        return v if isinstance(v, str) and v else None


@dataclass
class Layout:
    """Column positions learnt from the forms read so far (the forms of a document share one layout)."""
    goals: dict = field(default_factory=dict)         # column -> (x0, x1)
    grid: list = field(default_factory=list)          # GridColumn


class PerformanceReader:
    """Collects a document's performance forms page by page: `split_off_forms` every page, then `finished_forms()`."""

    def __init__(self, settings: PerformanceSettings = DEFAULT.performance):
        self.settings = settings
        self.forms: list = []
        self.layout = Layout()
        self.open = False              # the last form runs on past the end of the previous page
        self.cut_labels: dict = {}     # grid labels open at the bottom of the last page read (see _join_cut_labels)
        self.notices: list = []

    # ------------------------------------------------------------------------------------------ routing
    def split_off_forms(self, page, lines: list) -> list:
        """Keep the lines of the page's performance forms; return the others (for the table pipeline).
        A form starts at its title and runs, across pages, until another title."""
        if not self.open and not any("绩效" in ln.text.replace(" ", "") for ln in lines):
            return lines
        cells, free = page_cells(page, lines, self.settings)
        marks = self._titles(free, page)
        if not self.open and not any(perf for _, _, perf in marks):
            return lines
        regions, start, title = [], (float("-inf") if self.open else None), None
        for y, t, perf in marks:
            if start is not None:
                regions.append((start, y, title))
                start = None
            if perf:
                start, title = y, t
        if start is not None:
            regions.append((start, float("inf"), title))
        self.open = start is not None
        for top, bottom, t in regions:
            self._read(page.number, t, [c for c in cells if top <= c.top < bottom],
                       [(ln.top, ln.text) for ln in free if top <= ln.top < bottom])
        return [ln for ln in lines if not any(top <= ln.top < bottom for top, bottom, _ in regions)]

    def _titles(self, free: list, page) -> list:
        """(top, title text, is a performance form) of the titles among the page's free lines."""
        out, i = [], 0
        while i < len(free):
            t = find_title(free, i, page)
            if t is None:
                i += 1
                continue
            out.append((free[i].top, t.text, t.form_id == TARGETS))
            i = t.end_index + 1
        return out

    def read_grid(self, title: str, cells: list, lines: list):
        """Performance forms printed as an office table (DOCX, XLSX), whole, under one title: `cells` are the
        non-empty GridCells (a merged cell is one cell over its range), `lines` the GridCells of the rows
        printed as lines of text (the year, the 负责人 footer). Forms read whole take no column positions from
        the forms before them."""
        self.layout = Layout()
        self._read(min((c.page for c in cells), default=1), title, cells, [(ln.top, ln.text) for ln in lines])

    # ------------------------------------------------------------------------------------------ reading
    def _read(self, page_no: int, title: Optional[str], cells: list, lines: list):
        """Forms' parts on one page (a PDF page; an office table: all of it): cells, and the (top, text) of the
        free text lines, read in their place among the cells (a footer belongs to the form above it)."""
        if title is not None:
            self.forms.append(Form(_strip_year(title), page_no))
        if not self.forms:
            return
        lines = sorted(lines, key=lambda ln: ln[0])
        form = self._read_cells(self.forms[-1], cells, lines, continuing=title is None) if cells else self.forms[-1]
        for _, text in lines:
            self._read_line(form, text)

    def _read_line(self, form: Form, text: str):
        """A free text line: the year, or printed labels with their values (the 负责人 footer)."""
        m = _YEAR_LINE.match(norm(text))
        if m and form.year is None:
            form.year = int(m.group(1))
        else:
            self._set_inline(form, inline_values(text), None)

    def _read_cells(self, form: Form, cells: list, lines: list, continuing: bool) -> Form:
        """Read the cells top-down (the free lines above each cell first, taken from `lines`); returns the
        form read last."""
        s = self.settings
        tol = s.edge_tol
        cells = sorted(cells, key=lambda c: (c.top, c.x0))
        labels = {id(c): label_of(c.text, s) for c in cells}
        label_rows = {round(c.top) for c in cells if labels[id(c)] is not None}
        right = _right_neighbours(cells, tol)
        first_top = cells[0].top
        last_bottom = max(c.bottom for c in cells)
        used = set()
        grid_cells = []
        begin = 0                                             # the first cell of the current form
        for k, c in enumerate(cells):
            while lines and lines[0][0] < c.top:
                self._read_line(form, lines.pop(0)[1])
            if id(c) in used:
                continue
            if c.clipped:                                     # only a merged grid label is printed that way
                grid = self._grid_column(c)
                if form.section == "grid" and grid is not None and grid.column in (LEVEL1, LEVEL2):
                    grid_cells.append((c, grid))
                continue
            lab = labels[id(c)]
            if lab is not None and lab.kind != "grid" and form.section == "grid" and self._in_grid_column(c):
                lab = None                                    # an indicator named like a label (三级指标 项目资金)
            first_row, last_row = c.top <= first_top + tol, c.bottom >= last_bottom - tol
            if lab is None and (inline := inline_values(c.text)):
                self._set_inline(form, inline, c)
                continue
            if lab is None and form.section == "fields" and not (continuing and first_row):
                lab = self._partial_label(c, last_row, right, labels)
            if lab is None:
                self._value_cell(form, c, continuing and first_row, last_row, round(c.top) in label_rows, grid_cells)
                continue
            if lab.kind == "section":
                form.money_unit = form.money_unit or money_unit_in(c.text)
                continue
            if lab.kind == "grid":
                used.update(self._grid_header(form, c, cells, labels))
                continue
            if lab.kind == "column" and lab.column == NAME and form.name is not None:
                self._grid_rows(form, grid_cells)              # a form without its own title starts here
                grid_cells = []
                self._visit(form, cells[begin:k])
                form, begin = self._new_form(form, c.page), k
            beside = right.get(id(c), [])
            values = [] if any(labels[id(r)] is not None for r in beside) else beside
            used.update(id(r) for r in values)
            v = values[0] if values else None
            if lab.kind == "amount":
                self._set(form, self._amount_column(form, c, lab, cells, labels), v)
                continue
            form.seen.add(lab.column)
            if lab.column in vocabulary().amount_columns:
                form.totals_x[lab.text] = (c.x0, c.x1)
                self._set(form, lab.column, v)
            elif v is None and lab.column in vocabulary().value_below:
                self.layout.goals[lab.column] = (c.x0, c.x1)
                form.section, form.open_field = "goals", None
            else:
                pending = form.pending
                if v is not None and pending is not None and first_row and _aligned(pending, (v.x0, v.x1), tol):
                    self._set(form, lab.column, pending)         # its first part ended the previous page
                form.pending = None
                for r in values:
                    self._set(form, lab.column, r)
                form.section = "fields"
                form.open_field = (lab.column, v.x0 if v else c.x1, v.x1 if v else None)
        self._visit(form, cells[begin:])
        self._grid_rows(form, grid_cells)
        return form

    def _visit(self, form: Form, cells: list):
        """Record the pages the cells are on and the form's area on each (in the cells' source coordinates)."""
        boxes: dict = {}
        for c in cells:
            boxes.setdefault(c.source.page, []).append(c.source.bbox)
        for page_no, bbs in boxes.items():
            if page_no not in form.pages:
                form.pages.append(page_no)
            form.regions.append((page_no, (min(b[0] for b in bbs), min(b[1] for b in bbs),
                                           max(b[2] for b in bbs), max(b[3] for b in bbs))))

    def _new_form(self, form: Form, page_no: int) -> Form:
        new = Form(form.title, page_no, form.year)
        self.forms.append(new)
        return new

    def _partial_label(self, c: Cell, last_row: bool, right: dict, labels: dict) -> Optional[Label]:
        """A label cut by the page break ("保证项目实施的" / "制度、措施"): at the bottom of a page, the start of
        exactly one field's name, with a value beside it."""
        beside = right.get(id(c), [])
        if not last_row or not beside or any(labels.get(id(r)) is not None for r in beside):
            return None
        t = _PUNCT.sub("", norm(c.text))
        hits = {col for _, col in vocabulary().plain if len(t) >= 2 and col.startswith(t) and col != t}
        return Label("column", hits.pop(), text=t) if len(hits) == 1 else None

    def _value_cell(self, form: Form, c: Cell, continues: bool, last_row: bool, label_row: bool, grid_cells: list):
        """A cell that is not a label: the rest of a text field cut by the page break, a goal text, an indicator
        cell, or the first part of a value whose label is on the next page. A cell in a row without labels that
        lines up with a goal or grid column of the forms read so far goes there (a form continued after its
        repeated first rows)."""
        tol = self.settings.edge_tol
        if form.section == "fields" and continues and form.open_field is not None:
            col, x0, x1 = form.open_field
            if abs(c.x0 - x0) <= tol and (x1 is None or abs(c.x1 - x1) <= tol):
                self._set(form, col, c)
            return                                            # else: the cut label's other half
        grid = self._grid_column(c)
        goal = next((col for col, (x0, x1) in self.layout.goals.items() if x0 - tol <= c.cx <= x1 + tol), None)
        if label_row and form.section == "fields":
            grid = goal = None
        if form.section == "grid" or (grid is not None and _aligned(c, (grid.x0, grid.x1), tol)):
            if grid is not None:
                form.section = "grid"
                grid_cells.append((c, grid))
        elif goal is not None and (form.section == "goals" or _aligned(c, self.layout.goals[goal], tol)):
            form.section = "goals"
            self._set(form, goal, c)
        elif form.section == "fields" and last_row:
            form.pending = c

    def _in_grid_column(self, c: Cell) -> bool:
        grid = self._grid_column(c)
        return grid is not None and _aligned(c, (grid.x0, grid.x1), self.settings.edge_tol)

    def _grid_column(self, c: Cell) -> Optional[GridColumn]:
        tol = self.settings.edge_tol
        return next((g for g in self.layout.grid if g.x0 - tol <= c.cx <= g.x1 + tol), None)

    def _grid_header(self, form: Form, c: Cell, cells: list, labels: dict) -> list:
        """The indicator grid's header row (一级指标 二级指标 三级指标 指标值 …: the cells of the row of `c` from the
        first column label on): its columns and periods. With one 指标值 column per period, each group up to a
        指标值 column is the next period."""
        tol = self.settings.edge_tol
        row = [r for r in cells if abs(r.top - c.top) <= tol and abs(r.bottom - c.bottom) <= tol and not r.clipped]
        named = {id(r): labels[id(r)].column for r in row if labels[id(r)] is not None and labels[id(r)].kind == "grid"}
        start = min(r.x0 for r in row if id(r) in named)      # the label column left of the grid is no column
        row = sorted((r for r in row if r.x0 >= start - tol), key=lambda r: r.x0)
        names = [named.get(id(r)) for r in row]
        periods = vocabulary().periods
        periods = periods if names.count(VALUE) == len(periods) else (None,)
        grid, k = [], 0
        for r, name in zip(row, names):
            grid.append(GridColumn(r.x0, r.x1, name, None if name == LEVEL1 else periods[min(k, len(periods) - 1)],
                                   clean_text(r.text) or ""))
            k += name == VALUE
            if name is None and grid[-1].header and grid[-1].header not in form.unmapped:
                form.unmapped.append(grid[-1].header)
        self.layout.grid = grid
        form.section, form.open_field = "grid", None
        return [id(r) for r in row]

    def _grid_rows(self, form: Form, grid_cells: list):
        """Indicator rows of one page: each row of 三级指标 / 指标值 cells (and columns without a canonical name)
        of a period, with the 二级 and 一级 cells beside it (a merged label covers several rows). A 二级 cell with
        nothing beside it is an empty row, kept until the merged labels are carried down."""
        tol = self.settings.edge_tol
        periods = list(dict.fromkeys(g.period for _, g in grid_cells if g.column != LEVEL1))
        uses: dict = {}                                       # id(label cell) -> (cell, level, [Indicator])
        for period in periods:
            rows = []                                         # [top, bottom, cells]
            anchors = [(c, g) for c, g in grid_cells if g.period == period and g.column not in (LEVEL1, LEVEL2)]
            for c, g in sorted(anchors, key=lambda cg: cg[0].top):
                if rows and c.top < rows[-1][1] - tol:
                    rows[-1][1] = max(rows[-1][1], c.bottom)
                    rows[-1][2].append((c, g))
                else:
                    rows.append([c.top, c.bottom, [(c, g)]])
            rows += [[c.top, c.bottom, []] for c, g in grid_cells if g.period == period and g.column == LEVEL2
                     and not any(c.top < b - tol and c.bottom > t + tol for t, b, _ in rows)]
            for top, bottom, members in sorted(rows, key=lambda r: r[0]):
                y = (top + bottom) / 2
                got = {g.column: c for c, g in members if g.column is not None}
                for level in (LEVEL1, LEVEL2):
                    got[level] = next((c for c, g in grid_cells if g.column == level
                                       and g.period in (period, None) and c.top <= y <= c.bottom), None)
                texts = {k: clean_text(c.text) for k, c in got.items() if c is not None}
                ind = Indicator(period, texts.get(LEVEL1), texts.get(LEVEL2), texts.get(LEVEL3), texts.get(VALUE),
                                {k: c.source for k, c in got.items() if c})
                form.indicators.append(ind)
                for level in (LEVEL1, LEVEL2):
                    if got[level] is not None:
                        uses.setdefault(id(got[level]), (got[level], level, []))[2].append(ind)
        self.cut_labels = _join_cut_labels(self.cut_labels, uses.values())

    def _amount_column(self, form: Form, c: Cell, lab: Label, cells: list, labels: dict) -> str:
        """The period of a funding source label: the 资金总额 label above it in the same column, else its
        position in the row (the first one is the first period)."""
        tol = self.settings.edge_tol
        above = next((t for t, (x0, x1) in form.totals_x.items() if x0 - tol <= c.cx <= x1 + tol), None)
        if above is None:
            k = sum(1 for r in cells if r.x1 <= c.x0 + tol and r.top - tol <= c.cy <= r.bottom + tol
                    and labels[id(r)] is not None and labels[id(r)].choices == lab.choices)
            periods = vocabulary().periods
            above = periods[min(k, len(periods) - 1)]
        col = next((col for parent, col in lab.choices if parent.search(above)), lab.choices[0][1])
        form.seen.add(col)
        return col

    def _set(self, form: Form, col: str, cell: Optional[Cell]):
        """Set a column from a cell (a text cell already set is continued: a page break cut it)."""
        form.seen.add(col)
        if cell is None:
            return
        if col in vocabulary().amount_columns:
            if col not in form.values:
                form.values[col] = parse_number(cell.text.strip())
                form.sources[col] = cell.source
            return
        text = clean_text(cell.text)
        if not text:
            return
        old = form.values.get(col)
        if old is None:
            form.values[col], form.sources[col] = text, cell.source
        elif old != text:
            form.values[col] = clean_text(old + text)

    def _set_inline(self, form: Form, values: dict, cell: Optional[Cell]):
        for col, text in values.items():
            form.seen.add(col)
            text = clean_text(text)
            if text and col not in form.values:
                form.values[col] = parse_number(text) if col in vocabulary().amount_columns else text
                if cell is not None:
                    form.sources[col] = cell.source

    # ------------------------------------------------------------------------------------------ finishing
    def finished_forms(self) -> list:
        """The forms read, named (forms without a project name become notices), reprints dropped and
        continuations joined: what standard/performance.py makes the two tables of."""
        return _join_reprints(self._named(self.forms))

    def forms_so_far(self) -> list:
        """finished_forms() of the forms read so far, leaving the reader as it is (finishing names and joins the
        forms in place): a preview while the rest is read."""
        reader = copy.copy(self)
        reader.forms, reader.notices = copy.deepcopy(self.forms), []
        return reader.finished_forms()

    def _named(self, forms: list) -> list:
        """Forms with a project name (from the 项目名称 cell, or from a title such as '1、XX绩效目标表')."""
        out = []
        for f in forms:
            if not f.values and not f.indicators:
                continue                                    # a heading that names the forms, not a form
            m = vocabulary().title_name.match(f.title) if f.name is None else None
            if m:
                f.values[NAME] = m.group("name")
                f.seen.add(NAME)
            elif f.name is None and out and _compatible(out[-1], f):
                f.values[NAME] = out[-1].name               # the rest of the form before it, its first rows garbled
            if f.name is not None:
                out.append(f)
            else:
                self.notices.append(f"第 {f.page} 页的绩效目标表没有项目名称，未转换")
        return out


def _join_cut_labels(cut: dict, uses) -> dict:
    """A merged 一级 / 二级 label cut by the page break whose lines are split between the pages ("满意度指" /
    "标") is one label: join the parts (a label printed whole on both pages stays as it is). Returns the labels
    open at the bottom of this page: {(level, x0, x1): (text, [Indicator])}."""
    attr = {LEVEL1: "level1", LEVEL2: "level2"}
    out = {}
    for c, level, inds in uses:
        key = (level, round(c.x0), round(c.x1))
        text = clean_text(c.text) or ""
        if c.open_top and key in cut:
            before, earlier = cut[key]
            joined = before if before.endswith(text) else text if text.startswith(before) else before + text
            for i in earlier + inds:
                setattr(i, attr[level], joined)
            text, inds = joined, earlier + inds
        if c.open_bottom:
            out[key] = (text, inds)
    return out


def _strip_year(title: str) -> str:
    return re.sub(r"[（(]\s*(?:19|20)\d{2}\s*年度?\s*[)）]$", "", title)


def _right_neighbours(cells: list, tol: float) -> dict:
    """id(cell) -> the cells beside it that start at its right edge, top-down: the one that spans its middle, or
    the ones within its rows (a long text printed over several rows beside its label merged over them)."""
    by_x0: dict = {}
    for c in cells:
        by_x0.setdefault(round(c.x0), []).append(c)
    out = {}
    for c in cells:
        k = round(c.x1)
        beside = [r for key in range(k - int(tol) - 1, k + int(tol) + 2) for r in by_x0.get(key, ())
                  if abs(r.x0 - c.x1) <= tol and r is not c
                  and (r.top - tol <= c.cy <= r.bottom + tol or (r.top >= c.top - tol and r.bottom <= c.bottom + tol))]
        if beside:
            out[id(c)] = sorted(beside, key=lambda r: r.top)
    return out


def _aligned(c: Cell, span: tuple, tol: float) -> bool:
    """Does the cell have these left and right edges?"""
    return abs(c.x0 - span[0]) <= tol and abs(c.x1 - span[1]) <= tol


# ---------------------------------------------------------------------------------------------- joining forms
def _same(a, b) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return _PUNCT.sub("", norm(a)) == _PUNCT.sub("", norm(b))
    return a == b


def _join_reprints(forms: list) -> list:
    """A form printed again with nothing new is a reprint (dropped, flagged once on the kept one); a form that
    adds to the one printed just before it under the same project (Excel's print titles repeat the title and
    the first rows on every page of a form) is its continuation. A form's indicators are compared with the
    merged labels carried down from the form printed just before it when that is the same project."""
    kept, prev, reprint_of = [], None, None
    for f in forms:
        context = prev.indicators if prev is not None and _same(prev.name, f.name) else []
        rows = carried(context + f.indicators)[len(context):]
        same = [k for k in kept if _same(k.name, f.name) and _compatible(k, f)]
        keys = {i.key() for k in same for i in carried(k.indicators)}
        target = next((k for k in same if _contains(k, f)), None)
        if target is not None and all(i.key() in keys for i in rows):
            if reprint_of is not target or not context:
                target.reprints.append(f.page)
            target.pages += [p for p in f.pages if p not in target.pages]
            reprint_of = target
        elif kept and same and same[-1] is kept[-1]:
            _absorb(kept[-1], f, rows)
            reprint_of = None
        else:
            kept.append(f)
            reprint_of = None
        prev = f
    return kept


def _compatible(k: Form, f: Form) -> bool:
    return all(_same(k.values[c], f.values[c]) for c in k.values.keys() & f.values.keys())


def _contains(k: Form, f: Form) -> bool:
    return all(c in k.values for c in f.values)


def _absorb(k: Form, f: Form, rows: list):
    """Add a form's continuation to it (`rows`: f's indicators as carried, to tell the ones k already has)."""
    for c, v in f.values.items():
        if c not in k.values:
            k.values[c] = v
            if c in f.sources:
                k.sources[c] = f.sources[c]
    keys = {i.key() for i in carried(k.indicators)}
    k.indicators += [i for i, c in zip(f.indicators, rows) if c.key() not in keys]
    k.pages += [p for p in f.pages if p not in k.pages]
    k.regions += f.regions
    k.seen |= f.seen
    k.unmapped += [u for u in f.unmapped if u not in k.unmapped]
    k.year = k.year or f.year
    k.money_unit = k.money_unit or f.money_unit


def carried(indicators: list) -> list:
    """Indicators with the merged 一级 / 二级 labels carried down to the rows they cover (a label cut off by a
    page break, or printed once for several rows)."""
    out, last = [], {}
    for i in indicators:
        l1, l2 = last.get(i.period, (None, None))
        level1 = i.level1 or l1
        level2 = i.level2 or (l2 if level1 == l1 else None)
        last[i.period] = (level1, level2)
        out.append(Indicator(i.period, level1, level2, i.level3, i.value, i.sources))
    return out
