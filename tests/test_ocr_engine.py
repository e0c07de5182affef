"""The OCR engine (converters/sources/ocr/engine.py): RapidOCR's models and steps on ONNX Runtime, without OpenCV."""
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

import pdfgen as g
from converters.sources.ocr import engine as oe


def _line_image(lines, size=(900, 260), font_size=28):
    """A white image with the given (x, y, text) lines in black, as a 144 dpi scan shows them."""
    img = Image.new("L", size, 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(g.DEFAULT_FONT, font_size)
    for x, y, text in lines:
        draw.text((x, y), text, fill=0, font=font)
    return np.asarray(img).copy()


@pytest.fixture(scope="module")
def engine():
    return oe.TextEngine(threads=2)


# ---------------------------------------------------------------------------------------------- pure steps
def test_images_are_fitted_to_the_side_limits_in_multiples_of_32():
    img = np.zeros((20, 300), np.uint8)
    out, rh, rw = oe.fit_sides(img, 30, 2000)
    assert out.shape == (32, 448) and (rh, rw) == (20 / 32, 300 / 448)
    big = np.zeros((2400, 1700), np.uint8)
    out, rh, rw = oe.fit_sides(big, 30, 2000)
    assert out.shape == (1984, 1408) and rh == 2400 / 1984
    same = np.zeros((100, 200), np.uint8)
    assert oe.fit_sides(same, 30, 2000)[0] is same


def test_boxes_are_read_in_lines_top_to_bottom_then_left_to_right():
    quad = lambda x, y: [[x, y], [x + 10, y], [x + 10, y + 5], [x, y + 5]]
    quads = np.array([quad(50, 104), quad(10, 100), quad(10, 130), quad(80, 98)], np.float32)
    assert oe.sorted_quads(quads)[:, 0].tolist() == [[10, 100], [50, 104], [80, 98], [10, 130]]


def test_points_are_ordered_clockwise_from_top_left():
    pts = np.array([[10, 20], [0, 0], [10, 0], [0, 20]], np.float32)
    assert oe.clockwise(pts).tolist() == [[0, 0], [10, 0], [10, 20], [0, 20]]


def test_a_region_of_likely_text_becomes_a_box_grown_back_to_the_text():
    """The detector marks text shrunk by a margin: its box is grown by area × 1.6 / perimeter, and scaled from the
    probability map to the image."""
    pred = np.zeros((64, 128), np.float32)
    pred[20:30, 10:90] = 0.9                    # a line of text
    pred[50:52, 100:102] = 0.9                  # a speck: too small
    pred[40:46, 10:60] = 0.35                   # faint: above the pixel threshold, below the box threshold
    quads = oe.text_quads(pred, 256, 128)
    assert len(quads) == 1
    grow = 80 * 10 * 1.6 / (2 * (80 + 10))      # ~7 map pixels on every side, image = 2 × map
    x0, y0 = quads[0].min(axis=0)
    x1, y1 = quads[0].max(axis=0)
    assert abs(x0 - 2 * (10 - grow)) <= 3 and abs(x1 - 2 * (90 + grow)) <= 3
    assert abs(y0 - 2 * (20 - grow)) <= 3 and abs(y1 - 2 * (30 + grow)) <= 3


def test_character_boxes_are_centred_on_their_ctc_steps_and_mapped_into_the_page():
    """Four characters at CTC steps 2, 6, 10, 14 of a 40-step line 200 px wide (5 px per step), the crop taken
    at x=100: each box is 20 px wide (4 steps apart) centred on its step, in whole pixels."""
    quad = np.array([[100, 50], [300, 50], [300, 80], [100, 80]], np.float32)
    cols = (np.array([2, 6, 10, 14]), 40.0, [0.9, 0.8, 0.95, 0.99])
    boxes = oe.char_boxes("预算公开", cols, (30, 200), quad)
    assert [b[0] for b in boxes] == list("预算公开") and [b[3] for b in boxes] == [0.9, 0.8, 0.95, 0.99]
    assert [(b[1], b[2]) for b in boxes] == [(102, 122), (122, 142), (142, 162), (162, 182)]


def test_character_boxes_of_a_tall_line_run_down_the_page():
    """A label printed downwards was cropped and turned a quarter: its characters map back to the column."""
    quad = np.array([[100, 50], [130, 50], [130, 170], [100, 170]], np.float32)
    boxes = oe.char_boxes("合计", (np.array([3, 12]), 24.0, [1.0, 1.0]), (30, 120), quad)
    assert all(100 <= b[1] <= b[2] <= 131 for b in boxes)


# ---------------------------------------------------------------------------------------------- models
def test_models_are_found():
    assert all((oe.model_dir() / name).is_file() for name in oe.MODEL_FILES.values())


def test_a_page_image_is_read_line_by_line_with_character_boxes(engine):
    img = _line_image([(40, 40, "一般公共预算财政拨款支出"), (40, 140, "2026年 1,208.30"), (600, 140, "合计")])
    lines = engine.read_page(img)
    assert [ln.text for ln in lines] == ["一般公共预算财政拨款支出", "2026年1,208.30", "合计"] or \
        [ln.text.replace(" ", "") for ln in lines] == ["一般公共预算财政拨款支出", "2026年1,208.30", "合计"]
    first = lines[0]
    assert [c[0] for c in first.chars] == list("一般公共预算财政拨款支出") and min(c[3] for c in first.chars) > 0.8
    xs = [(c[1] + c[2]) / 2 for c in first.chars]
    assert xs == sorted(xs) and 36 <= first.chars[0][1] and first.chars[-1][2] <= 40 + 12 * 28 + 10
    x0, top = first.quad.min(axis=0)
    x1, bottom = first.quad.max(axis=0)
    assert top < 50 < 68 < bottom and x0 < 45 and x1 > 40 + 11 * 28


def test_one_line_is_read_without_detection(engine):
    img = _line_image([(8, 6, "基本支出")], size=(140, 42))
    text, score = engine.read_line(img)
    assert text == "基本支出" and score > 0.9
    assert engine.read_line(np.full((40, 120), 255, np.uint8))[0] == ""


def test_the_engine_reads_as_rapidocr_does():
    """Same lines, texts, scores and character boxes as RapidOCR 3.x (with OpenCV), where it is installed: the OCR
    was tuned on it. Boxes may differ by a pixel: OpenCV's minAreaRect rounds in single precision (an edge at 286
    comes out as 285.99997 and the box growing truncates it)."""
    cv2 = pytest.importorskip("cv2")
    rapidocr = pytest.importorskip("rapidocr")
    rapid = rapidocr.RapidOCR(params={"Global.log_level": "error", "Global.use_cls": False,
                                      "Global.return_word_box": True, "Global.return_single_char_box": True})
    img = _line_image([(40, 30, "三、项目支出"), (40, 100, "2,140.79"), (300, 100, "社会保障和就业支出 ")],
                      size=(760, 180))
    img = np.asarray(Image.fromarray(img).rotate(0.6, resample=Image.BILINEAR, fillcolor=255))
    res = rapid(cv2.cvtColor(img, cv2.COLOR_GRAY2BGR), use_det=True, use_cls=False, use_rec=True,
                return_word_box=True)
    lines = oe.TextEngine().read_page(img)
    assert [ln.text for ln in lines] == list(res.txts)
    assert [ln.score for ln in lines] == pytest.approx(list(res.scores), abs=1e-4)
    for ln, quad, words in zip(lines, res.boxes, res.word_results):
        assert np.allclose(ln.quad, quad, atol=1)
        assert [c[0] for c in ln.chars] == [w for w, _, _ in words]
        assert np.allclose([c[1:3] for c in ln.chars], [(min(p[0] for p in q), max(p[0] for p in q))
                                                         for _, _, q in words], atol=1)
    text, score = oe.TextEngine().read_line(img[90:140, 290:620])
    ref = rapid(cv2.cvtColor(img[90:140, 290:620], cv2.COLOR_GRAY2BGR), use_det=False, use_cls=False,
                use_rec=True, return_word_box=False)
    assert (text, score) == (ref.txts[0], pytest.approx(ref.scores[0], abs=1e-4))


def test_an_image_beyond_the_side_limit_is_read_scaled_and_mapped_back(engine):
    """An A3 landscape page at 144 dpi (2381 px wide) is detected at most 2000 px wide: boxes and character
    boxes come back in the image's own pixels."""
    img = _line_image([(1900, 300, "项目支出合计")], size=(2381, 700), font_size=32)
    lines = engine.read_page(img)
    assert [ln.text for ln in lines] == ["项目支出合计"]
    x0, top = lines[0].quad.min(axis=0)
    x1, bottom = lines[0].quad.max(axis=0)
    assert 1880 < x0 < 1905 and 1900 + 6 * 32 - 5 < x1 < 2381 and top < 310 < 330 < bottom
    assert 1890 < lines[0].chars[0][1] < lines[0].chars[-1][2] < 1900 + 6 * 32 + 10
