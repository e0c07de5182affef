"""Hostile input: bounded memory (content bombs, huge scans, a worker over its memory limit), damaged pages,
HTML saved as .xls, workbooks whose formulas carry no results. Each ends with a clear Chinese message and
loses nothing else."""
import subprocess
import sys
from pathlib import Path

import openpyxl
import pypdfium2 as pdfium
import pytest

import hostilegen as hg
import pdfgen as g
from converters.model import PageContent
from converters.pipeline import convert_document
from converters.settings import DEFAULT
from converters.sources.formulas import evaluate
from converters.sources.ocr.recognize import render_scale

ROOT = Path(__file__).resolve().parent.parent
OPS = b"".join(b"%d %d m %d %d l S\n" % (k % 500, k % 700, k % 500 + 3, k % 700 + 1) for k in range(120_000))


def budget_pdf(path):
    exp, _ = g.shanxi_expenditure_summary()
    g.build_pdf(g.DocSpec([exp]), str(path))
    return path


def joined(path, *parts):
    """The pages of `parts` in one PDF."""
    out = pdfium.PdfDocument.new()
    for p in parts:
        src = pdfium.PdfDocument(str(p))
        out.import_pages(src)
        src.close()
    out.save(str(path))
    out.close()
    return path


# ---------------------------------------------------------------------------------------------- PDF content
def test_a_page_of_drawing_operators_past_the_limit_is_reported_and_the_rest_is_read(tmp_path):
    bomb = hg.raw_pdf(tmp_path / "bomb.pdf", 595, 842, OPS)             # 2.4 MB of operators, 1 MB allowed
    path = joined(tmp_path / "mixed.pdf", bomb, budget_pdf(tmp_path / "budget.pdf"))
    doc = convert_document(path, {"limits": {"content_mb": 1}})
    assert doc.unread == [1]
    assert any(n.startswith("第 1 页内容过大") for n in doc.notices)
    assert [t.form for t in doc.tables] == ["expenditure_summary"] and doc.tables[0].pages == [2]
    assert doc.to_json()["unread_pages"] == [1]


def test_a_damaged_content_stream_is_named_with_its_page(tmp_path):
    path = hg.raw_pdf(tmp_path / "damaged.pdf", 595, 842, b"BT /F1 12 Tf 72 712 Td (Hello) Tj ET\n" * 200,
                      corrupt=True)
    doc = convert_document(path)
    assert doc.unread == [1]
    assert doc.notices[0].startswith("第 1 页内容已损坏")
    assert "可能不是部门预算公开文件" not in " ".join(doc.notices)      # not "not a budget document"
    assert convert_document(budget_pdf(tmp_path / "sound.pdf")).unread == []


# ---------------------------------------------------------------------------------------------- render size
def page(width, height, density, cover=1.0):
    return PageContent(1, width, height, [], [], [], 1, cover, density)


def test_render_scale_follows_the_scan_and_is_capped_in_pixels():
    s = DEFAULT.ocr
    assert render_scale(page(595, 842, 300 / 72)) == s.scale                 # A4 at 300 dpi: the usual 2x
    assert render_scale(page(595, 842, 1.0)) == s.scale                      # 72 dpi: too few pixels, doubled
    as_points = render_scale(page(4960, 7016, 1.0))                          # A4 at 600 dpi sized in pixels
    assert as_points <= 1.0 and 4960 * 7016 * as_points ** 2 <= s.max_pixels * 1.0001
    photo = render_scale(page(14400, 14400, 3000 / 14400))                   # a photo on a 200-inch page
    assert photo <= 3000 / 14400 + 1e-9
    assert render_scale(page(14400, 14400, 0.0)) ** 2 * 14400 ** 2 <= s.max_pixels * 1.0001


def test_a_scan_sized_in_pixels_as_points_reads_like_the_scan(tmp_path):
    """A4 scanned at 300 dpi, written with a page of 2480 × 3508 points (one point per pixel)."""
    src = pdfium.PdfDocument(str(budget_pdf(tmp_path / "budget.pdf")))
    gray = src[0].render(scale=300 / 72, grayscale=True).to_numpy().copy()
    src.close()
    path = hg.image_pdf(tmp_path / "as_points.pdf", gray, 72)
    doc = convert_document(path)
    reference = convert_document(tmp_path / "budget.pdf")
    assert [t.form for t in doc.tables] == ["expenditure_summary"]
    assert doc.tables[0].rows == reference.tables[0].rows


