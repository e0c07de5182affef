"""Export a converted Document: one standardized .xlsx per table plus tables.json.

Layout of every workbook (see FORMS.md / the product spec):
  data sheet  row 1 title, row 2 meta (单位名称/年度/金额单位), row 3 canonical header, rows 4… data;
  sheet 校验   one row per check issue of the table.
Every file is written to a temporary name in the target folder and renamed into place.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple, Optional

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..catalogue import catalogue
from ..model import (SEVERITY_CELL_COLORS, SEVERITY_LABELS, SEVERITY_ROW_COLORS, SHEET_FIRST_DATA_ROW, Document,
                     ReportedError, Table, issue_name, most_severe)
from ..version import APP_NAME


CREATOR = APP_NAME
CHECK_SHEET = "校验"
WRAP = Alignment(wrap_text=True, vertical="top")
CHECK_HEADER = ("行（Excel行号）", "列（列名）", "级别", "问题（代码）", "说明")
HEADER_ROW = 3
FIRST_DATA_ROW = SHEET_FIRST_DATA_ROW

AMOUNT_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
# Cell styles of the data sheet, by number format (None: text and other values). Named styles: setting one per
# cell is several times faster than setting border and format one by one (openpyxl hashes every style part).
CELL_STYLES = {None: "数据", AMOUNT_FORMAT: "金额", COUNT_FORMAT: "计数"}
HEADER_STYLE = "表头"

FILENAME_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f]")
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                    *(f"LPT{i}" for i in range(1, 10))}
SHEET_MAX = 31


class ExportExistsError(ReportedError):
    """The output folder already holds an export and overwriting was not requested."""


# ---------------------------------------------------------------- pure helpers

def safe_filename(text: str, max_len: int = 80) -> str:
    """`text` usable as a Windows/macOS/Linux file name: forbidden and control chars removed, length capped."""
    name = " ".join(FILENAME_FORBIDDEN.sub("", text or "").split())[:max_len].rstrip(". ").lstrip()
    if name.split(".")[0].upper() in WINDOWS_RESERVED:
        name = "_" + name
    return name or "未命名"


def sheet_title(text: str, taken: set[str]) -> str:
    """A valid Excel sheet name for `text`, unique (case-insensitively) among `taken`. Does not modify `taken`."""
    base = SHEET_FORBIDDEN.sub("", text or "").strip().strip("'").strip() or "表"
    used = {t.casefold() for t in taken}
    name, n = base[:SHEET_MAX], 1
    while name.casefold() in used:
        n += 1
        suffix = f"({n})"
        name = base[:SHEET_MAX - len(suffix)].rstrip() + suffix
    return name


def display_width(text: str) -> int:
    """Approximate column width of `text`: East Asian wide/full-width chars count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def page_span(pages) -> str:
    """[3, 4, 6] -> "3-4、6"."""
    runs: list[list[int]] = []
    for p in sorted(set(pages)):
        if runs and p == runs[-1][1] + 1:
            runs[-1][1] = p
        else:
            runs.append([p, p])
    return "、".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def meta_text(table: Table) -> str:
    parts = [(table.unit_name, "单位名称：{}"), (table.year, "年度：{}"), (table.money_unit, "金额单位：{}")]
    return "    ".join(fmt.format(v) for v, fmt in parts if v not in (None, ""))


def workbook_name(index: int, count: int, title: str) -> str:
    """File name of the `index`-th (1-based) of `count` tables."""
    return f"{index:0{max(2, len(str(count)))}d}_{safe_filename(title)}.xlsx"


def column_kinds(table: Table) -> list:
    return catalogue().column_kinds(table.form, table.columns)


def _clean(text: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def cell_value(value, kind):
    """(value to store, number format or None) for one data cell."""
    if value is None:
        return None, None
    if isinstance(value, str):
        return _clean(value), None
    if kind == "code":
        return (str(int(value)) if float(value).is_integer() else str(value)), None
    if kind == "amount":
        return value, AMOUNT_FORMAT
    if kind == "count":
        return value, COUNT_FORMAT if float(value).is_integer() else "General"
    return value, None


# ---------------------------------------------------------------- workbook

def put_cell(ws, row: int, col: int, value, number_format=None):
    cell = ws.cell(row=row, column=col)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"           # never a formula, even for "=…"
    if number_format:
        cell.number_format = number_format
    return cell


def _merged_line(ws, row: int, width: int, text: str, font: Font):
    cell = put_cell(ws, row, 1, _clean(text) or None)
    cell.font = font
    cell.alignment = Alignment(vertical="center")
    if width > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def _write_data_sheet(ws, table: Table):
    width = max(1, len(table.columns))
    _merged_line(ws, 1, width, table.title, Font(bold=True, size=14))
    ws.row_dimensions[1].height = 24
    _merged_line(ws, 2, width, meta_text(table), Font(size=10))
    for j, name in enumerate(table.columns, 1):
        put_cell(ws, HEADER_ROW, j, _clean(str(name))).style = HEADER_STYLE
    kinds = column_kinds(table)
    widths = [display_width(str(c)) for c in table.columns]
    for i, row in enumerate([] if table.empty else table.rows):
        for j, value in enumerate(row[:len(table.columns)]):
            stored, fmt = cell_value(value, kinds[j])
            cell = put_cell(ws, FIRST_DATA_ROW + i, j + 1, stored)
            if fmt in CELL_STYLES:
                cell.style = CELL_STYLES[fmt]
            else:
                cell.style, cell.number_format = CELL_STYLES[None], fmt
            if stored is not None:
                text = f"{stored:,.2f}" if fmt == AMOUNT_FORMAT else str(stored)
                widths[j] = max(widths[j], display_width(text))
    for j, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(j)].width = min(50, max(8, w + 2))
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    _print_to_page_width(ws, landscape=len(table.columns) > 6)


