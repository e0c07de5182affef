"""PDF pages, one at a time, as PageContent: read by a page reader (PDFium by default, pdfplumber as the
reference; `PAGE_READERS`), then sized to their paper, read by OCR where the text layer is missing or garbled
(sources/ocr decides, pages drawn by `render`) and turned upright.

Pages are yielded one by one and each reader drops what it held for a page after it, so memory stays bounded on
1,000-page documents; with `settings.page_workers` > 1 the pages are read by that many processes.
"""
from __future__ import annotations

import os
from collections import deque
from dataclasses import replace
from pathlib import Path
from typing import Iterator

from ..model import Char, ConversionError, PageContent, Rule
from ..settings import DEFAULT, ConversionSettings, LimitSettings, OcrSettings
from .base import PageSource
from .orientation import text_turns, turn_page
from .pdf_pages import largest_image_density
from .pdfium_page import PDFIUM_LOCK, PdfiumPages
from .pdfplumber_page import PdfplumberPages
from .processes import exit_with, start_method

PAGE_READERS = {PdfiumPages.name: PdfiumPages, PdfplumberPages.name: PdfplumberPages}


def open_pdf(path: Path, reader: str = DEFAULT.pdf_reader):
    """The PDF open in page reader `reader` (a context manager); ConversionError with a Chinese reason naming the
    file where it cannot be read."""
    return PAGE_READERS[reader](Path(path))


class PdfSource(PageSource):
    label = "PDF"

    def __init__(self, path, settings: ConversionSettings):
        super().__init__(path, settings)
        self.pdf = open_pdf(self.path, settings.pdf_reader)

    @property
    def page_count(self) -> int:
        return len(self.pdf)

    def pages(self, stage=None) -> Iterator[PageContent]:
        return iter_pages(self.pdf, self.path, self.settings.page_workers, self.settings.ocr, stage=stage,
                          limits=self.settings.limits)

    def close(self) -> None:
        self.pdf.close()

    @staticmethod
    def render(path, number: int, scale: float, grayscale: bool = False):
        """The page as displayed (/Rotate applied), through PDFium, `scale` pixels per point of the paper (a
        scan sized in pixels as points is drawn at its paper's size, see `paper_unit`)."""
        import pypdfium2 as pdfium
        with PDFIUM_LOCK:
            pdf = pdfium.PdfDocument(str(path))
            try:
                page = pdf[number - 1]
                scale *= paper_unit(*page.get_size(), _pdfium_density(page))
                return page.render(scale=scale, grayscale=grayscale, rev_byteorder=True).to_numpy().copy()
            finally:
                pdf.close()


PAPER_SHORT_SIDES = (595.0, 842.0)                  # A4, A3: the paper budget documents are printed on
SCAN_DPIS = (150, 200, 240, 300, 400, 600, 1200)    # the resolutions scanners offer


def paper_unit(width: float, height: float, density: float) -> float:
    """Points of paper per point of the page: 1, except for a scan written with its pixel count as its size in
    points (one pixel per point on a page over 1,000 points across), where it is the factor that makes the page
    the paper it was scanned from (A4 or A3 at a common resolution). The engine's tolerances are in points of
    paper, so such a page is read, and shown, at its paper's size."""
    short = min(width, height)
    if short < 1000 or abs(density - 1.0) > 0.05:
        return 1.0
    miss, unit = min((abs(short * 72 / dpi - side) / side, 72 / dpi) for dpi in SCAN_DPIS for side in PAPER_SHORT_SIDES)
    return unit if miss <= 0.05 else 1.0


def _pdfium_density(page) -> float:
    """`largest_image_density` from PDFium's page objects; only looked for on pages large enough for
    `paper_unit` to matter."""
    if min(page.get_size()) < 1000:
        return 0.0
    import pypdfium2.raw as pdfium_c
    images = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=1):
        left, bottom, right, top = obj.get_bounds()
        images.append((right - left, top - bottom, *obj.get_px_size()))
    return largest_image_density(images)


def iter_pages(pdf, path: Path, workers: int, ocr: OcrSettings, chunk: int = 4, stage=None,
               limits: LimitSettings = DEFAULT.limits) -> Iterator[PageContent]:
    """The pages of a PDF open in a page reader, in order. Every page's text layer is read here (PDFium takes
    milliseconds a page); with workers > 1, a page that needs OCR is read by one of that many processes, started
    at the first such page, while the pages after it are read here (at most `chunk` × workers pages ahead, so
    memory stays bounded). `stage(number, name)` hears of each page's OCR steps (from the readers through a
    queue)."""
    n = len(pdf)
    pages = PageReaders(pdf, path, workers, ocr, stage, limits)
    try:
        ahead: deque = deque()              # pages read or being read, oldest first
        for number in range(1, n + 1):
            ahead.append(pages.submit(number))
            while ahead and (pages.done(ahead[0]) or len(ahead) > chunk * max(1, workers)):
                yield pages.result(ahead.popleft())
        while ahead:
            yield pages.result(ahead.popleft())
    finally:
        pages.close()


