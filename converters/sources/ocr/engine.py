"""Text detection and recognition with the PP-OCRv6 models on ONNX Runtime.

The models are RapidOCR's (they ship in the rapidocr wheel; a bundle carries them in resources/ocr_models). This
module runs them the way RapidOCR 3.x does (DB text detection, CTC recognition, character boxes from the CTC
columns), with numpy for the image work instead of OpenCV, which would weigh more than the rest of the OCR: the
steps and their constants are RapidOCR's, so recognition reads as it did when the OCR was tuned on it.

`TextEngine.read_page(gray)` finds and reads the text lines of a page image; `TextEngine.read_line(gray)` reads an
image that holds one line.
"""
from __future__ import annotations

import importlib.util
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np

from . import raster
from ...catalogue import resource_path

MODEL_FILES = {"det": "PP-OCRv6_det_small.onnx", "rec": "PP-OCRv6_rec_small.onnx"}


@dataclass(frozen=True)
class ModelConstants:
    """RapidOCR 3.10's constants for the PP-OCRv6 models: fixed, so that the engine reads as RapidOCR does (a test
    compares them), unlike the conversion's OCR settings (converters/settings.py OcrSettings)."""
    min_side: int = 30                 # images are scaled into [min_side, max_side] pixels first
    max_side: int = 2000
    det_side: int = 736                # the detector sees the shorter side at least this long
    det_threshold: float = 0.3         # text probability of a pixel of text
    box_threshold: float = 0.5         # mean probability of a text box
    max_candidates: int = 1000
    unclip_ratio: float = 1.6          # a box grows by area × ratio / perimeter (the model predicts shrunk text)
    min_box_side: int = 3
    rec_height: int = 48               # recogniser input: height, narrowest width, images per batch
    rec_width: int = 320
    rec_batch: int = 6
    text_score: float = 0.5            # lines read with less confidence are dropped (read_page)


RAPIDOCR = ModelConstants()


@dataclass
class TextLine:
    """A recognised line: its quadrilateral in the page image (clockwise from top left), its text and confidence,
    and per character (text, x0, x1, score) in image pixels (empty when the boxes could not be placed)."""
    quad: np.ndarray
    text: str
    score: float
    chars: list


def wheel_model_dir() -> Optional[Path]:
    """The models folder of the installed rapidocr package (found, not imported: only its model files are used),
    or None without it. The bundle copies the models from there (build.spec)."""
    spec = importlib.util.find_spec("rapidocr")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "models"


def model_dir() -> Path:
    """Where the models are: the bundle's resources, else the installed rapidocr package."""
    bundled = resource_path("ocr_models")
    if bundled.is_dir():
        return bundled
    folder = wheel_model_dir()
    if folder is None:
        raise FileNotFoundError("OCR models (rapidocr) not installed")
    return folder


