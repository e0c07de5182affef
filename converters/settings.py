"""The settings of one conversion: one frozen object, resolved once at the top (`ConversionSettings.resolve`) and
passed down to every stage, never rebuilt inside one. Each stage reads its own part (`settings.grid` …).

    resolve(None)                               the defaults
    resolve({"page_workers": 2, "ocr": {"scale": 3.0}})   a dict: the named fields changed, the rest default
    resolve(settings)                           an instance, as it is
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass, replace
from typing import Union


@dataclass(frozen=True)
class GridSettings:
    rule_snap: float = 2.0            # rules closer than this (pt) are one rule
    min_rule_span: float = 0.4        # a horizontal rule must span this share of the table width
    block_gap: float = 0.45           # line gap (× font size) that starts a new row in unruled tables
    chunk_gap: float = 0.6            # gap (× font size) that separates two columns' text on one line
    row_rules_share: float = 0.6      # rules between this share of text blocks → the page rules every row


@dataclass(frozen=True)
class OcrSettings:
    scale: float = 2.0                # render scale (144 dpi)
    native_pixels: float = 8e6        # a page image holding this many pixels is rendered at its own resolution
                                      # when that is below `scale` (a scan sized in pixels as points)
    max_pixels: float = 12e6          # a page is never rendered larger (A2 at 2x fits; OCR reads a page scaled to
                                      # 2,000 pixels anyway): bounds OCR's memory (~70 bytes per pixel)
    empty_cover: float = 0.05         # a page without text is read when images cover this share of it
    scan_cover: float = 0.3           # images covering this share make a text layer suspect
    garbage_share: float = 0.05       # share of unusable characters that makes a text layer suspect
    spaced_share: float = 0.5         # share of CJK neighbours set apart that makes a text layer suspect
    sample_runs: int = 12             # runs of text-layer text compared with the image
    run_gap: float = 1.5              # gap (× font size) that ends a run
    run_chars: int = 20               # longest run (recognition of long lines degrades)
    agreement: float = 0.995          # share of sampled text-layer characters the image must confirm
    max_skew: float = 5.0             # degrees searched for deskewing
    rule_min_len: float = 10.0        # pt: shortest ruling segment taken from an image
    rule_max_width: float = 3.0       # pt: thicker strokes are filled areas, not rules
    min_score: float = 0.5            # OCR text below this confidence is dropped
    low_confidence: float = 0.8       # characters below this confidence are flagged for review
    repaired_score: float = 0.3       # confidence of a character OCR read as another (":" as ".")
    em_share: float = 0.9             # ink height of a text line as a share of its font size
    glyph_overhang: float = 0.15      # ink of a text line beyond its recognised box, as a share of its height
    missed_height: tuple = (0.4, 1.5)  # ink outside every recognised line is re-read at these heights (× the
                                       # median line height): a lone "0" the line detector passed over


@dataclass(frozen=True)
class PerformanceSettings:
    rule_snap: float = 1.5        # rules closer than this (pt) are one rule
    rule_reach: float = 1.0       # a rule bounds text this far beyond its drawn end
    edge_tol: float = 2.5         # cell edges this close are the same edge
    max_label: int = 24           # longer texts are never labels


@dataclass(frozen=True)
class PreviewSettings:
    first: float = 1.0       # seconds of reading before the first snapshot
    longest: float = 8.0     # the interval between snapshots doubles up to this


@dataclass(frozen=True)
class LimitSettings:
    """Bounds on what one document may cost, so that a hostile file stops with a message instead of the machine
    running out of memory."""
    content_mb: float = 16.0          # a page whose content streams decode to more is not parsed (a drawing-operator
                                      # bomb: the PDF parser needs ~200 bytes per byte of operators)
    memory_mb: float = 1536.0         # a conversion process (a batch worker, a page reader) using more stops its
                                      # document (a dense scanned page peaks at ~900 MB with the OCR models)


PDF_READERS = ("pdfium", "pdfplumber")


@dataclass(frozen=True)
class ConversionSettings:
    grid: GridSettings = field(default_factory=GridSettings)
    ocr: OcrSettings = field(default_factory=OcrSettings)
    performance: PerformanceSettings = field(default_factory=PerformanceSettings)
    preview: PreviewSettings = field(default_factory=PreviewSettings)
    limits: LimitSettings = field(default_factory=LimitSettings)
    page_workers: int = 1             # processes reading a PDF's pages (1: in this process)
    pdf_reader: str = "pdfium"        # the PDF page reader: "pdfium" (fast, the default) or "pdfplumber" (the
                                      # reference it is checked against)

    def __post_init__(self):
        if not isinstance(self.page_workers, int) or self.page_workers < 1:
            raise ValueError(f"page_workers must be a positive integer, not {self.page_workers!r}")
        if self.pdf_reader not in PDF_READERS:
            raise ValueError(f"pdf_reader must be one of {', '.join(PDF_READERS)}, not {self.pdf_reader!r}")
        for f in fields(self):
            value = getattr(self, f.name)
            if is_dataclass(value):
                for g in fields(value):
                    v = getattr(value, g.name)
                    if isinstance(v, (int, float)) and not isinstance(v, bool) and v < 0:
                        raise ValueError(f"{f.name}.{g.name} must not be negative, not {v!r}")

    @classmethod
    def resolve(cls, settings: Union[None, dict, "ConversionSettings"] = None) -> "ConversionSettings":
        if settings is None:
            return DEFAULT
        if isinstance(settings, cls):
            return settings
        if isinstance(settings, dict):
            return _from_dict(cls(), settings)
        raise TypeError(f"conversion settings must be None, a dict or ConversionSettings, not {type(settings).__name__}")


def _from_dict(base, values: dict):
    """`base` with the fields named in `values` replaced (nested dicts for the nested settings)."""
    known = {f.name for f in fields(base)}
    unknown = set(values) - known
    if unknown:
        raise ValueError(f"unknown {type(base).__name__} fields: {', '.join(sorted(unknown))}")
    changes = {}
    for name, value in values.items():
        current = getattr(base, name)
        changes[name] = _from_dict(current, value) if is_dataclass(current) and isinstance(value, dict) else value
    return replace(base, **changes)


DEFAULT = ConversionSettings()
