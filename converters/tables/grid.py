"""Turn one table's lines on one page into a grid of cell texts.

Two interchangeable column strategies behind one function, chosen per table from what the page shows:
`ruled` (vertical ruling lines are the column borders) and `stream` (columns are the whitespace between text).
Rows are either the bands between horizontal rules (when the page rules every row) or blocks of text lines
separated by more than line spacing. Wrapped cell text stays in its row either way.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import median

from ..model import PageContent, group_lines
from ..settings import GridSettings


@dataclass
class Grid:
    page: int
    strategy: str                      # "ruled" | "stream"
    col_edges: list                    # n + 1 x positions
    header: list                       # per column: header fragments, top → bottom
    header_rows: list                  # header rows as text grid (for the raw view)
    rows: list                         # body rows: list[list[str]]
    boxes: list                        # body cell boxes (x0, top, x1, bottom) aligned with rows
    layout_rows: int = 0               # 栏次-style rows dropped
    bbox: tuple = (0, 0, 0, 0)

    @property
    def ncols(self) -> int:
        return len(self.col_edges) - 1


_AMOUNT = re.compile(r"^[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_DECIMAL = re.compile(r"^[-−]?[\d,]*\d\.\d+$|^[-−]?\d{1,3}(?:,\d{3})+$|^0$")
_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$|^\d{2}$")
_ENUM_START = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d{1,2}[、.．](?!\d)|[①-⑳])")
_TOTAL = re.compile(r"^(合计|总计|小计|部门合计|本年收入合计|本年支出合计|收入总计|支出总计)$")


def _chunks_of(lines, gap):
    return [c for ln in lines for c in ln.chunks(gap, split_scripts=True)]


@dataclass(frozen=True)
class HeaderHint:
    """What the table's form tells about its rows: labels that start body rows (因公出国（境）费, 合计 …) and,
    on continuation pages, the header texts of the first page (a repeated header is dropped, anything else is
    data even without numbers)."""
    row_label: object = None          # callable(text) -> bool
    header_label: object = None       # callable(text) -> bool: a column label of the form
    header_texts: frozenset = None    # normalized header runs of the table's first page


def is_data_block(lines: list, gap: float, hint: HeaderHint = HeaderHint()) -> bool:
    """A body row: it holds an amount, or starts with a code, an enumerator or a known row label."""
    chunks = sorted(_chunks_of(lines, gap), key=lambda c: c[0])
    texts = [c[2].strip() for c in chunks]
    if not texts:
        return False
    if is_layout_row(texts):
        return False
    if hint.header_texts is not None:
        # a repeated header: every line reads as the first page's header labels side by side
        return not all(_is_concatenation(_hnorm(ln.text), hint.header_texts) for ln in lines)
    if any(_DECIMAL.match(t) for t in texts):
        return True
    if _column_labels(lines, gap, hint):
        return False            # "合计  因公出国(境)费  公务接待费": column labels, though 合计 also starts rows
    labels = texts[1:2] if len(texts) > 1 and texts[0].isdigit() and len(texts[0]) <= 3 else texts[:1]   # 序号
    if hint.row_label is not None and labels and hint.row_label(labels[0]):
        return True
    first = texts[0]
    if re.match(r"^\d{3}(\d{2}){0,2}\b", first) and not re.match(r"^\d{4}年", first):
        return True
    if _ENUM_START.match(first) and not any(len(t) > 30 for t in texts):
        return True
    return False


def _column_labels(lines: list, gap: float, hint: HeaderHint) -> bool:
    """Is a row the form's column labels side by side ("合计  因公出国(境)费  公务接待费")?"""
    texts = [c[2].strip() for c in _chunks_of(lines, gap)]
    return hint.header_label is not None and bool(texts) and \
        sum(1 for t in texts if hint.header_label(t)) >= max(2, len(texts) / 2)


