"""Speed of the CLI against pdfplumber's bare extract_tables() over the same PDFs, in one run.

    python bench/speed.py                      # the dev corpus's text-layer PDFs (../shared/bench/dev)
    python bench/speed.py FILE_OR_FOLDER …     # any PDFs
    python bench/speed.py --repeat 3           # best of 3 runs of each side

Each side runs as a fresh process (interpreter start-up and imports included), one after the other:
  baseline  `pdfplumber.open(p).pages[i].extract_tables()` for every page of every PDF
  engine    `python main.py convert PDFs --out TMP --overwrite --jobs 1` (detection, stitching, standardization, checks,
            workbooks and tables.json; the CLI converts one document at a time), with each page reader
            (`--reader pdfium`, the default, and `--reader pdfplumber`)
Prints seconds, milliseconds per page and the ratio engine / baseline; then, per page reader, where the time goes
(ms/page, measured in one fresh process that converts the same PDFs stage by stage): imports, reading the pages,
finding tables + standardizing + checks, writing each document's files, and the batch's own outputs.
"""
import argparse
import json
import os
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


STAGES = """
import json, sys, tempfile, time
from pathlib import Path
t = time.perf_counter()
from converters.batch import load_record, Result
from converters.output.dataset import write_outputs
from converters.output.workbook import export_document
from converters.pipeline import convert_document
from converters.settings import ConversionSettings
from converters.sources.pdf import PdfSource
spent = {"imports": time.perf_counter() - t, "read pages": 0.0, "tables, standardize, checks": 0.0,
         "document files": 0.0, "batch outputs": 0.0}
settings = ConversionSettings.resolve({"pdf_reader": sys.argv[1]})
out = Path(tempfile.mkdtemp())
results = []
for p in sys.argv[2:]:
    t = time.perf_counter()
    with PdfSource(Path(p), settings) as source:
        for _ in source.pages():
            pass
    read = time.perf_counter() - t
    t = time.perf_counter()
    doc = convert_document(p, settings)
    spent["read pages"] += read
    spent["tables, standardize, checks"] += max(0.0, time.perf_counter() - t - read)
    t = time.perf_counter()
    export_document(doc, out, overwrite=True)
    spent["document files"] += time.perf_counter() - t
    results.append(Result(p, Path(p).stem, "converted", ""))
t = time.perf_counter()
write_outputs([load_record(out, r) for r in results], out)
spent["batch outputs"] += time.perf_counter() - t
print(json.dumps(spent))
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


def stages(pdfs: list, reader: str) -> dict:
    """Seconds per stage (STAGES) in a fresh process."""
    run = subprocess.run([sys.executable, "-c", STAGES, reader, *map(str, pdfs)], check=True, cwd=ROOT,
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return json.loads(run.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inputs", nargs="*")
    ap.add_argument("--repeat", type=int, default=1, help="runs per side; the fastest counts")
    ap.add_argument("--no-stages", action="store_true", help="leave out the per-stage measurement")
    a = ap.parse_args()
    pdfs = collect(a.inputs) if a.inputs else dev_pdfs()
    pages = count_pages(pdfs)
    base, engine = [], {"pdfium": [], "pdfplumber": []}
    with tempfile.TemporaryDirectory() as out:
        for _ in range(a.repeat):
            base.append(timed([sys.executable, "-c", BASELINE, *map(str, pdfs)]))
            for reader, times in engine.items():
                times.append(timed([sys.executable, "main.py", "convert", *map(str, pdfs), "--out", out,
                                    "--overwrite", "--jobs", "1", "--reader", reader]))
    b = min(base)
    print(f"{len(pdfs)} PDFs, {pages} pages, best of {a.repeat}")
    print(f"pdfplumber extract_tables():         {b:7.2f} s  {b / pages * 1000:6.1f} ms/page")
    for reader, times in engine.items():
        e = min(times)
        print(f"BudgetTables CLI, --reader {reader:10} {e:7.2f} s  {e / pages * 1000:6.1f} ms/page  "
              f"ratio {e / b:5.2f}")
    if not a.no_stages:
        spent = {reader: stages(pdfs, reader) for reader in engine}
        print(f"\n{'ms/page':30} " + " ".join(f"{r:>10}" for r in spent))
        for name in spent["pdfium"]:
            print(f"{name:30} " + " ".join(f"{spent[r][name] / pages * 1000:10.1f}" for r in spent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