def _print_to_page_width(ws, landscape: bool):
    """A4, every column on the page's width (as many pages down as it takes)."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _flag_issues(ws, table: Table):
    """Fill and comment the cells (and lightly fill the rows) that the table's issues point at."""
    n_rows, n_cols = (0 if table.empty else len(table.rows)), len(table.columns)
    cells: dict = {}
    rows: dict = {}
    for issue in table.issues:
        if issue.row is None or not 0 <= issue.row < n_rows:
            continue
        if issue.col is None:
            rows.setdefault(issue.row, []).append(issue)
        elif 0 <= issue.col < n_cols:
            cells.setdefault((issue.row, issue.col), []).append(issue)
    for r, issues in rows.items():
        fill = PatternFill("solid", fgColor=SEVERITY_ROW_COLORS.get(most_severe(issues), SEVERITY_ROW_COLORS["info"]))
        for c in range(n_cols):
            ws.cell(row=FIRST_DATA_ROW + r, column=c + 1).fill = fill
    for (r, c), issues in cells.items():
        cell = ws.cell(row=FIRST_DATA_ROW + r, column=c + 1)
        cell.fill = PatternFill("solid", fgColor=SEVERITY_CELL_COLORS.get(most_severe(issues), SEVERITY_CELL_COLORS["info"]))
        cell.comment = Comment(_clean("\n".join(i.message for i in issues)), "校验")


def _write_check_sheet(ws, table: Table):
    for j, name in enumerate(CHECK_HEADER, 1):
        cell = put_cell(ws, 1, j, name)
        cell.font, cell.fill, cell.border = Font(bold=True), HEADER_FILL, BORDER
    for r, issue in enumerate(table.issues, 2):
        col_name = table.columns[issue.col] if issue.col is not None and 0 <= issue.col < len(table.columns) else None
        values = (None if issue.row is None else FIRST_DATA_ROW + issue.row, col_name,
                  SEVERITY_LABELS.get(issue.severity, issue.severity), issue_name(issue.code), issue.message)
        for j, value in enumerate(values, 1):
            put_cell(ws, r, j, _clean(value) if isinstance(value, str) else value)
    notes = ([] if table.issues else ["无校验问题"]) + (["本表无数据（原表为空表）"] if table.empty else [])
    for r, note in enumerate(notes, len(table.issues) + 2):
        put_cell(ws, r, 1, note)
    for letter, width in zip("ABCDE", (10, 18, 6, 24, 70)):
        ws.column_dimensions[letter].width = width
    for (cell,) in ws.iter_rows(min_row=2, min_col=5, max_col=5):
        cell.alignment = WRAP                          # long messages wrap instead of running off the page
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    _print_to_page_width(ws, landscape=True)


def _add_cell_styles(wb: Workbook):
    for fmt, name in CELL_STYLES.items():
        wb.add_named_style(NamedStyle(name=name, border=BORDER, number_format=fmt or "General"))
    wb.add_named_style(NamedStyle(name=HEADER_STYLE, font=Font(bold=True), fill=HEADER_FILL, border=BORDER,
                                  alignment=Alignment(horizontal="center", vertical="center", wrap_text=True)))


def build_workbook(table: Table, source_name: str) -> Workbook:
    wb = Workbook()
    _add_cell_styles(wb)
    ws = wb.active
    ws.title = sheet_title(table.title, {CHECK_SHEET})
    _write_data_sheet(ws, table)
    _flag_issues(ws, table)
    _write_check_sheet(wb.create_sheet(CHECK_SHEET), table)
    pages = page_span(table.pages)
    wb.properties.title = _clean(f"{table.title} - {source_name}")
    wb.properties.subject = _clean(f"预算公开表格（{source_name}）")
    wb.properties.description = _clean(f"来源：{source_name}" + (f" 第{pages}页" if pages else ""))
    wb.properties.creator = CREATOR
    return wb


# ---------------------------------------------------------------- files

