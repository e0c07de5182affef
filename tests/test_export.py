import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from converters.output.workbook import (ExportExistsError, export_document, export_documents, export_tables, page_span,
                                       safe_filename, sheet_title, write_table_workbook)
from converters.model import Document, Issue, Table

REVENUE_COLUMNS = ["科目编码", "科目名称", "合计", "本年收入小计", "财政拨款收入", "一般公共预算"]
LONG_TITLE = "部门预算一般公共预算财政拨款支出表：这是一个非常非常长的标题/用来检查文件名和工作表名称的截断与唯一性" * 2


def revenue_table():
    return Table(
        form="revenue_summary", title="预算收入总表", unit_name="襄垣县人民政府办公室", year=2023,
        money_unit="万元", pages=[3, 4], columns=REVENUE_COLUMNS,
        rows=[
            ["201", "一般公共服务支出", 1234.5, 1234.5, 1000.25, 1000.25],
            ["2010301", "行政运行", 12.34, None, 0.1, 1000.0],
            ["01", "=SUM(A1)", 1.0, 1.0, 1.0, 1.0],
            ["02", "-12", 2.0, 2.0, 2.0, 2.0],
            ["03", "@x", 3.0, 3.0, 3.0, 3.0],
            ["04", "+1", 4.0, 4.0, 4.0, 4.0],
            [None, "合计", 1256.84, 1240.5, 1006.35, 2006.35],
        ],
        issues=[Issue("sum_mismatch", "error", "合计不等于各类之和", row=6, col=2),
                Issue("col_sum", "warning", "本年收入小计与各项之和不符", row=6, col=2),
                Issue("row_sum", "warning", "行合计不符", row=1),
                Issue("unmapped", "info", "源表列“备注”未对应标准列")])


