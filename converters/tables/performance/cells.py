"""A performance form's page cut into cells by its ruling (`page_cells`), and the cells of a form printed as an office
table (`GridCell`): a piece of text belongs to the box of rules around it, so merged cells (vertical labels, value
cells spanning columns) come out whole, and text printed outside any box (titles, the 负责人 footer, page numbers,
text clipped off a cell at a page break) stays free."""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import Optional

from ...model import CellSource, make_line
from ...settings import DEFAULT, PerformanceSettings
from ..layout import is_page_number


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


def page_cells(page, lines: list, settings: PerformanceSettings = DEFAULT.performance) -> tuple:
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