def _below_column_labels(bands: list, gap: float, hint: HeaderHint) -> int:
    """The first band below the last row of column labels above the first amount: nothing above a header row is
    a body row (a wide table's group label, 公务用车购置及运行费, is also a row label of its narrow layout)."""
    amounts = next((k for k, b in enumerate(bands)
                    if any(_DECIMAL.match(c[2].strip()) for c in _chunks_of(b[2], gap))), len(bands))
    return max((k + 1 for k in range(amounts) if _column_labels(bands[k][2], gap, hint)), default=0)


def _left_only(lines: list, x0: float, x1: float) -> bool:
    """A row with text only in the left part of the table: a category row without amounts (工资福利支出),
    never a header row below another header row (header labels spread over the amount columns)."""
    return max(l.x1 for l in lines) < x0 + 0.6 * (x1 - x0)


def _has_header_label(lines: list, settings, hint: HeaderHint) -> bool:
    return hint.header_label is not None and any(hint.header_label(c[2]) for c in _chunks_of(lines, settings.chunk_gap))


def _is_concatenation(text: str, parts: frozenset) -> bool:
    """Is text made of header labels put side by side (neighbouring cells' text can touch)?"""
    ok = [True] + [False] * len(text)
    for i in range(1, len(text) + 1):
        ok[i] = any(ok[i - len(p)] and text[i - len(p):i] == p for p in parts if 0 < len(p) <= i)
    return ok[-1]


def _hnorm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def header_texts(grid: "Grid") -> frozenset:
    return frozenset(_hnorm(f) for col in grid.header for f in col) | frozenset(
        _hnorm(c) for row in grid.header_rows for c in row if c)


def is_layout_row(texts: list) -> bool:
    """栏次 rows: '栏次 1 2 3 …' or just consecutive small integers."""
    texts = [t for t in texts if t]
    if texts and texts[0] in ("栏次", "行次"):
        return True
    nums = [t for t in texts if t.isdigit()]
    if len(nums) >= 3 and len(nums) == len(texts):
        vals = [int(t) for t in nums]
        return vals == list(range(vals[0], vals[0] + len(vals))) and vals[0] <= 2
    return False


# ---------------------------------------------------------------------------------------------- rows
def text_blocks(lines: list, settings: GridSettings) -> list:
    """Lines grouped into row blocks: a new block starts after a gap wider than line spacing."""
    blocks = []
    for ln in sorted(lines, key=lambda l: l.top):
        if blocks:
            last = blocks[-1]
            bottom = max(l.bottom for l in last)
            if ln.top - bottom <= settings.block_gap * ln.size:
                last.append(ln)
                continue
        blocks.append([ln])
    return blocks


def _snap(values, tol):
    out = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


def horizontal_rules(page: PageContent, top: float, bottom: float, x0: float, x1: float, settings) -> list:
    """y of horizontal rules that cross most of the table. Word processors draw one segment per cell border,
    so collinear segments are added up."""
    by_y = {}
    for r in page.h_rules:
        if top <= r.pos <= bottom and min(r.end, x1) > max(r.start, x0):
            y = next((k for k in by_y if abs(k - r.pos) <= settings.rule_snap), r.pos)
            by_y.setdefault(y, []).append([max(r.start, x0), min(r.end, x1)])
    width = x1 - x0
    return sorted(y for y, segs in by_y.items()
                  if sum(b - a for a, b in _merge_intervals(segs)) >= settings.min_rule_span * width)


def row_bands(lines: list, page: PageContent, x0: float, x1: float, settings: GridSettings) -> list:
    """Vertical extents (top, bottom, lines) of the table's rows on this page."""
    blocks = text_blocks(lines, settings)
    top = min(l.top for l in lines) - 2
    bottom = max(l.bottom for l in lines) + 2
    rules = horizontal_rules(page, top - 40, bottom + 40, x0, x1, settings)
    separated = sum(1 for a, b in zip(blocks, blocks[1:])
                    if any(max(l.bottom for l in a) - 1 <= r <= min(l.top for l in b) + 1 for r in rules))
    bands = {}
    for ln in lines:
        bands.setdefault(sum(1 for r in rules if r <= ln.center), []).append(ln)
    if (len(blocks) > 1 and separated >= settings.row_rules_share * (len(blocks) - 1)) or len(bands) > len(blocks):
        # Every row is ruled: the rows are the bands between rules (a wrapped cell stays in its band even when
        # its lines are loosely spaced, and rows set so tight that their lines overlap are still apart).
        blocks = [bands[k] for k in sorted(bands)]
    return [(min(l.top for l in b), max(l.bottom for l in b), b) for b in blocks]


