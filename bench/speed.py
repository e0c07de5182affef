"""Speed of the CLI against pdfplumber's bare extract_tables() over the same PDFs, in one run.

    python bench/speed.py                      # the dev corpus's text-layer PDFs (../shared/bench/dev)
    python bench/speed.py FILE_OR_FOLDER …     # any PDFs
    python bench/speed.py --repeat 3           # best of 3 runs of each side

Both sides run as a fresh single process (interpreter start-up and imports included), one after the other:
  baseline  `pdfplumber.open(p).pages[i].extract_tables()` for every page of every PDF
  engine    `python main.py convert PDFs --out TMP --overwrite --jobs 1` (detection, stitching, standardization, checks,
            workbooks and tables.json; the CLI converts one document at a time)
Prints seconds, seconds per page and the ratio engine / baseline.
"""
import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "bench" / "dev"
TEXT_STYLES = {"xlsx2pdf", "docx2pdf", "drawn"}

BASELINE = """
import sys, pdfplumber
for p in sys.argv[1:]:
    with pdfplumber.open(p) as pdf:
        for page in pdf.pages:
            page.extract_tables()
            page.close()
"""


def dev_pdfs() -> list:
    manifest = json.loads((DEV / "manifest.json").read_text(encoding="utf-8"))
    return [DEV / d["file"] for d in manifest["documents"] if d["style"] in TEXT_STYLES]


def collect(args: list) -> list:
    out = []
    for a in map(Path, args):
        out.extend(sorted(a.rglob("*.pdf")) if a.is_dir() else [a])
    return out


def count_pages(pdfs: list) -> int:
    import pypdfium2
    return sum(len(pypdfium2.PdfDocument(str(p))) for p in pdfs)


def timed(cmd: list) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inputs", nargs="*")
    ap.add_argument("--repeat", type=int, default=1, help="runs per side; the fastest counts")
    a = ap.parse_args()
    pdfs = collect(a.inputs) if a.inputs else dev_pdfs()
    pages = count_pages(pdfs)
    base, engine = [], []
    with tempfile.TemporaryDirectory() as out:
        for _ in range(a.repeat):
            base.append(timed([sys.executable, "-c", BASELINE, *map(str, pdfs)]))
            engine.append(timed([sys.executable, "main.py", "convert", *map(str, pdfs), "--out", out, "--overwrite",
                                 "--jobs", "1"]))
    b, e = min(base), min(engine)
    print(f"{len(pdfs)} PDFs, {pages} pages, best of {a.repeat}")
    print(f"pdfplumber extract_tables(): {b:7.2f} s  {b / pages * 1000:6.1f} ms/page")
    print(f"BudgetTables CLI:            {e:7.2f} s  {e / pages * 1000:6.1f} ms/page")
    print(f"ratio engine / baseline:     {e / b:7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
