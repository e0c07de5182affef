"""Excel workbooks (.xlsx with openpyxl, legacy .xls with xlrd) → the engine's RawTables.

Each worksheet becomes a `Sheet` of cell texts as Excel prints them (numbers in their number format, so
"1,208.30" and "1208.3" read as in a PDF export; numbers stored as text stay text), hidden rows and columns
left out, merged ranges kept. tables/office.py finds the report tables in them. A sheet's page number is its
1-based position in the workbook.
"""
from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

from ..model import ConversionError, Sheet
from .base import SheetSource, join_wrapped
from .html import html_sheets, looks_like_html

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")


def read_sheets(path) -> list:
    """Every worksheet of an .xlsx or .xls file (told apart by content, not by suffix)."""
    path = Path(path)
    kind = sniff(path)
    if kind == "encrypted":
        raise ConversionError(f"{path.name}：工作簿已加密（设置了打开密码），请先在 Excel 中取消密码后再转换")
    if kind == "zip":
        sheets = _xlsx_sheets(path)
    elif kind == "ole":
        sheets = _xls_sheets(path)
    elif kind == "html":
        sheets = html_sheets(path)
    else:
        raise ConversionError(f"{path.name}：不是有效的 Excel 文件（文件内容无法识别，可能已损坏或扩展名有误）")
    if not any(s.rows for s in sheets):
        raise ConversionError(f"{path.name}：工作簿是空的（没有任何有内容的工作表）")
    return sheets


def sniff(path: Path) -> str:
    """'zip' (OOXML), 'ole' (legacy binary), 'encrypted' (password-protected OOXML), 'html' (a web page's
    tables saved as .xls, as many sites serve them) or 'unknown'."""
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
            if head[:4] == b"PK\x03\x04":
                return "zip"
            if head[:8] == OLE_MAGIC:
                f.seek(0)
                return "encrypted" if ENCRYPTED_STREAM in f.read() else "ole"
    except OSError as e:
        raise ConversionError(f"{path.name}：无法读取文件（{e.strerror or e}）") from e
    return "html" if looks_like_html(head) else "unknown"


# ---------------------------------------------------------------------------------------------- .xlsx
def _load_xlsx(path: Path, data_only: bool):
    import openpyxl
    try:
        return openpyxl.load_workbook(path, data_only=data_only)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as e:
        raise ConversionError(f"{path.name}：无法打开 Excel 工作簿（文件已损坏或不是 xlsx 格式）") from e
    except Exception as e:   # openpyxl raises its own InvalidFileException and lxml/XML errors
        raise ConversionError(f"{path.name}：无法打开 Excel 工作簿（{type(e).__name__}）") from e


def _xlsx_sheets(path: Path) -> list:
    wb = _load_xlsx(path, data_only=True)
    formulas = _load_xlsx(path, data_only=False) if has_uncached_formulas(path) else None
    try:
        return [_xlsx_sheet(ws, k, formulas.worksheets[k - 1] if formulas else None)
                for k, ws in enumerate(wb.worksheets, start=1)]
    finally:
        wb.close()
        if formulas is not None:
            formulas.close()


# A formula cell without its result: <c r="C5"><f>SUM(C6:C9)</f></c> (or an empty <v>), or a shared formula's
# reference <f t="shared" si="0"/> with nothing after it.
_UNCACHED = re.compile(rb"(?:</f>|<f\b[^>]*/>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>")


def has_uncached_formulas(path: Path) -> bool:
    """Does any worksheet hold a formula whose result was not saved with it?"""
    try:
        with zipfile.ZipFile(path) as z:
            return any(_UNCACHED.search(z.read(n)) for n in z.namelist()
                       if n.startswith("xl/worksheets/") and n.endswith(".xml"))
    except (OSError, zipfile.BadZipFile, KeyError, RuntimeError):
        return False


