"""What a synthetic disclosure is made of (a part of tests/pdfgen.py, which re-exports it; import that).

The document items (TableSpec, Narrative, Cover, PageBreak, in a DocSpec), the Expected standardized table of a
TableSpec, and the merged cells of a header grid.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Union

DEFAULT_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
SPAN_UP = "^"          # header cell merged with the cell above


# ============================================================================================ specs
@dataclass
class Expected:
    """The standardized table the engine should export for one TableSpec (truth-file format)."""
    form: str
    title: str
    columns: list
    rows: list
    unit_name: Optional[str] = None
    year: Optional[int] = None
    money_unit: Optional[str] = "万元"
    empty: bool = False
    pages: list = field(default_factory=list)      # filled by build_pdf (1-based)

    def to_truth(self) -> dict:
        return {"form": self.form, "title": self.title, "unit_name": self.unit_name, "year": self.year,
                "money_unit": self.money_unit, "pages": list(self.pages), "empty": self.empty,
                "columns": list(self.columns), "rows": [list(r) for r in self.rows]}


@dataclass
class TableSpec:
    title: str                              # printed title
    header: list                            # header grid; None = colspan with left cell, "^" = rowspan
    rows: list                              # body rows as printed strings (None / "" = blank)
    col_widths: Optional[list] = None       # relative weights, scaled to table_width (None: from content)
    meta_left: Optional[str] = "单位名称：测试县财政局"
    meta_right: Optional[str] = "单位：万元"
    meta_center: Optional[str] = None       # Hebei "预算年度：2024"
    label: Optional[str] = None             # e.g. "预算公开表2", printed above the title
    label_align: str = "left"               # "left" | "right"
    note: Optional[str] = None              # line(s) under the table: "注：本表无数据", "备注：……"
    ruling: str = "grid"                    # "grid" | "hlines" | "hlines_all" | "none"
    repeat_header: bool = True              # repeat the header on continuation pages
    landscape: bool = False
    font_size: float = 9
    align_numbers: str = "right"            # "right" | "center" | "left"
    col_align: Optional[list] = None        # per column "l" | "c" | "r" | "n" (numbers per align_numbers)
    split_rows: bool = False                # split a tall wrapped row across the page break
    table_width: Optional[float] = None     # points; None = full content width
    title_size: Optional[float] = None      # default font_size + 7
    title_bold: bool = True
    min_row_height: Optional[float] = None  # default 2 * font_size
    line_width: Optional[float] = None      # default 0.6 (grid) / 0.8 (hlines)
    expected: Optional[Expected] = None     # what the engine should export (set by the builders)


@dataclass
class Narrative:
    """Paragraphs of running text. A paragraph starting with "# " is a centred heading, "## " a left heading."""
    paragraphs: list
    heading: Optional[str] = None
    new_page: Optional[bool] = None         # None: new page unless DocSpec.several_per_page
    font_size: float = 10.5
    landscape: bool = False


@dataclass
class Cover:
    """A cover page (no footer, no running header)."""
    title: str
    subtitle: Optional[str] = None
    date: Optional[str] = None


@dataclass
class PageBreak:
    pass


@dataclass
class DocSpec:
    tables: list                            # TableSpec | Narrative | Cover | PageBreak, in order
    footer: Optional[str] = "-{n}-"         # "-{n}-", "第{n}页", "第 {n} 页", "{n}" or None
    running_header: Optional[str] = None    # e.g. "XX单位2023年单位预算公开报告"
    several_per_page: bool = False          # start a table on the current page if room is left
    font_path: str = DEFAULT_FONT
    subfont_index: int = 0
    footer_offset: int = 0                  # printed number = physical page number + footer_offset
    running_header_align: str = "center"    # "center" | "right" | "left"
    running_header_rule: bool = False       # a thin rule under the running header (Word style)
    margins: tuple = (50.0, 50.0, 50.0, 56.0)   # left, right, top, bottom (points)


DocItem = Union[TableSpec, Narrative, Cover, PageBreak]


# ============================================================================================ header grid
@dataclass
class HeaderCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    text: str


def header_cells(header: list) -> list:
    """Merged cells of a header grid (None = continues left, "^" = continues up)."""
    if not header:
        return []
    nrows = len(header)
    ncols = len(header[0])
    if any(len(r) != ncols for r in header):
        raise ValueError("header rows must all have the same number of columns")
    covered = [[False] * ncols for _ in range(nrows)]
    cells = []
    for r in range(nrows):
        for c in range(ncols):
            if covered[r][c]:
                continue
            v = header[r][c]
            if v is None or v == SPAN_UP:          # orphan continuation: an empty cell of its own
                covered[r][c] = True
                cells.append(HeaderCell(r, c, 1, 1, ""))
                continue
            cs = 1
            while c + cs < ncols and header[r][c + cs] is None and not covered[r][c + cs]:
                cs += 1
            rs = 1
            while r + rs < nrows and header[r + rs][c] == SPAN_UP:
                rs += 1
            for rr in range(r, r + rs):
                for cc in range(c, c + cs):
                    covered[rr][cc] = True
            cells.append(HeaderCell(r, c, rs, cs, str(v)))
    return cells


def leaf_labels(header: list) -> list:
    """The lowest header text over each column (the label a reader would call the column)."""
    if not header:
        return []
    ncols = len(header[0])
    labels = [""] * ncols
    for cell in sorted(header_cells(header), key=lambda h: h.row):
        for c in range(cell.col, cell.col + cell.colspan):
            if cell.text:
                labels[c] = cell.text
    return labels