class TextEngine:
    """The detector and recogniser sessions. `threads`: ONNX Runtime threads (-1: its default, all cores)."""

    def __init__(self, threads: int = -1, settings: ModelConstants = RAPIDOCR):
        import onnxruntime as ort
        opts = ort.SessionOptions()
        opts.log_severity_level = 4
        opts.enable_cpu_mem_arena = False
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if threads > 0:
            opts.intra_op_num_threads = opts.inter_op_num_threads = threads
        providers = [("CPUExecutionProvider", {"arena_extend_strategy": "kSameAsRequested"})]
        folder = model_dir()
        self.rec = ort.InferenceSession(str(folder / MODEL_FILES["rec"]), sess_options=opts, providers=providers)
        opts.enable_mem_pattern = False     # the detector's buffers for a whole page would stay allocated (~200 MB)
        self.det = ort.InferenceSession(str(folder / MODEL_FILES["det"]), sess_options=opts, providers=providers)
        meta = self.rec.get_modelmeta().custom_metadata_map
        self.alphabet = ["blank"] + meta["character"].splitlines() + [" "]      # CTC blank first, space last
        self.settings = settings

    # ------------------------------------------------------------------------------------------ public
    def read_page(self, gray: np.ndarray) -> list:
        """The text lines of a grayscale image, top to bottom, left to right."""
        s = self.settings
        img, ratio_h, ratio_w = fit_sides(gray, s.min_side, s.max_side)
        quads = sorted_quads(self.detect(img))
        if not len(quads):
            return []
        crops = [crop_quad(img, q) for q in quads]
        quads = quads.astype(np.float64)
        quads[:, :, 0] = np.clip(quads[:, :, 0] * ratio_w, 0, gray.shape[1])
        quads[:, :, 1] = np.clip(quads[:, :, 1] * ratio_h, 0, gray.shape[0])
        if (ratio_h, ratio_w) != (1.0, 1.0):
            crops = [raster.resize_linear(c, round(c.shape[1] * ratio_w), round(c.shape[0] * ratio_h))
                     for c in crops]
        out = []
        for quad, crop, (text, score, cols) in zip(quads, crops, self.recognize(crops)):
            if not text.strip() or score < s.text_score:
                continue
            out.append(TextLine(quad, text, score, char_boxes(text, cols, crop.shape, quad)))
        return out

    def read_line(self, gray: np.ndarray) -> tuple:
        """(text, score) of an image holding one line of text."""
        img, _, _ = fit_sides(gray, self.settings.min_side, self.settings.max_side)
        text, score, _ = self.recognize([img])[0]
        return text, score

    # ------------------------------------------------------------------------------------------ detection
    def detect(self, img: np.ndarray) -> np.ndarray:
        """Quadrilaterals (n, 4, 2) of the text in `img`, clockwise from top left, in its pixels."""
        s = self.settings
        h, w = img.shape
        dh, dw = sides_of_32(h, w, s.det_side / min(h, w) if min(h, w) < s.det_side else 1.0)
        if dh <= 0 or dw <= 0:
            return np.zeros((0, 4, 2), np.float32)
        x = normalized(raster.resize_linear(img, dw, dh))
        pred = self.det.run(None, {self.det.get_inputs()[0].name: x})[0][0, 0]
        return text_quads(pred, w, h, s)

    # ------------------------------------------------------------------------------------------ recognition
    def recognize(self, imgs: list) -> list:
        """(text, score, columns) per line image; columns: the CTC time step of each character and the number
        of steps the image spans (for `char_boxes`). Lines are batched by width like RapidOCR's (the padding
        of a batch changes what the model reads a little)."""
        s = self.settings
        order = np.argsort(np.array([im.shape[1] / float(im.shape[0]) for im in imgs]))
        out = [None] * len(imgs)
        for start in range(0, len(imgs), s.rec_batch):
            batch = order[start:start + s.rec_batch]
            ratios = [imgs[i].shape[1] / imgs[i].shape[0] for i in batch]
            widest = max([s.rec_width / s.rec_height] + ratios)
            x = np.stack([rec_input(imgs[i], widest, s.rec_height) for i in batch])
            preds = self.rec.run(None, {self.rec.get_inputs()[0].name: x})[0]
            for i, ratio, pred in zip(batch, ratios, preds):
                out[i] = self.ctc_decode(pred, ratio, widest)
        return out

    def ctc_decode(self, pred: np.ndarray, ratio: float, widest: float) -> tuple:
        """Greedy CTC: repeated and blank steps dropped. The image (width/height `ratio`) covers ratio/widest of
        the steps of its batch."""
        idx, prob = pred.argmax(axis=1), pred.max(axis=1)
        keep = np.ones(len(idx), bool)
        keep[1:] = idx[1:] != idx[:-1]
        keep &= idx != 0
        confs = [round(float(c), 5) for c in prob[keep]] or [0.0]
        text = "".join(self.alphabet[i] for i in idx[keep])
        return text, float(np.round(np.mean(confs), 5)), (np.flatnonzero(keep), len(idx) * ratio / widest, confs)


# ---------------------------------------------------------------------------------------------- image steps
def fit_sides(img: np.ndarray, min_side: int, max_side: int) -> tuple:
    """(image, ratio_h, ratio_w): scaled so that its longer side is at most `max_side` and its shorter at least
    `min_side`, to multiples of 32 pixels; ratios map the result's pixels back."""
    ratio_h = ratio_w = 1.0
    if max(img.shape) > max_side:
        img, ratio_h, ratio_w = _scaled(img, max_side / max(img.shape))
    if min(img.shape) < min_side:
        img, ratio_h, ratio_w = _scaled(img, min_side / min(img.shape))
    return img, ratio_h, ratio_w


def _scaled(img: np.ndarray, ratio: float) -> tuple:
    h, w = img.shape
    rh, rw = sides_of_32(h, w, ratio)
    return raster.resize_linear(img, rw, rh), h / rh, w / rw


def sides_of_32(h: int, w: int, ratio: float) -> tuple:
    """(height, width) scaled by `ratio` and rounded to multiples of 32 pixels, as the models want them."""
    return tuple(int(round(int(v * ratio) / 32) * 32) for v in (h, w))


def normalized(gray: np.ndarray) -> np.ndarray:
    """A (1, 3, h, w) float32 model input in [-1, 1] (the models take three equal channels for gray)."""
    x = gray.astype(np.float32) / 255.0 * 2.0 - 1.0
    return np.ascontiguousarray(np.broadcast_to(x, (1, 3) + x.shape))


