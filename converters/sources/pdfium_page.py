"""PDF pages through PDFium (pypdfium2): each page's characters, ruling and images as PageContent, in C.

The default PDF page reader; `pdf.PdfplumberPages` (pdfminer, in Python, ~5× slower) stays as the reference. Both
give the same page in the same frame: points from the top-left corner of the page as displayed (/Rotate applied).
This reader measures from the crop box, the part of the page a viewer (and `PdfSource.render`, and so OCR and the
preview) shows; pdfminer measures from the media box and keeps what lies outside the crop box.

- Characters come from PDFium's text page; their box is the one pdfminer gives (`read_chars`): from the origin,
  the advance along the text direction and, across it, the font size from the font descriptor's descent, because
  the engine's tolerances were set on those boxes. The descents are read from the font dictionaries (`FontDescents`),
  as PDFium only says a descent it made up when the descriptor gives none.
- Rules are the straight segments of painted paths, walked through nested form XObjects with their matrices;
  a Bézier segment counts as the chord from its start to its end point, as in pdfminer. Slanted segments (the
  diagonal of a 项目/金额 header cell) are not rules.
"""
from __future__ import annotations

import ctypes
import threading
from pathlib import Path
from typing import NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..model import Char, ConversionError, PageContent, Rule
from ..settings import DEFAULT, LimitSettings
from .pdf_pages import check_pdf_header, content_problem, dedupe_chars, largest_image_density, open_failure

MIN_RULE_LEN = 4.0
_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
# PDFium is not thread-safe, even across documents: every call into it in this process holds this lock (the GUI
# draws pages while its conversion thread reads them).
PDFIUM_LOCK = threading.RLock()


class PdfiumPages:
    """An open PDF read by PDFium, page by page. pdfminer's object parser opens it too, for what PDFium does not
    tell: the size of a page's content before it is parsed (`content_problem`) and the fonts' descents. A file
    pdfminer cannot open is still read (without those checks)."""
    name = "pdfium"

    def __init__(self, path: Path):
        self.path = Path(path)
        name = check_pdf_header(self.path)
        try:
            with PDFIUM_LOCK:
                self.pdf = pdfium.PdfDocument(str(self.path))
                n = len(self.pdf)
        except pdfium.PdfiumError as e:
            raise _pdfminer_reason(self.path, name, e) from e
        if n == 0:
            self.close()
            raise ConversionError(f"{name}：PDF 没有任何页面")
        self._miner_file, self._miner_pages = None, None
        self._descents = FontDescents()

    def __len__(self) -> int:
        return len(self.pdf)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        with PDFIUM_LOCK:
            self.pdf.close()
        if self._miner_file is not None:
            self._miner_file.close()
            self._miner_file = None

    def _miner_page(self, index: int):
        """pdfminer's page object (its dictionaries, not its content), or None where pdfminer cannot read the
        file or does not see the page."""
        if self._miner_pages is None:
            self._miner_pages = []
            try:
                from pdfminer.pdfdocument import PDFDocument
                from pdfminer.pdfpage import PDFPage
                from pdfminer.pdfparser import PDFParser
                self._miner_file = open(self.path, "rb")
                self._miner_pages = list(PDFPage.create_pages(PDFDocument(PDFParser(self._miner_file))))
            except Exception:       # PDFium reads more damaged files than pdfminer; those lose only the checks
                pass
        return self._miner_pages[index] if index < len(self._miner_pages) else None

    def read(self, index: int, limits: LimitSettings = DEFAULT.limits) -> PageContent:
        """Page `index` (0-based) as printed: not scaled to its paper, not read by OCR, not turned. A page whose
        content is too large to parse comes back empty, with its `unread` notice."""
        number = index + 1
        miner = self._miner_page(index)
        too_large, problem, descents = False, "", {}
        if miner is not None:
            too_large, problem = content_problem(miner, number, limits)
            descents = self._descents.of_page(miner) if not too_large else {}
        with PDFIUM_LOCK:
            page = self.pdf[index]
            try:
                frame = page_frame(page.raw)
                width, height = frame.size
                if too_large:
                    return PageContent(number, width, height, [], [], [], 0, unread=problem)
                textpage = page.get_textpage()
                try:
                    chars = dedupe_chars(visible_chars(read_chars(textpage.raw, frame, descents), width, height))
                finally:
                    textpage.close()
                objects = walk_objects(page.raw)
            finally:
                page.close()
        h_rules, v_rules = segments_to_rules(objects.segments, frame)
        sizes, cover = images_on_page(objects.images, frame)
        return PageContent(number, width, height, chars, h_rules, v_rules, len(sizes), cover,
                           largest_image_density(sizes), unread=problem)


