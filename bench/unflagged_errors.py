"""Wrong cells of a scored output and whether the output flags them for review.

    python ../shared/bench/score.py ../shared/bench/dev OUT --styles scanned --json > score.json
    python bench/unflagged_errors.py score.json OUT

For every cell error score.py lists ("列: 输出值 != 真值"), the output rows holding that value in that column are
looked up in OUT/<stem>/tables.json; the error counts as flagged when every such row has an issue (error or
warning) on that cell or on the whole row. Prints each error with its verdict and the share flagged.
score.py lists at most 8 errors per table: tables with more are reported as such.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

_ERROR = re.compile(r"^(?P<col>.+?): (?P<out>.+) != (?P<truth>.+)$")


def _flagged(table: dict, col: str, shown: str) -> list:
    """Per output row holding `shown` (repr as printed by score.py) in `col`: is it flagged?"""
    if col not in table["columns"]:
        return []
    j = table["columns"].index(col)
    rows = [i for i, r in enumerate(table["rows"]) if repr(r[j]) == shown]
    issues = [x for x in table["issues"] if x["severity"] in ("error", "warning")]
    return [any(x["row"] == i and x["col"] in (j, None) for x in issues) for i in rows]


def main(score_path: str, out_dir: str) -> int:
    score = json.loads(Path(score_path).read_text(encoding="utf-8"))
    total = flagged = 0
    for doc in score["docs"]:
        path = Path(out_dir) / doc["stem"] / "tables.json"
        if not path.exists():
            print(f"{doc['stem']}: no output")
            continue
        out = json.loads(path.read_text(encoding="utf-8"))["tables"]
        for t in doc.get("tables", []):
            wrong = t.get("truth_cells", 0) - t.get("correct_cells", 0)
            if not wrong and not t.get("false_cells"):
                continue
            cands = [o for o in out if o["form"] == t["form"] and (not t.get("pages") or
                                                                 set(o["pages"]) & set(t["pages"]))]
            listed = t.get("cell_errors", [])
            print(f"{doc['stem']} {t['form']} p{t.get('pages')}: {wrong} wrong, {t.get('false_cells', 0)} false, "
                  f"{len(t.get('missing_rows', []))} missing rows" + ("  (more than listed)" if wrong > len(listed) else ""))
            for err in listed:
                m = _ERROR.match(err)
                marks = [f for o in cands for f in _flagged(o, m["col"], m["out"])] if m else []
                ok = bool(marks) and all(marks)
                total += 1
                flagged += ok
                print(f"   {'flagged  ' if ok else 'UNFLAGGED'} {err}")
            unlisted = max(0, wrong - len(listed))
            total += unlisted
    print(f"wrong cells: {total}, flagged: {flagged} ({flagged / total:.0%})" if total else "no wrong cells")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
