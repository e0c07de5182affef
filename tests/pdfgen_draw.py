"""Text and ruling on a reportlab canvas (a part of tests/pdfgen.py, which re-exports it; import that).

The embedded CJK font and its string widths, greedy line wrapping, one line of (faked-bold) text and the segment
helpers the table ruling is merged from. tests/perfgen.py draws its forms with the same primitives.
"""
from __future__ import annotations

import re

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont


# ============================================================================================ fonts and text
_FONTS: dict = {}


def _register_font(path: str, subfont_index: int = 0) -> str:
    key = (path, subfont_index)
    if key not in _FONTS:
        name = f"BTCJK{len(_FONTS)}"
        pdfmetrics.registerFont(TTFont(name, path, subfontIndex=subfont_index))
        _FONTS[key] = (name, {})
    return _FONTS[key][0]


class _Metrics:
    """Fast string widths: per-character advance cache (the TTF has no kerning in reportlab)."""

    def __init__(self, font_name: str):
        self.font = font_name
        self._cache = next(v[1] for v in _FONTS.values() if v[0] == font_name)

    def width(self, text: str, size: float) -> float:
        cache = self._cache
        w = 0.0
        for ch in text:
            cw = cache.get(ch)
            if cw is None:
                cw = cache[ch] = pdfmetrics.stringWidth(ch, self.font, 1000.0) / 1000.0
            w += cw
        return w * size


_TOKEN = re.compile(r"[A-Za-z0-9.,%+\-_/:]+|\s+|.", re.S)


def wrap_text(text: str, width: float, metrics: "_Metrics", size: float, first_indent: float = 0.0) -> list:
    """Greedy line wrapping: CJK per character, ASCII/number runs kept whole when they fit.

    Explicit "\\n" are kept as line breaks. Returns at least one (possibly empty) line.
    """
    out = []
    for para in str(text).split("\n"):
        line, lw = "", 0.0
        avail = max(width - first_indent, size)
        for tok in _TOKEN.findall(para):
            tw = metrics.width(tok, size)
            if lw + tw <= avail + 1e-6:
                line, lw = line + tok, lw + tw
                continue
            if tok.isspace():               # a break opportunity: drop the space
                out.append(line)
                line, lw, avail = "", 0.0, max(width, size)
                continue
            if tw > max(width, size) or not line:
                # Too long for any line (or nothing on this line yet): break per character.
                for ch in tok:
                    cw = metrics.width(ch, size)
                    if lw + cw > avail + 1e-6 and line:
                        out.append(line)
                        line, lw, avail = "", 0.0, max(width, size)
                    line, lw = line + ch, lw + cw
                continue
            out.append(line)
            line, lw, avail = tok, tw, max(width, size)
        out.append(line)
    # Trailing spaces never matter for layout.
    out = [ln.rstrip() for ln in out]
    return out or [""]


_NUM = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?$")


def _is_number(s) -> bool:
    return bool(s) and bool(_NUM.match(str(s).strip()))


def draw_text(c, font: str, x, y, text, size, bold=False):
    """One line of text on a reportlab canvas; bold is faked by fill + stroke (the CJK font has no bold face)."""
    if not text:
        return
    if bold:
        c.saveState()
        t = c.beginText()
        t.setTextRenderMode(2)
        t.setFont(font, size)
        t.setTextOrigin(x, y)
        t.textOut(text)
        c.setLineWidth(size * 0.035)
        c.drawText(t)
        c.restoreState()
    else:
        c.setFont(font, size)
        c.drawString(x, y, text)


# ============================================================================================ ruling
def _merge_spans(spans):
    spans = sorted(spans)
    out = []
    for a, b in spans:
        if out and a <= out[-1][1] + 0.01:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return out


def _rect_segs(x0, y0, x1, y1):
    return [(x0, y0, x1, y0), (x0, y1, x1, y1), (x0, y0, x0, y1), (x1, y0, x1, y1)]