class PageFrame(NamedTuple):
    """Where a page's user space lands on the page as displayed: its visible box (crop box within the media box,
    in user space) and its clockwise rotation in quarter turns."""
    x0: float
    y0: float
    x1: float
    y1: float
    turns: int

    @property
    def size(self) -> tuple:
        w, h = self.x1 - self.x0, self.y1 - self.y0
        return (h, w) if self.turns % 2 else (w, h)

    @property
    def affine(self) -> tuple:
        """(A, B, C, D, E, F): x = A·X + B·Y + E and top = C·X + D·Y + F on the displayed page for user-space
        (X, Y)."""
        t = self.turns
        if t == 0:
            return 1.0, 0.0, 0.0, -1.0, -self.x0, self.y1
        if t == 1:
            return 0.0, 1.0, 1.0, 0.0, -self.y0, -self.x0
        if t == 2:
            return -1.0, 0.0, 0.0, 1.0, self.x1, -self.y0
        return 0.0, -1.0, -1.0, 0.0, self.y1, self.x1

    def point(self, x: float, y: float) -> tuple:
        """(x, top) on the displayed page of user-space (x, y)."""
        t = self.turns
        if t == 0:
            return x - self.x0, self.y1 - y
        if t == 1:
            return y - self.y0, x - self.x0
        if t == 2:
            return self.x1 - x, y - self.y0
        return self.y1 - y, self.x1 - x


def _pdfminer_reason(path: Path, name: str, error) -> ConversionError:
    """Why PDFium did not open a PDF, as pdfminer's parser finds it (an empty page tree, encryption, damage): PDFium
    keeps its last error code across documents, so it cannot be taken on its own."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    try:
        with open(path, "rb") as fh:
            if not any(True for _ in PDFPage.create_pages(PDFDocument(PDFParser(fh)))):
                return ConversionError(f"{name}：PDF 没有任何页面")
    except Exception as e:      # pdfminer raises many types for damaged or encrypted files
        return open_failure(name, e)
    return open_failure(name, error, encrypted=getattr(error, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD)


def page_frame(raw_page) -> PageFrame:
    box = pdfium_c.FS_RECTF()
    pdfium_c.FPDF_GetPageBoundingBox(raw_page, box)
    return PageFrame(min(box.left, box.right), min(box.bottom, box.top), max(box.left, box.right),
                     max(box.bottom, box.top), pdfium_c.FPDFPage_GetRotation(raw_page) % 4)


def _mul(m: tuple, n: tuple) -> tuple:
    """The matrix applying m, then n (PDF order, row vectors)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _matrix(obj) -> tuple:
    m = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFPageObj_GetMatrix(obj, m)
    return (m.a, m.b, m.c, m.d, m.e, m.f)


# ---------------------------------------------------------------------------------------------- fonts
class FontDescents:
    """The descent (below the baseline, per unit of font size) of each font by its base name, as pdfminer takes it:
    the font descriptor's /Descent (made negative), the standard 14 fonts' AFM metrics, a Type 3 font's
    /FontBBox through its /FontMatrix; 0 where there is none. Read from the page's resources and those of its
    form XObjects with pdfminer's object parser (no content is parsed); fonts are cached per document."""

    def __init__(self):
        self._by_objid: dict = {}

    def of_page(self, miner_page) -> dict:
        from pdfminer.pdftypes import resolve1
        out: dict = {}
        seen: set = set()
        stack = [resolve1(miner_page.resources) or {}]
        while stack:
            resources = stack.pop()
            fonts = resolve1(resources.get("Font")) if isinstance(resources, dict) else None
            for ref in (fonts or {}).values() if isinstance(fonts, dict) else ():
                for name, descent in self._font(ref):
                    out.setdefault(name, descent)
            xobjects = resolve1(resources.get("XObject")) if isinstance(resources, dict) else None
            for ref in (xobjects or {}).values() if isinstance(xobjects, dict) else ():
                key = getattr(ref, "objid", None) or id(ref)
                if key in seen:
                    continue
                seen.add(key)
                xobj = resolve1(ref)
                attrs = getattr(xobj, "attrs", None)
                if attrs and _name(attrs.get("Subtype")) == "Form" and attrs.get("Resources") is not None:
                    stack.append(resolve1(attrs["Resources"]) or {})
        return out

    def _font(self, ref) -> list:
        key = getattr(ref, "objid", None)
        if key is not None and key in self._by_objid:
            return self._by_objid[key]
        try:
            found = _font_descents(ref)
        except Exception:       # a malformed font dictionary: its characters keep descent 0
            found = []
        if key is not None:
            self._by_objid[key] = found
        return found


