"""The forms a PerformanceReader read → the two standardized tables of a document: `performance_targets` (a row per
form) and `performance_indicators` (a row per indicator)."""
from __future__ import annotations

import re
from collections import Counter

from ..model import Issue, Table
from ..tables.performance.reader import carried
from ..tables.performance.vocabulary import INDICATORS, LEVEL1, LEVEL2, LEVEL3, NAME, PERIOD, TARGETS, VALUE, vocabulary


def performance_tables(forms: list) -> list:
    """[performance_targets, performance_indicators] of the forms read ([] when there were none)."""
    if not forms:
        return []
    return [_targets_table(forms), _indicators_table(forms)]


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
