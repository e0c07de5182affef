"""Which way a page's text runs, and turning a page's content so that it reads left to right (a landscape table
printed sideways, a rotated page, a scan fed the wrong way)."""
from __future__ import annotations

from dataclasses import replace

from ..model import PageContent, Rule


def text_turns(chars: list) -> int:
    """Clockwise quarter turns that make the text read left to right: most neighbouring characters advance
    down (3), left (2) or up (1) on a landscape table printed sideways or a rotated page."""
    votes = [0, 0, 0, 0]
    for a, b in zip(chars, chars[1:]):
        dx = (b.x0 + b.x1 - a.x0 - a.x1) / 2
        dy = (b.top + b.bottom - a.top - a.bottom) / 2
        if 0 < abs(dx) + abs(dy) < 2 * max(a.size, 1):
            votes[(0 if dx > 0 else 2) if abs(dx) > abs(dy) else (3 if dy > 0 else 1)] += 1
    best = max(range(4), key=votes.__getitem__)
    return best if votes[best] > 0.6 * sum(votes) else 0


def turn_page(content: PageContent, turns: int) -> PageContent:
    """The page turned clockwise by `turns` quarter turns (characters, rules and size)."""
    for _ in range(turns % 4):
        h = content.height          # (x, y) → (h - y, x)
        chars = [c._replace(x0=h - c.bottom, x1=h - c.top, top=c.x0, bottom=c.x1) for c in content.chars]
        h_rules = [Rule(r.pos, h - r.end, h - r.start) for r in content.v_rules]
        v_rules = [Rule(h - r.pos, r.start, r.end) for r in content.h_rules]
        content = replace(content, width=content.height, height=content.width, chars=chars,
                          h_rules=h_rules, v_rules=v_rules)
    return content
