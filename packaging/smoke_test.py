"""Smoke test of the frozen app: its CLI converts the same generated inputs as the source checkout — offline, with
the Python installation out of sight and an almost empty environment — and writes the same tables.json.

    python packaging/smoke_test.py                          # dist/BudgetTables/BudgetTables-cli
    python packaging/smoke_test.py --app PATH --keep DIR    # another build; keep inputs and both outputs in DIR

INPUTS lists the documents, one line each. An input whose generator cannot run here (a library it needs is not
installed, e.g. the scan without OCR) is reported as skipped; every other one must convert. The frozen run is cut
off from the network (`unshare --net`) where the kernel allows it, with the Python installation and the virtual
environment hidden where mount namespaces are allowed. Both runs must also write the same dataset.parquet, and the
frozen CLI's usage must name it and its --scheduler refuse with a Chinese reason (Dask is not bundled). Exit code 0
when all of this holds.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
DEFAULT_APP = ROOT / "dist" / "BudgetTables" / ("BudgetTables-cli.exe" if os.name == "nt" else "BudgetTables-cli")
CJK_FONT = "STSong-Light"     # reportlab's built-in CID font: not embedded, decoded through pdfminer's CMaps


def text_pdf(path: Path):
    import pdfgen
    pdfgen.build_pdf(pdfgen.sample_document(ruling="grid")[0], path)


def cid_font_pdf(path: Path):
    """One ruled table in a non-embedded CID font (UniGB-UCS2-H): without the CMaps its text is lost."""
    from officegen import EXPENDITURE, UNIT
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen.canvas import Canvas

    pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    c = Canvas(str(path))
    c.setFont(CJK_FONT, 16)
    c.drawCentredString(297, 780, f"{UNIT}2022年一般公共预算支出表")
    c.setFont(CJK_FONT, 9)
    c.drawString(50, 752, f"单位名称：{UNIT}")
    c.drawRightString(545, 752, "单位：万元")
    xs = [50, 120, 330, 400, 470, 545]
    rows = [("科目编码", "科目名称", "合计", "基本支出", "项目支出"), *EXPENDITURE]
    top = 745
    for r, row in enumerate(rows):
        y = top - 20 * r
        for k, text in enumerate(row):
            if k >= 2 and r:
                c.drawRightString(xs[k + 1] - 4, y - 14, text)
            else:
                c.drawString(xs[k] + 4, y - 14, text)
    bottom = top - 20 * len(rows)
    for r in range(len(rows) + 1):
        c.line(xs[0], top - 20 * r, xs[-1], top - 20 * r)
    for x in xs:
        c.line(x, top, x, bottom)
    c.save()


def require_ocr():
    """ImportError unless this checkout can OCR: ONNX Runtime and the models, which the installed rapidocr wheel
    provides."""
    from converters.sources.ocr.engine import MODEL_FILES, wheel_model_dir
    if importlib.util.find_spec("onnxruntime") is None:
        raise ImportError("OCR needs onnxruntime")
    models = wheel_model_dir()
    if models is None or not all((models / name).is_file() for name in MODEL_FILES.values()):
        raise ImportError(f"OCR models not installed ({', '.join(MODEL_FILES.values())} of the rapidocr wheel)")


def scanned_pdf(path: Path):
    """The CID-font table as a scan: one page image at 200 dpi, no text layer (only when OCR is installed)."""
    import pypdfium2 as pdfium
    require_ocr()           # without OCR a scan cannot convert: skipped
    source = path.with_name("_scan_source.pdf")
    cid_font_pdf(source)
    pdf = pdfium.PdfDocument(str(source))
    try:
        image = pdf[0].render(scale=200 / 72).to_pil().convert("L")
    finally:
        pdf.close()
    source.unlink()
    image.save(path, "PDF", resolution=200.0)


def hebei_docx(path: Path):
    import officegen
    officegen.hebei_docx(path)


def shanxi_xlsx(path: Path):
    import officegen
    officegen.shanxi_xlsx(path)


# (file name, what it exercises, generator)
INPUTS = [
    ("文字层.pdf", "PDF with a text layer", text_pdf),
    ("CID字体.pdf", "PDF in a non-embedded Chinese font (pdfminer CMaps)", cid_font_pdf),
    ("扫描件.pdf", "scanned page (OCR models)", scanned_pdf),
    ("河北.docx", "DOCX", hebei_docx),
    ("山西.xlsx", "XLSX", shanxi_xlsx),
]


def generate(folder: Path) -> dict:
    """{file name: None if generated, else why it was skipped}."""
    folder.mkdir(parents=True, exist_ok=True)
    status = {}
    for name, _, make in INPUTS:
        try:
            make(folder / name)
            status[name] = None
        except ImportError as e:
            status[name] = f"skipped: {e}"
    return status


def isolated(command: list) -> tuple:
    """(command, how it is isolated). No network: a new network namespace has no interfaces. No Python: where mount
    namespaces are allowed, the interpreter's standard library and the virtual environment are hidden under empty
    file systems (only inside that namespace)."""
    hidden = sorted({sys.prefix, sysconfig.get_paths()["stdlib"]})
    script = "".join(f"mount -t tmpfs none {shlex.quote(d)}; " for d in hidden) + 'exec "$@"'
    tries = [(["unshare", "--mount", "--net", "sh", "-ec", script, "sh"],
              f"no network, {' and '.join(hidden)} hidden"),
             (["unshare", "--net"], "no network")]
    for prefix, how in tries:
        if shutil.which("unshare") and subprocess.run([*prefix, "true"], capture_output=True).returncode == 0:
            return [*prefix, *command], how
    return command, "not isolated (unshare not permitted)"


def run(command: list, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=1800)


def result(out: Path, name: str):
    """The tables.json of one document, or None when the run did not export it."""
    path = out / Path(name).stem / "tables.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def same_dataset(source: Path, frozen: Path) -> bool:
    """Both runs wrote the same dataset.parquet (the frozen app writes it without pyarrow)."""
    import pandas as pd
    paths = [out / "dataset.parquet" for out in (source, frozen)]
    if not all(p.exists() for p in paths):
        return False
    a, b = (pd.read_parquet(p) for p in paths)
    return len(a) > 0 and a.equals(b)


def cli_messages(app: Path, work: Path, env: dict) -> list:
    """Failures of the frozen CLI's own messages: its usage names the program, and --scheduler (Dask is not
    bundled) ends with a Chinese reason and exit code 2."""
    failures = []
    usage = run([str(app), "convert", "--help"], work, env)
    if usage.returncode != 0 or f"{app.name} convert" not in usage.stdout:
        failures.append(f"usage does not name {app.name} convert: {usage.stdout[:200]!r}")
    dask = run([str(app), "convert", str(work / "inputs"), "--out", str(work / "dask"), "--scheduler",
                "tcp://127.0.0.1:1"], work, env)
    if dask.returncode != 2 or "安装包版不含 Dask" not in dask.stderr:
        failures.append(f"--scheduler: exit code {dask.returncode}, stderr {dask.stderr[-300:]!r}")
    return failures


def has_cjk(data) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in json.dumps(data, ensure_ascii=False))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--app", type=Path, default=DEFAULT_APP, help="the frozen CLI executable")
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it")
    a = ap.parse_args(argv)
    if not a.app.exists():
        print(f"{a.app} not found: build first (packaging/build.sh)", file=sys.stderr)
        return 2
    work = a.keep or Path(tempfile.mkdtemp(prefix="bt-smoke-"))
    inputs = work / "inputs"
    status = generate(inputs)
    source = run([sys.executable, str(ROOT / "main.py"), "convert", str(inputs), "--out", str(work / "source")],
                 ROOT, dict(os.environ))
    bare_env = {"PATH": "/usr/bin:/bin", "HOME": str(work), "LANG": "C.UTF-8", "TMPDIR": str(work)}
    if os.name == "nt":
        bare_env = {k: os.environ[k] for k in ("SYSTEMROOT", "TEMP", "TMP", "USERPROFILE") if k in os.environ}
    command, how = isolated([str(a.app), "convert", str(inputs), "--out", str(work / "frozen")])
    print(f"frozen run: {how}; environment: {' '.join(bare_env)} only")
    frozen = run(command, work, bare_env)
    failures = []
    if source.returncode != frozen.returncode:
        failures.append(f"exit code: source {source.returncode}, frozen {frozen.returncode}")
    for name, what, _ in INPUTS:
        if status[name]:
            print(f"{name:14} {what}: {status[name]}")
            continue
        src, frz = result(work / "source", name), result(work / "frozen", name)
        outcome = "failed in both runs" if src is None else f"{len(src['tables'])} tables"
        if src is None and frz is None:
            failures.append(f"{name}: not converted by either run")
        elif src != frz:
            failures.append(f"{name}: tables.json differs (source: {outcome}; frozen: "
                            f"{'failed' if frz is None else str(len(frz['tables'])) + ' tables'})")
            outcome += ", DIFFERENT"
        elif not has_cjk(src["tables"]):
            failures.append(f"{name}: no Chinese text in the tables")
        else:
            outcome += ", same"
        print(f"{name:14} {what}: {outcome}")
    dataset = same_dataset(work / "source", work / "frozen")
    print(f"dataset.parquet: {'same' if dataset else 'MISSING OR DIFFERENT'}")
    if not dataset:
        failures.append("dataset.parquet: missing or different")
    messages = cli_messages(a.app, work, bare_env)
    print(f"usage and --scheduler messages: {'as expected' if not messages else 'WRONG'}")
    failures += messages
    if failures:
        print("\n".join(["", "FAILED:", *failures, "", "source stderr:", source.stderr[-3000:],
                         "frozen stderr:", frozen.stderr[-3000:]]), file=sys.stderr)
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
