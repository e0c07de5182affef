"""Scanned pages and garbled text layers: read by OCR.

`recognize_if_needed(page, render, …)` is called for every page of a page source (PDF). A page is read from its image instead of its
text layer when it has no text but images, or when its text layer is suspect (images cover much of the page,
(cid:NN) glyphs, private-use or rare characters, characters spaced out one by one) and does not match what
the page shows: its longest runs of text are recognised from the rendered page and compared.

Reading a page: render it (its source's `render`), turn it upright (quarter turns) and deskew it, find the ruling lines in
the image, recognise the text (engine.py: RapidOCR's PP-OCR models on ONNX Runtime; nothing is downloaded)
and return a PageContent in PDF points like a text page's, so the same layout and grid code reads it. Letters,
digits and number punctuation recognised with low confidence are listed in `PageContent.uncertain`;
standard/ocr_flags.py turns them into `low_confidence` issues on the cells that hold them.
"""
from __future__ import annotations

import difflib
import math
import os
import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Optional

import numpy as np

from ...model import Char, ConversionError, PageContent, Rule, group_lines, is_cjk
from ...settings import DEFAULT, OcrSettings
from ..orientation import text_turns, turn_page
from ..processes import return_freed_memory
from . import raster


# ---------------------------------------------------------------------------------------------- deciding
@lru_cache(maxsize=1 << 14)
def _is_garbage(text: str) -> bool:
    """(cid:NN) glyphs, private-use / replacement / control characters, CJK outside GB2312 (rare in budgets).
    Cached: a page repeats its characters."""
    if text.startswith("(cid:"):
        return True
    ch = unicodedata.normalize("NFKC", text)[:1]
    if not ch:
        return False
    cat = unicodedata.category(ch)
    if cat in ("Co", "Cc", "Cs") or ch == "\ufffd":
        return True
    if "\u3400" <= ch <= "\u9fff" or "\U00020000" <= ch:
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            return True
    return False


def garbage_share(chars: list) -> float:
    return sum(1 for c in chars if _is_garbage(c.text)) / len(chars) if chars else 0.0


def spaced_share(lines: list) -> float:
    """Share of neighbouring CJK characters on `lines` set apart by more than half their size: a text layer
    whose characters are placed one by one (an OCR layer) rather than set as words."""
    pairs = apart = 0
    for ln in lines:
        for a, b in zip(ln.chars, ln.chars[1:]):
            if is_cjk(a.text) and is_cjk(b.text):
                pairs += 1
                apart += b.x0 - a.x1 > 0.5 * ln.size
    return apart / pairs if pairs >= 10 else 0.0


def ocr_need(page: PageContent, settings: OcrSettings = DEFAULT.ocr) -> Optional[str]:
    """'image': read the page by OCR; 'verify': compare its text layer with the image first; None: keep it."""
    if not page.chars:
        return "image" if page.image_cover >= settings.empty_cover else None
    if (page.image_cover >= settings.scan_cover or garbage_share(page.chars) >= settings.garbage_share
            or spaced_share(turn_page(page, page.derived("turns", text_turns)).lines()) >= settings.spaced_share):
        return "verify"
    return None


def recognize_if_needed(page: PageContent, render, name: str, settings: OcrSettings, stage=None) -> PageContent:
    """The page as read from its text layer, or from its image when `ocr_need` says so and (for a suspect text
    layer) the image does not confirm the text. `render(scale)` draws the page as a grey image (its source's
    `render`); `name` is the file's, for messages; `stage(number, "render" | "recognize")` hears of the steps."""
    need = ocr_need(page, settings)
    if need is None:
        return page
    if stage:
        stage(page.number, "render")
    settings = replace(settings, scale=render_scale(page, settings))
    gray = render(settings.scale)
    if stage:
        stage(page.number, "recognize")
    try:
        if need == "verify" and text_layer_agreement(page, gray, settings) >= settings.agreement:
            return page
        return read_image(gray, page, settings)
    except OcrUnavailable as e:
        raise ConversionError(f"{name}：第 {page.number} 页需要 OCR 识别，但{e}") from e
    finally:
        del gray
        return_freed_memory()


