"""converters/sources/ocr/raster.py: the numpy stand-ins for the OpenCV calls of the OCR.

Known answers and naive reference implementations check the module without OpenCV; where OpenCV is
installed (CI gets it with rapidocr), every function is also compared with the call it replaces.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from converters.sources.ocr import raster

CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
TEXT = "预算收入支出合计一般公共服务教育科学技术社会保障和就业卫生健康城乡社区住房0123456789.,"


def _page(width: int = 1190, height: int = 1684, seed: int = 0) -> np.ndarray:
    """A grey budget-table page: ruled grid, rows of CJK text and digits, scanner noise."""
    rng = np.random.default_rng(seed)
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(CJK_FONT), 22) if CJK_FONT.exists() else ImageFont.load_default()
    y = 80
    while y < height - 80:
        draw.line([(60, y - 6), (width - 60, y - 6)], fill=0, width=2)
        for x in range(70, width - 200, 215):
            text = "".join(rng.choice(list(TEXT), int(rng.integers(3, 10))))
            draw.text((x, y), text, fill=int(rng.integers(0, 60)), font=font)
        y += 38
    for x in range(60, width - 50, 215):
        draw.line([(x, 74), (x, y - 6)], fill=0, width=2)
    noisy = np.asarray(img).astype(np.int16) + rng.integers(-20, 20, (height, width), dtype=np.int16)
    return np.clip(noisy, 0, 255).astype(np.uint8)


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    return _page()


@pytest.fixture(scope="module")
def ink(page) -> np.ndarray:
    return raster.otsu_ink(page)


def _random_masks(seed: int = 1, count: int = 60) -> list:
    rng = np.random.default_rng(seed)
    masks = []
    for _ in range(count):
        h, w = rng.integers(1, 40, 2)
        masks.append(((rng.random((h, w)) < rng.random()) * 255).astype(np.uint8))
    return masks + [np.zeros((5, 7), np.uint8), np.full((6, 9), 255, np.uint8), np.eye(9, dtype=np.uint8) * 255,
                    np.eye(9, dtype=np.uint8)[::-1] * 255, np.pad(np.full((3, 3), 255, np.uint8), 2)]


def _rotated_rect(cx, cy, w, h, degrees) -> np.ndarray:
    t = np.radians(degrees)
    u, v = np.array([np.cos(t), np.sin(t)]), np.array([-np.sin(t), np.cos(t)])
    return np.array([[cx, cy] + sx * w / 2 * u + sy * h / 2 * v for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1))])


def _same_corners(a, b, tol=1e-3) -> bool:
    d = np.abs(np.asarray(a, float)[:, None] - np.asarray(b, float)[None]).max(axis=2)
    return d.min(axis=1).max() <= tol and d.min(axis=0).max() <= tol


# ---------------------------------------------------------------------------------------------- without OpenCV
def test_otsu_splits_a_two_level_image_at_the_dark_level():
    img = np.full((20, 30), 200, np.uint8)
    img[5:9, 3:20] = 30
    ink = raster.otsu_ink(img)
    assert ink.dtype == np.uint8
    assert raster._otsu_threshold(img) == 30
    assert np.array_equal(ink, np.where(img == 30, 255, 0))


def test_otsu_maximises_between_class_variance():
    rng = np.random.default_rng(3)
    for _ in range(20):
        img = np.clip(rng.normal(rng.integers(40, 220), 40, (30, 40)), 0, 255).astype(np.uint8)
        img[:10] //= 3
        hist = np.bincount(img.ravel(), minlength=256).astype(float)
        w0, s0 = np.cumsum(hist), np.cumsum(hist * np.arange(256))
        n, s = w0[-1], s0[-1]
        with np.errstate(divide="ignore", invalid="ignore"):
            between = (s * w0 - n * s0) ** 2 / (w0 * (n - w0))
        t = raster._otsu_threshold(img)
        assert between[t] == pytest.approx(np.nanmax(between[:-1]), rel=1e-9)


def _naive_morph(mask, kw, kh, op):
    """Window extreme over the kernel anchored at its centre, pixels beyond the image ignored."""
    h, w = mask.shape
    out = np.empty_like(mask)
    for y in range(h):
        for x in range(w):
            win = mask[max(0, y - kh // 2):max(0, y - kh // 2 + kh), max(0, x - kw // 2):max(0, x - kw // 2 + kw)]
            out[y, x] = op(win)
    return out


@pytest.mark.parametrize("kw,kh", [(1, 1), (2, 1), (1, 2), (3, 1), (12, 1), (1, 20), (4, 3), (50, 1), (2, 60)])
def test_morphology_matches_the_window_definition(kw, kh):
    rng = np.random.default_rng(kw * 100 + kh)
    mask = ((rng.random((23, 31)) < 0.4) * 255).astype(np.uint8)
    assert np.array_equal(raster.dilate(mask, kw, kh), _naive_morph(mask, kw, kh, np.max))
    assert np.array_equal(raster.erode(mask, kw, kh), _naive_morph(mask, kw, kh, np.min))
    assert np.array_equal(raster.close(mask, kw, kh), raster.erode(raster.dilate(mask, kw, kh), kw, kh))
    assert np.array_equal(raster.open(mask, kw, kh), raster.dilate(raster.erode(mask, kw, kh), kw, kh))


def test_open_keeps_only_long_strokes():
    mask = np.zeros((5, 40), np.uint8)
    mask[1, 2:32] = 255          # a rule
    mask[3, 5:12] = 255          # a short dash
    assert np.array_equal(raster.open(mask, 21, 1)[1], mask[1])
    assert not raster.open(mask, 21, 1)[3].any()
    assert np.array_equal(raster.open(mask, 20, 1)[1], np.roll(mask[1], 1))      # even kernels shift, as in OpenCV
    gap = mask.copy()
    gap[1, 15:17] = 0
    assert np.array_equal(raster.close(gap, 3, 1)[1], mask[1])


def test_components_of_a_hand_drawn_mask():
    m = np.zeros((6, 10), np.uint8)
    m[0, 5:8] = 255              # B: first pixel at row 0, in block column 2
    m[1, 0] = m[2, 1] = 255      # A: diagonal pair, first pixel at row 1 but in block (0, 0)
    m[3:6, 9] = 255              # C: touches the right and bottom edges
    m[4, 3] = m[5, 4] = 255      # D: diagonal
    m[5, 6] = 255                # E: single pixel, not touching D
    stats = raster.components(m)
    assert stats.dtype == np.int32
    # OpenCV numbers components by the first 2x2 block (raster order of blocks) holding one of their pixels
    assert stats.tolist() == [[0, 1, 2, 2, 2], [5, 0, 3, 1, 3], [9, 3, 1, 3, 3], [3, 4, 2, 2, 2], [6, 5, 1, 1, 1]]
    assert raster.components(np.zeros((4, 4), np.uint8)).shape == (0, 5)
    assert raster.components(np.full((3, 4), 255, np.uint8)).tolist() == [[0, 0, 4, 3, 12]]


def test_component_points_are_run_ends_in_component_order():
    m = np.zeros((6, 10), np.uint8)
    m[1:4, 2:6] = 255
    m[0, 8] = 255
    points = raster.component_points(m)
    assert [p.dtype for p in points] == [np.int32, np.int32]
    assert sorted(map(tuple, points[0].tolist())) == sorted([(2, y) for y in (1, 2, 3)] + [(5, y) for y in (1, 2, 3)])
    assert points[1].tolist() == [[8, 0], [8, 0]]
    assert raster.component_points(np.zeros((3, 3), np.uint8)) == []


def test_min_area_box_of_a_rotated_rectangle():
    corners = _rotated_rect(300, 200, 120, 30, 30)
    inside = corners.mean(axis=0) + np.random.default_rng(0).uniform(-10, 10, (50, 2))
    box, w, h = raster.min_area_box(np.vstack([corners, inside]))
    assert box.dtype == np.float32 and box.shape == (4, 2)
    assert _same_corners(box, corners)
    assert sorted([w, h]) == pytest.approx([30, 120])


def test_min_area_box_degenerate_inputs():
    box, w, h = raster.min_area_box(np.array([[5, 7]]))
    assert box.tolist() == [[5, 7]] * 4 and (w, h) == (0, 0)
    box, w, h = raster.min_area_box(np.array([[5, 7], [5, 7]]))
    assert box.tolist() == [[5, 7]] * 4 and (w, h) == (0, 0)
    box, w, h = raster.min_area_box(np.array([[0, 0], [3, 4]]))
    assert _same_corners(box, [[0, 0], [0, 0], [3, 4], [3, 4]]) and sorted([w, h]) == [0, 5]
    box, w, h = raster.min_area_box(np.array([[2, 1], [8, 4], [4, 2], [0, 0]]))
    assert _same_corners(box, [[0, 0], [0, 0], [8, 4], [8, 4]]) and sorted([w, h]) == pytest.approx([0, np.hypot(8, 4)])
    box, w, h = raster.min_area_box(np.array([[1, 3], [9, 3], [4, 3]]))
    assert _same_corners(box, [[1, 3], [1, 3], [9, 3], [9, 3]]) and sorted([w, h]) == [0, 8]


def test_fill_convex_known_shapes():
    rect = raster.fill_convex((6, 8), np.array([[1, 1], [5, 1], [5, 3], [1, 3]]))
    expected = np.zeros((6, 8), np.uint8)
    expected[1:4, 1:6] = 1
    assert np.array_equal(rect, expected)
    diamond = raster.fill_convex((7, 7), np.array([[3, 0], [6, 3], [3, 6], [0, 3]]))
    assert np.array_equal(diamond, (np.abs(np.arange(7) - 3)[:, None] + np.abs(np.arange(7) - 3) <= 3).astype(np.uint8))


def test_perspective_transform_maps_the_points():
    src = np.array([[10.5, 20], [300, 31], [298, 70], [9, 62]], np.float32)
    dst = np.array([[0, 0], [290, 0], [290, 40], [0, 40]], np.float32)
    m = raster.perspective_transform(src, dst)
    mapped = np.c_[src, np.ones(4)] @ m.T
    assert np.allclose(mapped[:, :2] / mapped[:, 2:], dst, atol=1e-6)
    assert m[2, 2] == 1


def test_warp_of_an_integer_translation_is_a_crop(page):
    m = np.array([[1.0, 0, -40], [0, 1, -300], [0, 0, 1]])
    assert np.array_equal(raster.warp_perspective_cubic(page, m, 400, 40), page[300:340, 40:440])
    edge = raster.warp_perspective_cubic(page, np.array([[1.0, 0, 5], [0, 1, 0], [0, 0, 1]]), 20, 3)
    assert np.array_equal(edge[:, :5], np.repeat(page[:3, :1], 5, axis=1))      # the edge repeated


def test_resize_known_values():
    img = np.array([[0, 100], [200, 50]], np.uint8)
    assert raster.resize_linear(img, 2, 2) is not img and np.array_equal(raster.resize_linear(img, 2, 2), img)
    assert raster.resize_linear(img, 1, 1).tolist() == [[88]]            # (0 + 100 + 200 + 50 + 2) >> 2
    assert raster.resize_linear(img, 4, 1).tolist() == [[100, 94, 81, 75]]       # rows averaged: 100, 75
    big = np.arange(64, dtype=np.uint8).reshape(8, 8)
    assert raster.resize_area(big, 0.25).tolist() == [[14, 18], [46, 50]]        # means 13.5, 17.5, 45.5, 49.5
    assert raster.resize_area(np.full((50, 70), 77, np.uint8), 1000 / 1190).tolist() == np.full((42, 59), 77).tolist()
    assert raster.resize_linear(np.dstack([img, img]), 1, 1).tolist() == [[[88, 88]]]


def test_rotate_keeps_size_fills_corners_and_skips_tiny_angles(page):
    out = raster.rotate(page, 3, 255)
    assert out.shape == page.shape and out.dtype == np.uint8
    assert (out[:20, -20:] == 255).all()                                   # uncovered corner
    assert raster.rotate(page, 0.005, 255) is page
    block = np.zeros((9, 9), np.uint8)
    block[4, :] = 200
    assert np.array_equal(raster.rotate(block, 90, 0)[:, 4], np.r_[[0], [200] * 8])


# ---------------------------------------------------------------------------------------------- against OpenCV
def test_otsu_equals_opencv(page):
    cv2 = pytest.importorskip("cv2")
    rng = np.random.default_rng(5)
    images = [page, page[:200, :300], rng.integers(0, 256, (37, 41), dtype=np.uint8)]
    images += [np.clip(rng.normal(rng.integers(0, 256), rng.integers(1, 60), (30, 30)), 0, 255).astype(np.uint8)
               for _ in range(30)]
    images += [np.where(rng.random((20, 20)) < 0.3, 40, 180).astype(np.uint8), np.full((5, 5), 9, np.uint8)]
    for img in images:
        expected = cv2.threshold(img, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)[1]
        assert np.array_equal(raster.otsu_ink(img), expected)


def test_resize_linear_equals_opencv(page):
    cv2 = pytest.importorskip("cv2")
    rng = np.random.default_rng(2)
    small = rng.integers(0, 256, (37, 53), dtype=np.uint8)
    cases = [(page, 595, 842), (page, 1000, 1415), (page, 1189, 1686), (small, 106, 74), (small, 20, 11),
             (small, 53, 200), (small, 7, 37), (small[:1], 9, 3), (small[:, :1], 2, 80)]
    cases += [(rng.integers(0, 256, (40, 60, 3), dtype=np.uint8), 97, 81)]
    for img, w, h in cases:
        diff = np.abs(raster.resize_linear(img, w, h).astype(int) - cv2.resize(img, (w, h)))
        assert diff.max() <= 1, (img.shape, w, h)


def test_resize_area_equals_opencv(page, ink):
    cv2 = pytest.importorskip("cv2")
    rng = np.random.default_rng(4)
    odd = rng.integers(0, 256, (71, 53), dtype=np.uint8)
    for img in (ink, page[:400, :523], odd, np.dstack([odd, odd, 255 - odd])):
        for f in (1000 / 1190, 1000 / 523, 0.5, 0.25, 1 / 3, 0.3, 0.77, 0.49, 0.999):
            if f >= 1:
                continue
            expected = cv2.resize(img, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
            got = raster.resize_area(img, f)
            assert got.shape == expected.shape and np.abs(got.astype(int) - expected).max() <= 1, (img.shape, f)


def test_rotate_matches_opencv(page):
    cv2 = pytest.importorskip("cv2")
    h, w = page.shape
    for angle in (0.3, -1.37, 5.0):
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        expected = cv2.warpAffine(page, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
        diff = np.abs(raster.rotate(page, angle, 255).astype(int) - expected)
        assert diff.mean() < 0.5 and (diff <= 2).mean() >= 0.99


@pytest.mark.parametrize("kw,kh", [(1, 1), (2, 1), (1, 2), (3, 1), (12, 1), (20, 1), (1, 20), (5, 3), (100, 1), (1, 80)])
def test_morphology_equals_opencv(ink, kw, kh):
    cv2 = pytest.importorskip("cv2")
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (kw, kh))
    for mask in [ink] + _random_masks(count=10):
        assert np.array_equal(raster.dilate(mask, kw, kh), cv2.dilate(mask, kernel))
        assert np.array_equal(raster.erode(mask, kw, kh), cv2.erode(mask, kernel))
        assert np.array_equal(raster.close(mask, kw, kh), cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel))
        assert np.array_equal(raster.open(mask, kw, kh), cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel))


def test_components_equal_opencv_including_order(ink):
    cv2 = pytest.importorskip("cv2")
    masks = [ink, raster.close(ink, 20, 1), raster.dilate(ink, 15, 1), raster.open(ink, 1, 20)] + _random_masks()
    for mask in masks:
        expected = cv2.connectedComponentsWithStats(mask, connectivity=8)[2][1:]
        got = raster.components(mask)
        assert got.shape == expected.shape and np.array_equal(got, expected)


def test_component_points_follow_opencv_labels_and_hulls(ink):
    cv2 = pytest.importorskip("cv2")
    for mask in [raster.dilate(ink, 9, 1)] + _random_masks(count=20):
        _, labels = cv2.connectedComponents(mask, connectivity=8)
        points = raster.component_points(mask)
        assert len(points) == labels.max()
        for k, pts in enumerate(points[:300], start=1):
            assert (labels[pts[:, 1], pts[:, 0]] == k).all()
            ys, xs = np.nonzero(labels == k)
            full = cv2.convexHull(np.c_[xs, ys].astype(np.int32)).reshape(-1, 2)
            ours = cv2.convexHull(pts).reshape(-1, 2)
            assert sorted(map(tuple, full.tolist())) == sorted(map(tuple, ours.tolist()))


def _text_blobs(ink) -> np.ndarray:
    rules = raster.open(ink, 40, 1) | raster.open(ink, 1, 40)
    return raster.dilate(ink & ~raster.dilate(rules, 3, 3), 9, 1)


def test_min_area_box_matches_opencv(ink):
    cv2 = pytest.importorskip("cv2")
    rng = np.random.default_rng(0)
    cases = list(raster.component_points(_text_blobs(ink)))
    for _ in range(40):
        mask = np.zeros((200, 700), np.uint8)
        quad = cv2.boxPoints(((350, 100), (rng.uniform(20, 600), rng.uniform(8, 60)), rng.uniform(0.1, 5) * rng.choice([-1, 1])))
        cv2.fillPoly(mask, [quad.astype(np.int32)], 255)
        cases += raster.component_points(mask)
        corners = _rotated_rect(*rng.uniform(100, 900, 2), rng.uniform(20, 400), rng.uniform(5, 40), rng.uniform(0.1, 5))
        cases.append(np.vstack([corners, corners.mean(axis=0) + rng.uniform(-3, 3, (20, 2))]).astype(np.float32))
    cases += [np.array([[5, 7]], np.int32), np.array([[1, 2], [40, 9]], np.int32), np.array([[3, 4], [3, 4]], np.int32),
              np.array([[0, 0], [10, 5], [20, 10], [4, 2]], np.int32), np.array([[3, 4], [9, 4], [6, 4]], np.float32)]
    for pts in cases:
        rect = cv2.minAreaRect(pts)
        box, w, h = raster.min_area_box(pts)
        assert _same_corners(box, cv2.boxPoints(rect)), pts
        assert sorted([w, h]) == pytest.approx(sorted(rect[1]), abs=1e-3)


def test_fill_convex_matches_opencv():
    cv2 = pytest.importorskip("cv2")
    rng = np.random.default_rng(6)
    for k in range(150):
        h, w = (int(v) for v in rng.integers(5, 120, 2))
        if k % 2:
            x0, x1 = sorted(rng.integers(-5, w + 5, 2))
            y0, y1 = sorted(rng.integers(-5, h + 5, 2))
            quad = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.int32)
        else:
            rect = ((rng.uniform(0, w), rng.uniform(0, h)), (rng.uniform(2, w), rng.uniform(2, h)), rng.uniform(-40, 40))
            quad = np.clip(cv2.boxPoints(rect), 0, [w - 1, h - 1]).astype(np.int32)
        expected = cv2.fillPoly(np.zeros((h, w), np.uint8), quad.reshape(1, -1, 2), 1)
        got = raster.fill_convex((h, w), quad)
        if k % 2:
            assert np.array_equal(got, expected)
        else:
            ys, xs = np.nonzero(expected)
            box = (slice(ys.min(), ys.max() + 1), slice(xs.min(), xs.max() + 1))
            assert (got[box] == expected[box]).mean() >= 0.99


def test_perspective_transform_matches_opencv():
    cv2 = pytest.importorskip("cv2")
    rng = np.random.default_rng(7)
    for _ in range(50):
        src = _rotated_rect(*rng.uniform(50, 1000, 2), rng.uniform(20, 400), rng.uniform(8, 50), rng.uniform(-5, 5))
        src = src.astype(np.float32)
        w, h = rng.uniform(20, 400), rng.uniform(8, 50)
        dst = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
        expected = cv2.getPerspectiveTransform(src, dst)
        assert np.abs(raster.perspective_transform(src, dst) - expected).max() <= 1e-6 * np.abs(expected).max()


def test_warp_perspective_cubic_matches_opencv(page):
    cv2 = pytest.importorskip("cv2")
    rng = np.random.default_rng(8)
    for k in range(10):
        w, h = int(rng.integers(30, 420)), int(rng.integers(20, 60))
        x, y = rng.uniform(-20, 1100), rng.uniform(-10, 1650)
        if k < 3:
            x, y, angle, scale = float(int(x)), float(int(y)), 0.0, 1.0
        else:
            angle, scale = rng.uniform(-4, 4), rng.uniform(0.9, 1.1)
        src = _rotated_rect(0, 0, w * scale, h, angle) - _rotated_rect(0, 0, w * scale, h, angle)[0] + [x, y]
        m = cv2.getPerspectiveTransform(src.astype(np.float32), np.float32([[0, 0], [w, 0], [w, h], [0, h]]))
        expected = cv2.warpPerspective(page, m, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
        diff = np.abs(raster.warp_perspective_cubic(page, m, w, h).astype(int) - expected)
        assert diff.max() == 0 if k < 3 else diff.mean() < 1