def _name(value) -> str:
    from pdfminer.psparser import PSLiteral
    from pdfminer.pdftypes import resolve1
    value = resolve1(value)
    if isinstance(value, PSLiteral):
        value = value.name
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    return value if isinstance(value, str) else ""


def _font_descents(ref) -> list:
    """[(base name, descent)] of one font dictionary: a Type 0 font under its own name and its descendant's."""
    from pdfminer.fontmetrics import FONT_METRICS
    from pdfminer.pdftypes import resolve1
    spec = resolve1(ref)
    if not isinstance(spec, dict):
        return []
    names = [_name(spec.get("BaseFont"))]
    subtype = _name(spec.get("Subtype")) or "Type1"
    if subtype == "Type0":
        descendants = resolve1(spec.get("DescendantFonts")) or []
        spec = resolve1(descendants[0]) if descendants else {}
        if not isinstance(spec, dict):
            return []
        names.append(_name(spec.get("BaseFont")))
        subtype = _name(spec.get("Subtype"))
    descriptor = resolve1(spec.get("FontDescriptor")) or {}
    if subtype == "Type3":
        bbox = resolve1(descriptor.get("FontBBox") if "FontDescriptor" in spec else spec.get("FontBBox")) or [0] * 4
        matrix = [float(resolve1(v)) for v in (resolve1(spec.get("FontMatrix")) or [0.001, 0, 0, 0.001, 0, 0])]
        descent = float(resolve1(bbox[1])) * (matrix[1] + matrix[3])
    else:
        base = names[-1]
        if subtype not in ("CIDFontType0", "CIDFontType2") and base in FONT_METRICS:
            descriptor = FONT_METRICS[base][0]
        value = resolve1(descriptor.get("Descent", 0)) if isinstance(descriptor, dict) else 0
        descent = -abs(float(value)) / 1000 if isinstance(value, (int, float)) else 0.0
    # PDFium names a subset font without its "ABCDEF+" prefix
    return [(n, descent) for name in names if name for n in {name, name.split("+", 1)[-1]}]


def _font_name(font) -> str:
    """PDFium's base name of a font (without a subset's prefix)."""
    size = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
    buf = ctypes.create_string_buffer(max(size, 1))
    pdfium_c.FPDFFont_GetBaseFontName(font, buf, size)
    return buf.value.decode("utf-8", "replace")


# ---------------------------------------------------------------------------------------------- characters
_BLANKS = frozenset((0, 0x09, 0x0A, 0x0D, 0x20, 0xA0, 0x3000))

def _text_object_address():
    """FPDFText_GetTextObject returning the object's address as an int (a handle compared for every character;
    the binding's pointer would need a cast each time)."""
    fn = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)(
        ctypes.cast(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p).value)
    return fn


def page_text(textpage, count: int) -> list:
    """The text page's characters as code points, one per character index: in one call, unless the text it gives
    is not one unit per character (PDFium leaves out characters without a code point and some control
    characters; a character outside the Basic Multilingual Plane takes two UTF-16 units), then one by one."""
    buf = ctypes.create_string_buffer(2 * (count + 1))
    written = pdfium_c.FPDFText_GetText(textpage, 0, count, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))
    units = memoryview(buf.raw[:2 * count]).cast("H")
    if written - 1 != count or any(0xD800 <= u <= 0xDFFF for u in units):
        return [pdfium_c.FPDFText_GetUnicode(textpage, i) for i in range(count)]
    return list(units)