def render_scale(page: PageContent, settings: OcrSettings = DEFAULT.ocr) -> float:
    """Pixels per point to render a page at for OCR: `settings.scale`; lower for a page whose image already
    holds enough pixels at a lower resolution (a scan whose page size is its pixel count in points is read at
    its native resolution, not doubled), and never more than `settings.max_pixels` in all (a photo on a
    200-inch page)."""
    scale = settings.scale
    density, area = page.image_density, page.width * page.height
    if 0 < density < scale and area * density * density >= settings.native_pixels:
        scale = density
    if area > 0 and area * scale * scale > settings.max_pixels:
        scale = math.sqrt(settings.max_pixels / area)
    return scale


# ---------------------------------------------------------------------------------------------- engine, rendering
_engines: dict = {}      # pid → engine. A forked process keeps its parent's entry untouched: tearing down sessions
                         # whose thread pools did not survive the fork can hang.
_threads: dict = {}      # pid → ONNX Runtime threads set for that process


def set_threads(n: int) -> None:
    """ONNX Runtime threads of this process's engine, before it loads: processes that OCR side by side (page
    readers, batch workers) share the cores (default: all of them)."""
    _threads[os.getpid()] = n


class OcrUnavailable(Exception):
    """The OCR engine cannot load (onnxruntime or the model files missing); the message says so in Chinese."""


def engine():
    """The OCR engine of this process: models load once per process. A process forked from one that ran
    ONNX Runtime runs it on one thread: a thread pool used before the fork deadlocks in the child."""
    pid = os.getpid()
    if pid not in _engines:
        threads = 1 if _engines else _threads.get(pid, -1)
        try:
            from .engine import TextEngine
            _engines[pid] = TextEngine(threads)
        except Exception as e:  # missing package or model files: say so instead of crashing
            raise OcrUnavailable(f"OCR 引擎无法加载（{type(e).__name__}），无法识别扫描页") from e
    return _engines[pid]


def _rec(img: np.ndarray) -> tuple:
    """(text, score) of one text-line image, recognition only."""
    if img.size == 0:
        return "", 0.0
    return engine().read_line(img)


# ---------------------------------------------------------------------------------------------- text layer check
def _plain(text: str) -> str:
    """Letters, digits and CJK only: punctuation (dot leaders, commas) is read too unevenly to compare."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch.isalnum())


def text_runs(chars: list, settings: OcrSettings = DEFAULT.ocr) -> list:
    """Runs of text-layer characters to compare with the image: parts of lines split at wide gaps (a table row
    crossed by ruling lines reads poorly as one image) and cut to at most `run_chars` characters."""
    out = []
    for ln in group_lines(chars):
        run = [ln.chars[0]]
        for c in ln.chars[1:] + [None]:
            if c is not None and c.x0 - run[-1].x1 <= settings.run_gap * ln.size and len(run) < settings.run_chars:
                run.append(c)
                continue
            out.append(run)
            run = [c]
    return out


def text_layer_agreement(page: PageContent, gray: np.ndarray, settings: OcrSettings = DEFAULT.ocr) -> float:
    """Share of the characters of the text layer's longest runs that the image shows there (runs off the page
    are left out); 0 when nothing could be compared."""
    s = gray.shape[1] / page.width
    runs = sorted(text_runs(page.chars, settings), key=lambda r: -len(_plain("".join(c.text for c in r))))
    total = wrong = 0
    for run in runs[:settings.sample_runs]:
        text = _plain("".join(c.text for c in run))
        pad = 0.3 * max(c.size for c in run)
        y0 = int(max(0, (min(c.top for c in run) - pad) * s))
        y1 = int(min(gray.shape[0], (max(c.bottom for c in run) + pad) * s))
        x0, x1 = int(max(0, (run[0].x0 - pad) * s)), int(min(gray.shape[1], (run[-1].x1 + pad) * s))
        if not text or y1 - y0 < 4 or x1 - x0 < 4 or min(c.top for c in run) < 0 or run[-1].x1 > page.width:
            continue
        seen, _ = _rec(gray[y0:y1, x0:x1])
        total += len(text)
        wrong += misread(text, _plain(seen))
    return 1.0 - wrong / total if total else 0.0


def misread(text: str, seen: str) -> int:
    """Characters of `text` the image shows otherwise or not at all. Characters the image shows beyond them
    do not count: the crop around a run catches its neighbours' edges."""
    ops = difflib.SequenceMatcher(None, text, seen, autojunk=False).get_opcodes()
    return sum(i2 - i1 for tag, i1, i2, _, _ in ops if tag in ("replace", "delete"))


