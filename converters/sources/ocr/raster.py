"""The OpenCV image operations the OCR needs, in numpy, so the bundle does not carry OpenCV.

Each function reproduces one OpenCV (5.0) call, named in its docstring, with OpenCV's own arithmetic where
that decides the result: fixed-point weights, single-precision sums, rounding, border rules, the order
of connected components. The OCR was tuned on OpenCV's results. Images are 2-D uint8 arrays; masks hold
0 and 255.
"""
from __future__ import annotations

import numpy as np

_FLT_EPS = float(np.finfo(np.float32).eps)
_DBL_EPS = float(np.finfo(np.float64).eps)


# ---------------------------------------------------------------------------------------------- threshold
def otsu_ink(gray: np.ndarray) -> np.ndarray:
    """The pixels at or below Otsu's threshold as 255, the rest 0:
    `cv2.threshold(gray, 0, 255, THRESH_BINARY_INV | THRESH_OTSU)[1]`."""
    return (gray <= _otsu_threshold(gray)).astype(np.uint8) * np.uint8(255)


def _otsu_threshold(gray: np.ndarray) -> int:
    """OpenCV's Otsu threshold: the first grey level that maximises the between-class variance of the
    256-bin histogram, computed step by step in double precision as OpenCV's own code does. (Builds with
    Intel IPP compute it there and may settle an exact tie of two levels the other way.)"""
    hist = np.bincount(gray.ravel(), minlength=256).tolist()
    scale = 1.0 / gray.size
    mu = sum(i * h for i, h in enumerate(hist)) * scale
    mu1 = q1 = best = 0.0
    level = 0
    for i, h in enumerate(hist):
        p = h * scale
        mu1 *= q1
        q1 += p
        q2 = 1.0 - q1
        if min(q1, q2) < _FLT_EPS or max(q1, q2) > 1.0 - _FLT_EPS:
            continue
        mu1 = (mu1 + i * p) / q1
        mu2 = (mu - q1 * mu1) / q2
        sigma = q1 * q2 * (mu1 - mu2) * (mu1 - mu2)
        if sigma > best:
            best, level = sigma, i
    return level


# ---------------------------------------------------------------------------------------------- resizing
def resize_linear(img: np.ndarray, width: int, height: int) -> np.ndarray:
    """`cv2.resize(img, (width, height))`: bilinear with OpenCV's pixel-centre mapping, border clamping and
    11-bit fixed-point weights (rows, then columns, rounded as OpenCV rounds). 2-D or (h, w, channels)."""
    h, w = img.shape[:2]
    if (width, height) == (w, h):
        return img.copy()
    if (width * 2, height * 2) == (w, h):       # OpenCV's 2x2 mean here: the same weights, its own rounding
        return _block_mean(img, 2, width, height)
    x0, x1, ax0, ax1 = _linear_taps(w, width, True)
    y0, y1, ay0, ay1 = _linear_taps(h, height, False)
    extra = (None,) * (img.ndim - 2)
    src = img.astype(np.int32)
    rows = src[:, x0] * ax0[(..., *extra)] + src[:, x1] * ax1[(..., *extra)]     # 2048 × pixel
    top = (rows[y0] >> 4) * ay0[(slice(None), None, *extra)] >> 16
    bottom = (rows[y1] >> 4) * ay1[(slice(None), None, *extra)] >> 16
    return ((top + bottom + 2) >> 2).astype(np.uint8)


def _linear_taps(n: int, m: int, clamp: bool) -> tuple:
    """Resizing n pixels to m: each output pixel's two source pixels and their 11-bit weights. Positions
    beyond the outer pixel centres take the outer pixel; OpenCV gets there by zeroing the weight of the
    pixel beyond (`clamp`, columns) or by repeating the edge row under both weights (rows), which rounds
    slightly differently."""
    f = ((np.arange(m) + 0.5) * (1.0 / (m / n)) - 0.5).astype(np.float32)
    i = np.floor(f)
    f -= i
    i = i.astype(np.int64)
    if clamp:
        f[(i < 0) | (i >= n - 1)] = 0
        i = np.clip(i, 0, n - 1)
    a0 = np.rint((np.float32(1) - f) * np.float32(2048)).astype(np.int32)
    a1 = np.rint(f * np.float32(2048)).astype(np.int32)
    return np.clip(i, 0, n - 1), np.clip(i + 1, 0, n - 1), a0, a1