# ---------------------------------------------------------------------------------------------- columns
def ruled_columns(page: PageContent, top: float, bottom: float, x0: float, x1: float, settings) -> list:
    """x positions of vertical rules crossing the table body, or [] when the body is not ruled vertically.
    The outer borders may lie well beyond the text (a blank first or last column)."""
    margin = 0.12 * page.width
    xs = [r.pos for r in page.v_rules
          if r.start <= bottom and r.end >= top and x0 - margin <= r.pos <= x1 + margin
          and min(r.end, bottom) - max(r.start, top) > 2]
    xs = _snap(xs, settings.rule_snap)
    return xs if len(xs) >= 3 else []


def stream_columns(body_lines: list, header_lines: list, settings: GridSettings) -> list:
    """Column edges from whitespace. Body text runs form column cores; each core belongs to the nearest
    lowest-level header label. A label with no core is a column blank in every row, unless it sits on the
    header's top line, where labels without data under them are group labels (收入, 项目 over 科目编码/名称)."""
    cores = _merge_intervals([[x0, x1] for x0, x1, _ in _chunks_of(body_lines, settings.chunk_gap)])
    leaves = _header_leaves(header_lines, settings)
    if leaves:
        top_line = min(l.top for l in header_lines)
        several_lines = any(l.top > top_line + 1 for l in header_lines)
        cols = [[x0, x1, False] for x0, x1, _ in leaves]
        for c, k in zip(cores, assign_cores(cores, leaves)):
            cols[k] = [min(cols[k][0], c[0]), max(cols[k][1], c[1]), True]
        cores = sorted([x0, x1] for (x0, x1, has_data), (_, _, top) in zip(cols, leaves)
                       if has_data or not several_lines or top > top_line + 1)
    if not cores:
        return []
    edges = [cores[0][0] - 1]
    for a, b in zip(cores, cores[1:]):
        edges.append((a[1] + b[0]) / 2 if a[1] < b[0] else (max(a[0], b[0]) + min(a[1], b[1])) / 2)
    edges.append(cores[-1][1] + 1)
    return edges


def assign_cores(cores: list, leaves: list, share_cost: float = 30.0) -> list:
    """The header label of each body core, left to right (an order-preserving alignment): minimise the total
    distance between cores and their labels, two cores under one label costing `share_cost` points more.
    A right-aligned amount column sits nearer the next label than its own centred one; the alignment
    still gives each column its own label."""
    n, m = len(cores), len(leaves)
    if not n:
        return []
    inf = float("inf")
    dist = [[_distance(c, lf) + (0 if _overlap(c, lf) else 0.01) for lf in leaves] for c in cores]
    # best[i][j]: cost of cores[:i+1] with core i under label j; back[i][j]: label of core i-1
    best = [[inf] * m for _ in range(n)]
    back = [[-1] * m for _ in range(n)]
    for j in range(m):
        best[0][j] = dist[0][j]
    for i in range(1, n):
        run_min, run_arg = inf, -1
        for j in range(m):
            if j > 0 and best[i - 1][j - 1] < run_min:
                run_min, run_arg = best[i - 1][j - 1], j - 1
            shared = best[i - 1][j] + share_cost
            if shared <= run_min:
                best[i][j], back[i][j] = dist[i][j] + shared, j
            else:
                best[i][j], back[i][j] = dist[i][j] + run_min, run_arg
    j = min(range(m), key=lambda k: best[n - 1][k])
    out = [0] * n
    for i in range(n - 1, -1, -1):
        out[i] = j
        j = back[i][j]
    return out


