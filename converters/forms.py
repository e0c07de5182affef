"""The form catalogue (resources/forms.json): title classification and header → canonical column mapping."""
from __future__ import annotations

import difflib
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

from .resources import resource_path

_QUOTES = "“”‘’\"'「」『』"
_ENUM = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d{1,2}[、.．](?!\d)|[①-⑳])")


def norm(text: str) -> str:
    """Matching form of a label: NFKC (full-width → ASCII), no whitespace, no quotes."""
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(ch for ch in text if not ch.isspace() and ch not in _QUOTES)


def strip_enum(text: str) -> str:
    return _ENUM.sub("", text)


@dataclass(frozen=True)
class Column:
    name: str
    kind: str                      # text | code | amount | count
    synonyms: tuple                # compiled (parent_regex|None, label_regex)


@dataclass(frozen=True)
class Form:
    id: str
    name: str
    titles: tuple
    columns: tuple                 # Column, catalogue order
    sides: tuple                   # ((marker, (column names…)), …) for two-sided tables
    reader: Optional[str]      # read by its own module (e.g. performance forms), not standardized from a grid
    spec: dict                     # the raw entry, for form-specific data (row_labels, wide_labels …)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def column_names(self) -> list:
        return [c.name for c in self.columns]


@dataclass(frozen=True)
class Catalogue:
    forms: tuple
    layout_headers: frozenset
    code_parts: dict
    empty_markers: tuple
    total_labels: frozenset

    def get(self, form_id: str) -> Optional[Form]:
        return next((f for f in self.forms if f.id == form_id), None)

    def column_kinds(self, form_id: str, columns: list) -> list:
        """Kind of each named column of a form (None for unknown forms or names outside the catalogue)."""
        form = self.get(form_id)
        kinds = {c.name: c.kind for c in form.columns} if form else {}
        return [kinds.get(c) for c in columns]

    def classify_title(self, title: str) -> Optional[Form]:
        """The form whose longest title keyword occurs in the title, or None."""
        t = norm(title)
        best, best_len = None, 0
        for form in self.forms:
            for kw in form.titles:
                if kw in t and len(kw) > best_len:
                    best, best_len = form, len(kw)
        return best


def _compile_synonym(s: str):
    parent, _, label = s.rpartition(">")
    return (re.compile(parent) if parent else None, re.compile(label))


@lru_cache(maxsize=None)
def catalogue() -> Catalogue:
    data = json.loads(Path(resource_path("forms.json")).read_text(encoding="utf-8"))
    forms = []
    for f in data["forms"]:
        cols = tuple(Column(c["name"], c["kind"], tuple(_compile_synonym(norm(s)) for s in c["synonyms"]))
                     for c in f["columns"])
        sides = tuple((s["marker"], tuple(s["columns"])) for s in f.get("sides", []))
        forms.append(Form(f["id"], f["name"], tuple(norm(t) for t in f["titles"]), cols, sides,
                          f.get("reader"), f))
    return Catalogue(tuple(forms), frozenset(data["layout_headers"]), dict(data["code_parts"]),
                     tuple(data["empty_markers"]), frozenset(norm(x) for x in data["total_labels"]))


# ---------------------------------------------------------------------------------------------- header mapping
_YEAR_PREFIX = re.compile(r"^\d{4}年(?:度)?")


def match_score(col: Column, fragments: list, qualified: bool) -> tuple:
    """How well a canonical column matches a source column's header fragments: (index after the lowest
    fragment used, label length); (0, 0) for no match. Labels lower in the header (nearer the data) win."""
    best = (0, 0)
    frags = [norm(f) for f in fragments if norm(f)]
    for j in range(len(frags), 0, -1):
        for i in range(0, j):
            label, above = "".join(frags[i:j]), "".join(frags[:i])
            for cand in {label, _YEAR_PREFIX.sub("", label)} - {""}:
                for parent, rx in col.synonyms:
                    if (parent is not None) != qualified:
                        continue
                    if rx.fullmatch(cand) and (parent is None or parent.search(above)):
                        best = max(best, (j, len(label)))
    return best


def map_columns(form: Form, headers: list) -> list:
    """Canonical name (or None) for each source column, given each column's header fragments top → bottom.

    Two-sided forms are split into their sides first (at the second occurrence of the first column's label,
    or by the 收入/支出 marker above a column). Within a side, (source, canonical) pairs are assigned best match
    first, each used once; ties go to the leftmost source column and the earliest canonical column.
    """
    n = len(headers)
    result = [None] * n
    data_cols = [i for i in range(n) if not is_layout_column(headers[i])]
    for side_cols, idxs in _sides(form, headers, data_cols):
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
    """序号 / 栏次 columns (but not 政府采购目录序号, whose last line alone reads 序号)."""
    return "".join(norm(f) for f in fragments) in catalogue().layout_headers or (
        len(fragments) > 1 and norm(fragments[-1]) in catalogue().layout_headers
        and norm(fragments[-2]) in catalogue().layout_headers)


def _sides(form: Form, headers: list, cols: list):
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
    # One side only (e.g. Hebei's expenditure-only 国有资本经营预算 table): the side matching more labels.
    best = max(range(len(form.sides)), key=lambda k: (
        sum(1 for i in cols if any(match_score(form.column(c), headers[i], q)[0] for c in form.sides[k][1]
                                   for q in (True, False))), k))
    return [(set(form.sides[best][1]), cols)]
