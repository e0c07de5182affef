"""The document's own list of its tables (目录) as a completeness check: the titles a 目录 page lists (with their
page numbers), and which of them no output table answers to.

A 目录 is a page with a line reading 目录; its entries follow, one a line ("1. 收入支出决算总表…………3", "二、部门收入
预算总表 5"), a title wrapped onto a short next line joined to it; it may run onto the next page. Only entries that
name a table (ending in 表) are kept: parts of the document (第二部分 部门预算表) and explanations are not tables.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Optional

from ..catalogue import norm

_HEADING = re.compile(r"^目录$")
_NUMBERING = re.compile(r"^(?:[(（]?[一二三四五六七八九十\d]+[)）、.．]|第[一二三四五六七八九十\d]+部分|附表\s*\d+|表\s*[一二三四五六七八九十\d]+"
                        r"|公开\s*\d+\s*表)\s*")
_CHAPTER = re.compile(r"^第[一二三四五六七八九十\d]+部分")     # a part of the document, not a table
_LEADER_PAGE = re.compile(r"(?:[.…·．\s]{2,}|\s)(\d{1,3})$")
_LEADER = re.compile(r"[.…·．]{2,}")
_TABLE_END = re.compile(r"表(?:[(（][^()（）]{0,20}[)）])?$")
_PROSE = re.compile(r"[。；，,;:：《》]|详见|见附")
SIMILAR = 0.8           # titles this similar (normalized) are the same table


@dataclass(frozen=True)
class ContentsEntry:
    title: str
    page: Optional[int]            # the page number the 目录 gives (None: none printed)
    level: str = ""                # its numbering style ("一、", "1.", "(一)" … as a pattern; "" for none)


def _numbering_style(text: str) -> str:
    """The style of an entry's numbering: numerals replaced by their kind ("五、" → "C、", "1．" → "D.")."""
    m = _NUMBERING.match(text)
    if not m:
        return ""
    s = re.sub(r"[一二三四五六七八九十]+", "C", m.group(0).strip())
    return re.sub(r"\d+", "D", s).replace("．", ".")


def is_contents_page(lines: list) -> bool:
    return any(_HEADING.match(norm(ln.text)) for ln in lines[:6])


def contents_entries(lines: list, continued: bool = False) -> list:
    """The table entries of a 目录 page (`continued`: the page after one, whose leading entries continue it)."""
    texts = [ln.text.strip() for ln in lines]
    if not continued:
        start = next((k for k, t in enumerate(texts) if _HEADING.match(norm(t))), None)
        if start is None:
            return []
        texts = texts[start + 1:]
    entries, pending = [], ""
    for text in texts:
        m = _LEADER_PAGE.search(text)
        page = int(m.group(1)) if m else None
        body = _LEADER.sub("", text[:m.start()] if m else text).strip()
        if not body:
            continue
        if continued and not (_NUMBERING.match(body) or page is not None or pending):
            break                                       # the body of the page starts: not an entry
        if _CHAPTER.match(body):
            pending = ""
            continue
        if pending and not _NUMBERING.match(body):
            body, pending = pending + body, ""          # a title wrapped onto the next line
        title = norm(_NUMBERING.sub("", body))
        if _TABLE_END.search(title) and 4 <= len(title) <= 60 and not _PROSE.search(title):
            entries.append(ContentsEntry(title, page, _numbering_style(body)))
            pending = ""
        elif page is None and not _PROSE.search(body) and len(body) <= 40:
            pending = body                              # may be the first line of a wrapped title
        elif continued:
            break                                       # the body of the page starts
        else:
            pending = ""
    return _without_group_headings(entries)


def _without_group_headings(entries: list) -> list:
    """An entry numbered in another style than the table entries right after it heads them ("五、部门预算表"
    over "1.部门财务收支预算总表" …): a part of the document, not a table."""
    return [e for e, nxt in zip(entries, entries[1:] + [None])
            if nxt is None or not e.level or not nxt.level or e.level == nxt.level]


def title_key(title: str) -> str:
    """The part of a title that names the table: no numbering, year, leading unit name or quotes."""
    t = norm(_NUMBERING.sub("", norm(title)))
    t = re.sub(r"^.*?(?:19|20)\d{2}年度?", "", t) or t
    return t


def similar(a: str, b: str) -> float:
    """max(difflib ratio, character-bag overlap) of two title keys."""
    if not a or not b:
        return 0.0
    bag = 2 * sum((Counter(a) & Counter(b)).values()) / (len(a) + len(b))
    return max(SequenceMatcher(None, a, b).ratio(), bag)


def missing_from_contents(entries: list, titles: list) -> list:
    """The entries no table title answers to, in 目录 order (each title answers one entry: best pairs first; a
    title containing an entry's name, as "XX局2024年部门收入预算总表" contains "收入预算总表", answers it)."""
    keys = [title_key(t) for t in titles]
    pairs = sorted(((max(similar(title_key(e.title), k), 1.0 if title_key(e.title) in k else 0.0), i, j)
                    for i, e in enumerate(entries) for j, k in enumerate(keys)), reverse=True)
    matched, used = set(), set()
    for score, i, j in pairs:
        if score >= SIMILAR and i not in matched and j not in used:
            matched.add(i)
            used.add(j)
    return [e for i, e in enumerate(entries) if i not in matched]
