"""Size of the double-click app (dist/BudgetTables/) by component, and its largest files.

    python bench/bundle.py                     # dist/BudgetTables
    python bench/bundle.py path/to/BudgetTables --top 30

Sizes are bytes of regular files (symbolic links count nothing), in MB (10^6 bytes). "without OCR" is the
total less the OCR group (what the bundle would weigh if the app had no OCR).
"""
from __future__ import annotations

import argparse
import fnmatch
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIST = ROOT / "dist" / "BudgetTables"

# Component: bundle path patterns below _internal/ (fnmatch, lower case; first match wins).
GROUPS = {
    "OCR (onnxruntime, pyclipper, models)": ["onnxruntime/*", "pyclipper/*", "resources/ocr_models/*"],
    "Qt (PySide6, ICU)": ["pyside6/*", "shiboken6/*", "libqt6*", "libicu*", "libpyside6*", "libshiboken6*"],
    "dataset.parquet (fastparquet, cramjam)": ["fastparquet/*", "cramjam/*"],
    "numpy": ["numpy/*", "numpy.libs/*", "numpy-*"],
    "pandas": ["pandas/*"],
    "PDF (pdfminer + CMaps, pdfplumber, pypdfium2, cryptography)": [
        "pdfminer/*", "pdfminer_six-*", "pdfplumber/*", "pypdfium2/*", "pypdfium2_raw/*", "cryptography/*",
        "cryptography-*"],
    "Pillow": ["pil/*", "pillow.libs/*"],
    "Office (openpyxl, python-docx, lxml, xlrd)": ["openpyxl/*", "docx/*", "lxml/*", "xlrd/*"],
    "Python (interpreter, stdlib, executables with the app's code)": [
        "libpython*", "python3*/*", "base_library.zip", "../*"],
    "resources/": ["resources/*"],
    "other system libraries": ["lib*.so*", "*.dll"],
    "other": ["*"],
}
OCR_GROUP = next(iter(GROUPS))
MB = 1e6


def files(dist: Path) -> list:
    """[(path relative to _internal/ (or ../name for files next to the executables), bytes)]."""
    internal = dist / "_internal"
    out = []
    for p in dist.rglob("*"):
        if p.is_file() and not p.is_symlink():
            inside = internal in p.parents
            rel = p.relative_to(internal).as_posix() if inside else "../" + p.relative_to(dist).as_posix()
            out.append((rel, p.stat().st_size))
    return out


def group_of(rel: str) -> str:
    rel = rel.lower()
    return next(g for g, patterns in GROUPS.items() if any(fnmatch.fnmatchcase(rel, p) for p in patterns))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dist", nargs="?", type=Path, default=DEFAULT_DIST)
    ap.add_argument("--top", type=int, default=15, help="list this many largest files")
    a = ap.parse_args(argv)
    if not (a.dist / "_internal").is_dir():
        print(f"{a.dist} is not a one-folder bundle: build first (packaging/build.sh)", file=sys.stderr)
        return 2
    listing = files(a.dist)
    sizes = dict.fromkeys(GROUPS, 0)
    for rel, size in listing:
        sizes[group_of(rel)] += size
    total = sum(sizes.values())
    without_ocr = total - sizes[OCR_GROUP]
    print(f"{a.dist}: {total / MB:.0f} MB in {len(listing)} files; without OCR {without_ocr / MB:.0f} MB")
    for group, size in sorted(sizes.items(), key=lambda kv: -kv[1]):
        if size:
            print(f"  {size / MB:7.1f} MB  {group}")
    print("largest files:")
    for rel, size in sorted(listing, key=lambda f: -f[1])[:a.top]:
        print(f"  {size / MB:7.1f} MB  {rel}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