# ---------------------------------------------------------------------------------------------- memory limit
def test_a_worker_over_its_memory_limit_stops_its_document_and_the_batch_goes_on(tmp_path):
    from test_ocr import scan_pdf, small_document
    spec, _ = small_document()
    (tmp_path / "in").mkdir()
    scan_pdf(spec, tmp_path / "in" / "扫描件.pdf")
    budget_pdf(tmp_path / "in" / "文字版.pdf")
    r = subprocess.run([sys.executable, str(ROOT / "main.py"), "convert", str(tmp_path / "in"), "--out",
                        str(tmp_path / "out"), "--jobs", "1", "--memory-limit", "256"],
                       capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "扫描件.pdf：内存不足：第 1 页（" in r.stderr and "超过上限 256 MB" in r.stderr
    assert "Traceback" not in r.stdout + r.stderr
    assert (tmp_path / "out" / "文字版" / "tables.json").is_file()
    rerun = subprocess.run([sys.executable, str(ROOT / "main.py"), "convert", str(tmp_path / "in"), "--out",
                            str(tmp_path / "out"), "--jobs", "1"], capture_output=True, text=True,
                           encoding="utf-8", timeout=300)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr               # with room, it converts
    assert (tmp_path / "out" / "扫描件" / "tables.json").is_file()


# ---------------------------------------------------------------------------------------------- what users receive
HTML = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>
<p>说明文字</p><table border=1><tr><td colspan=5>2024年部门支出总表</td></tr>
<tr><td colspan=5>单位：元</td></tr>
<tr><th rowspan=2>科目编码</th><th rowspan=2>科目名称</th><th rowspan=2>合计</th><th colspan=2>其中</th></tr>
<tr><th>基本支出</th><th>项目支出</th></tr>
<tr><td>201</td><td>一般公共服务<br>支出</td><td>1,000.00</td><td>600.00</td><td>400.00</td></tr>
<tr><td></td><td>合计</td><td>1,000.00</td><td>600.00</td><td>400.00</td></tr></table></body></html>"""


@pytest.mark.parametrize("suffix", [".xls", ".xlsx"])
def test_an_html_table_saved_as_a_workbook_is_read_as_the_table_it_is(tmp_path, suffix):
    path = tmp_path / f"网站下载{suffix}"
    path.write_bytes(HTML.encode("gb2312"))
    doc = convert_document(path)
    assert [t.form for t in doc.tables] == ["expenditure_summary"]
    t = doc.tables[0]
    assert t.columns == ["科目编码", "科目名称", "合计", "基本支出", "项目支出"] and t.money_unit == "元"
    assert t.rows == [["201", "一般公共服务支出", 1000.0, 600.0, 400.0], [None, "合计", 1000.0, 600.0, 400.0]]
    assert not [i for i in t.issues if i.severity == "error"]


def test_formulas_without_results_are_computed_or_flagged(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["预算支出总表"])
    ws.append(["单位：元"])
    ws.append(["科目编码", "科目名称", "合计", "基本支出", "项目支出"])
    ws.append(["201", "一般公共服务支出", "=D4+E4", 60, 40])
    ws.append(["202", "外交支出", "=SUM(D5:E5)", 10, 5])
    ws.append(["203", "国防支出", "=ROUND(D6+E6,2)", 1, 2])
    ws.append(["", "合计", "=SUM(C4:C5)+C6", "=SUM(D4:D6)", "=SUM(E4:E6)"])
    wb.save(tmp_path / "公式.xlsx")                   # openpyxl saves formulas without results
    doc = convert_document(tmp_path / "公式.xlsx")
    t = doc.tables[0]
    assert t.rows[:2] == [["201", "一般公共服务支出", 100, 60, 40], ["202", "外交支出", 15, 10, 5]]
    assert t.rows[2][2] == "=ROUND(D6+E6,2)" and t.rows[3][3:] == [71, 47]
    flagged = [(i.row, i.col) for i in t.issues if i.code == "formula_not_calculated"]
    assert flagged == [(2, 2), (3, 2)]                               # ROUND, and the total that needs it
    assert any("6 个公式单元格没有保存计算结果：已按公式算出 4 个，2 个无法计算（C6、C7）" in n for n in doc.notices)


def test_a_workbook_saved_by_excel_is_read_from_its_results(tmp_path):
    """Results saved with the formulas: the formulas are not looked at."""
    from converters.sources.xlsx import has_uncached_formulas
    import officegen as og
    assert not has_uncached_formulas(og.shanxi_xlsx(tmp_path / "山西.xlsx"))


@pytest.mark.parametrize("formula, value", [
    ("=A1+B1", 3.0), ("=SUM(A1:B2)", 10.0), ("=SUM(A1,B2)-A2", 2.0), ("=-A1+(B1*2)", 3.0),
    ("=SUM($A$1:$A$2)", 4.0), ("=A1/0", None), ("=AVERAGE(A1:B1)", None), ("=Sheet2!A1", None),
    ("=A1&B1", None), ("=SUM(A:A)", None), ("=C1+A1", None), ("=D1+A1", 1.0),
])
def test_simple_sums_are_evaluated_and_nothing_else(formula, value):
    cells = {(1, 1): 1.0, (1, 2): 2.0, (2, 1): 3.0, (2, 2): 4.0, (1, 3): None}
    assert evaluate(formula, lambda r, c: cells.get((r, c), 0.0)) == value

