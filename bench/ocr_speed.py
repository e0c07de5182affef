"""OCR speed: scanned pages per second on this machine.

    python bench/ocr_speed.py                    # the dev corpus's scanned PDFs (../shared/bench/dev)
    python bench/ocr_speed.py FILE … [--pages 8]  # any PDFs; at most --pages pages of each

Each mode runs in a fresh interpreter, over the same pages:
  1 process      read_page (render, orientation, deskew, ruling lines, OCR) page after page; the first page
                 (which loads the models) is timed apart
  2 page workers the page-parallel reader (sources/pdf.py iter_pages, 2 workers, one page per task), model loads
                 included: what `convert_document(path, {"page_workers": 2})` spends on the pages
Prints pages, seconds and pages per second for each mode.
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


def dev_scans() -> list:
    manifest = json.loads((DEV / "manifest.json").read_text(encoding="utf-8"))
    return [DEV / d["file"] for d in manifest["documents"] if d["style"] == "scanned"]


def subset(files: list, pages: int, folder: Path) -> list:
    """Copies of the files cut to their first `pages` pages."""
    import pypdfium2 as pdfium
    out = []
    for f in files:
        src, dst = pdfium.PdfDocument(f), pdfium.PdfDocument.new()
        dst.import_pages(src, list(range(min(pages, len(src)))))
        out.append(str(folder / Path(f).name))
        dst.save(out[-1])
        src.close()
        dst.close()
    return out


def serial(files: list) -> dict:
    from converters.settings import DEFAULT
    from converters.sources.pdf import open_pdf, read_page
    times = []
    for f in files:
        with open_pdf(f) as pdf:
            for i in range(len(pdf)):
                t = time.perf_counter()
                read_page(pdf, i + 1, Path(f), DEFAULT.ocr)
                times.append(time.perf_counter() - t)
    return {"first": times[0], "pages": len(times) - 1, "seconds": sum(times[1:])}


def parallel(files: list) -> dict:
    from converters.settings import DEFAULT
    from converters.sources.pdf import iter_pages, open_pdf
    n, t = 0, time.perf_counter()
    for f in files:
        with open_pdf(f) as pdf:
            n += sum(1 for _ in iter_pages(pdf, Path(f), 2, DEFAULT.ocr, chunk=1))
    return {"pages": n, "seconds": time.perf_counter() - t}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*")
    ap.add_argument("--pages", type=int, default=8, help="pages read from each file")
    ap.add_argument("--mode", choices=["serial", "parallel"], help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.mode:
        sys.path.insert(0, str(ROOT))
        print(json.dumps((serial if a.mode == "serial" else parallel)(a.files)))
        return 0
    files = [str(Path(f).resolve()) for f in a.files] or [str(p) for p in dev_scans()]
    with tempfile.TemporaryDirectory() as tmp:
        files = subset(files, a.pages, Path(tmp))
        for mode, label in (("serial", "1 process"), ("parallel", "2 page workers")):
            out = subprocess.run([sys.executable, __file__, *files, "--mode", mode],
                                 capture_output=True, text=True, cwd=ROOT)
            if out.returncode:
                print(out.stderr, file=sys.stderr)
                return 1
            r = json.loads(out.stdout.strip().splitlines()[-1])
            extra = f"  (first page, models loading: {r['first']:.1f} s, not counted)" if "first" in r else ""
            print(f"{label:15s} {r['pages']:3d} pages {r['seconds']:7.1f} s  {r['pages'] / r['seconds']:.2f} pages/s"
                  f"  {r['seconds'] / r['pages']:.2f} s/page{extra}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
