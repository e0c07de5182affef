"""What both PDF page readers share: opening a file with a Chinese reason when it cannot be read, the content-size
check made before a page is parsed, and the clean-ups applied to what a reader found (overprinted characters,
the density of a scan's image).

A reader (`pdfium_page.PdfiumPages`, `pdfplumber_page.PdfplumberPages`) opens one file and gives each page's text
layer, ruling and images as a PageContent, in points from the top-left corner of the page as displayed; pdf.py
does the rest (paper size, OCR, turning) the same way for both.
"""
from __future__ import annotations

import zlib
from pathlib import Path

from ..model import ConversionError
from ..settings import DEFAULT, LimitSettings


def check_pdf_header(path: Path) -> str:
    """The file's name once its first KB says PDF; ConversionError otherwise."""
    name = Path(path).name
    try:
        with open(path, "rb") as fh:
            head = fh.read(1024)
    except OSError as e:
        raise ConversionError(f"{name}：无法读取文件（{e.strerror or e}）") from e
    if b"%PDF" not in head:
        raise ConversionError(f"{name}：不是 PDF 文件")
    return name


def open_failure(name: str, error: BaseException, encrypted: bool = False) -> ConversionError:
    """The reason a PDF did not open, in Chinese: encrypted (told by the reader, or by the words of its errors),
    else damaged."""
    causes = [error, *error.args, error.__context__]
    text = " ".join(f"{type(c).__name__} {c!r}" for c in causes if c is not None).lower()
    if encrypted or "password" in text or "encrypt" in text:
        return ConversionError(f"{name}：文件已加密，请先解除密码保护")
    return ConversionError(f"{name}：PDF 文件已损坏，无法解析")


def content_problem(page, number: int, limits: LimitSettings = DEFAULT.limits) -> tuple:
    """(too large, message) of a pdfminer page: whether its content streams decode to more than `limits.content_mb`
    (they are then not parsed at all: pdfminer needs ~200 bytes of memory per byte, and PDFium makes an object of
    every operator), or do not decode (the page is read as far as it goes and reported damaged). (False, "") for
    a sound page. Flate data is decoded in pieces and only counted, so a compression bomb costs no memory here."""
    from pdfminer.pdftypes import resolve1
    limit = limits.content_mb * 2 ** 20
    total, damaged = 0, False
    for ref in page.contents:
        stream = resolve1(ref)
        raw = getattr(stream, "rawdata", None)
        if raw is None:
            continue
        filters = [getattr(f, "name", f) for f, _ in stream.get_filters()]
        if filters not in (["FlateDecode"], ["Fl"]):       # unfiltered, or filters rare in content: counted raw
            total += len(raw)
            continue
        inflate, rest = zlib.decompressobj(), raw
        try:
            while rest and total <= limit:
                total += len(inflate.decompress(rest, 1 << 20))
                rest = inflate.unconsumed_tail
        except zlib.error as e:
            damaged = damaged or "incorrect data check" not in str(e)   # a bad checksum after intact data
        if total > limit:
            return True, (f"第 {number} 页内容过大（绘图指令超过 {limits.content_mb:g} MB），为避免内存不足未读取："
                          "该页若有表格，请核对原件")
    return False, f"第 {number} 页内容已损坏（数据无法解压），可能缺少部分文字或表格，请核对原件" if damaged else ""


def dedupe_chars(chars: list, tolerance: float = 1.0) -> list:
    """Drop characters printed again on top of themselves (fake bold, overlaid layers): same text within
    `tolerance` points. pdfplumber's Page.dedupe_chars does the same but costs more than parsing the page.
    Characters are filed in cells twice the tolerance wide, so an earlier one within reach lies in the
    character's cell or in the neighbour on the side it is nearer to: four cells to look in."""
    cell = 2 * tolerance
    seen: dict = {}
    get = seen.get
    out = []
    for c in chars:
        fx, fy = c.x0 / cell, c.top / cell
        kx, ky = int(fx // 1), int(fy // 1)
        nx = kx - 1 if fx - kx < 0.5 else kx + 1
        ny = ky - 1 if fy - ky < 0.5 else ky + 1
        t = c.text
        dup = False
        for key in ((t, kx, ky), (t, nx, ky), (t, kx, ny), (t, nx, ny)):
            for o in get(key, ()):
                if abs(o.x0 - c.x0) <= tolerance and abs(o.top - c.top) <= tolerance:
                    dup = True
                    break
            if dup:
                break
        if not dup:
            seen.setdefault((t, kx, ky), []).append(c)
            out.append(c)
    return out


def largest_image_density(images) -> float:
    """Pixels per point of the largest of `images` ((width, height in points, width, height in pixels)): the
    scan of a scanned page; 0 without images."""
    best, density = 0.0, 0.0
    for w, h, px_w, px_h in images:
        if w > 0 and h > 0 and w * h > best and px_w and px_h:
            best, density = w * h, min(px_w / w, px_h / h)
    return density
