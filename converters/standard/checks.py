"""Consistency checks of standardized budget tables (FORMS.md, "Checks a budget must pass").

The rules are data (resources/checks.json); this module only knows how to apply the rule kinds:
code hierarchies, row-wise equations, products, two-sided summaries and cross-table totals.
Checks never change a value: they return Issues that flag cells for review.

A kind of within-table check is registered in one place, CHECK_KINDS: adding one is a function
`(view, rule) -> [Issue]` and an entry naming the checks.json section of its rules and the issue codes it reports
(CHECK_CODES, the codes a re-check replaces, is derived from the registry).

Amounts are compared as Decimals. A difference no larger than the rounding of the summed items
(n terms x half a unit of the table's last printed decimal place) is an info-level `rounding` issue.
"""
from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Optional

from ..catalogue import catalogue, resource_path
from ..model import SHEET_FIRST_DATA_ROW, Issue, Table


_EPS = Decimal("1e-9")
_MAX_PLACES = 6
_WS = re.compile(r"\s+")
_TOP_ENUM = re.compile(r"^[一二三四五六七八九十]+[、，,.．]")
_ANY_ENUM = re.compile(r"^(?:[一二三四五六七八九十]+[、，,.．]|[（(][一二三四五六七八九十\d]+[)）][、.．]?|\d+[、.．]"
                       r"|[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]|其中[:：]?)")