def read_chars(textpage, frame: PageFrame, descents: dict) -> list:
    """The page's printed characters (spaces and line ends left out), in text-page order, with pdfminer's boxes: from
    the origin, the advance along the text direction and, across it, from the font's descent to one font size above
    it. A character PDFium cannot map to Unicode reads "(cid:N)", as pdfminer writes it (OCR then reads the page).
    A character's advance is its width in the font's /Widths (PDFium's loose box takes the font program's)."""
    c = pdfium_c
    unmapped_at, origin_of = c.FPDFText_HasUnicodeMapError, c.FPDFText_GetCharOrigin
    object_at = _text_object_address()
    raw_page = ctypes.cast(textpage, ctypes.c_void_p).value
    x, y = ctypes.c_double(), ctypes.c_double()
    px, py = ctypes.byref(x), ctypes.byref(y)
    m, width = c.FS_MATRIX(), ctypes.c_float()
    A, B, C, D, E, F = frame.affine
    out, fonts = [], {}             # font handle -> (descent, {code: width per unit font size})
    last_obj, last_glyph, geometry = None, None, None
    for i, code in enumerate(page_text(textpage, c.FPDFText_CountChars(textpage))):
        if code in _BLANKS:
            continue
        text = chr(code)
        if not text.strip():
            continue
        key = object_at(raw_page, i)
        if key != last_obj:
            c.FPDFText_GetMatrix(textpage, i, m)
            font = c.FPDFTextObj_GetFont(c.FPDFText_GetTextObject(textpage, i))
            font_key = ctypes.cast(font, ctypes.c_void_p).value
            if font_key not in fonts:
                fonts[font_key] = (descents.get(_font_name(font), 0.0) if font else 0.0, {})
            size = c.FPDFText_GetFontSize(textpage, i)
            descent, widths = fonts[font_key]
            # on the displayed page: the text direction per unit of advance, and the box across it from the origin
            ux, ut = A * m.a + B * m.b, C * m.a + D * m.b
            vx, vt = A * m.c + B * m.d, C * m.c + D * m.d
            low, high = descent * size, (descent + 1) * size
            x_lo, x_hi = min(vx * low, vx * high), max(vx * low, vx * high)
            t_lo, t_hi = min(vt * low, vt * high), max(vt * low, vt * high)
            direction = (m.a, m.b)
            last_obj = key
        origin_of(textpage, i, px, py)
        X, Y = x.value, y.value
        if unmapped_at(textpage, i) == 1:
            text = f"(cid:{code})"
            advance = _loose_advance(textpage, i, direction, size)
        else:
            advance = widths.get(code)          # per unit font size
            if advance is None:
                if font and c.FPDFFont_GetGlyphWidth(font, code, 1.0, width):
                    advance = widths[code] = width.value
                else:
                    advance = _loose_advance(textpage, i, direction, size)
        glyph = (key, X, Y)
        if glyph == last_glyph:         # a glyph mapped to several characters (——, ﬁ): one character, as in pdfminer
            out[-1] = out[-1]._replace(text=out[-1].text + text)
            continue
        last_glyph = glyph
        adv = advance * size
        ox, ot = A * X + B * Y + E, C * X + D * Y + F
        ax, at = adv * ux, adv * ut
        top, bottom = ot + (at if at < 0 else 0.0) + t_lo, ot + (at if at > 0 else 0.0) + t_hi
        out.append(Char(text, ox + (ax if ax < 0 else 0.0) + x_lo, ox + (ax if ax > 0 else 0.0) + x_hi, top, bottom,
                        bottom - top))
    return out


def _loose_advance(textpage, index: int, direction: tuple, size: float) -> float:
    """A character's advance per unit font size from PDFium's loose box, along the text direction (a character
    without a width to be had)."""
    box = pdfium_c.FS_RECTF()
    pdfium_c.FPDFText_GetLooseCharBox(textpage, index, box)
    a, b = direction[0] * size, direction[1] * size
    if abs(a) >= abs(b):
        return (box.right - box.left) / abs(a) if a else 0.0
    return (box.top - box.bottom) / abs(b)


def visible_chars(chars: list, width: float, height: float) -> list:
    """The characters whose centre lies on the displayed page (text set outside the crop box is not shown)."""
    return [ch for ch in chars if 0 <= (ch.x0 + ch.x1) / 2 <= width and 0 <= (ch.top + ch.bottom) / 2 <= height]


# ---------------------------------------------------------------------------------------------- paths, images
class PageObjects(NamedTuple):
    segments: list      # ((x, y), (x, y)) straight pieces of painted paths, in user space
    images: list        # (x0, y0, x1, y1, pixel width, pixel height) in user space


