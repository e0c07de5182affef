"""The tables' own numbering (公开01表, 预算公开表2, 表一, 附表3) as a completeness check for a document without a
目录: a number missing from a run of numbers, or a numbered label on a page where no table was found, is a table
the document has and the output lacks.

A label is a run of text of its own (printed above a title or at the page's corner) or the start of a title line
("附表1 收入支出预算总表"). Its scheme is the label with the number taken out ("公开#表"); numbers of one scheme are
compared with each other only (a document of several units restarts its numbering: that leaves no gap).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from ..catalogue import norm

_DIGITS = "一二三四五六七八九"
_CN_NUMBER = r"[一二三四五六七八九十]{1,3}"
# 公开01表, 部门公开02表 | 预算公开表2, 部门预算公开表3, 表一, 附表3
_LABEL = re.compile(r"(?P<pre>[\u4e00-\u9fff]{0,8}?公开)(?P<num>\d{1,2})(?P<post>表)"
                    rf"|(?P<pre2>(?:附)?表|[\u4e00-\u9fff]{{0,8}}?公开表)(?P<num2>\d{{1,2}}|{_CN_NUMBER})(?P<post2>)")
MIN_RUN = 3          # distinct numbers of one scheme that make a numbering


@dataclass(frozen=True)
class TableNumber:
    scheme: str          # the label with its number as "#": "公开#表", "表#"
    number: int
    page: int
    text: str            # as printed: "公开05表"


def _chinese_number(text: str) -> Optional[int]:
    if text.isdigit():
        return int(text)
    tens, _, ones = text.partition("十")
    if "十" not in text:
        return _DIGITS.index(text) + 1 if len(text) == 1 else None
    value = (_DIGITS.index(tens) + 1 if tens else 1) * 10
    return value + (_DIGITS.index(ones) + 1 if ones else 0) if len(tens) <= 1 and len(ones) <= 1 else None


def _number_text(n: int, like: str) -> str:
    """`n` written as the label `like` writes its number (zero-padded digits or Chinese numerals)."""
    if like.isdigit():
        return str(n).zfill(len(like))
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else _DIGITS[tens - 1]) + "十" if tens else "") + (_DIGITS[ones - 1] if ones else "")


def _label(text: str, whole: bool) -> Optional[tuple]:
    """(scheme, number, number text) of a label: the whole text, or (whole=False) its start before a title."""
    m = _LABEL.fullmatch(text) if whole else _LABEL.match(text)
    if m is None:
        return None
    pre, num, post = (m.group("pre"), m.group("num"), m.group("post")) if m.group("num") else \
        (m.group("pre2"), m.group("num2"), m.group("post2"))
    rest = text[m.end():].lstrip(":：、.． ")
    if not whole and not (len(rest) >= 4 and rest.endswith("表") and not re.match(r"\d", rest)):
        return None
    value = _chinese_number(num)
    return (f"{pre}#{post}", value, num) if value else None


def table_numbers(lines: list, page: int) -> list:
    """The numbered table labels on a page (not on a 目录 page: its entries are numbered too)."""
    out = []
    for ln in lines:
        chunks = [norm(c[2]) for c in ln.chunks(1.5)]
        found = next((x for x in (_label(c, True) for c in chunks) if x), None) or (
            _label(chunks[0], False) if chunks else None)
        if found:
            scheme, value, num = found
            out.append(TableNumber(scheme, value, page, scheme.replace("#", num)))
    return out


def missing_from_numbering(numbers: list, table_pages: set) -> list:
    """[(label text, page or None)] of the tables the numbering names and the output lacks: numbers missing from a
    scheme's run (from 1 when the run starts at 2), and labels on pages where no table was found."""
    out = []
    for scheme in dict.fromkeys(n.scheme for n in numbers):
        mine = [n for n in numbers if n.scheme == scheme]
        seen = {n.number for n in mine}
        if len(seen) < MIN_RUN:
            continue
        like = re.sub(r"^.*?(\d+|[一二三四五六七八九十]+)\D*$", r"\1", mine[0].text)
        start = 1 if min(seen) == 2 else min(seen)
        out += [(scheme.replace("#", _number_text(k, like)), None)
                for k in range(start, max(seen) + 1) if k not in seen]
        out += [(n.text, n.page) for n in mine if n.page not in table_pages]
    return list(dict.fromkeys(out))
