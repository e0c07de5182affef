"""Raw grids of one report table → the standardized table of its form (FORMS.md conventions)."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Optional

from ..catalogue import Form, catalogue, norm, strip_enum
from ..model import CellSource, Issue, RawTable, Table, clean_code, clean_text, parse_number
from .columns import is_layout_column, map_columns, near_headers

def _digits_only(rows: list, i: int) -> bool:
    """Does a column hold codes only (or nothing; label text spilled into it from a merged label cell aside)?"""
    values = [clean_code(r[i]) for r in rows if i < len(r) and r[i]]
    if not values:
        return True                                  # an empty table's code columns
    return any(v.isdigit() for v in values) and all(v.isdigit() or not re.search(r"\d", v) for v in values)


def lift_code_part_labels(raw: RawTable) -> RawTable:
    """类 | 款 | 项 printed in the first body row (beside the 合计 label and its amounts) are header labels of the
    code columns: moved to those columns' header fragments."""
    if not raw.rows:
        return raw
    first = raw.rows[0]
    cols = [i for i, text in enumerate(first) if norm(text) in catalogue().code_parts]
    if len(cols) < 2 or cols != list(range(cols[0], cols[0] + len(cols))) or cols[-1] >= len(raw.header):
        return raw
    header = [h + [first[i]] if i in cols else h for i, h in enumerate(raw.header)]
    rows = [[("" if i in cols else c) for i, c in enumerate(first)]] + raw.rows[1:]
    return replace(raw, header=header, rows=rows)


def _label_after(form: Form, code_col: Optional[str]) -> Optional[str]:
    """The text column printed after a code column (科目编码 → 科目名称)."""
    names = form.column_names
    k = names.index(code_col) + 1 if code_col in names else len(names)
    return names[k] if k < len(names) and form.columns[k].kind == "text" else None


def _code_part(fragments: list) -> Optional[int]:
    """类 / 款 / 项: the part of a code a column holds, from its lowest header label (also "科目编码类", the
    label and the part printed on one line)."""
    parts = catalogue().code_parts
    last = norm(fragments[-1]) if fragments else ""
    if last[-1:] in parts and last[:-1].endswith("编码"):
        last = last[-1]
    return parts.get(last)


def standardize(raw: RawTable, form_id: Optional[str] = None, overrides: Optional[dict] = None) -> list:
    """The standardized Table(s) of a raw table (a wide 三公 table with 机关运行经费 beside it yields two).

    `form_id` replaces the detected form ("unknown" for the raw grid); `overrides` maps source column indexes
    to canonical names (None: leave the column out) — the corrections a user makes in the GUI.
    """
    form_id = raw.form_id if form_id is None else form_id
    form = catalogue().get(form_id) if form_id else None
    if form is None or form.reader:
        return [_unknown_table(raw)]
    if form.spec.get("wide_labels") and _is_wide(form, raw) and not overrides:
        return _reshape_wide(form, raw)
    if not form.sides:
        raw = unfold_blocks(raw)
    table = _standard_table(form, raw, overrides or {})
    if not table.columns[:table.extra_from] and any(any(c.strip() for c in r) for r in raw.rows):
        return [_unmatched_table(raw, form)]
    return [table]


def _unmatched_table(raw: RawTable, form: Form) -> Table:
    """A table whose title names a form but whose header matches none of its columns: kept as printed (unknown),
    never dropped, and said so."""
    t = _unknown_table(raw)
    t.issues.append(Issue("form_unmatched", "warning", f"标题像“{form.name}”，但表头与该表式的列对应不上，按未识别表格输出"
                          "（可在界面中指定表式）", None, None))
    return t


def unfold_blocks(raw: RawTable) -> RawTable:
    """A table printed folded to save paper: its columns in side-by-side blocks under the same header labels
    (经济分类科目编码 | 科目名称 | 决算数 ‖ 经济分类科目编码 | 科目名称 | 决算数) → one block, the blocks' rows one after
    the other (blank rows of a shorter block left out). Other tables are returned as they are."""
    labels = ["".join(norm(f) for f in h) for h in raw.header]
    n = len(labels)
    for k in range(2, n // 2 + 1):
        blocks = [labels[i:i + k] for i in range(0, n, k)]
        if n % k or any(b != blocks[0] for b in blocks) or sum(1 for x in blocks[0] if x) < 2:
            continue
        rows, sources = [], []
        for start in range(0, n, k):
            for r, src in zip(raw.rows, raw.sources):
                if any(c.strip() for c in r[start:start + k]):
                    rows.append(r[start:start + k])
                    sources.append(src[start:start + k])
        return replace(raw, header=raw.header[:k], header_rows=[h[:k] for h in raw.header_rows], rows=rows,
                       sources=sources)
    return raw


def _base(raw: RawTable, form_id: str) -> Table:
    return Table(form=form_id, title=raw.title, unit_name=raw.unit_name, year=raw.year,
                 money_unit=raw.money_unit, pages=list(raw.pages), raw_header=raw.header_rows,
                 raw_rows=raw.rows, regions=list(raw.regions), issues=list(raw.issues), raw=raw)


# In a grid of unknown meaning only printed amounts become numbers; "201", "06" may be codes.
_RAW_AMOUNT = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)$")


