"""Ground types passed between the engine's layers, the CLI and the GUI, and the conventions every layer shares.

Nothing here knows about PDFs, Qt or Excel: every stage reads and returns these objects.
- page content (a PDF page, a scanned image): Char, Rule, PageContent, and the text Lines grouped from chars;
- office content (a worksheet, a DOCX body): Sheet;
- a table as found (RawTable) and as standardized (Table, Issue, CellSource), a converted Document;
- how a printed cell text becomes a value (parse_number, clean_text, clean_code);
- the severity vocabulary of issues (labels, rank, colours) used by the workbooks and the GUI;
- the errors users are shown.
"""
from __future__ import annotations

import errno
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import NamedTuple, Optional, Union

Value = Union[str, int, float, None]

# ---------------------------------------------------------------------------------------------- severities
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
SHEET_FIRST_DATA_ROW = 4      # the workbooks' first data row (title, meta, header above): rows are named by it
# What each issue code means, for people (the workbook's 校验 sheet shows both)
ISSUE_NAMES = {"sum_mismatch": "合计与明细之和不符", "row_total_mismatch": "行合计不符", "balance_mismatch": "收支总计不平衡",
               "cross_table_mismatch": "表间数据不一致", "rounding": "尾差", "invalid_code": "科目编码有误",
               "invalid_number": "数值无法识别", "price_mismatch": "单价与数量不符", "missing_value": "缺少数值",
               "empty_table": "空表", "unmapped_column": "未对应的列", "column_left_out": "不导出的列",
               "near_header": "表头近似对应", "low_confidence": "识别把握不大", "doubtful_enumeration": "序号存疑",
               "duplicate_form": "表式重复", "form_unmatched": "表头与表式不符", "classified_by_content": "按内容判断表式",
               "column_mismatch": "列数不一致", "continued_table": "跨页表格",
               "formula_not_calculated": "公式无计算结果"}


def issue_name(code: str) -> str:
    """'合计与明细之和不符（sum_mismatch）'; an unknown code as it is."""
    name = ISSUE_NAMES.get(code)
    return f"{name}（{code}）" if name else code
SEVERITY_CELL_COLORS = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}     # a flagged cell
SEVERITY_ROW_COLORS = {"error": "FDEDEF", "warning": "FFF7DD", "info": "F1F6FC"}      # a flagged row


def most_severe(issues) -> str:
    return min((i.severity for i in issues), key=lambda s: SEVERITY_RANK.get(s, 3))


# ---------------------------------------------------------------------------------------------- page content
class Char(NamedTuple):
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


class Rule(NamedTuple):
    """A ruling segment: horizontal (y, start, end along x) or vertical (x, start, end along y)."""
    pos: float
    start: float
    end: float


@dataclass
class PageContent:
    number: int          # 1-based
    width: float
    height: float
    chars: list          # Char
    h_rules: list        # Rule (pos = y)
    v_rules: list        # Rule (pos = x)
    images: int          # count of embedded images (a page of images and no text is a scan)
    image_cover: float = 0.0     # share of the page area covered by images
    image_density: float = 0.0   # pixels per point of the page's largest image (0: none)
    uncertain: list = field(default_factory=list)   # OCR characters read with low confidence:
                                                    # (x0, top, x1, bottom, score, text)
    ocr: bool = False                               # read from the page's image
    unread: str = ""                                # what of the page could not be read, and why (a notice)
    _derived: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def derived(self, name: str, of_chars):
        """`of_chars(self.chars)`, computed once while the page keeps its characters (the lines, which way the
        text runs: the OCR decision, the turning and the table finder all ask)."""
        hit = self._derived.get(name)
        if hit is None or hit[0] is not self.chars:
            hit = self._derived[name] = (self.chars, of_chars(self.chars))
        return hit[1]

    def lines(self) -> list:
        """The characters grouped into lines (`group_lines`)."""
        return self.derived("lines", group_lines)

    def __getstate__(self):             # a page sent between processes leaves what it derived behind
        return {**self.__dict__, "_derived": {}}



@dataclass
class Line:
    """A physical text line: characters sharing a vertical position, left to right."""
    chars: list
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    text: str          # chars joined, a single space where the gap is wide

    @property
    def center(self) -> float:
        return (self.top + self.bottom) / 2

    def chunks(self, gap_factor: float = 0.9, split_scripts: bool = False) -> list:
        """Runs of characters separated by gaps wider than gap_factor × font size, or (split_scripts) by any
        visible gap where digits meet Chinese text (a right-aligned amount next to the next column's label):
        [(x0, x1, text)]."""
        out, cur = [], [self.chars[0]]
        for c in self.chars[1:]:
            gap = c.x0 - cur[-1].x1
            if gap > gap_factor * self.size or (split_scripts and gap > 0.12 * self.size
                                                 and is_cjk(c.text) != is_cjk(cur[-1].text)):
                out.append(cur)
                cur = [c]
            else:
                cur.append(c)
        out.append(cur)
        return [(g[0].x0, g[-1].x1, "".join(c.text for c in g)) for g in out]


