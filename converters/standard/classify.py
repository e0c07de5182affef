"""Classification by content: the form of a table whose title names none (an unfamiliar province's wording), from
what its header and rows hold.

Every catalogue form is tried on the table's header: the share of its data columns that map to the form's columns
(at least one label or code column and one amount column), how many of the form's columns it fills, whether its
codes are of the form's scheme (功能分类 201…, 经济分类 301…), how near its title is to the form's titles, and whether
the form belongs to the template family of the document's other tables or of a marker its title holds (决算), and
whether the table prints the form's row labels (none of them rules a form with row labels out). A two-sided form
(收入 | 支出) is tried only on a table with both sides. The best form is taken only when it explains most of the
columns and clearly beats the next one; the table is then flagged `classified_by_content` for review. Otherwise it
stays unknown.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Optional

from ..catalogue import Form, catalogue, norm, strip_enum
from ..model import Issue, RawTable, parse_number
from ..tables.contents import similar, title_key
from .columns import form_sides, is_layout_column, map_columns

MIN_EXPLAINED = 0.75     # share of the table's data columns that must map to the form
MIN_MAPPED = 3           # columns that must map
MARGIN = 0.15            # the best score must beat the next form's by this much
_FUNCTIONAL = re.compile(r"^2\d{2}(?:\d{2}){0,2}$")
_ECONOMIC = re.compile(r"^3\d{2}(?:\d{2})?$")


@dataclass(frozen=True)
class Candidate:
    form: Form
    score: float
    explained: float
    mapped: int


def _codes_kind(raw: RawTable) -> Optional[str]:
    """'functional' or 'economic' when most of the table's first cells are codes of that scheme."""
    firsts = [norm(r[0]) for r in raw.rows if r and norm(r[0])]
    if not firsts:
        return None
    for kind, rx in (("functional", _FUNCTIONAL), ("economic", _ECONOMIC)):
        if sum(1 for x in firsts if rx.match(x)) >= 0.5 * len(firsts):
            return kind
    return None


def family_forms(raw: RawTable, document_forms: frozenset) -> frozenset:
    """The forms of the families the table belongs with: the family most of the document's titled tables are
    of, and those whose title markers the table's title holds."""
    title = norm(raw.title)
    families = catalogue().families
    out = set()
    best = max(families, key=lambda f: len(f.forms & document_forms), default=None)
    if best is not None and best.forms & document_forms:
        out |= best.forms
    for f in families:
        if any(m in title for m in f.markers):
            out |= f.forms
    return frozenset(out)


def candidate(form: Form, raw: RawTable, codes: Optional[str], kin: frozenset = frozenset()) -> Optional[Candidate]:
    data = [i for i, h in enumerate(raw.header) if h and not is_layout_column(h)]
    if not data:
        return None
    if form.sides and len(form_sides(form, raw.header, data)) < 2:
        return None          # a two-sided form only for a table with both sides (收入 | 支出)
    has_code = any(c.kind == "code" for c in form.columns)
    parts = [i for i in data if has_code and norm(raw.header[i][-1]) in catalogue().code_parts]   # 类 | 款 | 项
    mapping = map_columns(form, [["__code_part__"] if i in parts else h for i, h in enumerate(raw.header)])
    mapped = [mapping[i] for i in data if mapping[i]]
    kinds = {form.column(c).kind for c in mapped} | ({"code"} if parts else set())
    if len(mapped) + len(parts) < MIN_MAPPED or "amount" not in kinds or not kinds & {"text", "code"}:
        return None
    explained = (len(mapped) + len(parts)) / len(data)
    filled = len(mapped) / len(form.columns)
    code_names = " ".join(c.name for c in form.columns if c.kind == "code")
    scheme = 0.0
    if codes is not None and code_names:
        scheme = 0.3 if ("经济" in code_names) == (codes == "economic") else -0.3
    title = max((similar(title_key(raw.title), t) for t in form.titles), default=0.0)
    family = 0.3 if form.id in kin else 0.0
    rows = _row_label_share(form, raw)
    if rows is None:
        return None
    return Candidate(form, explained + 0.5 * filled + scheme + title + family + rows, explained, len(mapped))


def _row_label_share(form: Form, raw: RawTable) -> Optional[float]:
    """Up to 0.4 for the form's own row labels printed in the table (事业收入 and 上级补助收入 tell a 收支总表 from a
    财政拨款收支总表 of the same columns); None when the form has row labels and the table prints none of them
    (项目 | 决算数 without 因公出国（境）费 is no 三公 table)."""
    labels = [norm(strip_enum(x)) for x in form.spec.get("row_labels", [])]
    if not labels:
        return 0.0
    # a form printed wide has its row labels in the header
    cells = [c for r in raw.rows for c in r] + [f for h in raw.header for f in h]
    texts = {norm(strip_enum(norm(c))) for c in cells if isinstance(parse_number(c), str)}
    found = sum(1 for x in labels if any(t.startswith(x) for t in texts))
    return 0.4 * found / len(labels) if found else None


def confidence(best: Candidate, others: list) -> str:
    """高 / 中 / 低: how clearly the content decides (the share of columns explained and the lead over the
    runner-up); every assignment by content is flagged, this says how hard to look."""
    lead = best.score - others[0].score if others else 1.0
    if best.explained >= 0.95 and lead >= 0.5:
        return "高"
    return "中" if best.explained >= 0.85 and lead >= 0.3 else "低"


def classify_by_content(raw: RawTable, document_forms: frozenset = frozenset()) -> RawTable:
    """`raw` with the form its content fits (flagged for review), or unchanged when none fits clearly.
    `document_forms`: the forms of the document's tables whose titles named them."""
    if raw.form_id is not None or not raw.header:
        return raw
    codes = _codes_kind(raw)
    kin = family_forms(raw, document_forms)
    found = sorted((c for f in catalogue().forms if not f.reader
                    if (c := candidate(f, raw, codes, kin)) is not None), key=lambda c: -c.score)
    if not found or found[0].explained < MIN_EXPLAINED:
        return raw
    if len(found) > 1 and found[0].score - found[1].score < MARGIN:
        return raw
    best = found[0]
    lead = f"，领先次选表式 {best.score - found[1].score:.2f}" if len(found) > 1 else ""
    issue = Issue("classified_by_content", "warning",
                  f"标题未能对应到标准表式，按表头与内容判断为“{best.form.name}”（{best.mapped} 列对应，"
                  f"可信度 {confidence(best, found[1:])}{lead}），请核对（可在界面中更改表式）", None, None)
    return replace(raw, form_id=best.form.id, issues=list(raw.issues) + [issue])
