"""What a batch gives for analysis, besides each document's own export:

* the report      汇总.xlsx / summary.csv — one row per document: file, unit, year, template family, tables
                  found per form, checks failed, time taken, error;
* consolidated    合并/<form>.xlsx — every document's tables of one form stacked, 单位名称 / 年度 / 金额单位 /
                  来源文件 / 页码 in front of the form's canonical columns;
* the dataset     dataset.parquet / dataset.csv — long format, one row per amount:
                  source, unit, year, form, table, row, row_key, code, name, column, value, money_unit, page.

Everything is built from DocRecords (a document's tables.json content plus the page of each row), so the CLI
(records read back from the export folders) and the GUI (records of the documents in memory, corrections
included) write the same files. pandas is imported only when a frame is built: the desktop app and the
conversion workers start without it.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ..catalogue import UNKNOWN_FORM, UNKNOWN_FORM_NAME, Family, catalogue, norm
from ..model import Document, Table, spreadsheet_safe
from .workbook import (BORDER, CREATOR, HEADER_FILL, atomic_write, cell_value, display_width, safe_filename,
                       sheet_title)

REPORT_XLSX = "汇总.xlsx"
REPORT_CSV = "summary.csv"
CONSOLIDATED_DIR = "合并"
DATASET_PARQUET = "dataset.parquet"
DATASET_CSV = "dataset.csv"
CSV_ENCODING = "utf-8-sig"        # Excel shows the Chinese; pandas.read_csv reads it as it is

STATUS_LABELS = {"converted": "已转换", "skipped": "未改变，已跳过", "failed": "失败", "not_run": "未转换（已中断）",
                 "earlier": "此前已转换（本次未指定）"}

FRONT_COLUMNS = ("单位名称", "年度", "金额单位", "来源文件", "页码")
FRONT_KINDS = ("text", None, "text", "text", None)
DATASET_COLUMNS = ("source", "unit", "year", "form", "table", "row", "row_key", "code", "name", "column", "value",
                   "money_unit", "page")
DATASET_DTYPES = {"year": "Int64", "table": "int64", "row": "int64", "value": "float64", "page": "Int64"}
VALUE_KINDS = ("amount", "count")
LABEL_KINDS = ("code", "text")


@dataclass
class DocRecord:
    """One document of a batch as the report and the dataset see it."""
    file: str                              # the source file as the user named it
    status: str                            # converted | skipped | failed | not_run
    folder: Optional[str] = None           # its export folder, relative to the batch output
    seconds: Optional[float] = None        # time its conversion took
    error: Optional[str] = None            # Chinese reason it failed
    data: Optional[dict] = None            # its tables.json content
    row_pages: list = field(default_factory=list)    # per table: the page of each row (None: unknown)


# ---------------------------------------------------------------------------------------------- records
def row_pages(table: Table) -> list:
    """The page each row of `table` was read from: its cells' first page, else the table's only page."""
    only = table.pages[0] if len(table.pages) == 1 else None
    pages = []
    for i in range(len(table.rows)):
        cells = table.sources[i] if i < len(table.sources) and table.sources[i] else []
        found = [c.page for c in cells if c is not None]
        pages.append(min(found) if found else only)
    return pages


def document_record(doc: Document, file: str, status: str = "converted", folder: Optional[str] = None,
                    seconds: Optional[float] = None) -> DocRecord:
    """The record of a document held in memory (its current tables, corrections included)."""
    return DocRecord(file, status, folder, seconds, None, doc.to_json(source_name=Path(doc.source).name),
                     [row_pages(t) for t in doc.tables])


def held_record(file: str, status: str, doc: Optional[Document] = None, error: Optional[str] = None,
                exported=None, root=None) -> DocRecord:
    """The record of a document of a batch held in memory (the GUI's): 'converted' with `doc` (its current tables,
    corrections included), 'failed' with `error`, or 'not_run'. `exported`, the folder it was exported to, is
    recorded relative to the batch output `root` when it lies below it."""
    if status != "converted":
        return DocRecord(file, status, error=error if status == "failed" else None)
    below = exported is not None and root is not None and Path(exported).is_relative_to(root)
    return document_record(doc, file, status, Path(exported).relative_to(root).as_posix() if below else None)


# ---------------------------------------------------------------------------------------------- template family
def family_score(family: Family, tables: list) -> int:
    score = 0
    for t in tables:
        if t["form"] in family.forms:
            score += 1
        elif t["form"] != UNKNOWN_FORM:
            score -= 1
        title = norm(t.get("title") or "")
        score += any(m in title for m in family.markers)
    return score


def template_family(tables: list) -> Optional[Family]:
    """The template family a document's tables (tables.json entries) match best, or None."""
    best = max(catalogue().families, key=lambda f: family_score(f, tables), default=None)
    return best if best is not None and family_score(best, tables) > 0 else None


