"""项目支出绩效目标表 (performance-target forms) → two standardized tables per document.

A performance form is not a table of columns but a ruled sheet of labelled cells: a field block (项目名称 …
项目实施计划, each label with its value in the cell to its right), a funding block (实施期 / 年度 × 资金总额 and
its sources), the 总体目标 of both periods (under the headers 实施期目标 | 年度目标) and an indicator grid
(一级 / 二级 / 三级指标 and 指标值, the left and right halves being the two periods). Every printed form becomes
one row of `performance_targets`, every indicator one row of `performance_indicators`.

How it is read:
- `page_cells`: the page's text is cut into cells by the ruling: a piece of text belongs to the box of rules
  around it, so merged cells (vertical labels, value cells spanning columns) come out whole, and text printed
  outside any box (titles, the 负责人 footer, page numbers, text clipped off a cell at a page break) stays free.
- `PerformanceReader.take` routes a page: from a performance title to the next other title (or on, across
  pages) the page belongs to the forms; the rest goes back to the table pipeline.
- `PerformanceReader.read_grid` takes a form printed as an office table (DOCX, XLSX; office_tables finds it
  the same way): its cells are `GridCell`s, boxes made of row and column indexes, read like a page's cells.
- Labels are data (resources/forms.json, entries performance_targets / performance_indicators); a form is read
  cell by cell, and the state kept across a page break (the open text field, the goal and grid columns) joins a
  form continued on the next page.
- At the end, reprints of a form (same project, nothing new) are dropped and flagged, a form's parts printed as
  separate forms are joined, merged 一级 / 二级 labels are carried down to every indicator they cover.
"""
from __future__ import annotations

import copy
import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from .forms import catalogue, norm
from .layout import find_title, is_page_number, make_line, money_unit_in
from .model import CellSource, Issue, Table
from .normalize import clean_text, parse_number

TARGETS, INDICATORS = "performance_targets", "performance_indicators"
NAME, PERIOD, LEVEL1, LEVEL2, LEVEL3, VALUE = "项目名称", "期间", "一级指标", "二级指标", "三级指标", "指标值"


@dataclass
class PerformanceSettings:
    rule_snap: float = 1.5        # rules closer than this (pt) are one rule
    rule_reach: float = 1.0       # a rule bounds text this far beyond its drawn end
    edge_tol: float = 2.5         # cell edges this close are the same edge
    max_label: int = 24           # longer texts are never labels


# ---------------------------------------------------------------------------------------------- cells
@dataclass(frozen=True)
class Cell:
    """The text of one ruled box of a page (1-based page; box in PDF points, top-down)."""
    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    text: str
    clipped: bool = False         # printed outside its box (overflow clipped off at a page break)
    open_top: bool = False        # no rule along the top / bottom: the box is cut by a page break
    open_bottom: bool = False

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def source(self) -> CellSource:
        return CellSource(self.page, (self.x0, self.top, self.x1, self.bottom))


GRID_STEP = 10.0                  # a row or column of an office table in the box units of a GridCell


@dataclass(frozen=True)
class GridCell(Cell):
    """A cell of an office table (DOCX, XLSX): its box is its row and column range, GRID_STEP units a row or
    column, so the reading tolerances (PDF points) tell cells apart; its source is the range in the sheet's
    row/column indexes (col, row, col + 1, row + 1), as the office readers give every cell."""

    @classmethod
    def of(cls, page: int, r0: int, c0: int, r1: int, c1: int, text: str) -> "GridCell":
        """The cell spanning rows r0..r1 and columns c0..c1 (inclusive, 0-based)."""
        s = GRID_STEP
        return cls(page, c0 * s, r0 * s, (c1 + 1) * s, (r1 + 1) * s, text)

    @property
    def source(self) -> CellSource:
        return CellSource(self.page, tuple(round(v / GRID_STEP) for v in (self.x0, self.top, self.x1, self.bottom)))


def _rule_lines(rules: list, snap: float) -> list:
    """Collinear rules as [(position, [(start, end)…])] sorted by position; touching pieces are merged."""
    groups = []
    for r in sorted(rules):
        if groups and r.pos - groups[-1][0] <= snap:
            groups[-1][1].append((r.start, r.end))
        else:
            groups.append((r.pos, [(r.start, r.end)]))
    out = []
    for pos, spans in groups:
        merged = []
        for a, b in sorted(spans):
            if merged and a <= merged[-1][1] + snap:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        out.append((pos, merged))
    return out


