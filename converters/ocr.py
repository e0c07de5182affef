"""Scanned pages and garbled text layers: recognition by OCR (issue 5, in progress).

`recognize_if_needed` is called for every PDF page; until OCR lands it returns the page unchanged, and the
pipeline reports image-only pages as "扫描件，需OCR识别".
"""
from __future__ import annotations

from pathlib import Path

from .pdf_reader import PageContent


def recognize_if_needed(path: Path, page: PageContent) -> PageContent:
    return page