def _raw_value(text: str):
    """A cell of unknown meaning: printed amounts as numbers, anything else (codes too) as text."""
    return parse_number(text) if _RAW_AMOUNT.match(text or "") else (clean_text(text) if text else None)


def _unknown_table(raw: RawTable) -> Table:
    t = _base(raw, "unknown")
    n = max((len(r) for r in raw.rows), default=len(raw.header))
    t.columns = header_column_names(raw.header, range(n), "列{}")
    for r, src in zip(raw.rows, raw.sources):
        t.rows.append([parse_number(v) if _RAW_AMOUNT.match(v or "") else (v or None) for v in r])
        t.sources.append([CellSource(p, b) if v else None for v, (p, b) in zip(r, src)])
    t.source_columns = [("".join(h), None) for h in raw.header]
    t.empty = not t.rows
    return t


def header_column_names(header: list, columns: list, fallback: str, taken=()) -> list:
    """Names of source columns from their header text, a multi-row header joined top to bottom
    ("支出功能分类科目/编码"; a merged label over several columns is in each of them); `fallback` (formatted with the
    1-based column) where there is none; unique, and never one of `taken`."""
    names, seen = [], set(taken)
    for j in columns:
        frags = [c for f in (header[j] if j < len(header) else []) if (c := clean_text(f))]
        name = "/".join(dict.fromkeys(frags)) or fallback.format(j + 1)
        unique, k = name, 2
        while unique in seen:
            unique, k = f"{name}（{k}）", k + 1
        seen.add(unique)
        names.append(unique)
    return names


def _standard_table(form: Form, raw: RawTable, overrides: dict) -> Table:
    raw = lift_code_part_labels(raw)
    t = _base(raw, form.id)
    header = raw.header
    n = len(header)
    parts = {i: p for i in range(n) if (p := _code_part(header[i])) is not None and _digits_only(raw.rows, i)}
    if 0 not in parts.values():     # without a 类 column, "款"/"项" are wrapped label tails, not code parts
        parts = {}
    plain = [header[i] if i not in parts else ["__code_part__"] for i in range(n)]
    mapping = map_columns(form, plain)
    near = near_headers(form, plain, mapping)
    for i, name in near.items():
        mapping[i] = name
    if parts:
        code_col = _code_column_for_parts(form, mapping)
        for i in parts:
            mapping[i] = code_col
    t.overrides = dict(overrides)
    for i, name in overrides.items():
        if 0 <= i < n:
            mapping = [None if (m == name and name is not None) else m for m in mapping]
            mapping[i] = name
    layout = {i for i in range(n) if is_layout_column(header[i])}
    t.source_columns = [("".join(header[i]), mapping[i]) for i in range(n)]
    present = [c.name for c in form.columns if c.name in set(filter(None, mapping))]
    # Source columns that map to no canonical column are kept after the canonical ones, under their own header
    # (not the layout columns, nor those the user left out in the GUI)
    extras = [i for i in range(n) if mapping[i] is None and i not in layout and i not in overrides
              and (header[i] or any(r[i] for r in raw.rows if i < len(r)))]
    extra_names = header_column_names(header, extras, "源表第{}列", form.column_names)
    t.columns = present + extra_names
    t.extra_from = len(present) if extras else None
    kinds = {c.name: c.kind for c in form.columns}
    for i, name in near.items():
        if mapping[i] == name:
            t.issues.append(Issue("near_header", "warning", f"源表列“{''.join(header[i])}”按相近的列名对应到“{name}”，"
                                  "请核对（可在列映射中更改）", None, present.index(name)))
    for i, name in overrides.items():
        if name is None and 0 <= i < n and i not in layout:
            t.issues.append(Issue("column_left_out", "info", f"源表列“{''.join(header[i]) or i + 1}”按更正不导出",
                                  None, None))
    for k, (i, name) in enumerate(zip(extras, extra_names)):
        t.issues.append(Issue("unmapped_column", "warning", f"源表列“{''.join(header[i]) or name}”无对应标准列，"
                              "按原表头保留在表末（可在列映射中指定标准列）", None, len(present) + k))
    label_col = _label_after(form, mapping[next(iter(parts))]) if parts else None
    for r, src in zip(raw.rows, raw.sources):
        row = {}
        cell_src = {}
        spilled = []
        for i, text in enumerate(r[:n]):
            name = mapping[i]
            if name is None or not text:
                continue
            if i in parts and not re.search(r"\d", text):
                spilled.append(text)               # label text printed across the code cells ("公" | "用经费合计")
                continue
            if i in parts:
                row.setdefault(name, ["", "", ""])[parts[i]] = clean_code(text) or ""
            else:
                row[name] = (row.get(name) or "") + text if name in row and kinds[name] == "text" else text
            cell_src.setdefault(name, CellSource(src[i][0], src[i][1]))
        if spilled and label_col in present:
            row[label_col] = "".join(spilled) + (row.get(label_col) or "")
        values = []
        for name in present:
            v = row.get(name)
            if isinstance(v, list):
                v = "".join(v) or None
            values.append(_value(kinds[name], v))
        _split_label_and_number(values, [kinds[name] for name in present])
        values += [_raw_value(r[i] if i < len(r) else "") for i in extras]
        if any(v is not None for v in values):
            t.rows.append(values)
            t.sources.append([cell_src.get(name) for name in present]
                             + [CellSource(*src[i]) if i < len(r) and r[i] else None for i in extras])
    _rebuild_split_codes(t, form)
    if raw.empty_marker or not _has_numbers(t):
        if raw.empty_marker or all(_is_total_or_blank(r, t) for r in t.rows):
            t.empty = True
            t.rows, t.sources = [], []
    return t