def _most_common(values):
    found = Counter(v for v in values if v not in (None, ""))
    return found.most_common(1)[0][0] if found else None


# ---------------------------------------------------------------------------------------------- frames
def report_frame(records: list) -> pd.DataFrame:
    """One row per document (English column names; the workbook shows them in Chinese)."""
    import pandas as pd
    forms = [f.id for f in catalogue().forms]
    rows = []
    for r in records:
        tables = r.data["tables"] if r.data else None
        row = {"file": r.file, "folder": r.folder, "status": r.status, "seconds": r.seconds, "error": r.error}
        if tables is not None:
            family = template_family(tables)
            counts = Counter(t["form"] for t in tables)
            severities = Counter(i["severity"] for t in tables for i in t["issues"])
            row.update(unit=_most_common(t["unit_name"] for t in tables),
                       year=_most_common(t["year"] for t in tables),
                       template=family.id if family else None, pages=r.data.get("pages"), tables=len(tables),
                       unknown=counts[UNKNOWN_FORM], missing=len(r.data.get("missing_tables", [])),
                       checks_failed=severities["error"],
                       check_warnings=severities["warning"], **{f: counts[f] for f in forms})
        rows.append(row)
    columns = ["file", "folder", "status", "unit", "year", "template", "pages", "tables", *forms, "unknown",
               "missing", "checks_failed", "check_warnings", "seconds", "error"]
    counts = ["year", "pages", "tables", *forms, "unknown", "missing", "checks_failed", "check_warnings"]
    frame = pd.DataFrame(rows, columns=columns).astype({c: "Int64" for c in counts})
    return frame.astype({"seconds": "float64"}).round({"seconds": 2})


def _layout(form, columns: list) -> dict:
    """For each value column (index): the indexes of the columns that label its row (codes and names of its
    side of a two-sided table, in column order)."""
    kinds = catalogue().column_kinds(form.id, columns)
    sides = [set(cols) for _, cols in form.sides] or [set(columns)]
    layout = {}
    for j, (name, kind) in enumerate(zip(columns, kinds)):
        if kind in VALUE_KINDS:
            side = next((s for s in sides if name in s), set(columns))
            layout[j] = [k for k, (c, kd) in enumerate(zip(columns, kinds)) if c in side and kd in LABEL_KINDS]
    return layout


def _text(value) -> Optional[str]:
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _recognized_tables(records: list):
    """(record, table index, table, form, page of each row, unit, year) of every table of a known form."""
    for r in records:
        if not r.data:
            continue
        tables = r.data["tables"]
        unit = _most_common(t["unit_name"] for t in tables)
        year = _most_common(t["year"] for t in tables)
        for k, t in enumerate(tables):
            form = catalogue().get(t["form"])
            if form is None:
                continue
            t = with_extra_columns(t)
            pages = r.row_pages[k] if k < len(r.row_pages) else []
            pages = list(pages) + [None] * (len(t["rows"]) - len(pages))
            yield r, k, t, form, pages, t["unit_name"] or unit, t["year"] or year


def with_extra_columns(t: dict) -> dict:
    """A tables.json table with its kept unmapped source columns (extra_columns) after the canonical ones."""
    extra = t.get("extra_columns")
    if not extra:
        return t
    return {**t, "columns": t["columns"] + extra["columns"],
            "rows": [a + b for a, b in zip(t["rows"], extra["rows"])], "canonical": len(t["columns"])}


def consolidated_frames(records: list) -> dict:
    """form id → every row of that form's tables, front columns then the form's canonical columns."""
    import pandas as pd
    rows: dict = {}
    columns: dict = {}
    for r, _k, t, form, pages, unit, year in _recognized_tables(records):
        cols = columns.setdefault(form.id, list(form.column_names))
        cols += [c for c in t["columns"] if c not in cols]
        target = rows.setdefault(form.id, [])
        for row, page in zip(t["rows"], pages):
            target.append({"单位名称": unit, "年度": year, "金额单位": t["money_unit"], "来源文件": r.file,
                           "页码": page, **dict(zip(t["columns"], row))})
    return {fid: pd.DataFrame(rows[fid], columns=[*FRONT_COLUMNS, *columns[fid]], dtype=object)
            for fid in rows}


