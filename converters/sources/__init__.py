"""Source readers: a file → pages (PageSource) or sheets (SheetSource), nothing more.

READERS maps a file suffix to its reader class; adding an input format is one module here and one entry below
(docs/architecture.md).
"""
from __future__ import annotations

from pathlib import Path

from ..model import ConversionError
from .base import PageSource, SheetSource
from .docx import DocxSource
from .pdf import PdfSource
from .xlsx import XlsxSource

READERS = {".pdf": PdfSource, ".docx": DocxSource, ".xlsx": XlsxSource, ".xls": XlsxSource}
SUPPORTED_SUFFIXES = frozenset(READERS)


def reader_for(path) -> type:
    """The reader class of a file, by its suffix; ConversionError (Chinese, naming the file) for other files."""
    path = Path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise ConversionError(f"{path.name}：暂不支持此文件类型（{path.suffix or '无扩展名'}），目前支持 PDF、DOCX、XLSX、XLS")
    return reader


__all__ = ["READERS", "SUPPORTED_SUFFIXES", "PageSource", "SheetSource", "reader_for"]
