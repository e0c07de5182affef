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


def cell_location(table: Table, row: int, col: int) -> Optional[tuple]:
    """(page, bbox) of a cell on its source page. A cell read empty has no source of its own: its box is implied
    by its row (top and bottom, from a cell of the same row) and its column (left and right, from a cell of the
    same column on that page), or, failing a column-mate, is the row's span; a row with no source at all gives
    None."""
    def source(r, c):
        return table.sources[r][c] if 0 <= r < len(table.sources) and 0 <= c < len(table.sources[r]) else None
    own = source(row, col)
    if own is not None:
        return own.page, tuple(own.bbox)
    mates = [s for s in (table.sources[row] if 0 <= row < len(table.sources) else []) if s is not None]
    if not mates:
        return None
    page = mates[0].page
    tops = [s.bbox for s in mates if s.page == page]
    top, bottom = min(b[1] for b in tops), max(b[3] for b in tops)
    column = [s.bbox for r in range(len(table.sources)) if (s := source(r, col)) is not None and s.page == page]
    if column:
        return page, (min(b[0] for b in column), top, max(b[2] for b in column), bottom)
    return page, (min(b[0] for b in tops), top, max(b[2] for b in tops), bottom)


UNCHECKED = "未识别（未校验）"


def table_status(table: Table) -> tuple:
    """(kind, Chinese text): ('unknown', '未识别（未校验）') | ('empty', '空表') | ('review', 'N 处待核对') |
    ('ok', '通过'). 通过 only for a table of a known form whose checks ran and found nothing to look at."""
    if table.form == UNKNOWN_FORM or catalogue().get(table.form) is None:
        return "unknown", UNCHECKED
    if table.empty:
        return "empty", "空表"
    n = len(review_issues(table))
    return ("review", f"{n} 处待核对") if n else ("ok", "通过")


def document_counts(tables: list, missing: int = 0) -> dict:
    """A document's figures: tables, flagged (to review), unrecognized, missing, and the issues to review."""
    kinds = [table_status(t)[0] for t in tables]
    return {"tables": len(tables), "flagged": kinds.count("review"), "unrecognized": kinds.count("unknown"),
            "missing": missing, "issues": sum(len(review_issues(t)) for t, k in zip(tables, kinds) if k == "review")}


def document_summary(tables: list, missing: int = 0) -> str:
    return counts_summary(document_counts(tables, missing))


def counts_summary(counts: dict) -> str:
    """A document's status in one line, from its `document_counts`: '10 张表，全部通过' only when every table is of a
    known form and passed and none is missing; else what needs a look ('12 张表：3 张待核对（5 处），1 张未识别（未校验），
    缺 1 张')."""
    tables, flagged, unknown, missing = (counts[k] for k in ("tables", "flagged", "unrecognized", "missing"))
    if not tables:
        return "0 张表：没有找到表格" + (f"（目录列出 {missing} 张）" if missing else "")
    if not flagged and not unknown and not missing:
        return f"{tables} 张表，全部通过"
    parts = []
    if flagged:
        parts.append(f"{flagged} 张待核对（{counts['issues']} 处）")
    if unknown:
        parts.append(f"{unknown} 张{UNCHECKED}")
    if missing:
        parts.append(f"缺 {missing} 张")
    return f"{tables} 张表：" + "，".join(parts)