def resize_area(img: np.ndarray, f: float) -> np.ndarray:
    """`cv2.resize(img, None, fx=f, fy=f, interpolation=INTER_AREA)` for 0 < f < 1: each output pixel the
    mean of the source area it covers, summed in single precision in OpenCV's order. 2-D or (h, w, c)."""
    h, w = img.shape[:2]
    width, height = _round(w * f), _round(h * f)
    if (width, height) == (w, h):
        return img.copy()
    scale = 1.0 / f
    k = _round(scale)
    if abs(scale - k) < _DBL_EPS:
        return _block_mean(img, k, width, height)
    extra = (None,) * (img.ndim - 2)
    xi, xw = _area_taps(w, width, scale)
    yi, yw = _area_taps(h, height, scale)
    src = img.astype(np.float32)
    rows = np.zeros((h, width) + img.shape[2:], np.float32)
    for i, a in zip(xi.T, xw.T):
        rows += src[:, i] * a[(..., *extra)]
    out = np.zeros((height, width) + img.shape[2:], np.float32)
    for i, a in zip(yi.T, yw.T):
        out += rows[i] * a[(slice(None), None, *extra)]
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def _round(v: float) -> int:
    """cvRound: to the nearest integer, halves to even."""
    return int(np.rint(v))


def _area_taps(n: int, m: int, scale: float) -> tuple:
    """Shrinking n pixels to m by `scale`: each output pixel's source pixels (m, k) and their float32
    shares of its area, in OpenCV's order (left partial pixel, whole pixels, right partial pixel)."""
    lo = np.arange(m) * scale
    hi = lo + scale
    cell = np.minimum(scale, n - lo)
    first = np.ceil(lo).astype(np.int64)
    last = np.minimum(np.floor(hi).astype(np.int64), n - 1)
    first = np.minimum(first, last)
    k = int(np.ceil(scale)) + 2
    idx = first[:, None] - 1 + np.arange(k)
    share = np.where((idx >= first[:, None]) & (idx < last[:, None]), 1.0 / cell[:, None], 0.0)
    head, tail = first - lo, hi - last
    share[:, 0] = np.where(head > 1e-3, head / cell, 0.0)
    at_last = idx == last[:, None]
    share[at_last] = np.where(tail > 1e-3, np.minimum(np.minimum(tail, 1.0), cell) / cell, 0.0)
    return np.clip(idx, 0, n - 1), share.astype(np.float32)


def _block_mean(img: np.ndarray, k: int, width: int, height: int) -> np.ndarray:
    """OpenCV's integer-factor INTER_AREA: the mean of each k×k block; blocks cut by the image edge average
    what they hold. 2x2 blocks round halves up, the others to even."""
    h, w = img.shape[:2]
    ph, pw = height * k, width * k
    pad = np.zeros((ph, pw) + img.shape[2:], np.int32)
    pad[:min(h, ph), :min(w, pw)] = img[:ph, :pw]
    sums = pad.reshape(height, k, width, k, *img.shape[2:]).sum(axis=(1, 3))
    count = np.minimum(h - np.arange(height) * k, k)[:, None] * np.minimum(w - np.arange(width) * k, k)
    count = count[(..., *(None,) * (img.ndim - 2))]
    if k == 2:
        out = np.where(count == 4, (sums + 2) >> 2, np.rint(sums.astype(np.float32) / count))
    else:
        whole = np.rint(sums.astype(np.float32) * np.float32(1.0 / (k * k)))
        out = np.where(count == k * k, whole, np.rint(sums.astype(np.float32) / count))
    return np.clip(out, 0, 255).astype(np.uint8)


# ---------------------------------------------------------------------------------------------- warping
ROTATE_BAND_PIXELS = 1 << 20       # pixels per band of `rotate`: its working arrays take ~60 bytes per pixel


