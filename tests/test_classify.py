"""Classification by content: a table whose title names no catalogue form (an unfamiliar province's wording) gets
the form its header and rows fit, flagged for review; a table nothing fits clearly stays unknown."""
from __future__ import annotations

import pdfgen as g
from converters.model import RawTable
from converters.pipeline import convert_document
from converters.standard.classify import classify_by_content


def test_tables_with_unfamiliar_titles_get_the_form_their_header_fits(tmp_path):
    summary, _ = g.budget_summary()
    revenue, _ = g.shanxi_revenue_summary(title="2024年部门收入情况一览表")
    # 科目编码 | 科目名称 | 合计 | 基本支出 | 项目支出: a Shanxi 预算支出总表 and 一般公共预算支出表 alike; the title
    # names neither: it stays unknown rather than a guess
    expenditure, _ = g.shanxi_expenditure_summary(title="2024年部门支出情况一览表")
    g.build_pdf(g.DocSpec([summary, revenue, expenditure]), tmp_path / "陌生省份.pdf")
    doc = convert_document(tmp_path / "陌生省份.pdf")
    assert [t.form for t in doc.tables] == ["budget_summary", "revenue_summary", "unknown"]
    flagged = [t.form for t in doc.tables if any(i.code == "classified_by_content" for i in t.issues)]
    assert flagged == ["revenue_summary"]
    revenue_table = doc.tables[1]
    assert revenue_table.columns[:3] == ["科目编码", "科目名称", "合计"] and len(revenue_table.rows) > 5


def _raw(title, header, rows):
    return RawTable(None, title, header, [], rows, [[(1, (0, 0, 1, 1))] * len(header)] * len(rows), [1])


ROWS = [["201", "一般公共服务支出", "100.00", "60.00", "40.00"], ["20101", "人大事务", "100.00", "60.00", "40.00"]]
FIVE = [["科目编码"], ["科目名称"], ["合计"], ["基本支出"], ["项目支出"]]


def test_the_documents_family_and_the_title_decide_between_forms_of_the_same_columns():
    budget, final = frozenset({"budget_summary", "revenue_summary"}), frozenset({"final_summary", "final_revenue"})
    raw = _raw("2024年部门一般公共预算开支情况表", FIVE, ROWS)
    assert classify_by_content(raw, budget).form_id == "general_expenditure"
    assert classify_by_content(raw, final).form_id == "final_general_expenditure"
    assert classify_by_content(_raw("一般公共预算开支决算情况表", FIVE, ROWS)).form_id == "final_general_expenditure"


def test_a_table_nothing_fits_clearly_stays_unknown():
    assert classify_by_content(_raw("人员情况表", [["姓名"], ["职务"], ["备注"]], [["张三", "科员", ""]])).form_id is None
    raw = _raw("部门开支情况表", FIVE, ROWS)
    guessed = classify_by_content(raw)                      # a guess is always flagged for review
    assert guessed.form_id is None or guessed.issues[-1].code == "classified_by_content"


def test_two_sided_tables_with_unfamiliar_titles_get_their_two_sided_form(tmp_path):
    """收入 | 支出 side by side: a two-sided form, only for a table that has both sides; the row labels (上级补助收入,
    其他收入) tell a 收支决算总表 from a 财政拨款收支决算总表 with the same four columns."""
    import dataclasses

    import finalgen as fg
    summary, _ = g.budget_summary(title="2024年部门收支情况总览表")
    final = dataclasses.replace(fg.summary(), title="2023年度部门收支决算情况总览表")
    revenue, _ = g.shanxi_revenue_summary()
    g.build_pdf(g.DocSpec([revenue, summary, final]), tmp_path / "两栏.pdf")
    doc = convert_document(tmp_path / "两栏.pdf")
    assert [t.form for t in doc.tables] == ["revenue_summary", "budget_summary", "final_summary"]
    assert all(any(i.code == "classified_by_content" for i in t.issues) for t in doc.tables[1:])
    assert doc.tables[2].columns == ["收入项目", "收入决算数", "支出项目", "支出决算数"]
    # one side only: no two-sided form
    one_side = _raw("收入情况一览表", [["收入", "项目"], ["收入", "决算数"], ["收入", "预算数"]],
                    [["一、财政拨款收入", "1.00", "1.00"], ["二、其他收入", "2.00", "2.00"]])
    assert classify_by_content(one_side).form_id is None