def is_cjk(ch: str) -> bool:
    return ch >= "\u2e80"


def make_line(chars: list) -> Line:
    chars = sorted(chars, key=lambda c: c.x0)
    size = median(c.size for c in chars)
    parts = [chars[0].text]
    for a, b in zip(chars, chars[1:]):
        parts.append((" " if b.x0 - a.x1 > 0.5 * size else "") + b.text)
    return Line(chars, chars[0].x0, max(c.x1 for c in chars), min(c.top for c in chars),
                max(c.bottom for c in chars), size, "".join(parts))


def group_lines(chars: list) -> list:
    """Cluster characters into lines by vertical centre (tolerance: ~40 % of the font size)."""
    lines, cur, cur_c = [], [], None
    for ch in sorted(chars, key=lambda c: ((c.top + c.bottom) / 2, c.x0)):
        c = (ch.top + ch.bottom) / 2
        if cur and abs(c - cur_c) > 0.4 * max(ch.size, 1):
            lines.append(make_line(cur))
            cur = []
        if not cur:
            cur_c = c
        cur.append(ch)
    if cur:
        lines.append(make_line(cur))
    return sorted(lines, key=lambda ln: (ln.top, ln.x0))



# ---------------------------------------------------------------------------------------------- office content
@dataclass
class Sheet:
    """One worksheet or a DOCX body: every row has the same number of cells."""
    name: str
    page: int                                        # 1-based position in the workbook (DOCX: 1)
    rows: list                                       # list[list[str]] cell texts as printed
    merges: list = field(default_factory=list)       # (r0, c0, r1, c1) inclusive, 0-based
    row_pages: Optional[list] = None                 # printed page of each row (DOCX); None: all on `page`
    row_blocks: Optional[list] = None                # per row: source table id, None for a paragraph (DOCX)
    notices: list = field(default_factory=list)      # what reading it noticed (Chinese)
    doubtful: list = field(default_factory=list)     # (row, col, message): cells whose value could not be read

    @property
    def width(self) -> int:
        return len(self.rows[0]) if self.rows else 0

    def page_of(self, r: int) -> int:
        return self.row_pages[r] if self.row_pages else self.page

    def block_of(self, r: int):
        """The source table a row belongs to: DOCX tables are explicit, a worksheet is one grid."""
        return self.row_blocks[r] if self.row_blocks else 0



def merge_map(sheet: Sheet) -> dict:
    """(row, col) → its merged range, for every cell inside one."""
    out = {}
    for m in sheet.merges:
        r0, c0, r1, c1 = m
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                out[(r, c)] = m
    return out


# ---------------------------------------------------------------------------------------------- cell values
_NUM = re.compile(r"^[-+]?\d+(?:\.\d+)?$")
_DASHES = {"-", "—", "－", "–", "——", "/", "＼", "\\"}


def parse_number(text: str):
    """'1,303.34' → 1303.34, '(12.00)' → -12.0, '' / '-' → None; anything else: the text unchanged."""
    s = unicodedata.normalize("NFKC", text or "").replace(",", "").replace(" ", "").replace("−", "-")
    if not s or s in _DASHES:
        return None
    neg = s.startswith("(") and s.endswith(")")
    s = s.strip("()")
    if not _NUM.match(s):
        return text
    v = float(s)
    v = -v if neg else v
    return int(v) if v.is_integer() and "." not in s else v


_CJK_SPACE = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")


def clean_text(text: str) -> Optional[str]:
    """Whitespace only from line wrapping (or full-width indentation) is not content."""
    t = _CJK_SPACE.sub("", (text or "").replace("\u3000", " ")).strip()
    return t or None


def clean_code(text: str):
    t = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))
    return t or None


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A text a spreadsheet would run as a formula (=…, +…, -… that is no number, @…, a leading tab or carriage
    return) with a leading apostrophe, as OWASP recommends for CSV; other values unchanged. For CSV files and the
    clipboard (workbooks store such text as text cells instead)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and \
            not (value[0] in "+-" and _NUM.match(value.replace(",", ""))):
        return "'" + value
    return value


def unescape_spreadsheet_safe(text: str) -> str:
    """The text `spreadsheet_safe` neutralised, as it was (pasting what was copied gives the same cell)."""
    return text[1:] if text.startswith("'") and spreadsheet_safe(text[1:]) == text else text



# ---------------------------------------------------------------------------------------------- tables
@dataclass
class RawTable:
    """One report table as found: its grids (one per page) before standardization."""
    form_id: Optional[str]
    title: str
    header: list                      # per source column: header fragments
    header_rows: list
    rows: list                        # list[list[str]]
    sources: list                     # list[list[(page, bbox)]]
    pages: list
    unit_name: Optional[str] = None
    year: Optional[int] = None
    money_unit: Optional[str] = None
    empty_marker: bool = False
    issues: list = field(default_factory=list)
    regions: list = field(default_factory=list)



@dataclass
class Issue:
    """One check result. `row`/`col` index into Table.rows / Table.columns (None: whole table or document)."""
    code: str
    severity: str
    message: str
    row: Optional[int] = None
    col: Optional[int] = None

    def to_json(self) -> dict:
        return {"row": self.row, "col": self.col, "code": self.code, "severity": self.severity,
                "message": self.message}


