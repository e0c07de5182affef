"""Speed and memory on a document of 项目支出绩效目标表 of the normal size (400 forms, 300+ pages), in one run.

    python bench/perf_forms.py                  # 400 forms (襄垣 layout, several forms per page)
    python bench/perf_forms.py --forms 447 --layout county --keep /tmp/perf.pdf
    python bench/perf_forms.py --jobs 1         # the CLI on one core (pages read in one process)

Generates the document with tests/perfgen.py, then times, each as a fresh process run one after the other:
  baseline   pdfplumber's bare `extract_tables()` over every page, single process
  CLI        `python main.py convert DOC --out TMP --overwrite` (end to end: reading, forms, checks, workbooks;
             with one document and two cores its pages are read by two processes)
and prints seconds, pages per second, the ratio to the baseline and the peak memory of each run: the largest
resident set of any of its processes (resource.getrusage RUSAGE_CHILDREN, by a wrapper per run) and the peak of
all its processes together (sampled from /proc); `--heap` adds the Python heap peak of the converting process
(tracemalloc, in a separate untimed in-process run). The CLI's tables.json is checked against the generated
content (row counts), so a fast wrong answer does not pass unnoticed.
"""
import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BASELINE = """
import sys, pdfplumber
with pdfplumber.open(sys.argv[1]) as pdf:
    for page in pdf.pages:
        page.extract_tables()
        page.close()
"""

HEAP = """
import json, sys, tracemalloc
sys.path.insert(0, sys.argv[3])
tracemalloc.start()
from converters.pipeline import convert_document
from converters.output.workbook import export_document
export_document(convert_document(sys.argv[1]), sys.argv[2], overwrite=True)
print(json.dumps({"heap_peak": tracemalloc.get_traced_memory()[1]}))
"""

# Runs a command; reports its wall time, the largest resident set of any of its processes (getrusage) and the
# peak of the summed resident sets of its process tree (sampled from /proc every 0.1 s; Linux only).
WRAPPER = """
import json, os, resource, subprocess, sys, threading, time
PAGE = os.sysconf("SC_PAGE_SIZE")

def tree_rss(root):
    kids = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    kids.setdefault(int(f.read().rsplit(")", 1)[1].split()[1]), []).append(int(d))
            except (OSError, IndexError, ValueError):
                pass
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            pass
        todo += kids.get(pid, [])
    return total

t = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, text=True)
peak = [0]

def sample():
    while proc.poll() is None:
        peak[0] = max(peak[0], tree_rss(proc.pid))
        time.sleep(0.1)

if os.path.isdir("/proc"):
    threading.Thread(target=sample, daemon=True).start()
out = proc.communicate()[0]
wall = time.perf_counter() - t
if proc.returncode:
    sys.exit(proc.returncode)
print(json.dumps({"wall": wall, "maxrss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                  "tree_peak": peak[0], "stdout": out}))
"""


def measured(cmd: list) -> dict:
    res = subprocess.run([sys.executable, "-c", WRAPPER, *cmd], check=True, capture_output=True, text=True,
                         cwd=ROOT)
    return json.loads(res.stdout)


def generate(path: Path, n: int, layout: str, seed: int) -> tuple:
    sys.path.insert(0, str(ROOT / "tests"))
    import perfgen as pg
    forms = pg.make_forms(n, seed=seed, layout=layout)
    facts = pg.build_pdf(pg.PerfDoc(forms, layout=layout, several_per_page=True), path)
    targets, indicators = pg.expected(forms, layout)
    return facts["pages"], {"performance_targets": len(targets["rows"]),
                            "performance_indicators": len(indicators["rows"])}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--forms", type=int, default=400)
    ap.add_argument("--layout", default="xiangyuan", choices=["xiangyuan", "county", "hebei"])
    ap.add_argument("--seed", type=int, default=4)
    ap.add_argument("--keep", help="write the generated PDF here (default: a temporary file)")
    ap.add_argument("--jobs", type=int, help="the CLI's --jobs (default: its own, all cores)")
    ap.add_argument("--heap", action="store_true", help="also measure the Python heap peak (tracemalloc, an extra "
                                                         "run: tracing makes it several times slower)")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(a.keep) if a.keep else Path(tmp) / "perf_forms.pdf"
        pages, want = generate(pdf, a.forms, a.layout, a.seed)
        print(f"{a.forms} forms ({a.layout}), {pages} pages, {pdf.stat().st_size / 1e6:.1f} MB")
        base = measured([sys.executable, "-c", BASELINE, str(pdf)])
        cli_out = Path(tmp) / "cli"
        cli = measured([sys.executable, "main.py", "convert", str(pdf), "--out", str(cli_out), "--overwrite"]
                       + (["--jobs", str(a.jobs)] if a.jobs else []))
        got = {t["form"]: len(t["rows"]) for t in
               json.loads((cli_out / pdf.stem / "tables.json").read_text(encoding="utf-8"))["tables"]}
        heap = None
        if a.heap:
            heap_cmd = [sys.executable, "-c", HEAP, str(pdf), str(Path(tmp) / "heap"), str(ROOT)]
            heap = json.loads(measured(heap_cmd)["stdout"])["heap_peak"]
    ok = all(got.get(form) == n for form, n in want.items())
    print(f"{'':28}{'seconds':>9}{'pages/s':>9}{'ratio':>7}{'max RSS':>10}{'tree RSS':>10}")
    for name, r in (("pdfplumber extract_tables()", base), ("CLI (main.py convert)", cli)):
        print(f"{name:28}{r['wall']:9.2f}{pages / r['wall']:9.1f}{r['wall'] / base['wall']:7.2f}"
              f"{r['maxrss_kib'] / 1024:7.0f} MB{r['tree_peak'] / 2 ** 20:7.0f} MB")
    print("max RSS: the largest process of the run; tree RSS: peak of all its processes together")
    if heap is not None:
        print(f"Python heap peak of the converting process (tracemalloc, separate run): {heap / 1e6:.0f} MB")
    print(f"rows: {got} expected {want} -> {'ok' if ok else 'MISMATCH'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