def _covers(spans: list, v: float, reach: float) -> bool:
    return any(a - reach <= v <= b + reach for a, b in spans)


class _Ruling:
    """A page's rules for box lookups."""

    def __init__(self, page, settings: PerformanceSettings):
        self.hs = _rule_lines(page.h_rules, settings.rule_snap)
        self.vs = _rule_lines(page.v_rules, settings.rule_snap)
        self.hy = [p for p, _ in self.hs]
        self.reach = settings.rule_reach

    def walls(self, y: float) -> list:
        """(x, span) of the vertical rules crossing height y, left to right."""
        r = self.reach
        return [(x, span) for x, spans in self.vs for span in spans if span[0] - r <= y <= span[1] + r]

    def box(self, walls: list, k: int, y: float) -> tuple:
        """(x0, top, x1, bottom, open top, open bottom) of the box between walls k-1 and k around height y. It
        ends at the nearest rule across it, or where its side rules end: a box cut by the page break has no
        rule along the cut (it is open there)."""
        (x0, left), (x1, right) = walls[k - 1], walls[k]
        xm, hy, hs, r = (x0 + x1) / 2, self.hy, self.hs, self.reach
        i = bisect_left(hy, y)
        top = next((hy[j] for j in range(i - 1, -1, -1) if _covers(hs[j][1], xm, r)), float("-inf"))
        bottom = next((hy[j] for j in range(i, len(hy)) if _covers(hs[j][1], xm, r)), float("inf"))
        side_top, side_bottom = max(left[0], right[0]), min(left[1], right[1])
        return (x0, round(max(top, side_top), 1), x1, round(min(bottom, side_bottom), 1),
                top < side_top - r, bottom > side_bottom + r)


def page_cells(page, lines: list, settings: PerformanceSettings = PerformanceSettings()) -> tuple:
    """(cells, free lines) of a page. Each piece of a text line between two vertical rules belongs to the box
    those rules and the nearest horizontal rules above and below it enclose; pieces of one box are its text,
    line after line. A line outside the rules that fits in one box open towards it is the clipped overflow of
    that box (a merged label of a cell cut by the page break, printed centred on its whole span and clipped to
    each page: part of it may be inside the box, part outside); a box with only such text is a `clipped` cell.
    Other lines with no piece in a box are returned as they are (titles, footers, page numbers)."""
    ruling = _Ruling(page, settings)
    if not ruling.hs or not ruling.vs:
        return [], list(lines)
    boxes: dict = {}                  # box -> [(line centre, chars)]
    opens: dict = {}                  # box -> (open top, open bottom)
    loose = []
    for ln in lines:
        walls = ruling.walls(ln.center)
        xs = [x for x, _ in walls]
        pieces: dict = {}
        for ch in ln.chars:
            k = bisect_left(xs, (ch.x0 + ch.x1) / 2)
            if 0 < k < len(xs):
                pieces.setdefault(k, []).append(ch)
        for k, chars in pieces.items():
            box = ruling.box(walls, k, ln.center)
            opens[box[:4]] = box[4:]
            boxes.setdefault(box[:4], []).append((ln.center, chars))
        if not pieces:
            loose.append(ln)
    inside = set(boxes)
    free = []
    for ln in loose:
        rest = []
        for run in _runs(ln):
            box = None if is_page_number(run.text) else _clipped_box(ruling, run)
            if box is None:
                rest += run.chars
            else:
                opens[box[:4]] = box[4:]
                boxes.setdefault(box[:4], []).append((run.center, run.chars))
        if rest:
            free.append(ln if len(rest) == len(ln.chars) else make_line(rest))
    cells = [Cell(page.number, *key, "".join(_piece_text(chars) for _, chars in sorted(parts, key=lambda p: p[0])),
                  key not in inside, *opens[key]) for key, parts in boxes.items()]
    return cells, free


def _piece_text(chars: list) -> str:
    """The text of a piece of a line (characters left to right), a space where the gap is wide (as make_line)."""
    out = [chars[0].text]
    for a, b in zip(chars, chars[1:]):
        out.append((" " if b.x0 - a.x1 > 0.5 * b.size else "") + b.text)
    return "".join(out)


def _runs(ln) -> list:
    """A line's runs of text separated by a gap wider than its font size (a clipped label may share its line
    with a page number)."""
    runs, cur = [], [ln.chars[0]]
    for a, b in zip(ln.chars, ln.chars[1:]):
        if b.x0 - a.x1 > ln.size:
            runs.append(cur)
            cur = []
        cur.append(b)
    return [ln] if not runs else [make_line(r) for r in runs + [cur]]


