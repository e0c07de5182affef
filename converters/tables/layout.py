"""Page layout: text lines, page furniture, and where report tables start and end on a page."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from ..catalogue import catalogue, norm
from ..model import Line, PageContent, make_line


# ---------------------------------------------------------------------------------------------- furniture
_PAGE_NO = re.compile(r"^(?:[-–—]\s*\d+\s*[-–—]|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|"
                      r"\d{1,4}|page\s*\d+(?:\s*of\s*\d+)?|共\s*\d+\s*页\s*第\s*\d+\s*页)$", re.I)


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NO.match(text.strip()))


_REPORT_HEADER = re.compile(r"(预算|决算).*(公开|报告)|(公开|报告)$")


def strip_furniture(lines: list, page: PageContent, running: set) -> list:
    """Drop page numbers in the top/bottom bands, and the page's first or last line when it is a running
    header/footer: seen on an earlier page, or worded like one ("XX单位2023年单位预算公开报告")."""
    band = 0.1 * page.height
    out = [ln for ln in lines
           if not ((ln.top < band or ln.bottom > page.height - band) and is_page_number(ln.text))]
    for ln in out[:1] + out[1:][-1:]:          # a page of one line has it once
        if _is_running_candidate(ln, page) and (
                furniture_key(ln.text) in running or (_REPORT_HEADER.search(norm(ln.text))
                                                      and catalogue().classify_title(ln.text) is None)):
            out.remove(ln)
    return out


def furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", norm(text))


def _is_running_candidate(ln: Line, page: PageContent) -> bool:
    band = 0.1 * page.height
    return (ln.top < band or ln.bottom > page.height - band) and len(ln.chunks()) == 1 and len(ln.text) > 3


def band_texts(lines: list, page: PageContent) -> set:
    """Keys of the page's first and last lines: candidates for running headers/footers on later pages."""
    return {furniture_key(ln.text) for ln in (lines[:1] + lines[-1:]) if _is_running_candidate(ln, page)}


# ---------------------------------------------------------------------------------------------- titles and meta
SENTENCE = re.compile(r"[。；;，,：:！？]|\.{3}|…|·{3}")
TOC_TAIL = re.compile(r"[.…·\s]{2,}\d+$|\s\d+$")
TOC_FILL = re.compile(r"[.…·]{4,}")
GENERIC_TITLE = re.compile(r"表(?:[(（][^()（）]{0,20}[)）])?$")
META_LABELS = re.compile(r"(单位名称|部门名称|编制部门|编制单位|预算单位|填报单位|预算年度|金额单位|单位\s*[:：]|截止时间|截至)")
# a labelled meta field ("预算单位：…"); a title may name 预算单位 ("2026年预算单位收入预算总表")
_META_FIELD = re.compile(r"(单位名称|部门名称|编制部门|编制单位|预算单位|填报单位|预算年度|金额单位|单位|截止时间|截至)\s*[:：]")


@dataclass
class Title:
    text: str
    form_id: Optional[str]      # None: a table title that matches no catalogue form (→ unknown)
    end_index: int              # index of the last line belonging to the title (titles may wrap)


def find_title(lines: list, i: int, page: PageContent) -> Optional[Title]:
    """A report-table title at line i: short, no sentence punctuation, not a TOC entry, names a table.
    Long titles wrap onto following lines of the same size; those are joined while the title is unfinished
    (an open parenthesis, or the joined text names a form and the line alone does not name the same one)."""
    ln = lines[i]
    if len(ln.chunks(2.5)) != 1:
        return None
    best = _title(ln.text.strip(), ln, i, i)
    text, end = ln.text.strip(), i
    while end + 1 < len(lines) and end - i < 3:
        prev, nxt = lines[end], lines[end + 1]
        if not (abs(nxt.size - ln.size) < 1 and -1 <= nxt.top - prev.bottom < ln.size and len(nxt.chunks(2.5)) == 1):
            break
        joined = _title(text + nxt.text.strip(), ln, i, end + 1)
        if joined is None or not joined.form_id:
            break
        if not (_unbalanced(text) or len(nxt.text.strip()) <= 10 or best is None or best.form_id != joined.form_id):
            break
        text, end, best = text + nxt.text.strip(), end + 1, joined
    return best


