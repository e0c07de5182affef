"""PDF pages through pdfplumber (pdfminer, in Python): the reference page reader, `--reader pdfplumber`.

The PDFium reader (pdfium_page.py) is the default and gives the same pages about five times faster; this one is
kept to check it against. Coordinates are pdfplumber's: from the top-left corner of the media box as displayed.
"""
from __future__ import annotations

from pathlib import Path

from ..model import Char, ConversionError, PageContent, Rule
from ..settings import DEFAULT, LimitSettings
from .pdf_pages import check_pdf_header, content_problem, dedupe_chars, largest_image_density, open_failure

MIN_RULE_LEN = 4.0


class PdfplumberPages:
    """An open PDF read by pdfplumber, page by page."""
    name = "pdfplumber"

    def __init__(self, path: Path):
        import pdfplumber
        self.path = Path(path)
        name = check_pdf_header(self.path)
        try:
            self.pdf = pdfplumber.open(self.path)
            n = len(self.pdf.pages)
        except Exception as e:  # pdfminer raises many types for damaged or encrypted files
            raise open_failure(name, e) from e
        if n == 0:
            self.pdf.close()
            raise ConversionError(f"{name}：PDF 没有任何页面")

    def __len__(self) -> int:
        return len(self.pdf.pages)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        self.pdf.close()

    def read(self, index: int, limits: LimitSettings = DEFAULT.limits) -> PageContent:
        """Page `index` (0-based) as printed: not scaled to its paper, not read by OCR, not turned. A page whose
        content is too large to parse comes back empty, with its `unread` notice."""
        page = self.pdf.pages[index]
        try:
            return _page_content(page, index + 1, limits)
        finally:
            page.close()


def _page_content(page, number: int, limits: LimitSettings) -> PageContent:
    too_large, problem = content_problem(page.page_obj, number, limits)
    if too_large:
        return PageContent(number, float(page.width), float(page.height), [], [], [], 0, unread=problem)
    chars = dedupe_chars([Char(c["text"], c["x0"], c["x1"], c["top"], c["bottom"],
                               c.get("size") or (c["bottom"] - c["top"]))
                          for c in page.chars if c["text"].strip()])
    edges = page.edges
    return PageContent(number, float(page.width), float(page.height), chars, _rules(edges, "h"), _rules(edges, "v"),
                       len(page.images), _image_cover(page), _image_density(page), unread=problem)


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


def _image_cover(page) -> float:
    """Share of the page area covered by images (overlaps counted twice, capped at 1)."""
    w, h = float(page.width), float(page.height)
    area = sum(max(0.0, min(i["x1"], w) - max(i["x0"], 0.0)) * max(0.0, min(i["bottom"], h) - max(i["top"], 0.0))
               for i in page.images)
    return min(1.0, area / (w * h)) if w * h > 0 else 0.0


def _image_density(page) -> float:
    """`largest_image_density` of a pdfplumber page."""
    return largest_image_density((float(i["x1"] - i["x0"]), float(i["bottom"] - i["top"]),
                                  *(i.get("srcsize") or (0, 0))) for i in page.images)
