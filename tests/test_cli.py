"""The headless CLI as a user runs it: output contract, bad input, batches, overwrite protection, time limit."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

import badfiles
import pdfgen as g

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args, timeout=300):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "convert", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT)


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory):
    d = tmp_path_factory.mktemp("sample")
    spec, expected = g.sample_document(ruling="grid")
    path = d / "测试县财政局2024年部门预算.pdf"
    g.build_pdf(spec, path)
    return path, expected


def test_output_contract(sample_pdf, tmp_path):
    pdf, expected = sample_pdf
    r = run_cli(pdf, "--out", tmp_path / "导出")
    assert r.returncode == 0, r.stderr
    folder = tmp_path / "导出" / pdf.stem
    data = json.loads((folder / "tables.json").read_text(encoding="utf-8"))
    assert data["source"] == pdf.name and data["pages"] > 0
    assert [t["form"] for t in data["tables"]] == [e.form for e in expected]
    keys = {"form", "title", "unit_name", "year", "money_unit", "pages", "empty", "columns", "rows", "issues", "workbook"}
    for t in data["tables"]:
        assert keys <= set(t)
        assert all(len(r) == len(t["columns"]) for r in t["rows"])
        for i in t["issues"]:
            assert set(i) == {"row", "col", "code", "severity", "message"}
            assert i["severity"] in ("error", "warning", "info")
            assert i["row"] is None or 0 <= i["row"] < len(t["rows"])
            assert i["col"] is None or 0 <= i["col"] < len(t["columns"])
        wb = load_workbook(folder / t["workbook"])
        ws = wb.worksheets[0]
        assert ws["A1"].value == t["title"]
        assert [c.value for c in ws[3]][:len(t["columns"])] == t["columns"]
        assert wb.sheetnames[1] == "校验"
        assert pdf.name in wb.properties.title
    assert (folder / data["tables"][0]["workbook"]).name.startswith("01_")


def test_workbook_cells_match_the_table(sample_pdf, tmp_path):
    pdf, _ = sample_pdf
    assert run_cli(pdf, "--out", tmp_path).returncode == 0
    folder = tmp_path / pdf.stem
    data = json.loads((folder / "tables.json").read_text(encoding="utf-8"))
    t = next(x for x in data["tables"] if x["form"] == "revenue_summary")
    ws = load_workbook(folder / t["workbook"]).worksheets[0]
    for i, row in enumerate(t["rows"]):
        for j, v in enumerate(row):
            cell = ws.cell(row=4 + i, column=1 + j)
            assert cell.value == v
            if t["columns"][j] == "科目编码" and v is not None:
                assert cell.data_type == "s"
            if isinstance(v, float):
                assert cell.number_format == "#,##0.00"
    assert ws.freeze_panes == "A4"


def test_never_overwrites_without_asking(sample_pdf, tmp_path):
    pdf, _ = sample_pdf
    assert run_cli(pdf, "--out", tmp_path).returncode == 0
    tables_json = tmp_path / pdf.stem / "tables.json"
    before = tables_json.stat().st_mtime_ns
    # Converted before and unchanged: skipped, not an error, the export untouched.
    r = run_cli(pdf, "--out", tmp_path)
    assert r.returncode == 0 and not r.stderr and "跳过" in r.stdout
    assert tables_json.stat().st_mtime_ns == before
    assert run_cli(pdf, "--out", tmp_path, "--overwrite").returncode == 0
    assert tables_json.stat().st_mtime_ns != before
    # An export the batch did not make (e.g. the desktop app's) is never replaced without --overwrite.
    from converters.output.workbook import export_document
    from converters.pipeline import convert_document
    other = tmp_path / "other"
    export_document(convert_document(pdf), other)
    before = (other / pdf.stem / "tables.json").stat().st_mtime_ns
    r = run_cli(pdf, "--out", other)
    assert r.returncode != 0 and "--overwrite" in r.stderr and pdf.name in r.stderr
    assert (other / pdf.stem / "tables.json").stat().st_mtime_ns == before


def test_bad_inputs_get_a_clear_message_and_do_not_stop_the_batch(sample_pdf, tmp_path):
    pdf, _ = sample_pdf
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "good.pdf").write_bytes(pdf.read_bytes())
    badfiles.not_a_pdf(batch / "fake.pdf")
    badfiles.encrypted_pdf(batch / "locked.pdf")
    badfiles.truncated_pdf(batch / "damaged.pdf")
    badfiles.zero_page_pdf(batch / "zero.pdf")
    badfiles.no_tables_pdf(batch / "prose.pdf")
    (batch / "broken.docx").write_bytes(b"PK")
    (batch / "notes.doc").write_bytes(b"legacy")
    r = run_cli(batch, "--out", tmp_path / "out")
    assert r.returncode == 1
    err = r.stderr.splitlines()
    expected = {"fake.pdf": "不是 PDF", "locked.pdf": "加密", "damaged.pdf": "损坏", "zero.pdf": "没有任何页面",
                "broken.docx": "Word"}
    for name, words in expected.items():
        line = next(x for x in err if x.startswith(name))
        assert words in line
    assert len(err) == len(expected)                       # one line per failed document
    assert "跳过 notes.doc" in r.stdout
    assert (tmp_path / "out" / "good" / "tables.json").exists()
    prose = json.loads((tmp_path / "out" / "prose" / "tables.json").read_text(encoding="utf-8"))
    assert prose["tables"] == []                            # a valid result with zero tables, and why
    assert any("没有找到可识别的表格" in n for n in prose["notices"])
    assert "prose.pdf：0 张表" in r.stdout and "提示：没有找到可识别的表格" in r.stdout


def test_missing_file(sample_pdf, tmp_path):
    """Nothing to convert: exit 2 and no report; beside a real file: that one converts and the exit is 1."""
    r = run_cli(tmp_path / "nope.pdf", "--out", tmp_path / "out")
    assert r.returncode == 2 and "nope.pdf" in r.stderr and "不存在" in r.stderr
    assert not (tmp_path / "out" / "汇总.xlsx").exists()
    r = run_cli(tmp_path / "nope.pdf", sample_pdf[0], "--out", tmp_path / "out")
    assert r.returncode == 1 and "nope.pdf：文件或文件夹不存在" in r.stderr
    assert (tmp_path / "out" / sample_pdf[0].stem / "tables.json").is_file()


def test_an_output_folder_that_cannot_be_created_is_one_line_not_a_traceback(sample_pdf, tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    r = run_cli(sample_pdf[0], "--out", blocker / "out")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines() == [f"无法创建导出目录 {blocker / 'out'}：路径中有一部分不是文件夹（{blocker / 'out'}）"]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root may write anywhere")
def test_a_read_only_output_folder_is_named_in_chinese(sample_pdf, tmp_path):
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o555)
    try:
        r = run_cli(sample_pdf[0], "--out", out)
    finally:
        out.chmod(0o755)
    assert r.returncode == 2 and "导出目录不可写" in r.stderr and "Traceback" not in r.stderr


def test_exports_honour_the_umask_and_a_newline_in_a_name_stays_on_one_line(sample_pdf, tmp_path):
    odd = tmp_path / "in" / "第一行\n第二行.pdf"
    odd.parent.mkdir()
    odd.write_bytes(sample_pdf[0].read_bytes())
    r = subprocess.run(["bash", "-c", f'umask 022 && exec "$0" "$@"', sys.executable, str(ROOT / "main.py"),
                        "convert", str(odd.parent), "--out", str(tmp_path / "out")],
                       capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert "第一行\\n第二行.pdf：" in r.stdout and not any(line.startswith("第二行") for line in r.stdout.splitlines())
    files = [f for f in (tmp_path / "out").rglob("*") if f.is_file()]
    assert files and {oct(f.stat().st_mode & 0o777) for f in files} == {"0o644"}


def test_time_limit_stops_a_document(tmp_path):
    path = badfiles.huge_pdf(tmp_path / "huge.pdf", pages=200)
    r = run_cli(path, "--out", tmp_path / "out", "--timeout", "1")
    assert r.returncode == 1
    assert "huge.pdf" in r.stderr and "超时" in r.stderr


def test_large_document_converts(tmp_path):
    path = badfiles.huge_pdf(tmp_path / "big.pdf", pages=300)
    r = run_cli(path, "--out", tmp_path / "out")
    assert r.returncode == 0, r.stderr
    data = json.loads((tmp_path / "out" / "big" / "tables.json").read_text(encoding="utf-8"))
    assert data["pages"] == 300 and data["tables"]


def test_os_errors_read_in_chinese_naming_the_folder_not_the_temporary_file(tmp_path):
    import errno

    from converters.model import failure_message
    full = OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "导出" / ".~abc123.tmp"))
    assert failure_message("a.pdf", full) == f"a.pdf：磁盘空间不足（{tmp_path / '导出'}）"
    denied = PermissionError(errno.EACCES, "Permission denied", "/x/y\nz.xlsx")
    assert failure_message("a.pdf", denied) == "a.pdf：没有权限（/x/y\\nz.xlsx）"


def test_json_gives_one_line_per_document_with_its_counts_and_quiet_only_failures(sample_pdf, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.pdf").write_bytes(sample_pdf[0].read_bytes())
    badfiles.not_a_pdf(src / "坏.pdf")
    r = run_cli(src, "--out", tmp_path / "out", "--json")
    assert r.returncode == 1
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    assert sorted(x["status"] for x in lines) == ["converted", "failed"]
    good = next(x for x in lines if x["status"] == "converted")
    assert good["folder"] == "a" and good["tables"] == len(sample_pdf[1])
    assert {"flagged", "unrecognized", "missing", "issues", "seconds", "message", "notices"} <= set(good)
    assert good["unrecognized"] == 0 and good["missing"] == 0
    again = [json.loads(line) for line in run_cli(src, "--out", tmp_path / "out", "--json").stdout.splitlines()]
    assert next(x for x in again if x["status"] == "skipped")["tables"] == good["tables"]
    quiet = run_cli(src, "--out", tmp_path / "out2", "--quiet")
    assert quiet.returncode == 1 and quiet.stdout == "" and quiet.stderr.count("坏.pdf") == 1