def _title(text: str, ln: Line, i: int, end: int) -> Optional[Title]:
    if len(text) < 4 or len(text) > 80 or TOC_TAIL.search(text) or _META_FIELD.search(text) or TOC_FILL.search(text):
        return None
    if SENTENCE.search(text.replace("：", "").replace(":", "")) and not re.search(r"表\s*$", text):
        return None
    if len(ln.chunks(2.5)) > 1:          # a title is one run of text, not a table row
        return None
    form = catalogue().classify_title(text)
    if form is None and (not GENERIC_TITLE.search(norm(text)) or ln.size < 10):
        return None
    return Title(re.sub(r"\s+", "", text) if re.search(r"[\u4e00-\u9fff]", text) else text,
                 form.id if form else None, end)


def is_meta_line(line: Line) -> bool:
    """单位名称/单位：万元 lines; a header cell like "价值（金额单位：万元）" is not one."""
    text = re.sub(r"[（(][^()（）]*[)）]", "", line.text)
    return bool(META_LABELS.search(text)) and len(line.chunks(1.5)) <= 4


_UNIT_LABEL = re.compile(r"(?:单位名称|部门名称|编制部门|编制单位|预算单位|填报单位|部门)\s*[:：]\s*(\S+)")
_MONEY = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|元|千元|亿元)|[（(]\s*(万元|元)\s*[)）]")
_YEAR = re.compile(r"(?:预算年度|年度)\s*[:：]\s*(\d{4})")
_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年")


@dataclass
class Meta:
    unit_name: Optional[str] = None
    year: Optional[int] = None
    money_unit: Optional[str] = None


def parse_meta(lines: list, title: str) -> Meta:
    """单位名称 / 年度 / 金额单位 from the lines between a title and its table (and the title itself)."""
    meta = Meta()
    unlabelled = catalogue().layout.get("unlabelled_unit_name")
    m = _YEAR_IN_TITLE.search(title)
    if m:
        meta.year = int(m.group(1))
    for ln in lines:
        text = ln.text
        m = _MONEY.search(text)
        if m and meta.money_unit is None:
            meta.money_unit = m.group(1) or m.group(2)
        m = _YEAR.search(text)
        if m:
            meta.year = int(m.group(1))
        m = _UNIT_LABEL.search(text)
        if not META_LABELS.search(text) and meta.unit_name and len(text.strip()) <= 10:
            meta.unit_name += text.strip()          # the wrapped end of the unit name
            continue
        if m and meta.unit_name is None:
            meta.unit_name = m.group(1)
        elif meta.unit_name is None and unlabelled is not None:
            # A family printing the unit unlabelled before the labels, after its code (resources/families).
            m = META_LABELS.search(text)
            first = (text[:m.start()] if m else text).strip()
            if re.search(r"[\u4e00-\u9fff]{3,}", first) and not re.search(r"\d{4}\s*[-年]", first):
                meta.unit_name = re.sub(unlabelled["code_prefix"], "", first.replace(" ", ""))
    if meta.unit_name:
        meta.unit_name = re.split(r"\s{2,}|单位\s*[:：]", meta.unit_name)[0].strip() or None
    return meta


def money_unit_in(text: str) -> Optional[str]:
    m = _MONEY.search(text)
    return (m.group(1) or m.group(2)) if m else None


# ---------------------------------------------------------------------------------------------- table ends
_NOTE = re.compile(r"^\s*(?:注|备注|说明|附注)\s*[0-9一二三四五六七八九十]*\s*[:：.、]")
_PART = re.compile(r"^\s*第[一二三四五六七八九十]+部分")


def is_note(line: Line) -> bool:
    return bool(_NOTE.match(line.text))