def _xlsx_sheet(ws, page: int, formulas=None) -> Sheet:
    from openpyxl.utils import column_index_from_string
    if ws.sheet_state != "visible":
        return Sheet(ws.title, page, [])
    hidden_rows = {r for r, d in ws.row_dimensions.items() if d.hidden}
    hidden_cols = {c for key, d in ws.column_dimensions.items() if d.hidden
                   for c in range(d.min or column_index_from_string(key), (d.max or column_index_from_string(key)) + 1)}
    # The stored cells only: iter_rows() would create every cell up to max_row × max_column, and a sheet
    # with one formatted cell far down makes that a million.
    grid = {(r, c): cell_text(cell.value, cell.number_format)
            for (r, c), cell in ws._cells.items() if cell.value is not None}
    doubtful, notices = _computed_formulas(ws, formulas, grid) if formulas is not None else ({}, [])
    merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
    sheet = _sheet(ws.title, page, grid, merges, hidden_rows, hidden_cols, doubtful)
    sheet.notices.extend(notices)
    return sheet


def _computed_formulas(ws, formulas, grid: dict) -> tuple:
    """The formula cells of `ws` saved without their results: simple sums evaluated into `grid` (formulas.py),
    the rest put there as their formula text and returned to be flagged. Returns ({(row, col): message},
    [notice])."""
    from openpyxl.utils import get_column_letter
    from .formulas import evaluate
    pending = {(r, c): cell for (r, c), cell in formulas._cells.items()
               if cell.data_type == "f" and isinstance(cell.value, str) and (r, c) not in grid}
    if not pending:
        return {}, []
    values: dict = {}

    def value_of(r: int, c: int):
        if (r, c) in values:
            return values[(r, c)]
        if (r, c) in pending:
            values[(r, c)] = None                                 # a circular reference stays None
            values[(r, c)] = evaluate(pending[(r, c)].value, value_of)
            return values[(r, c)]
        cell = ws._cells.get((r, c))
        v = None if cell is None else cell.value
        return 0.0 if v is None else float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None
    doubtful = {}
    for (r, c), cell in pending.items():
        v = value_of(r, c)
        if v is None:                       # the formula itself stands in the cell: never an empty amount
            grid[(r, c)] = cell.value
            doubtful[(r, c)] = f"公式没有保存计算结果，且无法自动计算（{cell.value}）：请在 Excel 中打开并保存后重新转换"
        else:
            grid[(r, c)] = format_number(v, cell.number_format)
    where = "、".join(f"{get_column_letter(c)}{r}" for r, c in sorted(doubtful)[:5]) + ("…" if len(doubtful) > 5 else "")
    notice = (f"工作表“{ws.title}”有 {len(pending)} 个公式单元格没有保存计算结果：已按公式算出 "
              f"{len(pending) - len(doubtful)} 个" + (f"，{len(doubtful)} 个无法计算（{where}），已标出"
                                                      if doubtful else ""))
    return doubtful, [notice]


# ---------------------------------------------------------------------------------------------- .xls
def _xls_sheets(path: Path) -> list:
    import xlrd
    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except xlrd.biffh.XLRDError as e:
        if "encrypt" in str(e).lower():
            raise ConversionError(f"{path.name}：工作簿已加密（设置了打开密码），请先在 Excel 中取消密码后再转换") from e
        raise ConversionError(f"{path.name}：无法打开 Excel 工作簿（不是有效的 xls 文件：{e}）") from e
    except Exception as e:  # corrupt OLE streams raise assorted errors inside xlrd
        raise ConversionError(f"{path.name}：无法打开 Excel 工作簿（文件已损坏：{type(e).__name__}）") from e
    try:
        return [_xls_sheet(book, book.sheet_by_index(k), k + 1) for k in range(book.nsheets)]
    finally:
        book.release_resources()


def _xls_sheet(book, sh, page: int) -> Sheet:
    import xlrd
    if sh.visibility:
        return Sheet(sh.name, page, [])
    grid = {}
    for r in range(sh.nrows):
        for c in range(sh.ncols):
            cell = sh.cell(r, c)
            if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                continue
            fmt = book.format_map.get(book.xf_list[cell.xf_index].format_key) if cell.xf_index is not None else None
            value = cell.value
            if cell.ctype == xlrd.XL_CELL_DATE:
                value = xlrd.xldate.xldate_as_datetime(value, book.datemode)
            elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                value = bool(value)
            grid[(r + 1, c + 1)] = cell_text(value, fmt.format_str if fmt else "General")
    merges = [(r0 + 1, c0 + 1, r1, c1) for r0, r1, c0, c1 in sh.merged_cells]
    hidden_rows = {r + 1 for r, info in sh.rowinfo_map.items() if info.hidden}
    hidden_cols = {c + 1 for c, info in sh.colinfo_map.items() if info.hidden}
    return _sheet(sh.name, page, grid, merges, hidden_rows, hidden_cols)


