"""Read a PDF's text layer and ruling, one page at a time, as plain tuples.

Pages are yielded one by one and pdfplumber's caches are dropped after each, so memory stays bounded on
1,000-page documents.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterator, NamedTuple, Optional

from .model import ConversionError


class Char(NamedTuple):
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


class Rule(NamedTuple):
    """A ruling segment: horizontal (y, start, end along x) or vertical (x, start, end along y)."""
    pos: float
    start: float
    end: float


@dataclass
class PageContent:
    number: int          # 1-based
    width: float
    height: float
    chars: list          # Char
    h_rules: list        # Rule (pos = y)
    v_rules: list        # Rule (pos = x)
    images: int          # count of embedded images (a page of images and no text is a scan)
    image_cover: float = 0.0     # share of the page area covered by images
    uncertain: list = field(default_factory=list)   # OCR characters read with low confidence:
                                                    # (x0, top, x1, bottom, score, text)
    ocr: bool = False                               # read from the page's image


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


def iter_pages(pdf, path: Path, workers: int = 1, chunk: int = 4) -> Iterator[PageContent]:
    """The pages of an open PDF, in order. With workers > 1 the pages are read by that many processes
    (each opens the file itself and reads `chunk` pages at a time); memory stays bounded either way."""
    n = len(pdf.pages)
    if workers <= 1 or n <= chunk:
        for i, page in enumerate(pdf.pages):
            try:
                yield _read_checked(page, i + 1, path)
            finally:
                page.close()
        return
    import multiprocessing as mp
    ctx = mp.get_context(start_method())
    if ctx.get_start_method() == "forkserver":
        ctx.set_forkserver_preload([__name__])
    ranges = [(start, min(start + chunk, n)) for start in range(0, n, chunk)]
    threads = max(1, (os.cpu_count() or 1) // workers)       # OCR threads per reader
    with ctx.Pool(workers, initializer=_open_in_worker, initargs=(str(path), threads, os.getpid())) as pool:
        for part in pool.imap(_read_range, ranges):
            yield from part


def start_method() -> str:
    """How page readers are started: fork where it is safe and fastest, from a process whose only Python
    thread is the main one (forking while another thread runs, e.g. the GUI converting in a background thread,
    copies locks that thread may hold); else forkserver (readers fork from a clean server), else spawn."""
    import multiprocessing as mp
    import threading
    methods = mp.get_all_start_methods()
    if "fork" in methods and threading.current_thread() is threading.main_thread() \
            and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


_worker_pdf = None


def _open_in_worker(path: str, ocr_threads: int, converting: int):
    """Each page-reading process opens the file once; its OCR shares the cores with the other readers; it
    stops when the converting process is gone (a batch worker killed at its time limit does not get to close
    its pool; a reader stuck on a page would otherwise run on)."""
    import pdfplumber
    from .ocr import set_threads
    set_threads(ocr_threads)
    exit_with(converting)
    global _worker_pdf
    _worker_pdf = pdfplumber.open(path)


def exit_with(pid: int, every: float = 1.0):
    """Stop this worker process once process `pid`, the one it works for, is gone (killed, so it could not
    stop its workers). By pid, not as the parent: under a forkserver the parent is the server, which lives on
    while its children do. POSIX only (on Windows, os.kill(pid, 0) would end the process)."""
    if os.name != "posix":
        return
    import threading
    import time

    def gone() -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        try:                                # killed but not yet reaped by its own parent
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
        except (OSError, IndexError):
            return False

    def watch():
        while not gone():
            time.sleep(every)
        os._exit(1)
    threading.Thread(target=watch, name="exit-with", daemon=True).start()


def _read_range(task) -> list:
    start, end = task
    out = []
    for i in range(start, end):
        page = _worker_pdf.pages[i]
        out.append(_read_checked(page, i + 1, Path(_worker_pdf.stream.name)))
        page.close()
    return out


def _read_checked(page, number: int, path: Path) -> PageContent:
    try:
        return read_page(page, number, path)
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


def text_turns(chars: list) -> int:
    """Clockwise quarter turns that make the text read left to right: most neighbouring characters advance
    down (3), left (2) or up (1) on a landscape table printed sideways or a rotated page."""
    votes = [0, 0, 0, 0]
    for a, b in zip(chars, chars[1:]):
        dx = (b.x0 + b.x1 - a.x0 - a.x1) / 2
        dy = (b.top + b.bottom - a.top - a.bottom) / 2
        if 0 < abs(dx) + abs(dy) < 2 * max(a.size, 1):
            votes[(0 if dx > 0 else 2) if abs(dx) > abs(dy) else (3 if dy > 0 else 1)] += 1
    best = max(range(4), key=votes.__getitem__)
    return best if votes[best] > 0.6 * sum(votes) else 0


def turn_page(content: PageContent, turns: int) -> PageContent:
    """The page turned clockwise by `turns` quarter turns (characters, rules and size)."""
    for _ in range(turns % 4):
        h = content.height          # (x, y) → (h - y, x)
        chars = [c._replace(x0=h - c.bottom, x1=h - c.top, top=c.x0, bottom=c.x1) for c in content.chars]
        h_rules = [Rule(r.pos, h - r.end, h - r.start) for r in content.v_rules]
        v_rules = [Rule(h - r.pos, r.start, r.end) for r in content.h_rules]
        content = replace(content, width=content.height, height=content.width, chars=chars,
                          h_rules=h_rules, v_rules=v_rules)
    return content


def read_page(page, number: int, path: Optional[Path] = None) -> PageContent:
    """The page's characters and ruling. Scanned pages and garbled text layers are read by OCR instead
    (converters.ocr decides) when the file's path is given."""
    chars = dedupe_chars([Char(c["text"], c["x0"], c["x1"], c["top"], c["bottom"],
                               c.get("size") or (c["bottom"] - c["top"]))
                          for c in page.chars if c["text"].strip()])
    edges = page.edges
    content = PageContent(number, float(page.width), float(page.height), chars,
                          _rules(edges, "h"), _rules(edges, "v"), len(page.images), _image_cover(page))
    if path is not None:
        from .ocr import recognize_if_needed
        content = recognize_if_needed(path, content)     # OCR reads pages upright
    return turn_page(content, text_turns(content.chars))
