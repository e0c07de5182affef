"""PDF pages through pdfplumber: each page's text layer and ruling as PageContent, one page at a time.

Pages are yielded one by one and pdfplumber's caches are dropped after each, so memory stays bounded on
1,000-page documents; with `settings.page_workers` > 1 the pages are read by that many processes. Pages whose
text layer is missing or garbled are read from their image by OCR (sources/ocr decides), drawn by `render`.
"""
from __future__ import annotations

import os
import zlib
from dataclasses import replace
from pathlib import Path
from typing import Iterator

from ..model import Char, ConversionError, PageContent, Rule
from ..settings import DEFAULT, ConversionSettings, LimitSettings, OcrSettings
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
        return iter_pages(self.pdf, self.path, self.settings.page_workers, self.settings.ocr, stage=stage,
                          limits=self.settings.limits)

    def close(self) -> None:
        self.pdf.close()

    @staticmethod
    def render(path, number: int, scale: float, grayscale: bool = False):
        """The page as displayed (/Rotate applied), through PDFium, `scale` pixels per point of the paper (a
        scan sized in pixels as points is drawn at its paper's size, see `paper_unit`)."""
        import pypdfium2 as pdfium
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
    """The pages of an open PDF, in order. With workers > 1 the pages are read by that many processes
    (each opens the file itself and reads `chunk` pages at a time, its first page alone so that the first pages
    come soon); memory stays bounded either way. `stage(number, name)` hears of each page's OCR steps (from the
    readers through a queue)."""
    n = len(pdf.pages)
    if workers <= 1 or n <= chunk:
        for i, page in enumerate(pdf.pages):
            try:
                yield _read_checked(page, i + 1, path, ocr, stage, limits)
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
                  initargs=(str(path), ocr, threads, os.getpid(), stages, limits)) as pool:
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
_worker_limits = DEFAULT.limits


def _open_in_worker(path: str, ocr: OcrSettings, ocr_threads: int, converting: int, stages=None,
                    limits: LimitSettings = DEFAULT.limits):
    """Each page-reading process opens the file once; its OCR shares the cores with the other readers; it
    stops when the converting process is gone (a batch worker killed at its time limit does not get to close
    its pool; a reader stuck on a page would otherwise run on)."""
    import pdfplumber
    from .ocr.recognize import set_threads
    set_threads(ocr_threads)
    exit_with(converting)
    global _worker_pdf, _worker_ocr, _worker_stage, _worker_limits
    _worker_pdf, _worker_ocr, _worker_limits = pdfplumber.open(path), ocr, limits
    _worker_stage = (lambda number, name: stages.put((number, name))) if stages is not None else None


def _read_range(task) -> list:
    start, end = task
    out = []
    for i in range(start, end):
        page = _worker_pdf.pages[i]
        out.append(_read_checked(page, i + 1, Path(_worker_pdf.stream.name), _worker_ocr, _worker_stage,
                                 _worker_limits))
        page.close()
    return out


def _read_checked(page, number: int, path: Path, ocr: OcrSettings, stage=None,
                  limits: LimitSettings = DEFAULT.limits) -> PageContent:
    try:
        return read_page(page, number, path, ocr, stage, limits)
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


def largest_image_density(images) -> float:
    """Pixels per point of the largest of `images` ((width, height in points, width, height in pixels)): the
    scan of a scanned page; 0 without images."""
    best, density = 0.0, 0.0
    for w, h, px_w, px_h in images:
        if w > 0 and h > 0 and w * h > best and px_w and px_h:
            best, density = w * h, min(px_w / w, px_h / h)
    return density


def _image_density(page) -> float:
    """`largest_image_density` of a pdfplumber page."""
    return largest_image_density((float(i["x1"] - i["x0"]), float(i["bottom"] - i["top"]),
                                  *(i.get("srcsize") or (0, 0))) for i in page.images)


def content_problem(page, number: int, limits: LimitSettings = DEFAULT.limits) -> tuple:
    """(too large, message): whether the page's content streams decode to more than `limits.content_mb` (they are
    then not parsed at all: the parser would need ~200 bytes of memory per byte), or do not decode (the parser
    reads what it can; the page is reported damaged). (False, "") for a sound page. Flate data is decoded in
    pieces and only counted, so a compression bomb costs no memory here."""
    from pdfminer.pdftypes import resolve1
    limit = limits.content_mb * 2 ** 20
    total, damaged = 0, False
    for ref in page.page_obj.contents:
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


def _scaled(page: PageContent, unit: float) -> PageContent:
    """The page in points of its paper (`paper_unit`)."""
    return replace(page, width=page.width * unit, height=page.height * unit,
                   chars=[Char(c.text, *(v * unit for v in c[1:])) for c in page.chars],
                   h_rules=[Rule(*(v * unit for v in r)) for r in page.h_rules],
                   v_rules=[Rule(*(v * unit for v in r)) for r in page.v_rules],
                   image_density=page.image_density / unit)


def read_page(page, number: int, path: Path = None, ocr: OcrSettings = None, stage=None,
              limits: LimitSettings = DEFAULT.limits) -> PageContent:
    """The page's characters and ruling. Scanned pages and garbled text layers are read by OCR instead
    (sources/ocr decides) when the file's path and the OCR settings are given. A page whose content is too large
    to parse is returned empty, and a damaged one as far as it reads, each with its `unread` notice."""
    too_large, problem = content_problem(page, number, limits)
    if too_large:
        return PageContent(number, float(page.width), float(page.height), [], [], [], 0, unread=problem)
    chars = dedupe_chars([Char(c["text"], c["x0"], c["x1"], c["top"], c["bottom"],
                               c.get("size") or (c["bottom"] - c["top"]))
                          for c in page.chars if c["text"].strip()])
    edges = page.edges
    density = _image_density(page)
    content = PageContent(number, float(page.width), float(page.height), chars,
                          _rules(edges, "h"), _rules(edges, "v"), len(page.images), _image_cover(page),
                          density, unread=problem)
    unit = paper_unit(content.width, content.height, density)
    if unit != 1.0:
        content = _scaled(content, unit)
    if path is not None and ocr is not None:
        from .ocr.recognize import recognize_if_needed
        content = recognize_if_needed(content, lambda scale: PdfSource.render(path, number, scale, grayscale=True),
                                      Path(path).name, ocr, stage)     # OCR reads pages upright
    return turn_page(content, text_turns(content.chars))