def _distance(a, b) -> float:
    return max(0.0, max(a[0], b[0]) - min(a[1], b[1]))


def _overlap(a, b) -> float:
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0]))


def _header_leaves(header_lines, settings) -> list:
    """Lowest-level header labels (x0, x1, top of its highest line): runs with no other header run below
    them (parents such as 本年收入 sit above their children; a rowspan label such as 科目编码 has nothing below
    it). Spaced-out labels ("项  目") are one label; a label wrapped over lines is one leaf."""
    lines = sorted(header_lines, key=lambda l: l.top)
    runs = [(ln.top, x0, x1) for ln in lines for x0, x1, _ in _spaced_label_chunks(ln, settings)]
    parents = _group_labels(runs)
    leaves = sorted((x0, x1, top) for top, x0, x1 in runs
                    if (top, x0, x1) not in parents
                    and not any(t > top + 1 and _overlap((x0, x1), (a, b)) > 0 for t, a, b in runs))
    out = []
    for x0, x1, top in leaves:
        if out and x0 <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], x1), min(out[-1][2], top))
        else:
            out.append((x0, x1, top))
    return [(x0, x1, _label_top(x0, x1, top, runs, lines)) for x0, x1, top in out]


def _group_labels(runs: list) -> set:
    """Labels of the header's first line that head a group of columns (项目 over 科目编码 | 科目名称, 收入 over
    项目 | 金额): lower labels lie on both sides of them, nearer to them than to any other first-line label.
    A two-column group label overlaps neither child, so "nothing below it" alone does not tell."""
    if not runs:
        return set()
    top = min(t for t, _, _ in runs)
    first = [r for r in runs if r[0] <= top + 1]
    lower = [r for r in runs if r[0] > top + 1]
    if not lower:
        return set()
    centre = lambda r: (r[1] + r[2]) / 2
    sides = {r: set() for r in first}
    for low in lower:
        owner = min(first, key=lambda r: abs(centre(r) - centre(low)))
        sides[owner].add(centre(low) > centre(owner))
    return {r for r, s in sides.items() if s == {True, False}}


def _label_top(x0, x1, top, runs, lines) -> float:
    """Top of a label wrapped over several lines: follow the lines directly above it (one line apart)."""
    step = 1.6 * (median(l.size for l in lines) if lines else 10.0)
    while True:
        above = [t for t, a, b in runs if top - step <= t < top - 1 and _overlap((x0, x1), (a, b)) > 0]
        if not above:
            return top
        top = max(above)


def _spaced_label_chunks(line, settings):
    out = []
    for c in line.chunks(settings.chunk_gap, split_scripts=True):
        if out and len(c[2]) == 1 and len(out[-1][2]) == 1 and c[0] - out[-1][1] < 3 * line.size:
            out[-1] = (out[-1][0], c[1], out[-1][2] + c[2])
        else:
            out.append(c)
    return out


def _merge_intervals(iv):
    iv = sorted(iv)
    out = []
    for a, b in iv:
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return out


# ---------------------------------------------------------------------------------------------- cells
def _col_of(x: float, edges: list) -> int:
    for j in range(len(edges) - 1):
        if x < edges[j + 1]:
            return j
    return len(edges) - 2


def cell_text(chars: list) -> str:
    """Text of one cell: its lines joined without separator (line wrapping is not content)."""
    if not chars:
        return ""
    return "".join(ln.text for ln in group_lines(chars)).strip()


def _separators_in_band(page, top, bottom, edges, settings):
    """Indexes of inner column edges that a vertical rule actually crosses within this band."""
    mid = (top + bottom) / 2
    out = set()
    for j, x in enumerate(edges[1:-1], start=1):
        if any(abs(r.pos - x) <= settings.rule_snap + 0.5 and r.start <= mid <= r.end for r in page.v_rules):
            out.add(j)
    return out