@lru_cache(maxsize=None)
def _rules() -> dict:
    return json.loads(resource_path("checks.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def _forms() -> dict:
    """form id -> {"name": Chinese name, "amounts": [amount columns in catalogue order]}."""
    return {f.id: {"name": f.name, "amounts": [c.name for c in f.columns if c.kind == "amount"]}
            for f in catalogue().forms}


# ---------------------------------------------------------------- small pure helpers

def _num(v) -> Optional[Decimal]:
    """An amount cell as Decimal (None for empty or non-numeric cells)."""
    if v is None or isinstance(v, bool):
        return None
    try:
        if isinstance(v, int):
            return Decimal(v)
        if isinstance(v, float):
            d = Decimal(repr(v))
        else:
            s = str(v).strip().replace(",", "").replace("，", "")
            if not s:
                return None
            d = Decimal(s)
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() else None


def _places(d: Decimal) -> int:
    """Decimal places actually printed (trailing zeros ignored)."""
    exp = d.normalize().as_tuple().exponent
    return min(max(0, -exp), _MAX_PLACES) if isinstance(exp, int) else 0


def _text(v) -> str:
    return "" if v is None else _WS.sub("", str(v))


def _is_code(s: str) -> bool:
    return s.isascii() and s.isdigit()


def _bare(label) -> str:
    """Label without whitespace and leading enumerators ("一、", "1.", "（一）", "①", "其中：")."""
    s = _text(label)
    while True:
        m = _ANY_ENUM.match(s)
        if not m or m.end() == len(s):
            return s
        s = s[m.end():]


def _fmt(d: Decimal, places: int) -> str:
    p = min(max(places, _places(d)), _MAX_PLACES)
    return f"{d:.{p}f}"


def _tol(n: int, places: int) -> Decimal:
    return max(n, 1) * Decimal(5) * Decimal(10) ** -(places + 1) + _EPS


def _expand(terms: list) -> list:
    """Expand '@group' references of a term list (optional markers are kept)."""
    out = []
    for t in terms:
        out.extend(_rules()["groups"][t[1:]] if t.startswith("@") else [t])
    return out


def _select(terms: list, present) -> Optional[list]:
    """Columns of a term list that apply to a table, or None when a required term is missing."""
    cols = []
    for t in _expand(terms):
        name, optional = (t[:-1], True) if t.endswith("?") else (t, False)
        if name in present:
            cols.append(name)
        elif not optional:
            return None
    return cols or None


def _verdict(code: str, severity: str, diff: Decimal, tol: Decimal, text: str, places: int,
             row, col) -> Optional[Issue]:
    """Issue for a difference: none if exact, info `rounding` within tolerance, else `code`."""
    diff = abs(diff)
    if diff == 0:
        return None
    if diff <= tol:
        return Issue("rounding", "info", f"{text}，相差 {_fmt(diff, places)}，在四舍五入误差范围内", row, col)
    return Issue(code, severity, f"{text}（差 {_fmt(diff, places)}）", row, col)


class _View:
    """Read-only numeric view of a table: column indexes, Decimal amounts, printed precision."""

    def __init__(self, table: Table):
        self.t = table
        self.col = {c: i for i, c in enumerate(table.columns)}
        form = _forms().get(table.form, {"name": table.form, "amounts": []})
        self.name = form["name"]
        self.amounts = [c for c in form["amounts"] if c in self.col]
        self.num = {c: [_num(r[self.col[c]]) if self.col[c] < len(r) else None for r in table.rows]
                    for c in self.amounts}
        skip = set(_rules()["precision_exclude"])
        self.places = max([_places(v) for c, vs in self.num.items() if c not in skip for v in vs
                           if v is not None] or [0])
        self.shown = max(self.places, 2) if table.money_unit == "万元" else self.places   # for messages
        self.labels = [c for c in _rules()["labels"].get(table.form, []) if c in self.col]
        self.scale = Decimal(_rules()["money_scale"].get(table.money_unit or "", 1))

    def cell(self, r: int, c: str):
        i = self.col.get(c)
        row = self.t.rows[r]
        return row[i] if i is not None and i < len(row) else None

    def label(self, r: int, cols=None) -> str:
        parts = [_text(self.cell(r, c)) for c in (cols or self.labels)]
        return " ".join(p for p in parts if p) or f"第{r + SHEET_FIRST_DATA_ROW}行"

    def total_row(self, cols=None) -> Optional[int]:
        """First row labelled 合计/总计 … (in `cols`, default: the label columns) holding no code."""
        totals = set(_rules()["total_labels"])
        for r in range(len(self.t.rows)):
            texts = [_bare(self.cell(r, c)) for c in (cols or self.labels)]
            if any(s in totals for s in texts) and not any(_is_code(s) for s in texts):
                return r
        return None


# ---------------------------------------------------------------- within-table checks

def _codes(v: _View, spec: dict) -> list:
    """(row, code) of the rows whose code cell holds a valid code of the scheme."""
    lengths = _rules()["schemes"][spec["scheme"]]["parents"]
    out = []
    for r in range(len(v.t.rows)):
        s = _text(v.cell(r, spec["code"]))
        if _is_code(s) and str(len(s)) in lengths:
            out.append((r, s))
    return out


def _sum_check(v: _View, row: int, parts: list, col: str, label: str, what: str) -> Optional[Issue]:
    vals = [v.num[col][r] for r in parts]
    total = v.num[col][row]
    if total is None and all(x is None for x in vals):
        return None
    s = sum((x for x in vals if x is not None), Decimal(0))
    n = sum(x is not None for x in vals)
    t = total if total is not None else Decimal(0)
    text = f"{label} 的{col} {_fmt(t, v.shown)} ≠ {what} {_fmt(s, v.shown)}"
    return _verdict("sum_mismatch", "error", t - s, _tol(n, v.places), text, v.shown, row, v.col[col])


def _check_codes(v: _View, spec: dict) -> list:
    scheme = _rules()["schemes"][spec["scheme"]]
    lengths = sorted(int(k) for k in scheme["parents"])
    totals = set(_rules()["total_labels"])
    issues = []
    for r in range(len(v.t.rows)):
        raw = v.cell(r, spec["code"])
        s = _text(raw)
        if not s or _bare(s) in totals or (_is_code(s) and len(s) in lengths):
            continue
        allowed = "、".join(str(n) for n in lengths)
        issues.append(Issue("invalid_code", "warning",
                            f"{spec['code']}「{raw}」不是有效的{scheme['name']}编码（应为{allowed}位数字）",
                            r, v.col[spec["code"]]))
    return issues


def _check_hierarchy(v: _View, spec: dict) -> list:
    parents = _rules()["schemes"][spec["scheme"]]["parents"]
    amounts = [c for c in spec.get("amounts", v.amounts) if c in v.num]
    rows = _codes(v, spec)
    count: dict = {}
    for _, code in rows:
        count[code] = count.get(code, 0) + 1
    where = {code: r for r, code in rows}
    children: dict = {}
    tops = []
    for r, code in rows:
        p = parents[str(len(code))]
        if p is not None and code[:p] in where:
            children.setdefault(code[:p], []).append((r, code))
        if not any(code[:int(k)] in where for k in parents if int(k) < len(code)):
            tops.append((r, code))
    groups = [(where[pc], f"{pc} {_text(v.cell(where[pc], spec['name']))}".strip(), kids, "下级科目之和")
              for pc, kids in children.items()
              if count[pc] == 1 and all(count[c] == 1 for _, c in kids)]
    total = v.total_row([spec["code"], spec["name"]])
    if total is not None and tops and all(count[c] == 1 for _, c in tops):
        groups.append((total, "合计行", tops, "各顶级科目之和"))
    return [i for prow, label, kids, what in groups for c in amounts
            if (i := _sum_check(v, prow, [r for r, _ in kids], c, label, what))]


def _check_rows(v: _View, eq: dict) -> list:
    if eq["total"] not in v.num:
        return []
    alts = [a for a in (_select(terms, v.num) for terms in eq["any"]) if a]
    issues = []
    for r in range(len(v.t.rows)):
        best = None
        for cols in alts:
            vals = [v.num[c][r] for c in cols]
            if all(x is None for x in vals):
                continue
            s = sum((x for x in vals if x is not None), Decimal(0))
            n = sum(x is not None for x in vals)
            diff = (v.num[eq["total"]][r] or Decimal(0)) - s
            key = (abs(diff) > _tol(n, v.places), abs(diff))
            if best is None or key < best[0]:
                best = (key, diff, n, s, cols)
        if best is None:
            continue
        _, diff, n, s, cols = best
        total = v.num[eq["total"]][r]
        shown = "空" if total is None else _fmt(total, v.shown)
        text = f"{v.label(r)} 的{eq['total']} {shown} ≠ {' + '.join(cols)} = {_fmt(s, v.shown)}"
        issue = _verdict("row_total_mismatch", "error", diff, _tol(n, v.places), text, v.shown,
                         r, v.col[eq["total"]])
        if issue and issue.severity == "error" and _closed_by_kept_columns(v, r, diff, n):
            issue = Issue(issue.code, "warning", issue.message + "；差额等于按原表头保留的未对应列之和：该列可能是"
                          "本表式没有的构成项，请在列映射中核对", issue.row, issue.col)
        if issue:
            issues.append(issue)
    return issues


def _closed_by_kept_columns(v: _View, r: int, diff: Decimal, n: int) -> bool:
    """Do the kept unmapped columns of row r (a reserve fund, 结转下年资金 …) add up to the difference?"""
    if v.t.extra_from is None:
        return False
    extra = [x for x in (_num(c) for c in v.t.rows[r][v.t.extra_from:]) if x is not None]
    return bool(extra) and abs(diff - sum(extra, Decimal(0))) <= _tol(n + len(extra), v.places)


def _check_products(v: _View, rule: dict) -> list:
    """total ≈ product of factors (e.g. 数量 × 单价 ≈ 合计): a warning, never an error."""
    if rule["total"] not in v.col or not all(f in v.col for f in rule["factors"]):
        return []
    issues = []
    # printed decimals of each rounded factor column (computed once: tables can have thousands of rows)
    places = {name: max((_places(x) for x in v.num[name] if x is not None), default=0)
              for name in rule["factors"] if name in v.num}
    for r in range(len(v.t.rows)):
        total = _num(v.cell(r, rule["total"]))
        factors = [_num(v.cell(r, f)) for f in rule["factors"]]
        if total is None or any(f is None for f in factors):
            continue
        prod, tol = Decimal(1), Decimal(0)
        for i, (name, f) in enumerate(zip(rule["factors"], factors)):
            prod *= f
            if name in v.num:                 # amounts are rounded, counts are exact
                others = Decimal(1)
                for j, g in enumerate(factors):
                    others *= abs(g) if j != i else 1
                tol += others * _tol(1, places[name])
        tol += _tol(1, v.places)
        if abs(total - prod) > tol:
            text = (f"{v.label(r)} 的{rule['total']} {_fmt(total, v.shown)} ≠ "
                    f"{' × '.join(rule['factors'])} = {_fmt(prod, v.shown)}")
            issues.append(Issue("price_mismatch", "warning",
                                f"{text}（差 {_fmt(abs(total - prod), v.shown)}）", r, v.col[rule["total"]]))
    return issues


def _side_rows(v: _View, side: dict):
    """Locate the lines, the year-total row, the grand-total row and the rows in between."""
    year_labels, grand_labels = set(side["year"]), set(side["grand"])
    totals = year_labels | grand_labels | set(_rules()["total_labels"])
    year = grand = None
    lines, middle = [], []
    for r in range(len(v.t.rows)):
        raw = _text(v.cell(r, side["label"]))
        if not raw:
            continue
        bare = _bare(raw)
        if bare in grand_labels and grand is None:
            grand = r
        elif bare in year_labels and year is None and grand is None:
            year = r
        elif year is None and grand is None and _TOP_ENUM.match(raw):
            lines.append(r)
        elif year is not None and grand is None and not _ANY_ENUM.match(raw) and bare not in totals:
            middle.append(r)                 # 上年结转, 年终结转 … (their enumerated sub-items are skipped)
    return lines, year, grand, middle


def _check_two_sided(v: _View, rule: dict) -> list:
    issues, grands = [], []
    for side in rule["sides"]:
        if side["label"] not in v.col:
            grands.append(None)
            continue
        lines, year, grand, middle = _side_rows(v, side)
        grands.append(grand)
        name = lambda r: _text(v.cell(r, side["label"]))      # noqa: E731
        for c in (c for c in side["amounts"] if c in v.num):
            if year is not None and lines:
                issues.append(_sum_check(v, year, lines, c, name(year), "各项之和"))
            if grand is not None and year is not None:
                what = "与".join([name(year)] + [name(r) for r in middle]) + ("之和" if middle else "")
                issues.append(_sum_check(v, grand, [year] + middle, c, name(grand), what))
            elif grand is not None and lines:
                issues.append(_sum_check(v, grand, lines, c, name(grand), "各项之和"))
    inc_col, exp_col = rule["balance"]
    (gi, ge) = grands[0], grands[1]
    if gi is not None and ge is not None and inc_col in v.num and exp_col in v.num:
        inc, exp = v.num[inc_col][gi], v.num[exp_col][ge]
        if inc is not None or exp is not None:
            inc, exp = inc or Decimal(0), exp or Decimal(0)
            text = (f"{_text(v.cell(ge, rule['sides'][1]['label']))} {_fmt(exp, v.shown)} ≠ "
                    f"{_text(v.cell(gi, rule['sides'][0]['label']))} {_fmt(inc, v.shown)}")
            issues.append(_verdict("balance_mismatch", "error", exp - inc, _tol(1, v.places), text,
                                   v.shown, ge, v.col[exp_col]))
    return [i for i in issues if i]


def _check_numbers(v: _View, _rule=None) -> list:
    """Amount and count cells that hold text (a misread or misplaced value)."""
    table = v.t
    kinds = catalogue().column_kinds(table.form, table.columns)
    return [Issue("invalid_number", "warning", f"“{name}”列的值“{row[j]}”不是数字", i, j)
            for j, (name, kind) in enumerate(zip(table.columns, kinds)) if kind in ("amount", "count")
            for i, row in enumerate(table.rows) if j < len(row) and isinstance(row[j], str)]


def _check_code_hierarchy(v: _View, spec: dict) -> list:
    """Codes of the scheme valid, and every parent code's amounts the sum of its children's."""
    if spec["code"] not in v.col:
        return []
    return _check_codes(v, spec) + _check_hierarchy(v, spec)


@dataclass(frozen=True)
class CheckKind:
    """A kind of within-table check: `run(view, rule)` once for each rule of the table's form in the checks.json
    section `section` (once with rule None when `section` is None: every table); `codes`: what it reports."""
    section: Optional[str]
    codes: tuple
    run: Callable


CHECK_KINDS = (
    CheckKind(None, ("invalid_number",), _check_numbers),
    CheckKind("hierarchy", ("invalid_code", "sum_mismatch", "rounding"), _check_code_hierarchy),
    CheckKind("row_equations", ("row_total_mismatch", "rounding"), _check_rows),
    CheckKind("products", ("price_mismatch",), _check_products),
    CheckKind("two_sided", ("sum_mismatch", "balance_mismatch", "rounding"), _check_two_sided),
)
EMPTY_TABLE = "empty_table"
CROSS_TABLE = ("cross_table_mismatch", "rounding")
CHECK_CODES = frozenset({EMPTY_TABLE, *CROSS_TABLE, *(code for kind in CHECK_KINDS for code in kind.codes)})


def _form_rules(section: str, form: str) -> list:
    rules = _rules()[section].get(form, [])
    return rules if isinstance(rules, list) else [rules]


def check_table(table: Table) -> list:
    """Within-table checks of one table (pure: the table is not modified)."""
    if table.empty:
        return [Issue(EMPTY_TABLE, "info", f"{table.title or table.form}：本表无数据（空表）")]
    v = _View(table)
    issues = []
    for kind in CHECK_KINDS:
        for rule in ([None] if kind.section is None else _form_rules(kind.section, table.form)):
            issues += kind.run(v, rule)
    return issues


# ---------------------------------------------------------------- cross-table checks

def _quantity(name: str, views: dict, cache: dict):
    """A named document total: (table index, row, col, value, n terms, places, scale, description)."""
    if name in cache:
        return cache[name]
    cache[name] = None
    for d in _rules()["quantities"][name]:
        if "sum" in d:
            parts = [_quantity(p, views, cache) for p in d["sum"]]
            if all(parts):
                first = parts[0]
                value = sum((p[3] * p[6] / first[6] for p in parts), Decimal(0))
                cache[name] = (first[0], None, None, value, sum(p[4] for p in parts),
                               max(p[5] for p in parts), first[6], d["desc"])
                break
            continue
        if d["form"] not in views:
            continue
        idx, v = views[d["form"]]
        name_ = f"{v.name} {d['desc']}"
        if "rows" in d:
            if d["col"] not in v.num or d["label"] not in v.col:
                continue
            wanted = set(d["rows"])
            row = next((r for r in range(len(v.t.rows)) if _bare(v.cell(r, d["label"])) in wanted), None)
            if row is not None and v.num[d["col"]][row] is not None:
                cache[name] = (idx, row, v.col[d["col"]], v.num[d["col"]][row], 1, v.places, v.scale, name_)
                break
            continue
        cols = _select(d["total_of"], v.num)
        if not cols:
            continue
        row = v.total_row()
        if row is not None:
            rows = [row]
        else:                                     # no total row: the sum of the top-level codes
            specs = [s for s in _rules()["hierarchy"].get(v.t.form, []) if s["code"] in v.col]
            rows = [r for r, code in _codes(v, specs[0]) if len(code) == 3] if specs else []
        vals = [v.num[c][r] for c in cols for r in rows if v.num[c][r] is not None]
        if not rows or not vals:
            continue
        col = v.col[cols[0]] if len(cols) == 1 else None
        cache[name] = (idx, row, col, sum(vals, Decimal(0)), len(vals), v.places, v.scale, name_)
        break
    return cache[name]


def check_document(tables: list) -> list:
    """Cross-table checks of one document: [(index of the table the issue belongs to, issue)]."""
    views, seen = {}, {}
    for i, t in enumerate(tables):
        if t.empty or not t.rows:
            continue
        seen[t.form] = seen.get(t.form, 0) + 1
        views[t.form] = (i, _View(t))
    views = {f: iv for f, iv in views.items() if seen[f] == 1}    # ambiguous when a form occurs twice
    cache: dict = {}
    out = []
    for rule in _rules()["cross"]:
        if any(seen.get(u) if u in _forms() else _quantity(u, views, cache) for u in rule.get("unless", [])):
            continue
        left = _quantity(rule["left"], views, cache)
        rights = [q for q in (_quantity(r, views, cache) for r in rule["right"]) if q]
        if not left or not rights:
            continue
        idx, row, col, value, n, places, scale, desc = left
        best = None
        for q in rights:
            other = q[3] * q[6] / scale                      # in the left table's unit
            tol = _tol(n, places) + _tol(q[4], q[5]) * q[6] / scale
            key = (abs(value - other) > tol, abs(value - other))
            if best is None or key < best[0]:
                best = (key, other, tol, q)
        _, other, tol, q = best
        unit = f"（折合{tables[idx].money_unit}）" if q[6] != scale else ""
        shown = max(places, 2) if tables[idx].money_unit == "万元" else places
        text = f"{desc} {_fmt(value, shown)} ≠ {q[7]} {_fmt(other, shown)}{unit}"
        issue = _verdict(CROSS_TABLE[0], rule["severity"], value - other, tol, text, shown, row, col)
        if issue:
            out.append((idx, issue))
    return out


def run_checks(tables: list) -> None:
    """Replace the check-generated issues of every table with fresh ones (idempotent)."""
    per_table: dict = {}
    for i, issue in check_document(tables):
        per_table.setdefault(i, []).append(issue)
    for i, t in enumerate(tables):
        kept = [x for x in t.issues if x.code not in CHECK_CODES]
        t.issues = kept + check_table(t) + per_table.get(i, [])