def walk_objects(raw_page) -> PageObjects:
    """Painted path segments and images of the page, through nested form XObjects (each object's matrix
    composed with its forms')."""
    c = pdfium_c
    segments, images = [], []
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    px, py = ctypes.c_float(), ctypes.c_float()
    width, height = ctypes.c_uint(), ctypes.c_uint()
    stack = [([c.FPDFPage_GetObject(raw_page, i) for i in range(c.FPDFPage_CountObjects(raw_page))], _IDENTITY)]
    while stack:
        objects, parent = stack.pop()
        for obj in objects:
            kind = c.FPDFPageObj_GetType(obj)
            if kind == c.FPDF_PAGEOBJ_FORM:
                stack.append(([c.FPDFFormObj_GetObject(obj, i) for i in range(c.FPDFFormObj_CountObjects(obj))],
                              _mul(_matrix(obj), parent)))
            elif kind == c.FPDF_PAGEOBJ_PATH:
                c.FPDFPath_GetDrawMode(obj, fill, stroke)
                if fill.value or stroke.value:
                    segments.extend(_path_segments(obj, _mul(_matrix(obj), parent), px, py))
            elif kind == c.FPDF_PAGEOBJ_IMAGE:
                a, b, cc, d, e, f = _mul(_matrix(obj), parent)       # the image is the unit square
                xs, ys = (e, e + a, e + cc, e + a + cc), (f, f + b, f + d, f + b + d)
                c.FPDFImageObj_GetImagePixelSize(obj, width, height)
                images.append((min(xs), min(ys), max(xs), max(ys), width.value, height.value))
    return PageObjects(segments, images)


def _path_segments(obj, m: tuple, px, py) -> list:
    """The path's pieces from point to point: a Bézier's end point only, a close back to its subpath's start."""
    c = pdfium_c
    a, b, cc, d, e, f = m
    out, start, prev, bezier = [], None, None, 0
    for i in range(c.FPDFPath_CountSegments(obj)):
        seg = c.FPDFPath_GetPathSegment(obj, i)
        kind = c.FPDFPathSegment_GetType(seg)
        c.FPDFPathSegment_GetPoint(seg, px, py)
        point = (a * px.value + cc * py.value + e, b * px.value + d * py.value + f)
        if kind == c.FPDF_SEGMENT_MOVETO:
            start = prev = point
            bezier = 0
        elif kind == c.FPDF_SEGMENT_BEZIERTO and bezier < 2:     # control points: a Bézier is 3 segments
            bezier += 1
            continue
        else:
            bezier = 0
            if prev is not None:
                out.append((prev, point))
            prev = point
        if c.FPDFPathSegment_GetClose(seg) and start is not None and prev is not None:
            out.append((prev, start))
            prev = start
    return out


def segments_to_rules(segments: list, frame: PageFrame) -> tuple:
    """(horizontal, vertical) rules on the displayed page from straight segments: those parallel to the page's
    edges, at least MIN_RULE_LEN long once clipped to the visible box."""
    h, v = [], []
    for (x0, y0), (x1, y1) in segments:
        if y0 == y1:
            lo, hi = max(min(x0, x1), frame.x0), min(max(x0, x1), frame.x1)
            if hi - lo < MIN_RULE_LEN or not frame.y0 <= y0 <= frame.y1:
                continue
            (p0, t0), (p1, t1) = frame.point(lo, y0), frame.point(hi, y0)
        elif x0 == x1:
            lo, hi = max(min(y0, y1), frame.y0), min(max(y0, y1), frame.y1)
            if hi - lo < MIN_RULE_LEN or not frame.x0 <= x0 <= frame.x1:
                continue
            (p0, t0), (p1, t1) = frame.point(x0, lo), frame.point(x0, hi)
        else:
            continue
        if t0 == t1:
            h.append(Rule(round(t0, 1), min(p0, p1), max(p0, p1)))
        else:
            v.append(Rule(round(p0, 1), min(t0, t1), max(t0, t1)))
    return h, v


def images_on_page(images: list, frame: PageFrame) -> list:
    """(width, height in points, pixel width, pixel height) of the images, and the share of the visible box
    they cover (overlaps counted twice, capped at 1)."""
    area = (frame.x1 - frame.x0) * (frame.y1 - frame.y0)
    cover = sum(max(0.0, min(x1, frame.x1) - max(x0, frame.x0)) * max(0.0, min(y1, frame.y1) - max(y0, frame.y0))
                for x0, y0, x1, y1, _, _ in images)
    sizes = [(x1 - x0, y1 - y0, w, h) if frame.turns % 2 == 0 else (y1 - y0, x1 - x0, w, h)
             for x0, y0, x1, y1, w, h in images]
    return sizes, (min(1.0, cover / area) if area > 0 else 0.0)