def header_fragments(bands, edges, page, ruled, settings):
    """Per column: the header texts above it, top → bottom. Merged (spanning) header cells are given to every
    column they span: in ruled tables the span is where no rule separates columns; in unruled tables it is the
    columns a label overlaps (or the one under its centre)."""
    n = len(edges) - 1
    frags = [[] for _ in range(n)]
    rows = []
    for top, bottom, lines in bands:
        row = [""] * n
        if ruled:
            # Merged header cells: a label spans the columns between the rules that cross its own line.
            for ln in sorted(lines, key=lambda l: l.top):
                seps = _separators_in_band(page, ln.top, ln.bottom, edges, settings)
                spans, start = [], 0
                for j in range(1, n):
                    if j in seps:
                        spans.append((start, j - 1))
                        start = j
                spans.append((start, n - 1))
                for a, b in spans:
                    text = "".join(c.text for c in ln.chars if edges[a] <= (c.x0 + c.x1) / 2 < edges[b + 1])
                    if text:
                        for j in range(a, b + 1):
                            frags[j].append(text)
                        row[a] += text
        else:
            for ln in sorted(lines, key=lambda l: l.top):
                for x0, x1, text in ln.chunks(settings.chunk_gap, split_scripts=True):
                    cols = [j for j in range(n) if min(x1, edges[j + 1]) - max(x0, edges[j]) >= 0.5 * (edges[j + 1] - edges[j])]
                    if not cols:
                        cols = [_col_of((x0 + x1) / 2, edges)]
                    for j in cols:
                        frags[j].append(text.replace(" ", ""))
                    row[cols[0]] = (row[cols[0]] + text.replace(" ", ""))
        rows.append(row)
    return frags, rows


def build_grid(page: PageContent, lines: list, settings: GridSettings,
               fixed_edges: list | None = None, hint: HeaderHint = HeaderHint()) -> Grid | None:
    """The grid of one table segment, or None when the lines hold no table. `fixed_edges` imposes the columns
    (a continuation page that does not repeat its header)."""
    if not lines:
        return None
    x0 = min(l.x0 for l in lines)
    x1 = max(l.x1 for l in lines)
    bands = row_bands(lines, page, x0, x1, settings)
    floor = _below_column_labels(bands, settings.chunk_gap, hint)
    first_data = next((k for k, b in enumerate(bands)
                       if k >= floor and is_data_block(b[2], settings.chunk_gap, hint)
                       or (k > 0 and _left_only(b[2], x0, x1) and not _has_header_label(b[2], settings, hint))),
                      len(bands))
    # 栏次 rows (in the header or the body) are layout, not data.
    layout = [is_layout_row([c[2].strip() for c in sorted(_chunks_of(b[2], settings.chunk_gap))]) for b in bands]
    header_bands = [b for b, lay in zip(bands[:first_data], layout) if not lay]
    body_bands = [b for b, lay in zip(bands[first_data:], layout[first_data:]) if not lay]
    layout_rows = sum(layout)
    top = min(b[0] for b in bands)
    bottom = max(b[1] for b in bands)
    body_top = body_bands[0][0] if body_bands else top
    edges = fixed_edges or ruled_columns(page, body_top - 1, bottom + 1, x0, x1, settings)
    ruled = bool(edges) and not fixed_edges
    if not edges:
        edges = stream_columns([l for b in body_bands for l in b[2]], [l for b in header_bands for l in b[2]],
                               settings)
    if len(edges) < 2:
        return None
    header, header_rows = header_fragments(header_bands, edges, page, ruled, settings)
    rows, boxes = [], []
    n = len(edges) - 1
    for btop, bbottom, blines in body_bands:
        cells = [[] for _ in range(n)]
        for ln in blines:
            for c in ln.chars:
                cells[_col_of((c.x0 + c.x1) / 2, edges)].append(c)
        rows.append([cell_text(cs) for cs in cells])
        boxes.append([(edges[j], btop, edges[j + 1], bbottom) for j in range(n)])
    return Grid(page.number, "ruled" if ruled else "stream", edges, header, header_rows, rows, boxes,
                layout_rows, (edges[0], top, edges[-1], bottom))