# ---------------------------------------------------------------------------------------------- image geometry
def ink_mask(gray: np.ndarray) -> np.ndarray:
    """Dark pixels (Otsu threshold), as 0/255."""
    return raster.otsu_ink(gray)


def skew_angle(ink: np.ndarray, max_angle: float) -> float:
    """The rotation (degrees, for `raster.rotate`) that levels the page: the angle whose horizontal projection of the
    ink is sharpest (text lines and ruling lines make narrow, tall peaks when level)."""
    f = min(1.0, 1000.0 / ink.shape[1])
    small = raster.resize_area(ink, f) if f < 1 else ink
    ys, xs = np.nonzero(small > 64)
    if len(ys) < 100:
        return 0.0
    ys, xs = ys.astype(np.float64), xs.astype(np.float64)

    def sharpness(a: float) -> float:
        t = np.deg2rad(a)
        rows = np.round(ys * np.cos(t) + xs * np.sin(t)).astype(np.int64)
        hist = np.bincount(rows - rows.min())
        return float(np.dot(hist, hist))

    best = max(np.arange(-max_angle, max_angle + 1e-9, 0.25), key=sharpness)
    return -float(max(np.arange(best - 0.25, best + 0.25 + 1e-9, 0.02), key=sharpness))


def ruling_masks(ink: np.ndarray, scale: float, settings: OcrSettings = DEFAULT.ocr) -> tuple:
    """(horizontal, vertical) masks of the long straight strokes of a levelled page."""
    k = max(8, int(settings.rule_min_len * scale))
    gap = max(2, int(0.7 * scale))          # scan dropouts along a line
    h = raster.open(raster.close(ink, gap, 1), k, 1)
    v = raster.open(raster.close(ink, 1, gap), 1, k)
    return h, v


def segments(mask: np.ndarray, horizontal: bool, max_width: float) -> list:
    """Ruling segments (pos, start, end) in pixels: the mask's thin connected strokes."""
    out = []
    for x, y, w, h, _ in raster.components(mask):
        if (h if horizontal else w) <= max_width:
            out.append((y + h / 2, x, x + w) if horizontal else (x + w / 2, y, y + h))
    return out


# ---------------------------------------------------------------------------------------------- recognition
@dataclass
class TextBox:
    """One recognised text line, in pixels of the levelled image."""
    x0: float
    top: float
    x1: float
    bottom: float
    chars: list        # (text, x0, x1, score)
    score: float

    @property
    def text(self) -> str:
        return "".join(c[0] for c in self.chars)


def recognise(img: np.ndarray, settings: OcrSettings = DEFAULT.ocr) -> list:
    """The text lines of a (grayscale) page image, each with per-character boxes and scores."""
    out = []
    for line in engine().read_page(img):
        if line.score < settings.min_score:
            continue
        x0, top = line.quad.min(axis=0)
        x1, bottom = line.quad.max(axis=0)
        chars = matched_brackets(amount_cleanup(_char_boxes(line.text, line.score, line.chars, x0, x1), settings))
        out.append(TextBox(float(x0), float(top), float(x1), float(bottom), chars, line.score))
    return out


_AMOUNT_MARKS = re.compile(r"^[.:]*\d[\d,]*[.:]\d+[.:]*$")


def amount_cleanup(chars: list, settings: OcrSettings = DEFAULT.ocr) -> list:
    """An amount read with scan specks around it: stray dots before or after it go ("951.48." → "951.48"),
    and a colon as its decimal point becomes a point, flagged for review ("873:18" → "873.18")."""
    text = "".join(c[0] for c in chars)
    if not _AMOUNT_MARKS.match(text):
        return chars
    first = next(i for i, c in enumerate(chars) if c[0].isdigit())
    last = max(i for i, c in enumerate(chars) if c[0].isdigit())
    return [c if c[0] != ":" else (".", c[1], c[2], min(c[3], settings.repaired_score))
            for c in chars[first:last + 1]]


_CLOSING = {"(": ")", "（": "）"}


def matched_brackets(chars: list) -> list:
    """A closing bracket takes the width of the bracket it closes: OCR tells "）" from ")" by spacing only."""
    out, opened = [], []
    for c in chars:
        if c[0] in _CLOSING:
            opened.append(c[0])
        elif c[0] in (")", "）") and opened:
            c = (_CLOSING[opened.pop()],) + tuple(c[1:])
        out.append(c)
    return out


