"""Word documents (.docx, python-docx) → the engine's RawTables.

The body is read in order as one `Sheet`: each paragraph is a row of one cell spanning the sheet, each table
row is a row of its grid cells (gridSpan and vMerge become merged ranges), so a table's title and meta lines
are the paragraphs printed above it and its notes the paragraphs below, as on paper. Every row carries the
page it is printed on: Word's own page breaks when the file was saved by a paginating application
(w:lastRenderedPageBreak), else the explicit ones (page breaks, "page break before", section breaks).
"""
from __future__ import annotations

import zipfile
from pathlib import Path

from ..model import ConversionError, Sheet
from .base import SheetSource, join_wrapped
from .xlsx import sniff

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_WRAPPERS = {W + "sdt", W + "sdtContent", W + "customXml", W + "smartTag"}
# Not printed text: the fallback copy of a text box, moved-away and deleted revisions, field codes.
_SKIP = {MC + "Fallback", W + "moveFrom", W + "del", W + "instrText", W + "pPr", W + "rPr"}


def read_sheets(path) -> list:
    """The document body as one Sheet (a list, like a workbook's sheets)."""
    path = Path(path)
    kind = sniff(path)
    if kind == "encrypted":
        raise ConversionError(f"{path.name}：Word 文档已加密（设置了打开密码），请先取消密码后再转换")
    if kind == "ole":
        raise ConversionError(f"{path.name}：是旧版 Word（.doc）格式，请在 Word 或 WPS 中另存为 .docx 后再转换")
    if kind != "zip":
        raise ConversionError(f"{path.name}：不是有效的 Word 文档（文件内容无法识别，可能已损坏或扩展名有误）")
    import docx
    try:
        body = docx.Document(str(path)).element.body
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise ConversionError(f"{path.name}：无法打开 Word 文档（文件已损坏或不是 docx 格式）") from e
    except Exception as e:  # python-docx raises PackageNotFoundError and XML errors of its own
        raise ConversionError(f"{path.name}：无法打开 Word 文档（{type(e).__name__}）") from e
    return [_body_sheet(body, path.stem)]


# ---------------------------------------------------------------------------------------------- body → rows
def _children(el, tags: tuple):
    """Children with one of `tags`, in order, looking through content controls and custom XML."""
    for child in el:
        if child.tag in tags:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _children(child, tags)


def _body_sheet(body, name: str) -> Sheet:
    blocks = list(_children(body, (W + "p", W + "tbl")))
    pager = _Pager(body)
    units = []                                  # (kind, table id, payload, page)
    for k, el in enumerate(blocks):
        if el.tag == W + "p":
            units.append(("p", None, paragraph_text(el), pager.place(el, first=not units)))
            pager.after_paragraph(el)
        else:
            for cells, spans, tr in _table_rows(el):
                units.append(("tr", k, (cells, spans), pager.place(tr, first=not units)))
    width = max([c + s for u in units if u[0] == "tr" for c, s, _ in u[2][1]] + [1])
    rows, merges, pages, block_ids = [], [], [], []
    open_v = {}                                 # (table, grid column) → index into merges of a vertical merge
    for kind, tid, payload, page in units:
        r = len(rows)
        row = [""] * width
        if kind == "p":
            row[0] = payload
            if width > 1:
                merges.append((r, 0, r, width - 1))
            open_v = {}
        else:
            cells, spans = payload
            for text, (c, span, vmerge) in zip(cells, spans):
                if vmerge == "continue" and (tid, c) in open_v:
                    m = open_v[(tid, c)]
                    r0, c0, _, c1 = merges[m]
                    merges[m] = (r0, c0, r, c1)
                    continue
                row[c] = text
                open_v.pop((tid, c), None)
                if span > 1 or vmerge:          # a "continue" with nothing above starts a merge, as in Word
                    merges.append((r, c, r, c + span - 1))
                    if vmerge:
                        open_v[(tid, c)] = len(merges) - 1
        rows.append(row)
        pages.append(page)
        block_ids.append(tid)
    return Sheet(name, 1, rows, merges, pages, block_ids)


