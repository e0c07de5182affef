"""What a source reader is: a file in, pages or sheets out, nothing more (finding tables is the next layer's).

Two kinds, one interface each (sources/__init__.READERS maps a file suffix to its reader class):
- `PageSource`: a document of printed pages (PDF; an image format would be another): each page as PageContent
  (characters with their boxes, ruling), and each page drawn as an image (`render`) for OCR and the GUI's preview.
- `SheetSource`: a document of cell grids (XLSX, XLS, DOCX): its Sheets.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from ..settings import ConversionSettings


class PageSource:
    """An open document of pages. Use as a context manager; `pages(stage)` yields PageContent in page order and
    calls `stage(page number, "render" | "recognize")` as a page's OCR goes through its slow steps."""
    kind = "pages"
    label = ""                      # the file type, as users call it (messages)

    def __init__(self, path, settings: ConversionSettings):
        self.path = Path(path)
        self.settings = settings

    @property
    def page_count(self) -> int:
        raise NotImplementedError

    def pages(self, stage=None) -> Iterator:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @staticmethod
    def render(path, number: int, scale: float, grayscale: bool = False):
        """Page `number` (1-based) as displayed, `scale` pixels per point: a numpy array (grey, or RGB)."""
        raise NotImplementedError


class SheetSource:
    """A document of cell grids, read whole: `sheets` (non-empty Sheets) and `page_count` (printed pages or
    worksheets)."""
    kind = "sheets"
    label = ""

    def __init__(self, path, settings: ConversionSettings = None):
        self.path = Path(path)
        self.sheets = self.read_sheets(self.path)

    @property
    def page_count(self) -> int:
        return len(self.sheets)

    @staticmethod
    def read_sheets(path: Path) -> list:
        raise NotImplementedError


def join_wrapped(text: str) -> str:
    """Line breaks inside a cell are wrapping: lines joined, with a space only between Latin words."""
    out = ""
    for part in (p.strip() for p in re.split(r"\r\n|\r|\n", text)):
        if part:
            latin = out and re.match(r"[A-Za-z]", part) and re.search(r"[A-Za-z.,;:]$", out)
            out += (" " if latin else "") + part
    return out