def _clipped_box(ruling: _Ruling, ln) -> Optional[tuple]:
    """The box a line outside the rules overflowed from: the one at the nearest end of the vertical rules
    (below the line or above it) that holds all of the line and is open towards it."""
    cy = ln.center
    ends = [(cy - b, b - 0.5, 5) for _, spans in ruling.vs for a, b in spans if b < cy]
    ends += [(a - cy, a + 0.5, 4) for _, spans in ruling.vs for a, b in spans if a > cy]
    if not ends:
        return None
    _, y, side = min(ends)
    walls = ruling.walls(y)
    xs = [x for x, _ in walls]
    ks = {bisect_left(xs, (ch.x0 + ch.x1) / 2) for ch in ln.chars}
    if len(ks) != 1 or not 0 < next(iter(ks)) < len(xs):
        return None
    box = ruling.box(walls, ks.pop(), y)
    return box if box[side] else None


# ---------------------------------------------------------------------------------------------- vocabulary
@dataclass(frozen=True)
class Label:
    kind: str                     # "column" | "amount" (qualified by period) | "grid" | "section"
    column: Optional[str] = None  # canonical column ("column", "grid")
    choices: tuple = ()           # "amount": ((period regex, column)…)
    text: str = ""                # the label as printed (normalized)


@dataclass(frozen=True)
class _Vocabulary:
    plain: tuple                  # (regex, column) of performance_targets labels
    qualified: tuple              # (period regex, regex, column)
    grid: tuple                   # (regex, column) of performance_indicators labels
    sections: tuple               # regexes
    value_below: frozenset
    periods: tuple
    title_name: re.Pattern
    inline: re.Pattern            # "LABEL：value" runs of any plain label
    amount_columns: frozenset
    target_columns: tuple
    grid_columns: tuple


@lru_cache(maxsize=None)
def vocabulary() -> _Vocabulary:
    cat = catalogue()
    targets, grid = cat.get(TARGETS), cat.get(INDICATORS)
    plain = tuple((rx, c.name) for c in targets.columns for parent, rx in c.synonyms if parent is None)
    spec = targets.spec
    alternatives = "|".join(f"(?:{rx.pattern})" for rx, _ in plain)
    return _Vocabulary(
        plain=plain,
        qualified=tuple((parent, rx, c.name) for c in targets.columns for parent, rx in c.synonyms if parent),
        grid=tuple((rx, c.name) for c in grid.columns for parent, rx in c.synonyms),
        sections=tuple(re.compile(norm(s)) for s in spec["sections"]),
        value_below=frozenset(spec["value_below"]),
        periods=tuple(spec["periods"]),
        title_name=re.compile(spec["title_name"]),
        inline=re.compile(f"({alternatives})[:：]"),
        amount_columns=frozenset(c.name for c in targets.columns if c.kind == "amount"),
        target_columns=tuple(targets.column_names),
        grid_columns=tuple(grid.column_names))


def label_of(text: str, settings: PerformanceSettings = PerformanceSettings()) -> Optional[Label]:
    """The label a cell's text is, or None (a value)."""
    t = norm(text).rstrip(":")
    if not t or len(t) > settings.max_label:
        return None
    return _label(t)


@lru_cache(maxsize=4096)
def _label(t: str) -> Optional[Label]:
    voc = vocabulary()
    for rx, col in voc.plain:
        if rx.fullmatch(t):
            return Label("column", col, text=t)
    choices = tuple((parent, col) for parent, rx, col in voc.qualified if rx.fullmatch(t))
    if choices:
        return Label("amount", choices=choices, text=t)
    for rx, col in voc.grid:
        if rx.fullmatch(t):
            return Label("grid", col, text=t)
    if any(rx.fullmatch(t) for rx in voc.sections):
        return Label("section", text=t)
    return None