_LABEL_NUMBER = re.compile(r"^(?P<label>[^\d\s()（）,.\-−][^\d]*?)\s*(?P<number>[-−]?\d[\d,]*(?:\.\d+)?)$")


def _split_label_and_number(values: list, kinds: list):
    """A label and its amount printed in one cell ("合计 189,767,551" in the amount column): the number stays, the
    label goes to the row's empty label column on its left."""
    for j, (kind, v) in enumerate(zip(kinds, values)):
        m = _LABEL_NUMBER.match(v) if kind in ("amount", "count") and isinstance(v, str) else None
        label = next((k for k in range(j - 1, -1, -1) if kinds[k] == "text"), None) if m else None
        if label is not None and values[label] is None:
            values[label] = clean_text(m.group("label"))
            values[j] = parse_number(m.group("number"))


def _value(kind: str, v):
    if v is None:
        return None
    if kind in ("amount", "count"):
        return parse_number(v)
    if kind == "code":
        return clean_code(v)
    return clean_text(v)


def _code_column_for_parts(form: Form, mapping: list) -> Optional[str]:
    """The code column that 类/款/项 part columns build: the one just before a mapped name column (None when every
    code column is taken: the parts stay unmapped and are reported)."""
    names = form.column_names
    mapped = set(filter(None, mapping))
    for k, c in enumerate(form.columns):
        if c.kind == "code" and c.name not in mapped and k + 1 < len(names) and names[k + 1] in mapped:
            return c.name
    return next((c.name for c in form.columns if c.kind == "code" and c.name not in mapped), None)


def _has_numbers(t: Table) -> bool:
    return any(isinstance(v, (int, float)) for r in t.rows for v in r)


def _is_total_or_blank(row, t: Table) -> bool:
    texts = [v for v in row[:t.extra_from] if isinstance(v, str)]
    return all(norm(strip_enum(x)) in catalogue().total_labels for x in texts)


