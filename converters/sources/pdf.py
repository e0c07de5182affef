"""PDF pages through pdfplumber: each page's text layer and ruling as PageContent, one page at a time.

Pages are yielded one by one and pdfplumber's caches are dropped after each, so memory stays bounded on
1,000-page documents; with `settings.page_workers` > 1 the pages are read by that many processes. Pages whose
text layer is missing or garbled are read from their image by OCR (sources/ocr decides), drawn by `render`.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

from ..model import Char, ConversionError, PageContent, Rule
from ..settings import ConversionSettings, OcrSettings
from .base import PageSource
from .orientation import text_turns, turn_page
from .processes import exit_with, start_method

MIN_RULE_LEN = 4.0


def _rules(edges, orientation):
    out = []
    for e in edges:
        if e["orientation"] != orientation:
            continue
        if orientation == "h":
            r = Rule(round(e["top"], 1), e["x0"], e["x1"])
        else:
            r = Rule(round(e["x0"], 1), e["top"], e["bottom"])
        if r.end - r.start >= MIN_RULE_LEN:
            out.append(r)
    return out


def open_pdf(path: Path):
    import pdfplumber
    name = Path(path).name
    try:
        with open(path, "rb") as fh:
            head = fh.read(1024)
    except OSError as e:
        raise ConversionError(f"{name}：无法读取文件（{e.strerror or e}）") from e
    if b"%PDF" not in head:
        raise ConversionError(f"{name}：不是 PDF 文件")
    try:
        pdf = pdfplumber.open(path)
        n = len(pdf.pages)
    except Exception as e:  # pdfminer raises many types for damaged or encrypted files
        causes = [e, *e.args, e.__context__]
        text = " ".join(f"{type(c).__name__} {c!r}" for c in causes if c is not None).lower()
        if "password" in text or "encrypt" in text:
            raise ConversionError(f"{name}：文件已加密，请先解除密码保护") from e
        raise ConversionError(f"{name}：PDF 文件已损坏，无法解析") from e
    if n == 0:
        pdf.close()
        raise ConversionError(f"{name}：PDF 没有任何页面")
    return pdf

class PdfSource(PageSource):
    label = "PDF"

    def __init__(self, path, settings: ConversionSettings):
        super().__init__(path, settings)
        self.pdf = open_pdf(self.path)

    @property
    def page_count(self) -> int:
        return len(self.pdf.pages)

    def pages(self, stage=None) -> Iterator[PageContent]:
        return iter_pages(self.pdf, self.path, self.settings.page_workers, self.settings.ocr, stage=stage)

    def close(self) -> None:
        self.pdf.close()

    @staticmethod
    def render(path, number: int, scale: float, grayscale: bool = False):
        """The page as displayed (/Rotate applied), through PDFium."""
        import pypdfium2 as pdfium
        pdf = pdfium.PdfDocument(str(path))
        try:
            return pdf[number - 1].render(scale=scale, grayscale=grayscale, rev_byteorder=True).to_numpy().copy()
        finally:
            pdf.close()


def iter_pages(pdf, path: Path, workers: int, ocr: OcrSettings, chunk: int = 4, stage=None) -> Iterator[PageContent]:
    """The pages of an open PDF, in order. With workers > 1 the pages are read by that many processes
    (each opens the file itself and reads `chunk` pages at a time, its first page alone so that the first pages
    come soon); memory stays bounded either way. `stage(number, name)` hears of each page's OCR steps (from the
    readers through a queue)."""
    n = len(pdf.pages)
    if workers <= 1 or n <= chunk:
        for i, page in enumerate(pdf.pages):
            try:
                yield _read_checked(page, i + 1, path, ocr, stage)
            finally:
                page.close()
        return
    import multiprocessing as mp
    ctx = mp.get_context(start_method())
    if ctx.get_start_method() == "forkserver":
        ctx.set_forkserver_preload([__name__])
    first = min(n, workers)
    ranges = [(i, i + 1) for i in range(first)] + [(s, min(s + chunk, n)) for s in range(first, n, chunk)]
    threads = max(1, (os.cpu_count() or 1) // workers)       # OCR threads per reader
    stages = ctx.Queue() if stage else None
    with ctx.Pool(workers, initializer=_open_in_worker,
                  initargs=(str(path), ocr, threads, os.getpid(), stages)) as pool:
        results = pool.imap(_read_range, ranges)
        while True:
            try:
                part = results.next(timeout=0.2) if stages is not None else next(results)
            except mp.TimeoutError:
                _pass_on(stages, stage)
                continue
            except StopIteration:
                break
            _pass_on(stages, stage)
            yield from part


def _pass_on(stages, stage) -> None:
    """The OCR steps the readers reported since the last look, to `stage`."""
    import queue
    while True:
        try:
            number, name = stages.get_nowait()
        except queue.Empty:
            return
        stage(number, name)


_worker_pdf = None
_worker_ocr = None
_worker_stage = None


def _open_in_worker(path: str, ocr: OcrSettings, ocr_threads: int, converting: int, stages=None):
    """Each page-reading process opens the file once; its OCR shares the cores with the other readers; it
    stops when the converting process is gone (a batch worker killed at its time limit does not get to close
    its pool; a reader stuck on a page would otherwise run on)."""
    import pdfplumber
    from .ocr.recognize import set_threads
    set_threads(ocr_threads)
    exit_with(converting)
    global _worker_pdf, _worker_ocr, _worker_stage
    _worker_pdf, _worker_ocr = pdfplumber.open(path), ocr
    _worker_stage = (lambda number, name: stages.put((number, name))) if stages is not None else None


def _read_range(task) -> list:
    start, end = task
    out = []
    for i in range(start, end):
        page = _worker_pdf.pages[i]
        out.append(_read_checked(page, i + 1, Path(_worker_pdf.stream.name), _worker_ocr, _worker_stage))
        page.close()
    return out


def _read_checked(page, number: int, path: Path, ocr: OcrSettings, stage=None) -> PageContent:
    try:
        return read_page(page, number, path, ocr, stage)
    except ConversionError:
        raise
    except Exception as e:
        raise ConversionError(f"{Path(path).name}：第 {number} 页已损坏，无法解析（{type(e).__name__}）") from e


def dedupe_chars(chars: list, tolerance: float = 1.0) -> list:
    """Drop characters printed again on top of themselves (fake bold, overlaid layers): same text within
    `tolerance` points. pdfplumber's Page.dedupe_chars does the same but costs more than parsing the page."""
    seen = {}
    out = []
    for c in chars:
        kx, ky = int(c.x0 // tolerance), int(c.top // tolerance)
        dup = False
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for o in seen.get((c.text, kx + dx, ky + dy), ()):
                    if abs(o.x0 - c.x0) <= tolerance and abs(o.top - c.top) <= tolerance:
                        dup = True
        if not dup:
            seen.setdefault((c.text, kx, ky), []).append(c)
            out.append(c)
    return out


def _image_cover(page) -> float:
    """Share of the page area covered by images (overlaps counted twice, capped at 1)."""
    w, h = float(page.width), float(page.height)
    area = sum(max(0.0, min(i["x1"], w) - max(i["x0"], 0.0)) * max(0.0, min(i["bottom"], h) - max(i["top"], 0.0))
               for i in page.images)
    return min(1.0, area / (w * h)) if w * h > 0 else 0.0


def read_page(page, number: int, path: Path = None, ocr: OcrSettings = None, stage=None) -> PageContent:
    """The page's characters and ruling. Scanned pages and garbled text layers are read by OCR instead
    (sources/ocr decides) when the file's path and the OCR settings are given."""
    chars = dedupe_chars([Char(c["text"], c["x0"], c["x1"], c["top"], c["bottom"],
                               c.get("size") or (c["bottom"] - c["top"]))
                          for c in page.chars if c["text"].strip()])
    edges = page.edges
    content = PageContent(number, float(page.width), float(page.height), chars,
                          _rules(edges, "h"), _rules(edges, "v"), len(page.images), _image_cover(page))
    if path is not None and ocr is not None:
        from .ocr.recognize import recognize_if_needed
        content = recognize_if_needed(content, lambda scale: PdfSource.render(path, number, scale, grayscale=True),
                                      Path(path).name, ocr, stage)     # OCR reads pages upright
    return turn_page(content, text_turns(content.chars))
