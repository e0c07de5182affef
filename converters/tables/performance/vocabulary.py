"""The labels of performance forms, as data (resources/forms.json, entries performance_targets /
performance_indicators): which printed text is which label (`label_of`), and labelled values printed on one line
(`inline_values`)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from ...catalogue import catalogue, norm
from ...settings import DEFAULT, PerformanceSettings

TARGETS, INDICATORS = "performance_targets", "performance_indicators"
NAME, PERIOD, LEVEL1, LEVEL2, LEVEL3, VALUE = "项目名称", "期间", "一级指标", "二级指标", "三级指标", "指标值"


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


def label_of(text: str, settings: PerformanceSettings = DEFAULT.performance) -> Optional[Label]:
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
