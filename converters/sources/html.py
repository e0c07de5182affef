"""HTML tables saved under a spreadsheet's name: what many government sites serve as ".xls" (Excel opens them).

Each <table> becomes a Sheet ("表格1", "表格2" … in document order) with its row and column spans as merges,
so tables/office.py finds the report tables in them as in a worksheet. The text encoding is the one the page
declares, else UTF-8, else GB18030 (which covers GBK and GB2312).
"""
from __future__ import annotations

import re
from pathlib import Path

from ..model import ConversionError, Sheet
from .base import join_wrapped

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_MAX_SPAN = 1000            # a rowspan/colspan beyond this is a typo, not a table


def looks_like_html(head: bytes) -> bool:
    """Is this the start of an HTML document (or fragment) holding a table?"""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<!doctype html", b"<html", b"<table", b"<meta", b"<head", b"<body", b"<?xml")) and (
        b"<table" in head.lower() or b"<html" in text[:200])


def decode(data: bytes) -> str:
    m = _CHARSET.search(data[:4096])
    for encoding in ([m.group(1).decode("ascii")] if m else []) + ["utf-8-sig", "gb18030"]:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", errors="replace")


def html_sheets(path: Path) -> list:
    """Every table of an HTML file as a Sheet."""
    import lxml.html
    try:
        root = lxml.html.document_fromstring(decode(Path(path).read_bytes()))
    except OSError as e:
        raise ConversionError(f"{path.name}：无法读取文件（{e.strerror or e}）") from e
    except Exception as e:  # lxml's parser errors: an empty or broken page
        raise ConversionError(f"{path.name}：网页格式的表格文件无法解析（{type(e).__name__}）") from e
    tables = [t for t in root.iter("table") if not any(a.tag == "table" for a in t.iterancestors())]
    return [table_sheet(t, k) for k, t in enumerate(tables, start=1)]


def table_sheet(table, page: int) -> Sheet:
    """A <table> as a Sheet: its cells placed on a grid around the spans above them, nested tables as text."""
    placed: dict = {}
    merges = []
    rows = [tr for tr in table.iter("tr") if _owner(tr) is table]
    for r, tr in enumerate(rows):
        c = 0
        for cell in (x for x in tr if x.tag in ("td", "th")):
            while (r, c) in placed:
                c += 1
            rs, cs = _span(cell, "rowspan"), _span(cell, "colspan")
            text = join_wrapped(_text(cell))
            for dr in range(rs):
                for dc in range(cs):
                    placed[(r + dr, c + dc)] = text if (dr, dc) == (0, 0) else ""
            if rs > 1 or cs > 1:
                merges.append((r, c, r + rs - 1, c + cs - 1))
            c += cs
    height = max((r for r, _ in placed), default=-1) + 1
    width = max((c for _, c in placed), default=-1) + 1
    grid = [[placed.get((r, c), "") for c in range(width)] for r in range(height)]
    return Sheet(f"表格{page}", page, grid, merges)


def _owner(tr):
    return next(a for a in tr.iterancestors() if a.tag == "table")


def _span(cell, name: str) -> int:
    try:
        return max(1, min(_MAX_SPAN, int(cell.get(name, "1"))))
    except ValueError:
        return 1


def _text(cell) -> str:
    """A cell's text with <br> and block ends as line breaks (joined as wrapping by the caller)."""
    for br in cell.iter("br"):
        br.tail = "\n" + (br.tail or "")
    return cell.text_content()
