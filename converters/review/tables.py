"""A table as the review shows it: its form's name, its status, the issues that need a look and the cells they
point at, and how a typed cell text becomes a value of its column's kind."""
from __future__ import annotations

from typing import Optional

from ..catalogue import UNKNOWN_FORM, UNKNOWN_FORM_NAME, catalogue
from ..model import Table, clean_code, clean_text, parse_number


def form_name(form_id: Optional[str]) -> str:
    """Chinese name of a form ('未识别（原始表格）' for unknown tables)."""
    form = catalogue().get(form_id) if form_id else None
    return form.name if form is not None else UNKNOWN_FORM_NAME


def form_choices() -> list:
    """[(form id, Chinese name)] a table can be assigned: 'unknown' first, then the catalogue's forms."""
    return [(UNKNOWN_FORM, UNKNOWN_FORM_NAME)] + [(f.id, f.name) for f in catalogue().forms if not f.reader]


def column_kinds(table: Table) -> list:
    return catalogue().column_kinds(table.form, table.columns)


def coerce_value(kind: Optional[str], value):
    """The value a typed cell text stands for, parsed the way the engine parses it."""
    if value is None or isinstance(value, bool):
        return None if value is None else str(value)
    if isinstance(value, (int, float)):
        if kind in ("code", "text"):
            return str(int(value)) if float(value).is_integer() else str(value)
        return value
    text = str(value)
    if kind in ("amount", "count"):
        return parse_number(text)
    if kind == "code":
        return clean_code(text)
    if kind == "text":
        return clean_text(text)
    number = parse_number(text)                      # unknown form: numbers where they look like numbers
    if number is None or isinstance(number, (int, float)):
        return number
    return text.strip() or None


def review_issues(table: Table) -> list:
    """Issues that need a look (errors and warnings)."""
    return [i for i in table.issues if i.severity in ("error", "warning")]


def flagged_cells(tables: list) -> list:
    """[(table, row, col)] of the cells errors and warnings point at (a row's issue: its first cell), in reading
    order."""
    out = []
    for ti, t in enumerate(tables):
        cells = {(i.row, i.col if i.col is not None else 0) for i in review_issues(t)
                 if i.row is not None and 0 <= i.row < len(t.rows)}
        out += [(ti, r, c) for r, c in sorted(cells)]
    return out


def table_status(table: Table) -> tuple:
    """(kind, Chinese text): ('unknown', '未识别') | ('empty', '空表') | ('review', 'N 处待核对') | ('ok', '通过')."""
    if table.form == UNKNOWN_FORM or catalogue().get(table.form) is None:
        return "unknown", "未识别"
    if table.empty:
        return "empty", "空表"
    n = len(review_issues(table))
    return ("review", f"{n} 处待核对") if n else ("ok", "通过")