def is_narrative(line: Line, page: PageContent) -> bool:
    """A paragraph line: wide, prose punctuation, one run of text."""
    text = line.text
    if _PART.match(text):
        return True
    return (len(line.chunks(2.0)) == 1 and len(text) > 25 and bool(re.search(r"[。，；]", text))
            and (line.x1 - line.x0) > 0.45 * page.width)


@dataclass
class Segment:
    """The lines of one table on one page (title and meta lines excluded)."""
    page: PageContent
    lines: list
    title: Optional[Title] = None
    meta_lines: list = field(default_factory=list)
    note_lines: list = field(default_factory=list)
    closed: bool = False          # a note or narrative ended the table: nothing continues it
    page_lines: list = field(default_factory=list)   # every line of the page (what comes after the table)


def _meta_continuation(meta: Line, line: Line) -> bool:
    """The wrapped end of a unit name ("单位名称：应县直属机关事务服" / "务中心")."""
    text = line.text.strip()
    return (len(text) <= 10 and len(line.chunks(1.5)) == 1 and not re.search(r"\d", text)
            and -1 <= line.top - meta.bottom < 0.5 * meta.size and abs(line.x0 - meta.x0) < 1.5 * meta.size)


def _unbalanced(text: str) -> bool:
    return text.count("（") + text.count("(") > text.count("）") + text.count(")")


def split_title_tails(lines: list) -> list:
    """A wrapped title whose last line shares its baseline with the meta line ("结转）   单位名称：…"):
    move that first run up to the title's line so each line is one thing."""
    out = list(lines)
    for i in range(len(out) - 1):
        head, nxt = out[i], out[i + 1]
        if not _unbalanced(head.text) or len(head.chunks(2.5)) != 1 or nxt.top - head.bottom > head.size:
            continue
        first = nxt.chunks(1.5)[0]
        if len(first[2]) <= 12 and re.search(r"[)）]", first[2]) and first[1] < nxt.x1:
            tail = [c for c in nxt.chars if c.x1 <= first[1] + 0.01]
            rest = [c for c in nxt.chars if c.x1 > first[1] + 0.01]
            out[i] = _join_title(head, tail)
            out[i + 1] = make_line(rest)
    return out


def _join_title(head: Line, tail: list) -> Line:
    """The title line with its wrapped tail appended (kept on the title's own line for text order)."""
    text = head.text + "".join(c.text for c in tail)
    return Line(head.chars + tail, min(head.x0, tail[0].x0), max(head.x1, tail[-1].x1), head.top, head.bottom,
                head.size, text)


def split_page(page: PageContent, lines: list) -> list:
    """Cut a page's lines into segments: the part before the first title (a possible continuation), then
    one segment per title. Narrative text and notes close a segment."""
    lines = split_title_tails(lines)
    segments = []
    cur = Segment(page, [])
    i = 0
    while i < len(lines):
        ln = lines[i]
        title = find_title(lines, i, page)
        if title is not None:
            segments.append(cur)
            cur = Segment(page, [], title)
            i = title.end_index + 1
            while i < len(lines) and not cur.lines and (
                    is_meta_line(lines[i]) or any(_meta_continuation(m, lines[i]) for m in cur.meta_lines)):
                cur.meta_lines.append(lines[i])
                i += 1
            continue
        if cur.closed:
            pass
        elif is_note(ln) or is_narrative(ln, page) or TOC_FILL.search(ln.text):
            cur.closed = True
            cur.note_lines.append(ln)
        else:
            cur.lines.append(ln)
        if cur.closed and cur.note_lines and ln is not cur.note_lines[-1] and not is_narrative(ln, page):
            # note lines continue until the next title or paragraph
            if ln.top - cur.note_lines[-1].bottom < 1.5 * ln.size:
                cur.note_lines.append(ln)
        i += 1
    segments.append(cur)
    for s in segments:
        s.page_lines = lines
    return [s for s in segments if s.title is not None or s.lines or s.note_lines]