def dataset_frame(records: list) -> pd.DataFrame:
    """The long format: one row per numeric cell of every table of a known form."""
    import pandas as pd
    out = []
    for r, k, t, form, pages, unit, year in _recognized_tables(records):
        layout = _layout(form, t["columns"])
        kinds = catalogue().column_kinds(form.id, t["columns"])
        labels_of_row = [c for c, kd in enumerate(kinds) if kd in LABEL_KINDS]
        layout.update({j: labels_of_row for j in range(t.get("canonical", len(t["columns"])), len(t["columns"]))})
        for i, (row, page) in enumerate(zip(t["rows"], pages)):
            for j, labels in layout.items():
                value = row[j] if j < len(row) else None
                if not _is_number(value):
                    continue
                texts = [(kinds[c], _text(row[c])) for c in labels]
                code = next((v for kd, v in texts if kd == "code" and v), None)
                name = next((v for kd, v in texts if kd == "text" and v), None)
                key = next((v for _, v in texts if v), None)
                out.append((r.file, unit, year, form.id, k, i, key, code, name, t["columns"][j], float(value),
                            t["money_unit"], page))
    return pd.DataFrame(out, columns=list(DATASET_COLUMNS)).astype(DATASET_DTYPES)


# ---------------------------------------------------------------------------------------------- workbooks
def _plain(value):
    """A frame cell as a Python value for openpyxl (missing → None, numpy scalars → int/float)."""
    import pandas as pd
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def _write_sheet(wb: Workbook, title: str, header: list, rows, kinds: list):
    """A sheet streamed into a write-only workbook: header in row 1 (frozen, filterable), data below; codes as
    text, amounts `#,##0.00`, text never a formula (workbook.cell_value). The batch's sheets hold every row of
    every document, so they are written as they are built rather than held as cells."""
    ws = wb.create_sheet(title)
    widths = [display_width(str(h)) for h in header]
    body = []
    for values in rows:
        out = []
        for j, value in enumerate(values):
            stored, fmt = cell_value(_plain(value), kinds[j])
            out.append((stored, fmt))
            if stored is not None:
                widths[j] = max(widths[j], display_width(f"{stored:,.2f}" if fmt else str(stored)))
        body.append(out)
    for j, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(j)].width = min(50, max(8, w + 2))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(max(1, len(header)))}{len(body) + 1}"
    heading = []
    for name in header:
        cell = _text_cell(ws, str(name))
        cell.font, cell.fill, cell.border = Font(bold=True), HEADER_FILL, BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        heading.append(cell)
    ws.append(heading)
    for out in body:
        ws.append([_text_cell(ws, v) if isinstance(v, str) and v.startswith("=") else
                   _formatted_cell(ws, v, fmt) if fmt else v for v, fmt in out])


def _text_cell(ws, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=text)
    cell.data_type = "s"            # never a formula, even for "=…"
    return cell