def _char_boxes(text: str, score: float, boxes, x0: float, x1: float) -> list:
    """(text, x0, x1, score) per character: the recogniser's character boxes when they spell the line, else
    spread over the line box by character width (CJK one em, others half)."""
    if boxes and "".join(b[0] for b in boxes) == "".join(text.split()):
        return list(boxes)
    chars = [ch for ch in text if not ch.isspace()]
    widths = [1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in chars]
    unit = (x1 - x0) / max(sum(widths), 1e-6)
    out, x = [], x0
    for ch, w in zip(chars, widths):
        out.append((ch, x, x + w * unit, score))
        x += w * unit
    return out


def _ink_rows(ink: np.ndarray, box: TextBox) -> Optional[tuple]:
    """Top and bottom pixel rows of the line's ink: the longest run of inked rows in the box (neighbouring
    lines that reach into a padded box are left out)."""
    y0, y1 = int(max(0, box.top)), int(min(ink.shape[0], box.bottom + 1))
    x0, x1 = int(max(0, box.x0)), int(min(ink.shape[1], box.x1 + 1))
    if y1 - y0 < 2 or x1 - x0 < 2:
        return None
    rows = (ink[y0:y1, x0:x1] > 0).sum(axis=1) > max(1, 0.01 * (x1 - x0))
    best, start = None, None
    for i, on in enumerate(list(rows) + [False]):
        if on and start is None:
            start = i
        elif not on and start is not None:
            if best is None or i - start > best[1] - best[0]:
                best = (start, i)
            start = None
    return (y0 + best[0], y0 + best[1]) if best else None


def unstacked(box: TextBox, line: float) -> list:
    """A column of characters read as one box (a label printed downwards; or a wrapped label whose first and
    last characters the detector joined, "三" over "算") as one box per character, top to bottom, the way a
    text PDF holds it: each character then joins the line it stands on. `line`: the height of a text line."""
    n, height = len(box.chars), box.bottom - box.top
    if n < 2 or height < 1.6 * line or box.x1 - box.x0 > 1.6 * line:
        return [box]
    step = height / n
    return [TextBox(box.x0, box.top + k * step, box.x1, box.top + (k + 1) * step, [(c[0], box.x0, box.x1, c[3])],
                    c[3]) for k, c in enumerate(box.chars)]


def line_rows(ink: np.ndarray, boxes: list) -> list:
    """Per text box, the ink rows of its visual line: a box whose ink lies within another's rows (a short
    "二、" detected apart from its text, a row's amount beside its label) takes the taller box's rows, so that
    their characters fall on one line with one size. Rows that merely overlap (a centred amount beside a
    wrapped label) stay apart."""
    own = [_ink_rows(ink, b) or (b.top, b.bottom) for b in boxes]
    height = lambda r: r[1] - r[0]
    out = list(own)
    for i in sorted(range(len(boxes)), key=lambda k: -height(own[k])):
        r0, r1 = own[i]
        for j, (s0, s1) in enumerate(own):
            if out[j] is own[j] and j != i and height(own[j]) <= height(own[i]) \
                    and min(r1, s1) - max(r0, s0) >= 0.8 * (s1 - s0):
                out[j] = out[i]
    return out


def _ink_cols(band: np.ndarray, x0: float, x1: float) -> tuple:
    """A character's box narrowed to its ink: the recogniser's boxes tile the line, hiding the gaps between
    the labels of neighbouring columns that were read as one line."""
    a = int(max(0, x0))
    cols = np.flatnonzero(band[:, a:int(max(a, x1)) + 1].any(axis=0))
    return (a + cols[0], a + cols[-1] + 1) if len(cols) else (x0, x1)


_NUMBER_MARKS = ".,-"      # punctuation that changes an amount; other punctuation is not worth a review