class PageReaders:
    """Pages read here, and the OCR pages handed to `workers` processes (a pool started at the first one). Each
    process opens the file once, in the same page reader; its OCR shares the cores with the others."""

    def __init__(self, pdf, path: Path, workers: int, ocr: OcrSettings, stage, limits: LimitSettings):
        self.pdf, self.path, self.workers, self.ocr, self.stage, self.limits = pdf, path, workers, ocr, stage, limits
        self.pool = self.stages = None

    def submit(self, number: int):
        """The page, read; or, where OCR must read it and there are workers, its pending result."""
        if self.workers <= 1 or self.ocr is None:
            return _read_checked(self.pdf, number, self.path, self.ocr, self.stage, self.limits)
        content = _checked(lambda: text_layer(self.pdf, number, self.limits), self.path, number)
        from .ocr.recognize import ocr_need
        if ocr_need(content, self.ocr) is None:
            return turn_page(content, content.derived("turns", text_turns))
        return self._start().apply_async(_read_in_worker, (number,))

    @staticmethod
    def done(item) -> bool:
        return isinstance(item, PageContent) or item.ready()

    def result(self, item) -> PageContent:
        if isinstance(item, PageContent):
            return item
        import multiprocessing as mp
        while True:
            try:
                page = item.get(timeout=0.2)
            except mp.TimeoutError:
                self._pass_on()
                continue
            self._pass_on()
            return page

    def _start(self):
        if self.pool is None:
            import multiprocessing as mp
            ctx = mp.get_context(start_method())
            if ctx.get_start_method() == "forkserver":
                ctx.set_forkserver_preload([__name__])
            threads = max(1, (os.cpu_count() or 1) // self.workers)       # OCR threads per reader
            self.stages = ctx.Queue() if self.stage else None
            self.pool = ctx.Pool(self.workers, initializer=_open_in_worker,
                                 initargs=(str(self.path), self.pdf.name, self.ocr, threads, os.getpid(),
                                           self.stages, self.limits))
        return self.pool

    def _pass_on(self) -> None:
        """The OCR steps the readers reported since the last look, to `stage`."""
        import queue
        while self.stages is not None:
            try:
                number, name = self.stages.get_nowait()
            except queue.Empty:
                return
            self.stage(number, name)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()


_worker_pdf = None
_worker_ocr = None
_worker_stage = None
_worker_limits = DEFAULT.limits


def _open_in_worker(path: str, reader: str, ocr: OcrSettings, ocr_threads: int, converting: int, stages=None,
                    limits: LimitSettings = DEFAULT.limits):
    """Each page-reading process opens the file once; its OCR shares the cores with the other readers; it
    stops when the converting process is gone (a batch worker killed at its time limit does not get to close
    its pool; a reader stuck on a page would otherwise run on)."""
    from .ocr.recognize import set_threads
    set_threads(ocr_threads)
    exit_with(converting)
    global _worker_pdf, _worker_ocr, _worker_stage, _worker_limits
    _worker_pdf, _worker_ocr, _worker_limits = open_pdf(path, reader), ocr, limits
    _worker_stage = (lambda number, name: stages.put((number, name))) if stages is not None else None


def _read_in_worker(number: int) -> PageContent:
    return _read_checked(_worker_pdf, number, _worker_pdf.path, _worker_ocr, _worker_stage, _worker_limits)


def _checked(read, path: Path, number: int) -> PageContent:
    """`read()`, an unexpected failure told as the page being damaged (the other pages still convert)."""
    try:
        return read()
    except ConversionError:
        raise
    except Exception as e:
        raise ConversionError(f"{Path(path).name}：第 {number} 页已损坏，无法解析（{type(e).__name__}）") from e


def _read_checked(pdf, number: int, path: Path, ocr: OcrSettings, stage=None,
                  limits: LimitSettings = DEFAULT.limits) -> PageContent:
    return _checked(lambda: read_page(pdf, number, path, ocr, stage, limits), path, number)


def _scaled(page: PageContent, unit: float) -> PageContent:
    """The page in points of its paper (`paper_unit`)."""
    return replace(page, width=page.width * unit, height=page.height * unit,
                   chars=[Char(c.text, *(v * unit for v in c[1:])) for c in page.chars],
                   h_rules=[Rule(*(v * unit for v in r)) for r in page.h_rules],
                   v_rules=[Rule(*(v * unit for v in r)) for r in page.v_rules],
                   image_density=page.image_density / unit)


def text_layer(pdf, number: int, limits: LimitSettings = DEFAULT.limits) -> PageContent:
    """Page `number` (1-based) as its reader reads it, in points of its paper (`paper_unit`): before OCR and
    turning."""
    content = pdf.read(number - 1, limits)
    unit = paper_unit(content.width, content.height, content.image_density)
    return _scaled(content, unit) if unit != 1.0 else content


def read_page(pdf, number: int, path: Path = None, ocr: OcrSettings = None, stage=None,
              limits: LimitSettings = DEFAULT.limits) -> PageContent:
    """Page `number` (1-based) of a PDF open in a page reader: its characters and ruling, in points of its paper,
    upright. Scanned pages and garbled text layers are read by OCR instead (sources/ocr decides) when the file's
    path and the OCR settings are given. A page whose content is too large to parse is returned empty, and a
    damaged one as far as it reads, each with its `unread` notice."""
    content = text_layer(pdf, number, limits)
    if path is not None and ocr is not None:
        from .ocr.recognize import recognize_if_needed
        content = recognize_if_needed(content, lambda scale: PdfSource.render(path, number, scale, grayscale=True),
                                      Path(path).name, ocr, stage)     # OCR reads pages upright
    return turn_page(content, content.derived("turns", text_turns))