@dataclass
class CellSource:
    """Where a cell's value was read: 1-based page and its box in PDF points (x0, top, x1, bottom)."""
    page: int
    bbox: tuple


@dataclass
class Table:
    """One report table of a document, standardized to its target form (or `unknown` with its raw grid)."""
    form: str
    title: str
    unit_name: Optional[str] = None
    year: Optional[int] = None
    money_unit: Optional[str] = None
    pages: list = field(default_factory=list)
    empty: bool = False
    columns: list = field(default_factory=list)          # canonical names, catalogue order
    rows: list = field(default_factory=list)             # list[list[Value]], aligned with columns
    issues: list = field(default_factory=list)           # list[Issue]
    # Traceability: sources[i][j] is the CellSource of rows[i][j] (None where the cell was empty).
    sources: list = field(default_factory=list)
    # The extracted grid before standardization (header rows first), for review and for `unknown` tables.
    raw_header: list = field(default_factory=list)       # list[list[str]]
    raw_rows: list = field(default_factory=list)         # list[list[str]]
    # Source header text of each raw column and the canonical name it maps to (None: unmapped / layout).
    source_columns: list = field(default_factory=list)   # list[(header_text, canonical|None)]
    regions: list = field(default_factory=list)          # list[(page, bbox)] the table occupies
    workbook: Optional[str] = None                       # set by the exporter, relative to tables.json
    # columns[extra_from:] are source columns that map to no canonical column, kept under their own header
    extra_from: Optional[int] = None
    # The table as found (normalize.RawTable): re-standardize it with another form or column mapping.
    raw: object = None
    overrides: dict = field(default_factory=dict)        # source column index → canonical name set by the user

    def to_json(self) -> dict:
        k = len(self.columns) if self.extra_from is None else self.extra_from
        out = {"form": self.form, "title": self.title, "unit_name": self.unit_name, "year": self.year,
               "money_unit": self.money_unit, "pages": list(self.pages), "empty": self.empty,
               "columns": list(self.columns[:k]), "rows": [list(r[:k]) for r in self.rows],
               "issues": [i.to_json() for i in self.issues], "workbook": self.workbook}
        if k < len(self.columns):
            out["extra_columns"] = {"columns": list(self.columns[k:]), "rows": [list(r[k:]) for r in self.rows]}
        return out


@dataclass
class Document:
    """The result of converting one source file."""
    source: str                    # path of the source file
    pages: int = 0
    tables: list = field(default_factory=list)           # list[Table]
    notices: list = field(default_factory=list)          # list[str]: Chinese, user-facing (skipped pages …)
    issues: list = field(default_factory=list)           # document-level issues (cross-table checks)
    missing: list = field(default_factory=list)          # [{"title", "page"}]: tables its 目录 lists, not found
    unread: list = field(default_factory=list)           # pages that could not be read (or only in part)

    def to_json(self, source_name: Optional[str] = None) -> dict:
        return {"source": source_name or self.source, "pages": self.pages,
                "tables": [t.to_json() for t in self.tables], "notices": list(self.notices),
                "missing_tables": [dict(m) for m in self.missing], "unread_pages": list(self.unread)}


class ReportedError(Exception):
    """An error whose message is Chinese, names the file and says what is wrong: shown to users as it is."""


class ConversionError(ReportedError):
    """A document that cannot be converted."""


def failure_message(name: str, exc: BaseException) -> str:
    """Chinese, user-facing reason why converting (and exporting) the document `name` failed."""
    if isinstance(exc, ReportedError):
        return str(exc)
    if isinstance(exc, MemoryError):
        return f"{name}：内存不足，无法转换"
    if isinstance(exc, OSError):
        return f"{name}：{os_error_text(exc)}"
    return f"{name}：转换失败（内部错误：{type(exc).__name__}: {exc}）"


_OS_ERRORS = {errno.ENOSPC: "磁盘空间不足", errno.EDQUOT: "磁盘配额已用完", errno.EACCES: "没有权限",
              errno.EPERM: "没有权限", errno.EROFS: "只读的文件系统，不能写入", errno.ENOENT: "路径不存在",
              errno.ENOTDIR: "路径中有一部分不是文件夹", errno.EISDIR: "是文件夹，不是文件",
              errno.ENAMETOOLONG: "文件名太长", errno.EIO: "读写设备出错"}


def os_error_text(exc: OSError) -> str:
    """An OS error in Chinese with the path it concerns (the folder, for a temporary file of an atomic write)."""
    path = exc.filename
    if path is not None and Path(str(path)).name.startswith(".~"):
        path = Path(str(path)).parent
    what = _OS_ERRORS.get(exc.errno, exc.strerror or type(exc).__name__)
    return f"{what}（{printable(str(path))}）" if path is not None else what


def printable(text: str) -> str:
    """`text` on one line: control characters (a newline in a file name) shown as escapes."""
    return re.sub(r"[\x00-\x1f\x7f]", lambda m: repr(m.group())[1:-1], text)
