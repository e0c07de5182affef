"""How soon the desktop app shows a document's first table: seconds from opening a PDF (as a drop does) to the
first table on screen, and to the whole document converted.

    python bench/first_table.py                      # a generated 30-page budget (tests/pdfgen), 3 runs
    python bench/first_table.py FILE.pdf --runs 5    # any PDF
    python bench/first_table.py --reader pdfplumber  # the reference page reader, to compare

Runs the real main window (Qt offscreen, empty settings and data folder) in this process: `open_file` is called as
the drop handler calls it, and the clock stops when the review pane holds a table (a preview of the tables read so
far, or the converted document). The first run includes the conversion's one-time imports (OCR engine, writers);
the figure is the median of the runs after it.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def budget_pdf(folder: Path) -> Path:
    """A 30-page disclosure: the sample budget with a long project table."""
    import pdfgen as g
    spec, _ = g.sample_document(ruling="grid", long_rows=370)
    path = folder / "budget30.pdf"
    facts = g.build_pdf(spec, path)
    print(f"{path.name}: {facts['pages']} pages")
    return path


def one_run(app, path: Path, reader: str, folder: Path) -> tuple:
    from dataclasses import replace

    from PySide6.QtCore import QSettings

    from gui.main_window import MainWindow
    window = MainWindow(settings=QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat),
                        data_dir=folder / "data")
    serial = {"page_workers": 1} if os.environ.get("SERIAL") else {}      # SERIAL=1: pages read in this process only
    window.conversion = replace(window.conversion, pdf_reader=reader, **serial)
    window.show()
    app.processEvents()
    started = time.perf_counter()
    window.open_file(str(path))
    first = done = None
    while done is None and time.perf_counter() - started < 120:
        app.processEvents()
        session = window.review.session
        if first is None and session is not None and session.doc.tables:
            first = time.perf_counter() - started
        if window._job is None:
            done = time.perf_counter() - started
        time.sleep(0.002)
    window.close()
    return first, done


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pdf", nargs="?")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--reader", default="pdfium", choices=("pdfium", "pdfplumber"))
    a = ap.parse_args()
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = Path(a.pdf) if a.pdf else budget_pdf(folder)
        runs = [one_run(app, path, a.reader, folder / f"run{k}") for k in range(a.runs + 1)]
    for k, (first, done) in enumerate(runs):
        print(f"run {k}{' (cold)' if k == 0 else ''}: first table {first:.2f} s, whole document {done:.2f} s")
    warm = runs[1:] or runs
    print(f"median ({a.reader}): first table {statistics.median(r[0] for r in warm):.2f} s, "
          f"whole document {statistics.median(r[1] for r in warm):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
