"""Review flags for what OCR read: cells holding characters read with low confidence, and enumerated row labels
whose "、" OCR may have dropped. They flag cells of standardized tables; they never change a value."""
from __future__ import annotations

import re
from typing import Optional

from ..catalogue import catalogue
from ..model import Issue


def flag_uncertain_cells(tables: list, uncertain: dict) -> None:
    """A `low_confidence` warning on every table cell holding characters that OCR read with low confidence.
    `uncertain`: page number → [(x0, top, x1, bottom, score, text)] in PDF points."""
    for t in tables:
        for i, row in enumerate(t.sources):
            for j, src in enumerate(row):
                if src is None or not uncertain.get(src.page):
                    continue
                x0, top, x1, bottom = src.bbox
                hits = [u for u in uncertain[src.page]
                        if x0 <= (u[0] + u[2]) / 2 <= x1 and top <= (u[1] + u[3]) / 2 <= bottom]
                if hits:
                    low = min(hits, key=lambda u: u[4])
                    t.issues.append(Issue("low_confidence", "warning",
                                          f"扫描页 OCR 识别把握不大（“{low[5]}”的可信度 {low[4]:.0%}），"
                                          f"请对照第 {src.page} 页原件核对", i, j))


_NUMERALS = "一二三四五六七八九"
_TOP_ENUM = re.compile(r"^([一二三四五六七八九十]{1,3})、")


def chinese_number(text: str) -> Optional[int]:
    """一 … 九十九 as a number (None for anything else)."""
    if not text or any(ch not in _NUMERALS + "十" for ch in text) or text.count("十") > 1:
        return None
    tens, _, ones = text.partition("十") if "十" in text else ("", "", text)
    if "十" in text:
        t = _NUMERALS.index(tens) + 1 if tens else 1
        return 10 * t + (_NUMERALS.index(ones) + 1 if ones else 0) if len(tens) <= 1 and len(ones) <= 1 else None
    return _NUMERALS.index(ones) + 1 if len(ones) == 1 else None


def chinese_numeral(n: int) -> str:
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else _NUMERALS[tens - 1]) + "十" if tens else "") + (_NUMERALS[ones - 1] if ones else "")


def flag_doubtful_enumerations(tables: list, ocr_pages: set) -> None:
    """A `doubtful_enumeration` warning on a row label read by OCR that starts with the numeral its column's
    enumeration expects there, without the "、" after it: "三国有资本经营预算" after "二、政府性基金预算", or
    "一般公共预算" before "二、…". OCR drops or misplaces that "、" (or the whole "一、"), and no sum catches it."""
    for t in tables:
        kinds = catalogue().column_kinds(t.form, t.columns) if t.form != "unknown" else []
        for j, kind in enumerate(kinds):
            if kind != "text":
                continue
            cells = [(i, row[j]) for i, row in enumerate(t.rows) if j < len(row) and isinstance(row[j], str)
                     and i < len(t.sources) and j < len(t.sources[i]) and t.sources[i][j] is not None
                     and t.sources[i][j].page in ocr_pages]
            numbers = {i: chinese_number(m.group(1)) for i, s in cells if (m := _TOP_ENUM.match(s))}
            for i, s in cells:
                if i in numbers:
                    continue
                before = [n for k, n in numbers.items() if k < i and n]
                after = [n for k, n in numbers.items() if k > i and n]
                expected = before[-1] + 1 if before else (after[0] - 1 if after else 0)
                numeral = chinese_numeral(expected) if expected > 0 else ""
                if numeral and s.startswith(numeral) and not s.startswith(numeral + "、"):
                    t.issues.append(Issue("doubtful_enumeration", "warning",
                                          f"扫描页 OCR：“{s}”的编号可能识别有误（应为“{numeral}、…”？），"
                                          f"请对照第 {t.sources[i][j].page} 页原件核对", i, j))