def inline_values(text: str) -> dict:
    """'负责人：侯艳 经办人：杨帆 联系电话：131…' → {column: value} for runs of printed labels with a colon."""
    t = norm(text)
    matches = list(vocabulary().inline.finditer(t))
    out = {}
    for m, nxt in zip(matches, matches[1:] + [None]):
        lab = _label(m.group(1))
        if lab is not None and lab.kind == "column":
            out[lab.column] = t[m.end():nxt.start() if nxt else len(t)]
    return out if matches and matches[0].start() == 0 else {}


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
    """Collects a document's performance forms page by page: `take` every page, then `tables()`."""

    def __init__(self, settings: PerformanceSettings = PerformanceSettings()):
        self.settings = settings
        self.forms: list = []
        self.layout = Layout()
        self.open = False              # the last form runs on past the end of the previous page
        self.cut_labels: dict = {}     # grid labels open at the bottom of the last page read (see _join_cut_labels)
        self.notices: list = []

    # ------------------------------------------------------------------------------------------ routing
    def take(self, page, lines: list) -> list:
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

    # ------------------------------------------------------------------------------------------ tables
    def tables(self) -> list:
        """[performance_targets, performance_indicators] of the forms read ([] when there were none)."""
        forms = self._named(self.forms)
        forms = _join_reprints(forms)
        if not forms:
            return []
        return [_targets_table(forms), _indicators_table(forms)]

    def tables_so_far(self) -> list:
        """tables() of the forms read so far, leaving the reader as it is (tables() names and joins the forms
        in place): a preview while the rest is read."""
        reader = copy.copy(self)
        reader.forms, reader.notices = copy.deepcopy(self.forms), []
        return reader.tables()

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


# ---------------------------------------------------------------------------------------------- tables
def _common(values):
    c = Counter(v for v in values if v)
    return c.most_common(1)[0][0] if c else None


def _base(form_id: str, forms: list) -> Table:
    first = forms[0]
    units = {re.sub(r"^[\dA-Za-z]+\s*[-－—]\s*", "", f.values.get("主管部门及代码") or "") for f in forms}
    return Table(form=form_id, title=first.title, unit_name=(units.pop() or None) if len(units) == 1 else None,
                 year=_common(f.year for f in forms), money_unit=_common(f.money_unit for f in forms),
                 pages=sorted({p for f in forms for p in f.pages}),
                 regions=[r for f in forms for r in f.regions])


def _targets_table(forms: list) -> Table:
    voc = vocabulary()
    t = _base(TARGETS, forms)
    t.columns = [c for c in voc.target_columns if any(c in f.seen or c in f.values for f in forms)]
    t.source_columns = [(c, c) for c in t.columns]
    for f in forms:
        t.rows.append([f.values.get(c) for c in t.columns])
        t.sources.append([f.sources.get(c) if f.values.get(c) is not None else None for c in t.columns])
        if f.reprints:
            pages = "、".join(map(str, f.reprints))
            t.issues.append(Issue("duplicate_form", "warning",
                                  f"项目“{f.name}”的绩效目标表在第 {pages} 页重复出现，只保留第 {f.page} 页的一份",
                                  len(t.rows) - 1, 0))
    return t


def _indicators_table(forms: list) -> Table:
    voc = vocabulary()
    t = _base(INDICATORS, forms)
    t.title = f"{t.title}（绩效指标）"                       # its own workbook name beside the forms' table
    rows = [(f, i) for f in forms for i in _in_period_order(carried(f.indicators)) if i.level3 or i.value]
    has_period = any(i.period for _, i in rows)
    t.columns = [c for c in voc.grid_columns if c != PERIOD or has_period]
    unmapped = list(dict.fromkeys(u for f in forms for u in f.unmapped))
    t.source_columns = [(c, c) for c in t.columns] + [(u, None) for u in unmapped]
    for u in unmapped:
        t.issues.append(Issue("unmapped_column", "warning", f"源表列“{u}”无对应标准列，未导出", None, None))
    for f, i in rows:
        values = {NAME: f.name, PERIOD: i.period, LEVEL1: i.level1, LEVEL2: i.level2, LEVEL3: i.level3,
                  VALUE: i.value}
        t.rows.append([values[c] for c in t.columns])
        t.sources.append([f.sources.get(NAME) if c == NAME else i.sources.get(c) for c in t.columns])
        where = f"项目“{f.name}”{i.period or ''}的"
        if not i.value:
            t.issues.append(Issue("missing_value", "warning", f"{where}三级指标“{i.level3}”没有指标值",
                                  len(t.rows) - 1, t.columns.index(VALUE)))
        elif not i.level3:
            t.issues.append(Issue("missing_value", "warning", f"{where}指标值“{i.value}”没有三级指标名称",
                                  len(t.rows) - 1, t.columns.index(LEVEL3)))
    return t


def _in_period_order(indicators: list) -> list:
    order = {p: k for k, p in enumerate(vocabulary().periods)}
    return sorted(indicators, key=lambda i: order.get(i.period, -1))