# ---------------------------------------------------------------------------------------------- common
def _sheet(name, page, grid, merges, hidden_rows, hidden_cols, doubtful: dict = None) -> Sheet:
    """A Sheet from 1-based cell texts: hidden rows/columns and trailing blank ones dropped, merges and
    `doubtful` cells ({(row, col): message}) re-indexed to the kept rows and columns (0-based, inclusive)."""
    used = [k for k, v in grid.items() if v.strip()]
    last_row = max((r for r, _ in used), default=0)
    last_col = max((c for _, c in used), default=0)
    rows_kept = [r for r in range(1, last_row + 1) if r not in hidden_rows]
    cols_kept = [c for c in range(1, last_col + 1) if c not in hidden_cols]
    rix = {r: i for i, r in enumerate(rows_kept)}
    cix = {c: j for j, c in enumerate(cols_kept)}
    rows = [[grid.get((r, c), "") for c in cols_kept] for r in rows_kept]
    out = []
    for r0, c0, r1, c1 in merges:
        rr = [rix[r] for r in range(r0, min(r1, last_row) + 1) if r in rix]    # whole-column merges are clipped
        cc = [cix[c] for c in range(c0, min(c1, last_col) + 1) if c in cix]
        if rr and cc and (len(rr) > 1 or len(cc) > 1) and r0 in rix and c0 in cix:
            out.append((rr[0], cc[0], rr[-1], cc[-1]))
    marked = [(rix[r], cix[c], m) for (r, c), m in sorted((doubtful or {}).items()) if r in rix and c in cix]
    return Sheet(name, page, rows, out, doubtful=marked)


_SECTION = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def cell_text(value, number_format: str = "General") -> str:
    """A cell as Excel prints it: numbers in their number format (decimals, thousands separators, percent,
    zero padding), dates as dates, text with line breaks joined as in the engine's wrapped cells."""
    if isinstance(value, str):
        return join_wrapped(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return format_number(value, number_format or "General")
    return str(value)


def format_number(v: float, number_format: str) -> str:
    """A number in an Excel number format's first section (a negative one gets a minus sign, which the
    engine reads like the parentheses some formats print)."""
    v = float(v)
    fmt = _SECTION.sub("", number_format.split(";")[0])
    if fmt.strip().lower() in ("general", "@", "") or not re.search(r"[0#?]", fmt):
        return _general(v)
    if "%" in fmt:
        v *= 100
    decimals = len(re.search(r"\.([0#?]*)", fmt).group(1)) if "." in fmt else 0
    integer = fmt.split(".")[0]
    text = f"{abs(v):,.{decimals}f}" if "," in integer else f"{abs(v):.{decimals}f}"
    whole, _, frac = text.partition(".")
    text = whole.zfill(integer.count("0")) + ("." + frac if frac else "")
    negative = v < 0 and float(text.replace(",", "")) != 0
    return ("-" if negative else "") + text + ("%" if "%" in fmt else "")


def _general(v: float) -> str:
    """Excel's General format, for the values budget tables hold: integers without ".0", up to 10
    significant digits otherwise (binary noise such as 1208.3000000000002 dropped)."""
    if v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    text = f"{v:.10g}"
    if "e" in text:
        text = f"{v:.10f}".rstrip("0").rstrip(".")
    return text


class XlsxSource(SheetSource):
    """An Excel workbook (.xlsx or .xls): its worksheets; its page count is the number of worksheets."""
    label = "Excel"
    read_sheets = staticmethod(read_sheets)

    def __init__(self, path, settings=None):
        super().__init__(path, settings)
        self.sheet_count = len(self.sheets)
        self.sheets = [s for s in self.sheets if s.rows]

    @property
    def page_count(self) -> int:
        return self.sheet_count