# ---------------------------------------------------------------------------------------------- split codes
def _rebuild_split_codes(t: Table, form: Form):
    """Codes printed split over rows (类 '201', then 款 '03', then 项 '01') → full codes '20103', '2010301'.

    Whether a 2-digit code after a 项 is another 项 or a new 款 is decided by the amounts: a 款's children
    cannot add up to more than the 款 itself. Rebuilt codes are reported (info), never guessed silently.
    """
    canonical = t.columns[:t.extra_from]
    for cj, col in enumerate(canonical):
        if form.column(col).kind != "code":
            continue
        amount_j = next((j for j, c in enumerate(canonical) if form.column(c).kind == "amount"), None)
        economic = col == "经济科目编码"
        lei = kuan = None
        kuan_left = None
        for i, row in enumerate(t.rows):
            code = row[cj]
            if not isinstance(code, str) or not code.isdigit():
                continue
            amt = row[amount_j] if amount_j is not None and isinstance(row[amount_j], (int, float)) else None
            if len(code) == 3:
                lei, kuan, kuan_left = code, None, None
            elif len(code) == 5:
                lei, kuan, kuan_left = code[:3], code, amt
            elif len(code) == 2 and lei:
                if economic or kuan is None:
                    full = lei + code
                    kuan, kuan_left = full, amt
                else:
                    fits = kuan_left is None or amt is None or amt <= kuan_left + 0.005 * 10
                    is_item = fits and (kuan_left is None or kuan_left > 0.005)
                    if is_item:
                        full = kuan + code
                        if kuan_left is not None and amt is not None:
                            kuan_left -= amt
                    else:
                        full = lei + code
                        kuan, kuan_left = full, amt
                row[cj] = full
            elif len(code) == 7:
                kuan = code[:5]
                lei = code[:3]


# ---------------------------------------------------------------------------------------------- wide layouts
def _wide_match(form: Form, fragments: list) -> Optional[str]:
    frags = [norm(f) for f in fragments if norm(f)]
    for pattern, label in form.spec["wide_labels"].items():
        parent, _, leaf = pattern.rpartition(">")
        if frags and re.fullmatch(norm(leaf), frags[-1]) and (not parent or re.search(norm(parent), "".join(frags[:-1]))):
            return label
    return None


def _wide_cell(form: Form, fragments: list) -> tuple:
    """(row label, value column) a wide header stands for: its labels pick the row; with `wide_values` (预算数 |
    决算数 under each label) its lowest label picks the column, else the value is the form's amount column."""
    values = form.spec.get("wide_values")
    if not values:
        return _wide_match(form, fragments), _wide_columns(form)[0]
    frags = [f for f in fragments if norm(f)]
    column = next((c for rx, c in values.items() if frags and re.fullmatch(norm(rx), norm(frags[-1]))), None)
    return (_wide_match(form, frags[:-1]), column) if column else (None, None)


def _wide_columns(form: Form) -> list:
    """The value columns of a form printed wide (after its label column)."""
    values = form.spec.get("wide_values")
    return list(dict.fromkeys(values.values())) if values else [form.columns[1].name]


def _is_wide(form: Form, raw: RawTable) -> bool:
    labels = {_wide_cell(form, h)[0] for h in raw.header}
    return len(labels - {None}) >= 3


def _reshape_wide(form: Form, raw: RawTable) -> list:
    """A form printed wide (its `wide_labels`, from a template family or the catalogue): the 三公 figures as one row
    under a two-level header (with `wide_values`, 预算数 and 决算数 under each), and maybe 机关运行经费 beside them
    (`split_column`): turn each figure into a row (labels from the catalogue's `row_labels`) and the 机关运行经费
    figure into an `operating_expenses` table with one row for the unit."""
    split = form.spec.get("split_column", {})
    split_rx = [re.compile(norm(s)) for s in split.get("synonyms", [])]
    three = _base(raw, form.id)
    three.columns = [form.columns[0].name] + _wide_columns(form)
    order = form.spec["row_labels"]
    values, sources, op_value, op_src = {}, {}, None, None
    for r, src in zip(raw.rows, raw.sources):
        for i, h in enumerate(raw.header):
            if i >= len(r) or not r[i]:
                continue
            joined = "".join(norm(f) for f in h)
            if any(rx.search(joined) for rx in split_rx):
                op_value, op_src = parse_number(r[i]), CellSource(*src[i])
                continue
            cell = _wide_cell(form, h)
            if cell[0]:
                values[cell] = parse_number(r[i])
                sources[cell] = CellSource(*src[i])
    for label in order:
        three.rows.append([label] + [values.get((label, c)) for c in three.columns[1:]])
        three.sources.append([None] + [sources.get((label, c)) for c in three.columns[1:]])
    out = [three]
    if op_value is not None:
        op_form = catalogue().get(split["form"])
        op = _base(raw, op_form.id)
        op.title = raw.title
        op.money_unit = raw.money_unit
        op.columns = ["单位名称", "合计"]
        op.rows = [[raw.unit_name, op_value]]
        op.sources = [[None, op_src]]
        out.append(op)
    return out
