"""Plain data passed between the engine's stages, the CLI and the GUI.

Nothing here knows about PDFs, Qt or Excel: every stage reads and returns these objects.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Union

Value = Union[str, int, float, None]

SEVERITIES = ("error", "warning", "info")


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
    # The table as found (normalize.RawTable): re-standardize it with another form or column mapping.
    raw: object = None
    overrides: dict = field(default_factory=dict)        # source column index → canonical name set by the user

    def to_json(self) -> dict:
        return {"form": self.form, "title": self.title, "unit_name": self.unit_name, "year": self.year,
                "money_unit": self.money_unit, "pages": list(self.pages), "empty": self.empty,
                "columns": list(self.columns), "rows": [list(r) for r in self.rows],
                "issues": [i.to_json() for i in self.issues], "workbook": self.workbook}


@dataclass
class Document:
    """The result of converting one source file."""
    source: str                    # path of the source file
    pages: int = 0
    tables: list = field(default_factory=list)           # list[Table]
    notices: list = field(default_factory=list)          # list[str]: Chinese, user-facing (skipped pages …)
    issues: list = field(default_factory=list)           # document-level issues (cross-table checks)

    def to_json(self, source_name: Optional[str] = None) -> dict:
        return {"source": source_name or self.source, "pages": self.pages,
                "tables": [t.to_json() for t in self.tables], "notices": list(self.notices)}


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
        return f"{name}：文件读写失败（{exc.strerror or exc}）"
    return f"{name}：转换失败（内部错误：{type(exc).__name__}: {exc}）"