def _formatted_cell(ws, value, number_format: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = number_format
    return cell


def _save(wb: Workbook, path: Path, title: str) -> Path:
    wb.properties.title = title
    wb.properties.creator = CREATOR
    atomic_write(path, wb.save)
    return path


def write_report(frame: pd.DataFrame, out: Path) -> list:
    labels = {"file": "文件", "folder": "导出目录", "status": "状态", "unit": "单位名称", "year": "年度",
              "template": "模板", "pages": "页数", "tables": "表格数", "unknown": UNKNOWN_FORM_NAME,
              "missing": "目录所列未找到",
              "checks_failed": "校验错误", "check_warnings": "校验警告", "seconds": "用时（秒）", "error": "错误",
              **{f.id: f.name for f in catalogue().forms}}
    kinds = ["amount" if c == "seconds" else "count" if str(frame[c].dtype) == "Int64" and c != "year" else None
             for c in frame.columns]
    shown = frame.assign(status=frame["status"].map(lambda s: STATUS_LABELS.get(s, s)),
                         template=frame["template"].map({f.id: f.name for f in catalogue().families}))
    wb = Workbook(write_only=True)
    _write_sheet(wb, "汇总", [labels[c] for c in frame.columns], shown.itertuples(index=False, name=None), kinds)
    csv = out / REPORT_CSV
    atomic_write(csv, lambda tmp: _write_csv(frame, tmp))
    return [_save(wb, out / REPORT_XLSX, "批量转换汇总"), csv]


def consolidated_name(form) -> str:
    """The file of a form's consolidated workbook: its Chinese name, then its id ("支出总表_expenditure_summary.xlsx")."""
    return f"{safe_filename(form.name, 40)}_{form.id}.xlsx"


def write_consolidated(frames: dict, out: Path) -> list:
    """合并/<表式名>_<form id>.xlsx for each form, one after the other (`submit_consolidated`: side by side)."""
    return [write_consolidated_form(*job) for job in consolidated_jobs(frames, out)]


def submit_consolidated(frames: dict, out: Path, pool) -> list:
    """Futures of the consolidated workbooks, each written by `pool`."""
    return [pool.submit(write_consolidated_form, *job) for job in consolidated_jobs(frames, out)]


def consolidated_jobs(frames: dict, out: Path) -> list:
    """(form id, frame, path) of each consolidated workbook to write; workbooks of forms no longer in the batch
    are removed (and those named by the form id alone, as earlier versions wrote them)."""
    folder = out / CONSOLIDATED_DIR
    folder.mkdir(parents=True, exist_ok=True)
    todo = []
    for form in catalogue().forms:
        path = folder / consolidated_name(form)
        (folder / f"{form.id}.xlsx").unlink(missing_ok=True)
        if form.id in frames:
            todo.append((form.id, frames[form.id], path))
        else:
            path.unlink(missing_ok=True)
    return todo


def write_consolidated_form(form_id: str, frame: pd.DataFrame, path: Path) -> Path:
    """One form's consolidated workbook: every row of its tables in the batch."""
    form = catalogue().get(form_id)
    wb = Workbook(write_only=True)
    kinds = [*FRONT_KINDS, *catalogue().column_kinds(form.id, list(frame.columns[len(FRONT_COLUMNS):]))]
    _write_sheet(wb, sheet_title(form.name, set()), list(frame.columns), frame.itertuples(index=False, name=None),
                 kinds)
    return _save(wb, path, f"{form.name}（合并）")


def _write_parquet(frame: pd.DataFrame, path) -> None:
    """dataset.parquet through fastparquet (a few MB, where pyarrow would add 100 MB to the bundle). fastparquet
    records a nullable integer column (year, page) in the pandas metadata as pandas_type "Int64", numpy_type
    "int64", which pyarrow reads back as float64; pyarrow's own spelling (numpy_type "Int64") is rewritten into the
    footer, so pandas.read_parquet gives Int64 with either engine."""
    import fastparquet
    path = str(path)
    fastparquet.write(path, frame, compression="SNAPPY", write_index=False)
    meta = json.loads(fastparquet.ParquetFile(path).key_value_metadata["pandas"])
    for column in meta["columns"]:
        if column["name"] in frame.columns and str(frame[column["name"]].dtype) == "Int64":
            column.update(pandas_type="int64", numpy_type="Int64")
    fastparquet.update_file_custom_metadata(path, {"pandas": json.dumps(meta)})


def write_dataset(frame: pd.DataFrame, out: Path) -> list:
    parquet, csv = out / DATASET_PARQUET, out / DATASET_CSV
    atomic_write(parquet, lambda tmp: _write_parquet(frame, tmp))
    atomic_write(csv, lambda tmp: _write_csv(frame, tmp))
    return [parquet, csv]


def _write_csv(frame: pd.DataFrame, path) -> None:
    """The frame as CSV, every text a spreadsheet would run as a formula neutralised (dataset.parquet keeps the
    raw text)."""
    texts = [c for c in frame.columns if frame[c].dtype == object or str(frame[c].dtype) in ("string", "str")]
    safe = frame.assign(**{c: frame[c].map(spreadsheet_safe) for c in texts})
    safe.to_csv(path, index=False, encoding=CSV_ENCODING)


def write_outputs(records: list, out, pool=None) -> list:
    """Write the report, the consolidated workbooks and the dataset of `records` into `out`; their paths. `pool`
    (an executor), if given, writes them side by side (the dataset, the report, a consolidated workbook per form):
    the batch's last step, which would otherwise hold up every core but one."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if pool is None:
        return (write_report(report_frame(records), out) + write_consolidated(consolidated_frames(records), out)
                + write_dataset(dataset_frame(records), out))
    dataset = pool.submit(write_dataset, dataset_frame(records), out)
    report = pool.submit(write_report, report_frame(records), out)
    consolidated = submit_consolidated(consolidated_frames(records), out, pool)
    return report.result() + [f.result() for f in consolidated] + dataset.result()