def page_chars(boxes: list, ink: np.ndarray, scale: float, settings: OcrSettings = DEFAULT.ocr) -> tuple:
    """(chars, uncertain) in PDF points. A visual line's characters share its height: the line's ink height
    taken as `em_share` of the font size, centred on the ink; each character spans its own ink across."""
    chars, uncertain = [], []
    for box, rows in zip(boxes, line_rows(ink, boxes)):
        size = (rows[1] - rows[0]) / settings.em_share
        mid = (rows[0] + rows[1]) / 2
        top, bottom = (mid - size / 2) / scale, (mid + size / 2) / scale
        band = ink[int(rows[0]):int(rows[1]) + 1]
        for text, x0, x1, score in box.chars:
            x0, x1 = _ink_cols(band, x0, x1)
            chars.append(Char(text, x0 / scale, x1 / scale, top, bottom, size / scale))
            if score < settings.low_confidence and (text.isalnum() or text in _NUMBER_MARKS):
                uncertain.append((x0 / scale, top, x1 / scale, bottom, score, text))
    return chars, uncertain


_PAGE_NUMBER = re.compile(r"^[^\w]*\d{1,4}[^\w]*$")


def _bare_page_numbers(boxes: list, height: float) -> list:
    """A page number alone in the top or bottom tenth of the page ("-9-") keeps only its digits: OCR misreads
    the short dashes around it ("-9.", "-14"), and bare digits there are recognised as page furniture."""
    out = []
    for b in boxes:
        alone = not any(o is not b and o.top < b.bottom and b.top < o.bottom for o in boxes)
        if alone and (b.bottom < 0.1 * height or b.top > 0.9 * height) and _PAGE_NUMBER.match(b.text):
            b = replace(b, chars=[c for c in b.chars if c[0].isdigit()])
        out.append(b)
    return out


# ---------------------------------------------------------------------------------------------- orientation
def _quarter_turn(img: np.ndarray, turns: int) -> np.ndarray:
    """Rotate by 90° clockwise `turns` times."""
    return np.ascontiguousarray(np.rot90(img, -turns)) if turns % 4 else img


def _orientation(gray: np.ndarray, boxes: list) -> int:
    """Clockwise quarter turns that make the page read upright. Text lines standing on end (a landscape table
    printed sideways) or reading poorly are recognised in the other orientations; the best-reading wins."""
    tall = [b for b in boxes if b.bottom - b.top > 1.5 * (b.x1 - b.x0)]
    wide = [b for b in boxes if b.x1 - b.x0 > 1.5 * (b.bottom - b.top)]
    if len(tall) > len(wide):
        candidates = (1, 3)
        sample = sorted(tall, key=lambda b: b.x0 - b.x1 + b.top - b.bottom)[:5]
    elif boxes and np.median([b.score for b in boxes]) < 0.8:
        candidates = (0, 2)
        sample = sorted(wide, key=lambda b: b.x0 - b.x1)[:5]
    else:
        return 0
    if not sample:
        return 0

    def reads(turns: int) -> float:
        return sum(_rec(_quarter_turn(gray[int(b.top):int(b.bottom) + 1, int(b.x0):int(b.x1) + 1], turns))[1]
                   for b in sample)
    return max(candidates, key=reads)


# ---------------------------------------------------------------------------------------------- a page from its image
def _prepared(gray: np.ndarray, settings: OcrSettings) -> tuple:
    """(image, ink mask) levelled."""
    gray = raster.rotate(gray, skew_angle(ink_mask(gray), settings.max_skew), 255)
    return gray, ink_mask(gray)


def _in_text_box(pos: float, start: float, end: float, horizontal: bool, boxes: list,
                 settings: OcrSettings = DEFAULT.ocr) -> bool:
    """Is a straight stroke inside one recognised text line: a long stroke of a large character, not a rule?
    Across a line, or in a line printed downwards (a tall box), a stroke is no longer than a character; along
    a line printed across, the strokes of neighbouring characters may run together. The ink of a line reaches
    a little beyond its box, the more the larger its characters."""
    for b in boxes:
        (a0, a1), (c0, c1) = ((b.x0, b.x1), (b.top, b.bottom)) if horizontal else ((b.top, b.bottom), (b.x0, b.x1))
        glyph = min(b.x1 - b.x0, b.bottom - b.top)
        tol = max(2.0, settings.glyph_overhang * glyph)
        along = horizontal and b.x1 - b.x0 >= b.bottom - b.top
        if a0 - tol <= start and end <= a1 + tol and c0 - tol <= pos <= c1 + tol and (
                along or end - start <= glyph + tol):
            return True
    return False


