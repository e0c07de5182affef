"""Source header → canonical column: which column of a raw table is which column of its form.

Within a form (or one side of a two-sided form), (source, canonical) pairs are assigned best match first; near
misses (a misprint, an OCR slip) are mapped and flagged; 序号 / 栏次 columns are layout, not data.
"""
from __future__ import annotations

import difflib
import re

from ..catalogue import Form, catalogue, match_score, norm


def map_columns(form: Form, headers: list) -> list:
    """Canonical name (or None) for each source column, given each column's header fragments top → bottom.

    Two-sided forms are split into their sides first (at the second occurrence of the first column's label,
    or by the 收入/支出 marker above a column). Within a side, (source, canonical) pairs are assigned best match
    first, each used once; ties go to the leftmost source column and the earliest canonical column.
    """
    n = len(headers)
    result = [None] * n
    data_cols = [i for i in range(n) if not is_layout_column(headers[i])]
    for side_cols, idxs in form_sides(form, headers, data_cols):
        allowed = [c for c in form.columns if side_cols is None or c.name in side_cols]
        for qualified in (True, False):
            pairs = []
            for i in idxs:
                if result[i] is None:
                    for k, c in enumerate(allowed):
                        score = match_score(c, headers[i], qualified)
                        if score[0]:
                            pairs.append((-score[0], -score[1], i, k, c.name))
            used = set(filter(None, result))
            for _, _, i, _, name in sorted(pairs):
                if result[i] is None and name not in used:
                    result[i] = name
                    used.add(name)
    return result


NEAR_HEADER = 0.85          # similarity of a header to a column's name that counts as a misprint or misread
NEAR_HEADER_LENGTH = 5      # shorter labels differ by a character too easily ("上年结转" / "上年结余")


def near_headers(form: Form, headers: list, mapping: list) -> dict:
    """{source column: canonical name} for unmapped columns whose lowest header label (its last fragments,
    a label may wrap) is nearly a column's name still unused ("般公共预算拨款": OCR lost the thin "一"): to
    map, and to flag for review."""
    used = set(filter(None, mapping))
    pairs = []
    for i, fragments in enumerate(headers):
        frags = [norm(f) for f in fragments if norm(f)] if mapping[i] is None else []
        labels = ["".join(frags[k:]) for k in range(len(frags))]
        labels = [x for x in labels if len(x) >= NEAR_HEADER_LENGTH]
        if not labels or is_layout_column(fragments):
            continue
        for k, c in enumerate(form.columns):
            ratio = max(difflib.SequenceMatcher(None, x, norm(c.name), autojunk=False).ratio() for x in labels)
            if c.name not in used and ratio >= NEAR_HEADER:
                pairs.append((-ratio, i, k, c.name))
    out = {}
    for _, i, _, name in sorted(pairs):
        if i not in out and name not in used:
            out[i] = name
            used.add(name)
    return out


def is_layout_column(fragments: list) -> bool:
    """序号 / 栏次 columns, also under a year ("2022 序号") or labelled both ("序号栏次"); but not 政府采购目录序号,
    whose last line alone reads 序号."""
    layout = catalogue().layout_headers
    joined = re.sub(r"^(?:19|20)\d{2}年?度?", "", "".join(norm(f) for f in fragments))
    return _made_of(joined, layout) or (
        len(fragments) > 1 and norm(fragments[-1]) in layout and norm(fragments[-2]) in layout)


def _made_of(text: str, labels: frozenset) -> bool:
    """Is `text` one or more of `labels` side by side?"""
    if not text:
        return False
    ok = [True] + [False] * len(text)
    for i in range(1, len(text) + 1):
        ok[i] = any(ok[i - len(x)] and text[i - len(x):i] == x for x in labels if 0 < len(x) <= i)
    return ok[-1]


def form_sides(form: Form, headers: list, cols: list):
    """[(allowed canonical names or None, source column indexes)] for each side present."""
    if not form.sides or not cols:
        return [(None, cols)]
    markers = [m for m, _ in form.sides]
    # A marker label printed above the columns decides directly.
    side_of = {}
    for i in cols:
        for frag in headers[i][:-1] or []:
            f = norm(frag)
            for k, m in enumerate(markers):
                if m in f and not any(m2 in f for m2 in markers if m2 != m):
                    side_of.setdefault(i, k)
    first_label = norm(headers[cols[0]][-1]) if headers[cols[0]] else ""
    split = next((i for i in cols[1:] if headers[i] and norm(headers[i][-1]) == first_label and first_label), None)
    if split is not None:
        left = [i for i in cols if i < split]
        right = [i for i in cols if i >= split]
        return [(set(form.sides[0][1]), left), (set(form.sides[1][1]), right)]
    if side_of and len(set(side_of.values())) == 2:
        groups = {}
        for i in cols:
            groups.setdefault(side_of.get(i, max(side_of.values())), []).append(i)
        return [(set(form.sides[k][1]), groups[k]) for k in sorted(groups)]
    # One side only (an expenditure-only 国有资本经营预算 table): the side matching more labels.
    best = max(range(len(form.sides)), key=lambda k: (
        sum(1 for i in cols if any(match_score(form.column(c), headers[i], q)[0] for c in form.sides[k][1]
                                   for q in (True, False))), k))
    return [(set(form.sides[best][1]), cols)]
