"""Layouts the catalogue's own fixtures do not print: a lone one-row table under a two-level header alone on its
page, two levels of row labels, an unfamiliar title over a known table."""
from __future__ import annotations

import pdfgen as g
from converters.pipeline import convert_document
from pdfgen import SPAN_UP as U
from pdfgen import TableSpec


def test_a_lone_one_row_table_under_a_two_level_header_is_read_wide(tmp_path):
    """The Shanghai "三公"经费 table: one row of figures under 合计 | 因公出国（境）费 | 公务用车购置及运行费 (小计 |
    购置费 | 运行费) | 公务接待费, alone on its page. The group label 公务用车购置及运行费 above the column labels is
    also a row label of the narrow layout: it is still header, never the first body row."""
    first, _ = g.budget_summary()
    header = [["合计", "因公出国（境）费", "公务用车购置及运行费", None, None, "公务接待费"],
              [U, U, "小计", "公务用车购置费", "公务用车运行费", U]]
    lone = TableSpec("2024年部门“三公”经费和机关运行经费预算表", header,
                     [["12.00", "2.00", "8.00", "", "8.00", "2.00"]])
    g.build_pdf(g.DocSpec([first, lone]), tmp_path / "三公.pdf")
    doc = convert_document(tmp_path / "三公.pdf")
    assert [t.form for t in doc.tables] == ["budget_summary", "three_public"]
    t = doc.tables[1]
    assert t.pages == [3] and t.columns[:2] == ["项目", "合计"]
    assert dict((r[0], r[1]) for r in t.rows) == {
        "因公出国（境）费": 2.0, "公务接待费": 2.0, "公务用车购置及运行费": 8.0, "①公务用车购置费": None,
        "②公务用车运行维护费": 8.0, "合计": 12.0}
    assert not [i for i in t.issues if i.severity in ("error", "warning")]


def test_two_levels_of_row_labels_keep_both_labels_and_every_amount(tmp_path):
    first, _ = g.budget_summary()
    header = [["资金来源", "支出类别", "2024年预算数", None], [U, U, "合计", "其中：当年安排"]]
    rows = [["一般公共预算", "基本支出", "100.00", "90.00"], ["", "项目支出", "50.00", "50.00"],
            ["政府性基金预算", "项目支出", "20.00", "20.00"], ["合计", "", "170.00", "160.00"]]
    g.build_pdf(g.DocSpec([first, TableSpec("2024年部门资金来源与支出类别情况表", header, rows)]), tmp_path / "两级.pdf")
    t = convert_document(tmp_path / "两级.pdf").tables[1]
    assert t.form == "unknown"
    assert t.columns == ["资金来源", "支出类别", "2024年预算数/合计", "2024年预算数/其中：当年安排"]
    assert t.rows == [["一般公共预算", "基本支出", 100.0, 90.0], [None, "项目支出", 50.0, 50.0],
                      ["政府性基金预算", "项目支出", 20.0, 20.0], ["合计", None, 170.0, 160.0]]