def rec_input(img: np.ndarray, widest: float, height: int) -> np.ndarray:
    """(3, height, width) recogniser input of a line image: scaled to `height`, padded to the batch's width."""
    width = int(height * widest)
    h, w = img.shape
    resized_w = min(width, int(math.ceil(height * w / float(h))))
    out = np.zeros((3, height, width), np.float32)
    out[:, :, :resized_w] = raster.resize_linear(img, resized_w, height).astype(np.float32) / 255.0 * 2.0 - 1.0
    return out


def crop_quad(img: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """The quadrilateral's content as an upright rectangle (a tall one turned to read across)."""
    w = int(max(np.linalg.norm(quad[0] - quad[1]), np.linalg.norm(quad[2] - quad[3])))
    h = int(max(np.linalg.norm(quad[0] - quad[3]), np.linalg.norm(quad[1] - quad[2])))
    x0, y0 = quad[0]
    axis_aligned = np.array_equal(quad, np.array([[x0, y0], [x0 + w, y0], [x0 + w, y0 + h], [x0, y0 + h]],
                                                  quad.dtype))
    if axis_aligned:            # a plain crop: what the cubic warp gives for a whole-pixel shift, faster
        out = img[int(y0):int(y0) + h, int(x0):int(x0) + w]
    else:
        target = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
        out = raster.warp_perspective_cubic(img, raster.perspective_transform(quad, target), w, h)
    return np.rot90(out) if h >= 1.5 * w else out


# ---------------------------------------------------------------------------------------------- DB post-processing
def text_quads(pred: np.ndarray, width: int, height: int, s: ModelConstants = RAPIDOCR) -> np.ndarray:
    """Quadrilaterals of text from the detector's probability map, scaled to an image of width × height: each
    region of likely text, boxed, kept when its mean probability is high enough, and grown back by the margin
    the model shrinks text by."""
    mh, mw = pred.shape
    mask = raster.dilate((pred > s.det_threshold).astype(np.uint8) * 255, 2, 2)
    quads = []
    for points in raster.component_points(mask)[:s.max_candidates]:
        box, side = mini_box(points)
        if side < s.min_box_side or box_score(pred, box) < s.box_threshold:
            continue
        grown = unclipped(box, s.unclip_ratio)
        if not len(grown):
            continue
        box, side = mini_box(grown)
        if side < s.min_box_side + 2:
            continue
        box[:, 0] = np.clip(np.round(box[:, 0] / mw * width), 0, width)
        box[:, 1] = np.clip(np.round(box[:, 1] / mh * height), 0, height)
        quad = clockwise(box.astype(np.int32).astype(np.float32))
        quad[:, 0] = np.clip(quad[:, 0], 0, width - 1).astype(np.int32)
        quad[:, 1] = np.clip(quad[:, 1], 0, height - 1).astype(np.int32)
        if int(np.linalg.norm(quad[0] - quad[1])) > 3 and int(np.linalg.norm(quad[0] - quad[3])) > 3:
            quads.append(quad)
    return np.array(quads, np.float32).reshape(-1, 4, 2)


def mini_box(points: np.ndarray) -> tuple:
    """(corners from top left, clockwise; shorter side) of the points' minimum-area rectangle."""
    corners, w, h = raster.min_area_box(points)
    p = sorted(list(corners), key=lambda c: c[0])
    a, d = (0, 1) if p[1][1] > p[0][1] else (1, 0)
    b, c = (2, 3) if p[3][1] > p[2][1] else (3, 2)
    return np.array([p[a], p[b], p[c], p[d]]), min(w, h)


def box_score(pred: np.ndarray, box: np.ndarray) -> float:
    """Mean probability inside the box."""
    h, w = pred.shape
    x0, y0 = (int(v) for v in np.clip(np.floor(box.min(axis=0)), 0, [w - 1, h - 1]))
    x1, y1 = (int(v) for v in np.clip(np.ceil(box.max(axis=0)), 0, [w - 1, h - 1]))
    inside = raster.fill_convex((y1 - y0 + 1, x1 - x0 + 1), (box - [x0, y0]).astype(np.int32)).astype(bool)
    return float(pred[y0:y1 + 1, x0:x1 + 1][inside].mean()) if inside.any() else 0.0


def unclipped(box: np.ndarray, ratio: float) -> np.ndarray:
    """The box grown by area × ratio / perimeter on every side (rounded corners)."""
    import pyclipper
    x, y = box[:, 0], box[:, 1]
    area = 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))
    length = float(np.linalg.norm(box - np.roll(box, -1, axis=0), axis=1).sum())
    offset = pyclipper.PyclipperOffset()
    offset.AddPath(box, pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
    paths = offset.Execute(area * ratio / length) if length else []
    return np.concatenate([np.array(p) for p in paths]) if paths else np.zeros((0, 2))


def clockwise(pts: np.ndarray) -> np.ndarray:
    """Four points as top left, top right, bottom right, bottom left."""
    xs = pts[np.argsort(pts[:, 0]), :]
    left, right = xs[:2], xs[2:]
    tl, bl = left[np.argsort(left[:, 1])]
    tr, br = right[np.argsort(right[:, 1])]
    return np.array([tl, tr, br, bl], np.float32)


def sorted_quads(quads: np.ndarray, line_gap: int = 10) -> np.ndarray:
    """Reading order: by top, boxes less than `line_gap` pixels apart being one line, read left to right."""
    if not len(quads):
        return quads
    by_y = quads[np.argsort(quads[:, 0, 1], kind="stable")]
    lines = np.concatenate([[0], np.cumsum(np.diff(by_y[:, 0, 1]) >= line_gap)])
    return by_y[np.lexsort((by_y[:, 0, 0], lines))]


# ---------------------------------------------------------------------------------------------- character boxes
def _is_chinese(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"


def char_boxes(text: str, cols: tuple, crop_shape: tuple, quad: np.ndarray) -> list:
    """(char, x0, x1, score) per non-space character, in page pixels: each centred on its CTC step, as wide as
    the mean step distance between the characters of its words, mapped from the crop back through the quad."""
    steps, span, confs = cols
    if not len(steps) or span == 0:
        return []
    h, w = crop_shape[:2]
    col_width = w / span
    words, word, kind = [], [], None
    gaps = np.diff(steps, prepend=steps[0] - min(3 if _is_chinese(text[0]) else 2, int(steps[0])))
    for ch, step, gap in zip(text, steps, gaps):
        if ch.isspace():
            if word:
                words.append(word)
            word, kind = [], None
            continue
        this = _is_chinese(ch)
        if word and (this != kind or gap > 5):
            words.append(word)
            word = []
        kind = this
        word.append((ch, int(step)))
    if word:
        words.append(word)
    widths = [(wd[-1][1] - wd[0][1]) * col_width / (len(wd) - 1) for wd in words if len(wd) > 1]
    char_width = sum(widths) / len(widths) if widths else w / len(text)
    boxes = []
    for ch, step in (c for wd in words for c in wd):
        centre = (step + 0.5) * col_width
        boxes.append([ch, max(int(centre - char_width / 2), 0), min(int(centre + char_width / 2), w)])
    for cur, nxt in zip(boxes, boxes[1:]):      # overlapping neighbours meet half way
        if cur[2] > nxt[1]:
            d = cur[2] - nxt[1]
            cur[2] -= d / 2
            nxt[1] += d - d / 2
    page_x = crop_to_page(quad, h)
    return [(ch, *page_span(x0, x1, h, page_x), float(conf)) for (ch, x0, x1), conf in zip(boxes, confs)]


def crop_to_page(quad: np.ndarray, h: int):
    """The map of points of a quad's crop (`crop_quad`, `h` pixels high) to x in the page: back through the
    quad's perspective, a tall quad's crop turned back a quarter first."""
    left, top = int(quad[:, 0].min()), int(quad[:, 1].min())
    q = (quad.astype(np.float32) - np.float32([left, top]))
    cw, ch = int(np.linalg.norm(q[0] - q[1])), int(np.linalg.norm(q[0] - q[3]))
    inverse = np.linalg.inv(raster.perspective_transform(q, np.array([[0, 0], [cw, 0], [cw, ch], [0, ch]],
                                                                     np.float32)))
    width = max(np.linalg.norm(quad[0] - quad[1]), np.linalg.norm(quad[2] - quad[3]))
    height = max(np.linalg.norm(quad[1] - quad[2]), np.linalg.norm(quad[3] - quad[0]))
    tall = round(height / width, 2) >= 1.5 if width >= 1e-6 else True

    def page_x(px: float, py: float) -> int:
        if tall:
            px, py = -py + cw, px
        x, _, z = inverse @ np.array([px, py, 1.0])
        return int(x / z + left)
    return page_x


def page_span(x0: float, x1: float, h: int, page_x) -> tuple:
    """(x0, x1) in the page of the crop's columns x0…x1 (full height)."""
    xs = [page_x(px, py) for px, py in ((x0, 0), (x1, 0), (x1, h), (x0, h))]
    return float(min(xs)), float(max(xs))