def read_image(gray: np.ndarray, page: PageContent, settings: OcrSettings = DEFAULT.ocr) -> PageContent:
    """The page read from its rendered image: upright, levelled, ruling lines and recognised characters in
    PDF points. Returns the page without characters when nothing is recognised."""
    gray, ink = _prepared(gray, settings)
    boxes = recognise(gray, settings)
    turns = _orientation(gray, boxes)
    if turns:
        gray, ink = _prepared(_quarter_turn(gray, turns), settings)
        boxes = recognise(gray, settings)
    boxes = _bare_page_numbers(boxes, gray.shape[0])
    scale = settings.scale
    hmask, vmask = ruling_masks(ink, scale, settings)
    width = settings.rule_max_width * scale
    h_rules = [Rule(p / scale, a / scale, e / scale) for p, a, e in segments(hmask, True, width)
               if not _in_text_box(p, a, e, True, boxes, settings)]
    v_rules = [Rule(p / scale, a / scale, e / scale) for p, a, e in segments(vmask, False, width)
               if not _in_text_box(p, a, e, False, boxes, settings)]
    text_ink = ink.copy()
    text_ink[(hmask > 0) | (vmask > 0)] = 0
    boxes += missed_text(gray, text_ink, boxes, h_rules, v_rules, settings)
    across = [b.bottom - b.top for b in boxes if b.x1 - b.x0 >= b.bottom - b.top]
    if across:
        boxes = [part for b in boxes for part in unstacked(b, float(np.median(across)))]
    chars, uncertain = page_chars(boxes, text_ink, scale, settings)
    height, width_pt = gray.shape[0] / scale, gray.shape[1] / scale
    return replace(page, width=width_pt, height=height, chars=chars, h_rules=h_rules, v_rules=v_rules,
                   uncertain=uncertain, ocr=True)


def missed_text(gray: np.ndarray, text_ink: np.ndarray, boxes: list, h_rules: list, v_rules: list,
                settings: OcrSettings = DEFAULT.ocr) -> list:
    """Text the line detector passed over (typically a lone "0" in a column of amounts: a wrong empty cell
    that no sum check can catch): ink of text height inside the ruled area and outside every recognised
    line, re-read word by word. Only within a ruling (elsewhere stray ink, seals and signatures, is common),
    and never ink on a rule's line (a broken rule's remnant reads as "1")."""
    if not boxes or not h_rules or not v_rules:
        return []
    s = settings.scale
    size = float(np.median([b.bottom - b.top for b in boxes]))
    xs = [x * s for _, a, e in h_rules for x in (a, e)] + [p * s for p, _, _ in v_rules]
    ys = [p * s for p, _, _ in h_rules] + [y * s for _, a, e in v_rules for y in (a, e)]
    left = np.zeros_like(text_ink)
    x0, top, x1, bottom = int(min(xs)), int(min(ys)), int(max(xs)), int(max(ys))
    left[top:bottom, x0:x1] = text_ink[top:bottom, x0:x1]
    for b in boxes:
        left[max(0, int(b.top) - 2):int(b.bottom) + 3, max(0, int(b.x0) - 2):int(b.x1) + 3] = 0
    for p, _, _ in v_rules:                 # a broken rule's remnants, on its line
        left[:, max(0, int(p * s) - 2):int(p * s) + 3] = 0
    for p, _, _ in h_rules:
        left[max(0, int(p * s) - 2):int(p * s) + 3, :] = 0
    words = raster.dilate(left, max(3, int(0.6 * size)), 1)
    low, high = settings.missed_height
    out = []
    for x, y, w, h, _ in raster.components(words):
        ys_, xs_ = np.nonzero(left[y:y + h, x:x + w])
        if not len(ys_):
            continue
        wy0, wy1, wx0, wx1 = y + ys_.min(), y + ys_.max() + 1, x + xs_.min(), x + xs_.max() + 1
        if not low * size <= wy1 - wy0 <= high * size or len(ys_) < 1.5 * (wy1 - wy0):      # specks, strokes
            continue
        pad = int(0.3 * size)
        text, score = _rec(gray[max(0, wy0 - pad):wy1 + pad, max(0, wx0 - pad):wx1 + pad])
        if score < settings.min_score or not text.strip():
            continue
        chars = matched_brackets(amount_cleanup(_char_boxes(text, score, None, wx0, wx1), settings))
        out.append(TextBox(float(wx0), float(wy0), float(wx1), float(wy1), chars, score))
    return out