def rotate(img: np.ndarray, angle: float, fill: int) -> np.ndarray:
    """The image rotated by `angle` degrees (counter-clockwise) about its centre, same size, uncovered
    corners `fill`: `cv2.warpAffine(img, cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1), (w, h),
    flags=INTER_LINEAR, borderValue=fill)`. Like OpenCV's vectorised kernel, source positions and the
    interpolation are computed in single precision with fused multiply-adds."""
    if abs(angle) < 0.01:
        return img
    h, w = img.shape
    t = angle * (np.pi / 180)
    a, b = np.cos(t), np.sin(t)
    cx, cy = w / 2, h / 2
    m = _invert_affine(np.array([[a, b, (1 - a) * cx - b * cy], [-b, a, b * cx + (1 - a) * cy]]))
    m = m.astype(np.float32)
    pad = np.full((h + 2, w + 2), fill, np.uint8)          # pixels beyond the edge count as `fill`
    pad[1:-1, 1:-1] = img
    flat = pad.ravel()
    cols = np.arange(w, dtype=np.float64)
    out = np.empty((h, w), np.uint8)
    band = max(1, ROTATE_BAND_PIXELS // w)                  # rows at a time: the float arrays stay small
    for r0 in range(0, h, band):
        rows = np.arange(r0, min(h, r0 + band), dtype=np.float32)[:, None]
        sx = _fma(cols, m[0, 0], rows * m[0, 1] + m[0, 2])
        sy = _fma(cols, m[1, 0], rows * m[1, 1] + m[1, 2])
        ix, iy = np.floor(sx), np.floor(sy)
        fx, fy = sx - ix, sy - iy
        inside = (ix >= -1) & (ix < w) & (iy >= -1) & (iy < h)
        i = (np.clip(iy, -1, h - 1).astype(np.int32) + 1) * (w + 2) + np.clip(ix, -1, w - 1).astype(np.int32) + 1
        p00, p01, p10, p11 = (flat.take(i + d).astype(np.float32) for d in (0, 1, w + 2, w + 3))
        top = _fma(fx, p01 - p00, p00)
        bottom = _fma(fx, p11 - p10, p10)
        v = _fma(fy, bottom - top, top)
        out[r0:r0 + len(rows)] = np.where(inside, np.clip(np.rint(v), 0, 255), fill)
    return out


def _fma(a, b, c) -> np.ndarray:
    """a * b + c rounded once to single precision, like a fused multiply-add on float32 operands."""
    return (np.asarray(a, np.float64) * np.asarray(b, np.float64) + c).astype(np.float32)


def _invert_affine(m: np.ndarray) -> np.ndarray:
    """The inverse of a 2x3 affine matrix, computed as cv2.warpAffine does."""
    d = m[0, 0] * m[1, 1] - m[0, 1] * m[1, 0]
    d = 1.0 / d if d != 0 else 0.0
    a11, a22 = m[1, 1] * d, m[0, 0] * d
    a12, a21 = -m[0, 1] * d, -m[1, 0] * d
    b1 = -a11 * m[0, 2] - a12 * m[1, 2]
    b2 = -a21 * m[0, 2] - a22 * m[1, 2]
    return np.array([[a11, a12, b1], [a21, a22, b2]])


# ---------------------------------------------------------------------------------------------- morphology
def dilate(mask: np.ndarray, kw: int, kh: int) -> np.ndarray:
    """`cv2.dilate(mask, getStructuringElement(MORPH_RECT, (kw, kh)))`: each pixel the maximum of the kw×kh
    window anchored at (kw // 2, kh // 2); pixels beyond the image do not count."""
    return _slide(_slide(mask, kw, 1, np.maximum, 0), kh, 0, np.maximum, 0)


def erode(mask: np.ndarray, kw: int, kh: int) -> np.ndarray:
    """`cv2.erode(mask, getStructuringElement(MORPH_RECT, (kw, kh)))`: each pixel the minimum of the kw×kh
    window anchored at (kw // 2, kh // 2); pixels beyond the image do not count."""
    return _slide(_slide(mask, kw, 1, np.minimum, 255), kh, 0, np.minimum, 255)


def close(mask: np.ndarray, kw: int, kh: int) -> np.ndarray:
    """`cv2.morphologyEx(mask, MORPH_CLOSE, rect kw×kh)`: gaps shorter than the kernel filled."""
    return erode(dilate(mask, kw, kh), kw, kh)


def open(mask: np.ndarray, kw: int, kh: int) -> np.ndarray:
    """`cv2.morphologyEx(mask, MORPH_OPEN, rect kw×kh)`: only what the kernel fits in kept."""
    return dilate(erode(mask, kw, kh), kw, kh)


def _slide(a: np.ndarray, k: int, axis: int, op, identity: int) -> np.ndarray:
    """op (np.maximum or np.minimum) over the windows of k pixels along `axis`, the window of pixel i starting
    at i - k // 2, pixels beyond the image taken as `identity`. van Herk / Gil-Werman: in blocks of k pixels,
    a running op from each block's start and one from its end; every window is a block's tail followed by
    the next block's head, so the op of two values. O(n) for any k: the loop steps through the k positions
    of a block, each step over n / k pixels at once."""
    if k <= 1:
        return a.copy()
    n = a.shape[axis]
    blocks = -(-(n + k - 1) // k)
    along = lambda s: tuple(s if d == axis else slice(None) for d in range(a.ndim))
    pad = np.full(a.shape[:axis] + (blocks * k,) + a.shape[axis + 1:], identity, a.dtype)
    pad[along(slice(k // 2, k // 2 + n))] = a
    tail = pad.reshape(a.shape[:axis] + (blocks, k) + a.shape[axis + 1:])
    head = tail.copy()
    at = lambda j: (slice(None),) * (axis + 1) + (j,)
    for j in range(1, k):
        op(head[at(j - 1)], head[at(j)], out=head[at(j)])
        op(tail[at(k - j)], tail[at(k - j - 1)], out=tail[at(k - j - 1)])
    head, tail = head.reshape(pad.shape), tail.reshape(pad.shape)
    return op(tail[along(slice(0, n))], head[along(slice(k - 1, k - 1 + n))])


# ---------------------------------------------------------------------------------------------- components
def components(mask: np.ndarray) -> np.ndarray:
    """The 8-connected components of the nonzero pixels as an int32 array (n, 5) of x, y, width, height,
    area: `cv2.connectedComponentsWithStats(mask, connectivity=8)[2][1:]`, in OpenCV's order."""
    n, label, row, first, last = _labelled_runs(mask)
    stats = np.empty((n, 5), np.int32)
    x0 = np.full(n, mask.shape[1], np.int64)
    x1 = np.full(n, -1, np.int64)
    np.minimum.at(x0, label, first)
    np.maximum.at(x1, label, last)
    y0 = np.full(n, mask.shape[0], np.int64)
    y1 = np.full(n, -1, np.int64)
    np.minimum.at(y0, label, row)
    np.maximum.at(y1, label, row)
    stats[:, 0], stats[:, 1] = x0, y0
    stats[:, 2], stats[:, 3] = x1 - x0 + 1, y1 - y0 + 1
    stats[:, 4] = np.bincount(label, last - first + 1, n)
    return stats


def component_points(mask: np.ndarray) -> list:
    """For the components of `components(mask)`, in the same order, an int32 array (k, 2) of (x, y) points
    each: the first and last pixel of each of its runs, which have the same convex hull as all its pixels."""
    n, label, row, first, last = _labelled_runs(mask)
    if not n:
        return []
    order = np.argsort(label, kind="stable")
    ends = np.stack([first, row, last, row], axis=1)[order].reshape(-1, 2).astype(np.int32)
    return np.split(ends, 2 * np.cumsum(np.bincount(label, minlength=n))[:-1])


def _labelled_runs(mask: np.ndarray) -> tuple:
    """The horizontal runs of nonzero pixels, in raster order, labelled by 8-connected component:
    (n, label, row, first, last). Components are numbered as OpenCV numbers them: its labelling (Bolelli's
    Spaghetti) scans 2x2 blocks, so by the first block, in raster order of blocks, that holds a pixel."""
    h, w = mask.shape
    row, first, last = _runs(mask)
    if not len(row):
        return 0, row, row, first, last
    # runs of the row above touching each run (8-connected: columns overlap or meet at a corner)
    key = row * (w + 2) + 1
    lo = np.searchsorted(key + last, key - (w + 2) + first - 1, "left")
    hi = np.searchsorted(key + first, key - (w + 2) + last + 1, "right")
    count = np.maximum(hi - lo, 0)
    run = np.repeat(np.arange(len(row)), count)
    above = np.repeat(lo - np.cumsum(count) + count, count) + np.arange(count.sum())
    root = _union(len(row), run, above)
    block = (row // 2) * ((w + 1) // 2) + first // 2
    start = np.full(len(row), np.iinfo(np.int64).max)
    np.minimum.at(start, root, block)
    roots = np.flatnonzero(root == np.arange(len(row)))
    rank = np.empty(len(row), np.int64)
    rank[roots[np.argsort(start[roots], kind="stable")]] = np.arange(len(roots))
    return len(roots), rank[root], row, first, last


def _runs(mask: np.ndarray) -> tuple:
    """(row, first column, last column) of every run of nonzero pixels, in raster order."""
    h, w = mask.shape
    ink = np.zeros((h, w + 1), np.int8)                  # a blank column ends every row's last run
    ink[:, :w] = mask != 0
    flat = np.concatenate([[0], ink.ravel()])
    edge = np.flatnonzero(flat[1:] != flat[:-1])
    start, end = edge[0::2], edge[1::2] - 1
    row = start // (w + 1)
    return row, start - row * (w + 1), end - row * (w + 1)


def _union(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Connected components of n nodes joined by edges (a, b): each node's smallest connected node.
    Vectorised union-find: hook each tree's root under the smallest root it touches, then compress paths
    fully; repeat until no edge joins two trees."""
    parent = np.arange(n)
    while len(a):
        ra, rb = parent[a], parent[b]
        apart = ra != rb
        a, b, ra, rb = a[apart], b[apart], ra[apart], rb[apart]
        np.minimum.at(parent, np.maximum(ra, rb), np.minimum(ra, rb))
        while True:
            up = parent[parent]
            if np.array_equal(up, parent):
                break
            parent = up
    return parent


# ---------------------------------------------------------------------------------------------- geometry
def min_area_box(points: np.ndarray) -> tuple:
    """The smallest-area rectangle enclosing 2-D points, as `cv2.boxPoints(cv2.minAreaRect(points))`:
    (corners, width, height), corners a float32 (4, 2) array in no particular order. One of the rectangle's
    sides lies on an edge of the points' convex hull, so only the hull's edge directions are tried (rotating
    calipers). A single point gives four equal corners and no size; collinear points a flat box."""
    hull = _hull(np.asarray(points, np.float64).reshape(-1, 2))
    if len(hull) == 1:
        return np.repeat(hull, 4, axis=0).astype(np.float32), 0.0, 0.0
    if len(hull) == 2:
        return np.repeat(hull, 2, axis=0).astype(np.float32), float(np.hypot(*(hull[1] - hull[0]))), 0.0
    edges = np.roll(hull, -1, axis=0) - hull
    u = edges / np.hypot(edges[:, 0], edges[:, 1])[:, None]          # each edge's direction
    v = np.stack([-u[:, 1], u[:, 0]], axis=1)                        # and its normal
    along, across = hull @ u.T, hull @ v.T                          # (points, edges)
    a0, a1, c0, c1 = along.min(0), along.max(0), across.min(0), across.max(0)
    i = int(np.argmin((a1 - a0) * (c1 - c0)))
    corners = np.array([[a0[i], c0[i]], [a1[i], c0[i]], [a1[i], c1[i]], [a0[i], c1[i]]])
    return (corners @ np.stack([u[i], v[i]])).astype(np.float32), float(a1[i] - a0[i]), float(c1[i] - c0[i])


def _hull(points: np.ndarray) -> np.ndarray:
    """The convex hull's vertices in order, without repeated or collinear points (Andrew's monotone chain,
    on points sorted by y then x)."""
    p = points[np.lexsort((points[:, 0], points[:, 1]))]
    row_end = np.r_[p[1:, 1] != p[:-1, 1], True]
    p = p[row_end | np.r_[True, row_end[:-1]]]          # of each row only its outer points can be on the hull
    p = p[np.r_[True, (p[1:] != p[:-1]).any(axis=1)]]
    if len(p) < 3:
        return p
    pts = p.tolist()

    def chain(seq: list) -> list:
        out = []
        for x, y in seq:
            while len(out) >= 2 and ((out[-1][0] - out[-2][0]) * (y - out[-2][1])
                                     - (out[-1][1] - out[-2][1]) * (x - out[-2][0])) <= 0:
                out.pop()
            out.append((x, y))
        return out[:-1]

    return np.array(chain(pts) + chain(pts[::-1]), np.float64)


def fill_convex(shape: tuple, quad: np.ndarray) -> np.ndarray:
    """A uint8 mask of `shape` with the convex polygon `quad` (integer points (k, 2)) set to 1:
    `cv2.fillPoly(np.zeros(shape, np.uint8), [quad], 1)`. OpenCV's rule: on each row the pixels between
    the polygon's edges, followed in 16.16 fixed point from their upper end (an edge reaching beyond the
    image from its ends cut to the image) and leaving out the row of their lower end, plus the edges drawn
    as 8-connected lines."""
    h, w = shape
    out = np.zeros(shape, np.uint8)
    pts = np.asarray(quad, np.int64).reshape(-1, 2)
    left = np.full(h, np.iinfo(np.int64).max)
    right = np.full(h, np.iinfo(np.int64).min)
    for (xa, ya), (xb, yb) in zip(np.roll(pts, 1, axis=0).tolist(), pts.tolist()):
        if ya == yb:
            continue
        (ca, cya), (cb, cyb) = (xa, ya), (xb, yb)
        if not (0 <= min(xa, xb) and max(xa, xb) < w and 0 <= min(ya, yb) and max(ya, yb) < h):
            ends, _ = _clip_line([xa, ya], [xb, yb], w, h)
            if ends[0][1] != ends[1][1]:
                (ca, cya), (cb, cyb) = ends
        step = abs(cb - ca) * 65536 // abs(cyb - cya) * (1 if (cb - ca) * (cyb - cya) >= 0 else -1)
        if ya > yb:
            ya, yb, ca, cya = yb, ya, cb, cyb
        ys = np.arange(max(ya, 0), min(yb, h))
        xs = (ca << 16) + (ys - cya) * step
        left[ys] = np.minimum(left[ys], xs)
        right[ys] = np.maximum(right[ys], xs)
    rows = np.flatnonzero(left <= right)
    x0, x1 = np.maximum((left[rows] + 0xFFFF) >> 16, 0), np.minimum(right[rows] >> 16, w - 1)
    cols = np.arange(w)
    out[rows] = (cols >= x0[:, None]) & (cols <= x1[:, None])
    for a, b in zip(np.roll(pts, 1, axis=0).tolist(), pts.tolist()):
        ends, visible = _clip_line(a, b, w, h)
        if visible:
            x, y = _line(*ends)
            out[y, x] = 1
    return out


def _clip_line(a: list, b: list, w: int, h: int) -> tuple:
    """The segment a-b cut to a w×h image as OpenCV's clipLine cuts it (Cohen-Sutherland, integer ends):
    (ends, whether the segment meets the image). Ends of a missing segment may be partly moved, as there."""
    (x1, y1), (x2, y2) = a, b
    right, bottom = w - 1, h - 1
    code = lambda x, y: (x < 0) + (x > right) * 2 + (y < 0) * 4 + (y > bottom) * 8
    c1, c2 = code(x1, y1), code(x2, y2)
    if (c1 & c2) == 0 and (c1 | c2) != 0:
        if c1 & 12:
            e = 0 if c1 < 8 else bottom
            x1 += int((e - y1) * (x2 - x1) / (y2 - y1))
            y1, c1 = e, (x1 < 0) + (x1 > right) * 2
        if c2 & 12:
            e = 0 if c2 < 8 else bottom
            x2 += int((e - y2) * (x2 - x1) / (y2 - y1))
            y2, c2 = e, (x2 < 0) + (x2 > right) * 2
        if (c1 & c2) == 0 and (c1 | c2) != 0:
            if c1:
                e = 0 if c1 == 1 else right
                y1 += int((e - x1) * (y2 - y1) / (x2 - x1))
                x1, c1 = e, 0
            if c2:
                e = 0 if c2 == 1 else right
                y2 += int((e - x2) * (y2 - y1) / (x2 - x1))
                x2, c2 = e, 0
    return ([x1, y1], [x2, y2]), not c1 | c2


def _line(a: list, b: list) -> tuple:
    """The pixels (x, y) of OpenCV's 8-connected line from a to b (Bresenham, drawn left to right)."""
    (xa, ya), (xb, yb) = sorted([a, b]) if a[0] != b[0] else (a, b)
    dx, dy = xb - xa, abs(yb - ya)
    sy = 1 if yb >= ya else -1
    major = max(dx, dy)
    j = np.arange(major + 1)
    minor = (2 * min(dx, dy) * j + major - 1) // (2 * major) if major else j
    return (xa + minor, ya + sy * j) if dy > dx else (xa + j, ya + sy * minor)


def perspective_transform(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """The 3x3 homography taking four points `src` to `dst`: `cv2.getPerspectiveTransform(src, dst)`
    (OpenCV takes the points as float32 and solves the same 8x8 system)."""
    s = np.asarray(src, np.float32).reshape(4, 2).astype(np.float64)
    d = np.asarray(dst, np.float32).reshape(4, 2).astype(np.float64)
    a = np.zeros((8, 8))
    a[:4, 0:2], a[:4, 2] = s, 1
    a[4:, 3:5], a[4:, 5] = s, 1
    a[:4, 6:8] = -s * d[:, :1]
    a[4:, 6:8] = -s * d[:, 1:]
    m = np.linalg.solve(a, np.concatenate([d[:, 0], d[:, 1]]))
    return np.append(m, 1.0).reshape(3, 3)


def warp_perspective_cubic(img: np.ndarray, m: np.ndarray, width: int, height: int) -> np.ndarray:
    """`cv2.warpPerspective(img, m, (width, height), flags=INTER_CUBIC, borderMode=BORDER_REPLICATE)`:
    each output pixel mapped back through m's inverse to a (single-precision) source position, then
    OpenCV's bicubic kernel (A = -0.75) over the 4x4 pixels around it, edge pixels repeated beyond the
    image, rounded to the nearest level."""
    inv = np.linalg.inv(np.asarray(m, np.float64))
    h, w = img.shape
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float64)
    z = inv[2, 0] * xs + inv[2, 1] * ys + inv[2, 2]
    sx = ((inv[0, 0] * xs + inv[0, 1] * ys + inv[0, 2]) / z).astype(np.float32)
    sy = ((inv[1, 0] * xs + inv[1, 1] * ys + inv[1, 2]) / z).astype(np.float32)
    ix, iy = np.floor(sx), np.floor(sy)
    wx, wy = _cubic(sx - ix), _cubic(sy - iy)
    ix, iy = ix.astype(np.int64), iy.astype(np.int64)
    flat = img.astype(np.float64).ravel()
    cols = [np.clip(ix + j - 1, 0, w - 1) for j in range(4)]
    out = np.zeros((height, width))
    for i in range(4):
        row = np.clip(iy + i - 1, 0, h - 1) * w
        out += wy[i] * sum(wx[j] * flat[row + cols[j]] for j in range(4))
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def _cubic(t: np.ndarray) -> list:
    """The weights of the four taps around a position `t` (0 <= t < 1) past the second: OpenCV's cubic
    convolution kernel with A = -0.75."""
    a = -0.75
    t = t.astype(np.float64)
    w0 = ((a * (t + 1) - 5 * a) * (t + 1) + 8 * a) * (t + 1) - 4 * a
    w1 = ((a + 2) * t - (a + 3)) * t * t + 1
    w2 = ((a + 2) * (1 - t) - (a + 3)) * (1 - t) * (1 - t) + 1
    return [w0, w1, w2, 1 - w0 - w1 - w2]