def make_doc():
    empty = Table(form="fund_revenue", title="政府性基金预算收入表", year=2023, money_unit="万元", pages=[5],
                  empty=True, columns=["科目编码", "科目名称", "政府性基金收入预算"])
    unknown = Table(form="unknown", title="未识别表格", pages=[6], columns=["列1", "列2", "列3"],
                    rows=[["001", "=A1", 5], ["abc", None, 2.5]])
    procurement = Table(form="fixed_assets", title="固定资产占用情况表", columns=["项目", "数量", "价值"],
                        rows=[["车辆", 3, 45.5], ["办公设备", 2.5, 1.0]], pages=[7])
    long1 = Table(form="general_expenditure", title=LONG_TITLE, pages=[8],
                  columns=["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
                  rows=[["2010301", "行政运行", 1.0, 1.0, None]])
    long2 = Table(form="general_expenditure", title=LONG_TITLE, pages=[9],
                  columns=["科目编码", "科目名称", "合计", "基本支出", "项目支出"])
    return Document(source="/some/where/dev_001.pdf", pages=9,
                    tables=[revenue_table(), empty, unknown, procurement, long1, long2],
                    notices=["第10页为扫描页，已跳过"])


@pytest.fixture
def exported(tmp_path):
    doc = make_doc()
    folder = export_document(doc, tmp_path / "out")
    return doc, folder


def open_first(folder, prefix):
    path = next(folder.glob(f"{prefix}_*.xlsx"))
    return load_workbook(path)


def test_folder_and_file_names(exported):
    doc, folder = exported
    assert folder.name == "dev_001"
    names = sorted(p.name for p in folder.glob("*.xlsx"))
    assert names[0] == "01_预算收入总表.xlsx"
    assert names[1] == "02_政府性基金预算收入表.xlsx"
    assert len(names) == len(set(n.casefold() for n in names)) == 6
    for name in names:
        assert not set('<>:"/\\|?*') & set(name)
        assert len(name) <= 80 + len("NN_.xlsx")
    assert [t.workbook for t in doc.tables] == [p for p in sorted(names)]
    assert not list(folder.glob("*.tmp"))


def test_title_meta_header_layout(exported):
    _, folder = exported
    wb = open_first(folder, "01")
    ws = wb.worksheets[0]
    assert ws.title == "预算收入总表"
    assert wb.sheetnames == ["预算收入总表", "校验"]
    assert ws["A1"].value == "预算收入总表" and ws["A1"].font.b and ws["A1"].font.sz > 11
    assert "A1:F1" in {str(r) for r in ws.merged_cells.ranges}
    meta = " ".join(str(c.value) for c in ws[2] if c.value is not None)
    for part in ("单位名称：襄垣县人民政府办公室", "年度：2023", "金额单位：万元"):
        assert part in meta
    header = [c.value for c in ws[3]]
    assert header == REVENUE_COLUMNS
    for c in ws[3]:
        assert c.font.b and c.fill.fgColor.rgb.endswith("D9E1F2") and c.border.left.style and c.alignment.wrap_text
    assert ws.freeze_panes == "A4"
    assert ws.max_row == 3 + 7


def test_values_types_and_formats(exported):
    _, folder = exported
    ws = open_first(folder, "01").worksheets[0]
    a4, a5 = ws["A4"], ws["A5"]
    assert (a4.value, a4.data_type) == ("201", "s")
    assert (a5.value, a5.data_type) == ("2010301", "s")
    assert (ws["A6"].value, ws["A6"].data_type) == ("01", "s")
    assert ws["C4"].value == 1234.5 and ws["C4"].data_type == "n" and ws["C4"].number_format == "#,##0.00"
    assert ws["E5"].value == 0.1 and ws["E5"].number_format == "#,##0.00"
    assert ws["D5"].value is None
    assert ws["A10"].value is None and ws["B10"].value == "合计"
    for row, text in ((6, "=SUM(A1)"), (7, "-12"), (8, "@x"), (9, "+1")):
        cell = ws.cell(row=row, column=2)
        assert (cell.value, cell.data_type) == (text, "s")


def test_formula_text_in_raw_xml(exported):
    """Excel itself must see text, not a formula: no <f> element in the sheet XML."""
    import zipfile
    _, folder = exported
    path = next(folder.glob("01_*.xlsx"))
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in xml and "SUM(A1)" in xml


def test_count_and_unknown_columns(exported):
    _, folder = exported
    ws = open_first(folder, "04").worksheets[0]
    assert ws["B4"].value == 3 and ws["B4"].number_format == "#,##0"
    assert ws["B5"].value == 2.5 and ws["B5"].number_format == "General"
    assert ws["C4"].number_format == "#,##0.00"
    ws = open_first(folder, "03").worksheets[0]
    assert [c.value for c in ws[3]] == ["列1", "列2", "列3"]
    assert (ws["A4"].value, ws["A4"].data_type) == ("001", "s")
    assert (ws["B4"].value, ws["B4"].data_type) == ("=A1", "s")
    assert ws["C4"].value == 5 and ws["C4"].number_format == "General"
    assert ws["B5"].value is None


def test_flagged_cells(exported):
    _, folder = exported
    ws = open_first(folder, "01").worksheets[0]
    flagged = ws["C10"]
    assert flagged.fill.fgColor.rgb.endswith("FFC7CE")          # most severe issue: error
    assert "合计不等于各类之和" in flagged.comment.text
    assert "本年收入小计与各项之和不符" in flagged.comment.text
    assert ws["B5"].fill.fgColor.rgb.endswith("FFF7DD")          # whole-row warning
    assert ws["C4"].comment is None and ws["C4"].fill.fill_type is None


def test_check_sheet(exported):
    _, folder = exported
    ws = open_first(folder, "01")["校验"]
    assert [c.value for c in ws[1]] == ["行（Excel行号）", "列（列名）", "级别", "问题（代码）", "说明"]
    assert [c.value for c in ws[2]] == [10, "合计", "错误", "合计与明细之和不符（sum_mismatch）", "合计不等于各类之和"]
    assert [c.value for c in ws[4]] == [5, None, "警告", "row_sum", "行合计不符"]
    assert [c.value for c in ws[5]] == [None, None, "提示", "unmapped", "源表列“备注”未对应标准列"]
    assert ws.max_row == 5
    # prints on the page's width, long messages wrapped
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0 and ws["E2"].alignment.wrap_text
    ws = open_first(folder, "04")["校验"]
    assert ws["A2"].value == "无校验问题"


def test_empty_table(exported):
    doc, folder = exported
    wb = open_first(folder, "02")
    ws = wb.worksheets[0]
    assert [c.value for c in ws[3]] == ["科目编码", "科目名称", "政府性基金收入预算"]
    assert ws.max_row == 3
    notes = [c.value for c in wb["校验"]["A"]]
    assert "无校验问题" in notes and any("本表无数据" in str(n) for n in notes)
    assert json.loads((folder / "tables.json").read_text(encoding="utf-8"))["tables"][1]["empty"] is True


def test_properties_and_print_setup(exported):
    _, folder = exported
    wb = open_first(folder, "01")
    assert "dev_001.pdf" in wb.properties.title and "dev_001.pdf" in wb.properties.subject
    assert wb.properties.description == "来源：dev_001.pdf 第3-4页"
    assert wb.properties.creator == "预算公开表格转换器"
    ws = wb.worksheets[0]
    assert str(ws.page_setup.paperSize) == str(ws.PAPERSIZE_A4)
    assert ws.page_setup.orientation == "portrait"              # 6 columns
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
    assert ws.print_title_rows == "$3:$3"
    assert all(8 <= ws.column_dimensions[l].width <= 50 for l in "ABCDEF")
    assert ws.column_dimensions["B"].width > ws.column_dimensions["A"].width   # CJK names are wider


def test_landscape_and_long_sheet_names(exported):
    _, folder = exported
    wide = Table(form="unknown", title="宽表", columns=[f"列{i}" for i in range(1, 9)])
    write_table_workbook(wide, folder / "wide.xlsx", "x.pdf")
    assert load_workbook(folder / "wide.xlsx").worksheets[0].page_setup.orientation == "landscape"
    wb = open_first(folder, "05")
    assert len(wb.worksheets[0].title) <= 31
    assert not set("[]:*?/\\") & set(wb.worksheets[0].title)


def test_tables_json_contract(exported):
    doc, folder = exported
    data = json.loads((folder / "tables.json").read_text(encoding="utf-8"))
    assert set(data) == {"source", "pages", "tables", "notices", "missing_tables", "unread_pages"}
    assert data["source"] == "dev_001.pdf" and data["pages"] == 9
    assert data["notices"] == ["第10页为扫描页，已跳过"]
    assert len(data["tables"]) == 6
    for t in data["tables"]:
        assert {"form", "title", "columns", "rows", "issues", "workbook", "empty", "pages"} <= set(t)
        assert not Path(t["workbook"]).is_absolute() and (folder / t["workbook"]).is_file()
    assert data["tables"][0]["rows"][1] == ["2010301", "行政运行", 12.34, None, 0.1, 1000.0]
    assert "预算收入总表" in (folder / "tables.json").read_text(encoding="utf-8")   # ensure_ascii=False


def test_refuses_to_overwrite(exported, tmp_path):
    doc, folder = exported
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    with pytest.raises(ExportExistsError) as err:
        export_document(make_doc(), tmp_path / "out")
    assert "dev_001" in str(err.value) and "--overwrite" in str(err.value)
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before


def test_overwrite_replaces_only_export_files(exported, tmp_path):
    _, folder = exported
    (folder / "notes.txt").write_text("keep", encoding="utf-8")
    (folder / "99_old.xlsx").write_bytes(b"stale")
    doc = Document(source="dev_001.pdf", pages=1, tables=[revenue_table()])
    assert export_document(doc, tmp_path / "out", overwrite=True) == folder
    assert sorted(p.name for p in folder.iterdir()) == ["01_预算收入总表.xlsx", "notes.txt", "raw.json", "tables.json"]
    assert json.loads((folder / "tables.json").read_text(encoding="utf-8"))["tables"][0]["workbook"] == \
        "01_预算收入总表.xlsx"


def test_stem_and_empty_folder(tmp_path):
    (tmp_path / "custom").mkdir()          # an existing folder without an export is fine
    folder = export_document(Document(source="a.pdf"), tmp_path, stem="custom")
    assert folder == tmp_path / "custom"
    assert json.loads((folder / "tables.json").read_text(encoding="utf-8"))["tables"] == []


def test_three_digit_numbering(tmp_path):
    tables = [Table(form="unknown", title=f"表{i}", columns=["列1"]) for i in range(100)]
    folder = export_document(Document(source="big.pdf", tables=tables), tmp_path)
    assert tables[0].workbook == "001_表0.xlsx" and tables[99].workbook == "100_表99.xlsx"
    assert (folder / "100_表99.xlsx").is_file()


def test_helpers():
    assert safe_filename('a<b>c:"d/e\\f|g?h*i\x01. . ') == "abcdefghi"
    assert safe_filename("CON") == "_CON"
    assert safe_filename("") == "未命名"
    assert len(safe_filename("长" * 200)) == 80
    assert sheet_title("a[b]c:d*e?f/g\\h", set()) == "abcdefgh"
    assert sheet_title("校验", {"校验"}) == "校验(2)"
    name = sheet_title("x" * 40, {"x" * 31})
    assert len(name) == 31 and name.endswith("(2)")
    assert sheet_title("", set()) == "表"
    assert page_span([3, 4, 6]) == "3-4、6" and page_span([]) == ""


def test_control_characters_do_not_break_export(tmp_path):
    table = Table(form="unknown", title="表\x01一", columns=["列1"], rows=[["a\x02b\n c"]],
                  issues=[Issue("x", "error", "坏\x03字符", row=0, col=0)])
    write_table_workbook(table, tmp_path / "t.xlsx", "s.pdf")
    ws = load_workbook(tmp_path / "t.xlsx").worksheets[0]
    assert ws.title == "表一" and ws["A4"].value == "ab\n c" and ws["A4"].comment.text.startswith("坏字符")


def test_export_selected_tables(tmp_path):
    doc = make_doc()
    folder = export_tables(doc, tmp_path, [0, 3, 99])        # named as in a full export; 99 is no table
    assert folder == tmp_path / "dev_001"
    assert sorted(p.name for p in folder.iterdir()) == ["01_预算收入总表.xlsx", "04_固定资产占用情况表.xlsx"]
    with pytest.raises(ExportExistsError):
        export_tables(doc, tmp_path, [3])
    assert export_tables(doc, tmp_path, [3], overwrite=True) == folder


def test_export_several_documents_one_failing_does_not_stop_the_others(tmp_path):
    doc = make_doc()
    export_document(doc, tmp_path, stem="b")                 # an export already there
    (tmp_path / "c").write_text("a file where the folder would go", encoding="utf-8")
    outcomes = export_documents([(1, doc, "a"), (2, doc, "b"), (3, doc, "c")], tmp_path)
    assert [o.key for o in outcomes] == [1, 2, 3]
    assert outcomes[0] == (1, tmp_path / "a", None, False) and (tmp_path / "a" / "tables.json").is_file()
    assert outcomes[1].exists and outcomes[1].folder is None and "导出目录已存在" in outcomes[1].error
    assert not outcomes[2].exists and outcomes[2].folder is None
    assert outcomes[2].error.startswith("dev_001.pdf：导出失败（")
    again = export_documents([(2, doc, "b")], tmp_path, overwrite=True)
    assert again == [(2, tmp_path / "b", None, False)]



def test_every_issue_code_the_engine_raises_has_a_chinese_name():
    import re

    from converters.model import ISSUE_NAMES
    from converters.standard.checks import CHECK_KINDS, CROSS_TABLE, EMPTY_TABLE
    root = Path(__file__).resolve().parent.parent / "converters"
    raised = {m for f in root.rglob("*.py")
              for m in re.findall(r"(?:Issue|_verdict)\(\s*\"([a-z_]+)\"", f.read_text(encoding="utf-8"))}
    raised |= {c for k in CHECK_KINDS for c in k.codes} | set(CROSS_TABLE) | {EMPTY_TABLE}
    assert raised and raised <= set(ISSUE_NAMES), raised - set(ISSUE_NAMES)
