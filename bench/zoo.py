"""The zoo of hostile inputs: builds them, converts each with the CLI, reports how each one ended.

    python bench/zoo.py                 # build the zoo in a temporary folder and run every input
    python bench/zoo.py --keep DIR      # build it in DIR (kept), e.g. to open the files by hand
    python bench/zoo.py --only bomb     # the inputs whose name contains "bomb"

Per input: the exit code, the CLI's message for it (its one line), the peak resident memory of the whole
process tree (the CLI, its batch workers and their page readers, sampled every 50 ms) and the wall time.
Memory bombs must end within 3 minutes under 2 GB at --jobs 2 with a clear message; nothing may print a
traceback.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
LIMIT_S = 180

from hostilegen import image_pdf, raw_pdf  # noqa: E402


def budget_page_image(dpi: float) -> np.ndarray:
    """A generated budget page as a scanner at `dpi` would give it (grey)."""
    import pdfgen as g
    import pypdfium2 as pdfium
    exp, _ = g.shanxi_expenditure_summary()
    data, _ = g.build_pdf_bytes(g.DocSpec([exp]))
    pdf = pdfium.PdfDocument(data)
    try:
        return pdf[0].render(scale=dpi / 72, grayscale=True).to_numpy().copy()
    finally:
        pdf.close()


# ---------------------------------------------------------------------------------------------- the zoo
def build(folder: Path) -> list:
    """[(name, [input paths], extra CLI arguments)]"""
    folder.mkdir(parents=True, exist_ok=True)
    made = []

    def add(name, paths, *args):
        made.append((name, [str(p) for p in paths], list(args)))

    add("bomb_scan_600dpi_as_points", [image_pdf(folder / "scan_600dpi_as_points.pdf", budget_page_image(600), 72)])
    rng = np.random.default_rng(1)
    photo = (rng.random((3000, 3000)) * 255).astype(np.uint8)
    add("bomb_photo_200_inch_page", [image_pdf(folder / "photo_200_inch.pdf", photo, 15)])
    ops = b"".join(b"%d %d m %d %d l S\n" % (k % 500, k % 700, k % 500 + 3, k % 700 + 1) for k in range(2_600_000))
    add("bomb_50mb_drawing_ops", [raw_pdf(folder / "drawing_ops.pdf", 595, 842, ops)])
    add("corrupt_content_stream", [raw_pdf(folder / "corrupt_stream.pdf", 595, 842,
                                           b"BT /F1 12 Tf 72 712 Td (Hello) Tj ET\n" * 200, corrupt=True)])
    truncated = folder / "truncated.pdf"
    whole = (folder / "scan_600dpi_as_points.pdf").read_bytes()
    truncated.write_bytes(whole[:len(whole) // 3])
    add("truncated_pdf", [truncated])
    (folder / "empty.pdf").write_bytes(b"")
    add("empty_file", [folder / "empty.pdf"])
    html = folder / "html_table.xls"
    html.write_text("<html><head><meta charset='utf-8'></head><body><table>"
                    "<tr><td colspan=3>2024年部门支出总表</td></tr><tr><td>科目编码</td><td>科目名称</td><td>合计</td></tr>"
                    "<tr><td>201</td><td>一般公共服务支出</td><td>100.00</td></tr></table></body></html>",
                    encoding="utf-8")
    add("html_saved_as_xls", [html])
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["预算支出总表"])
    ws.append(["科目编码", "科目名称", "合计", "基本支出", "项目支出"])
    ws.append(["201", "一般公共服务支出", "=D3+E3", 60, 40])
    ws.append(["", "合计", "=SUM(C3:C3)", "=SUM(D3:D3)", "=SUM(E3:E3)"])
    wb.save(folder / "formulas_no_cache.xlsx")
    add("formulas_without_cached_values", [folder / "formulas_no_cache.xlsx"])
    add("out_not_creatable", [folder / "empty.pdf"], "--out", "/dev/null/out")
    dev = ROOT.parent / "shared" / "bench" / "dev"
    if (dev / "dev_019.pdf").is_file():             # the reference: a normal scanned budget (13 pages)
        add("normal_scanned_budget", [dev / "dev_019.pdf"])
    return made


def tree_rss(proc) -> int:
    import psutil
    total = 0
    try:
        for p in [proc, *proc.children(recursive=True)]:
            try:
                total += p.memory_info().rss
            except psutil.Error:
                pass
    except psutil.Error:
        pass
    return total


def run_one(paths: list, args: list, out: Path) -> dict:
    import psutil
    cmd = [sys.executable, str(ROOT / "main.py"), "convert", *paths, "--jobs", "2"]
    if "--out" not in args:
        cmd += ["--out", str(out)]
    started = time.monotonic()
    proc = subprocess.Popen(cmd + args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT)
    watched, peak = psutil.Process(proc.pid), 0
    while proc.poll() is None:
        peak = max(peak, tree_rss(watched))
        if time.monotonic() - started > LIMIT_S + 30:
            proc.kill()
        time.sleep(0.05)
    text = proc.stdout.read().decode("utf-8", "replace")
    return {"rc": proc.returncode, "seconds": time.monotonic() - started, "peak_mb": peak / 2 ** 20,
            "traceback": "Traceback" in text,
            "message": " | ".join(line for line in text.splitlines() if "：" in line and "已写入" not in line)[:160]}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keep", type=Path)
    ap.add_argument("--only", default="")
    a = ap.parse_args()
    folder = a.keep or Path(tempfile.mkdtemp(prefix="zoo_"))
    print(f"zoo in {folder}")
    rows = []
    for name, paths, args in build(folder / "inputs"):
        if a.only not in name:
            continue
        shutil.rmtree(folder / "out" / name, ignore_errors=True)
        r = run_one(paths, args, folder / "out" / name)
        rows.append(r)
        flag = " TRACEBACK" if r["traceback"] else ""
        print(f"{name:34} rc={r['rc']:>3}  {r['seconds']:6.1f} s  {r['peak_mb']:7.0f} MB{flag}  {r['message']}",
              flush=True)
    bad = [r for r in rows if r["traceback"] or r["seconds"] > LIMIT_S or r["peak_mb"] > 2048]
    print(f"{len(rows)} inputs, {len(bad)} over the limits (traceback, > {LIMIT_S} s or > 2 GB)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