def _table_rows(tbl):
    """Per table row: (cell texts, [(grid column, span, vmerge)], row element). vmerge: 'restart',
    'continue' or None. Rows' leading skipped grid columns (w:gridBefore) are honoured."""
    for tr in _children(tbl, (W + "tr",)):
        col = _int_val(tr.find(f"{W}trPr/{W}gridBefore"), 0)
        texts, spans = [], []
        for tc in _children(tr, (W + "tc",)):
            pr = tc.find(W + "tcPr")
            span = _int_val(pr.find(W + "gridSpan") if pr is not None else None, 1)
            vm = pr.find(W + "vMerge") if pr is not None else None
            vmerge = None if vm is None else ("restart" if vm.get(W + "val") == "restart" else "continue")
            texts.append(join_wrapped("".join(_text_parts(tc))))
            spans.append((col, max(1, span), vmerge))
            col += max(1, span)
        yield texts, spans, tr


def _int_val(el, default: int) -> int:
    try:
        return int(el.get(W + "val")) if el is not None else default
    except (TypeError, ValueError):
        return default


def paragraph_text(p) -> str:
    """A paragraph's printed text: runs (also in hyperlinks, fields, tracked insertions and text boxes),
    tabs kept, line breaks joined like wrapped cell text."""
    return join_wrapped("".join(_text_parts(p)))


def _text_parts(el):
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue                        # comments and processing instructions have no string tag
        if tag == W + "t":
            yield child.text or ""
        elif tag == W + "tab":
            yield "\t"
        elif tag in (W + "br", W + "cr"):
            if child.get(W + "type") in (None, "textWrapping"):
                yield "\n"
        elif tag == W + "noBreakHyphen":
            yield "-"
        else:
            yield from _text_parts(child)
            if tag == W + "p":
                yield "\n"                  # paragraphs inside a cell or a text box


# ---------------------------------------------------------------------------------------------- pages
class _Pager:
    """The printed page of each paragraph and table row."""

    def __init__(self, body):
        self.page = 1
        self.rendered = next(body.iter(W + "lastRenderedPageBreak"), None) is not None
        sections = list(body.iter(W + "sectPr"))
        # A section break after a paragraph starts a new page unless the next section is continuous.
        # (The elements are the keys: lxml hands out the same proxy while one is referenced.)
        self.breaks = {}
        for sect, nxt in zip(sections, sections[1:]):
            kind = nxt.find(W + "type")
            self.breaks[sect] = kind is None or kind.get(W + "val") != "continuous"

    def place(self, el, first: bool) -> int:
        """The page `el` starts on; breaks inside it after its first text move the following content."""
        before = after = 0
        seen_text = False
        for x in el.iter(W + "t", W + "br", W + "lastRenderedPageBreak", W + "pageBreakBefore"):
            tag = x.tag[len(W):]
            if tag == "t" and (x.text or "").strip():
                seen_text = True
                continue
            hit = (tag == "lastRenderedPageBreak") if self.rendered else (
                (tag == "br" and x.get(W + "type") == "page")
                or (tag == "pageBreakBefore" and x.get(W + "val") not in ("0", "false") and not first))
            if hit:
                if seen_text:
                    after += 1
                else:
                    before += 1
        self.page += before
        start = self.page
        self.page += after
        return start

    def after_paragraph(self, p):
        if self.rendered:
            return
        sect = p.find(f"{W}pPr/{W}sectPr")
        if sect is not None and self.breaks.get(sect):
            self.page += 1


class DocxSource(SheetSource):
    """A Word document: its body as one Sheet; its page count is the printed pages Word recorded."""
    label = "Word"
    read_sheets = staticmethod(read_sheets)

    @property
    def page_count(self) -> int:
        return max(self.sheets[0].row_pages or [1])