@lru_cache(maxsize=None)
def process_umask() -> int:
    """This process's umask (read from /proc where there is one: setting it to read it races other threads)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write(path: Path, write) -> None:
    """Call write(tmp_path), then rename the temporary file onto `path`; no partial file survives a failure."""
    fd, tmp = tempfile.mkstemp(prefix=".~", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~process_umask())     # as a plain write would (mkstemp makes it owner-only)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_table_workbook(table: Table, path: str | Path, source_name: str) -> None:
    """Write one table's standardized workbook to `path`."""
    wb = build_workbook(table, source_name)
    atomic_write(Path(path), wb.save)


def write_tables_json(doc: Document, folder: Path) -> Path:
    """Write folder/tables.json (the benchmark contract) and return its path."""
    path = Path(folder) / "tables.json"
    text = json.dumps(doc.to_json(source_name=Path(doc.source).name), ensure_ascii=False, indent=1)
    atomic_write(path, lambda tmp: Path(tmp).write_text(text + "\n", encoding="utf-8"))
    return path


def write_raw_json(doc: Document, folder: Path) -> Path:
    """Write folder/raw.json: every table's extracted grid before standardization, one entry per page, for
    auditing and for scoring the extraction itself (`score.py --raw`)."""
    tables = []
    for t in doc.tables:
        raw = t.raw
        if raw is None or any(e.get("_table") is raw for e in tables):     # the 三公 split shares one grid
            continue
        by_page = {}
        for row, src in zip(raw.rows, raw.sources):
            by_page.setdefault(src[0][0] if src else None, []).append(row)
        first = raw.pages[0] if raw.pages else None
        if raw.header_rows:
            by_page.setdefault(first, [])[:0] = raw.header_rows
        tables += [{"_table": raw, "page": p, "title": t.title, "rows": rows} for p, rows in by_page.items()]
    data = {"tables": [{k: v for k, v in e.items() if k != "_table"} for e in tables]}
    path = Path(folder) / "raw.json"
    text = json.dumps(data, ensure_ascii=False)
    atomic_write(path, lambda tmp: Path(tmp).write_text(text + "\n", encoding="utf-8"))
    return path


def previous_export(folder: Path) -> list:
    if not folder.is_dir():
        return []
    return [p for p in folder.iterdir()
            if p.is_file() and (p.name in ("tables.json", "raw.json") or p.suffix.lower() == ".xlsx")]


def export_document(doc: Document, out_root: str | Path, overwrite: bool = False, stem: str | None = None) -> Path:
    """Export every table of `doc` to out_root/<stem>/ (one .xlsx each + tables.json) and return that folder."""
    folder = Path(out_root) / (stem or Path(doc.source).stem)
    old = previous_export(folder)
    if old and not overwrite:
        raise ExportExistsError(f"导出目录已存在：{folder}（使用 --overwrite 覆盖）")
    for p in old:
        p.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    source_name = Path(doc.source).name
    for i, table in enumerate(doc.tables, 1):
        table.workbook = workbook_name(i, len(doc.tables), table.title)
        write_table_workbook(table, folder / table.workbook, source_name)
    write_raw_json(doc, folder)
    write_tables_json(doc, folder)
    return folder


def export_tables(doc: Document, out_root: str | Path, indexes: list, overwrite: bool = False) -> Path:
    """Export the tables `indexes` (0-based; others ignored) of `doc` to out_root/<file stem>/, named as in a full
    export (tables.json is left as it is), and return that folder."""
    folder = Path(out_root) / Path(doc.source).stem
    tables = [(i, doc.tables[i]) for i in indexes if 0 <= i < len(doc.tables)]
    names = [workbook_name(i + 1, len(doc.tables), t.title) for i, t in tables]
    existing = [n for n in names if (folder / n).exists()]
    if existing and not overwrite:
        raise ExportExistsError(f"导出目录中已有同名工作簿：{'、'.join(existing[:5])}")
    folder.mkdir(parents=True, exist_ok=True)
    for name, (_, t) in zip(names, tables):
        write_table_workbook(t, folder / name, Path(doc.source).name)
    return folder


class ExportOutcome(NamedTuple):
    key: object                     # the caller's key of the document
    folder: Optional[Path]          # its export folder, None when it was not exported
    error: Optional[str]            # why not (Chinese, names the file)
    exists: bool                    # not exported because an export is there and overwriting was not asked for


def export_documents(jobs: list, out_root: str | Path, overwrite: bool = False) -> list:
    """Export several documents, jobs [(key, Document, folder name)], each to out_root/<folder name>/; one that
    fails does not stop the others. Returns an ExportOutcome per job, in order."""
    outcomes = []
    for key, doc, stem in jobs:
        name = Path(doc.source).name
        try:
            outcomes.append(ExportOutcome(key, export_document(doc, out_root, overwrite=overwrite, stem=stem),
                                          None, False))
        except ExportExistsError as e:
            outcomes.append(ExportOutcome(key, None, str(e), True))
        except OSError as e:
            outcomes.append(ExportOutcome(key, None, f"{name}：导出失败（{e.strerror or e}）", False))
        except Exception as e:  # noqa: BLE001 - one document must not stop the others
            outcomes.append(ExportOutcome(key, None, f"{name}：导出失败（{type(e).__name__}: {e}）", False))
    return outcomes
