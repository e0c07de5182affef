"""Final accounts (部门决算) as a template family of data: the 决算 forms of resources/forms.json, their checks, and the
generic rules their Shanghai layout needs (a folded table, 类/款/项 labels in the 合计 row, a wide 三公 table with
预算数 | 决算数, a total label spanning the code cells)."""
from __future__ import annotations

from pathlib import Path

import pytest

import finalgen
from converters.catalogue import catalogue
from converters.model import RawTable
from converters.pipeline import convert_document
from converters.standard.normalize import standardize, unfold_blocks

REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "real" / "budget_cn"


@pytest.fixture(scope="module")
def final_doc(tmp_path_factory):
    path = tmp_path_factory.mktemp("final") / "决算.pdf"
    finalgen.final_accounts_document(path)
    return convert_document(path)


def by_form(doc) -> dict:
    return {t.form: t for t in doc.tables}


def test_every_final_accounts_table_gets_its_form(final_doc):
    assert [t.form for t in final_doc.tables] == ["final_summary", "final_revenue", "final_basic_by_economic",
                                                   "final_three_public", "final_fund"]
    assert all(t.money_unit == "万元" for t in final_doc.tables)


def test_the_summary_is_two_sided_and_its_totals_are_checked(final_doc):
    t = by_form(final_doc)["final_summary"]
    assert t.columns == ["收入项目", "收入决算数", "支出项目", "支出决算数"]
    assert t.rows[3] == ["本年收入合计", 1210.0, "本年支出合计", 1210.0]
    assert not [i for i in t.issues if i.severity == "error"]
    t.rows[0][1] = 1300.0                         # an altered amount breaks the sum of the income lines
    from converters.standard.checks import check_table
    assert any(i.code == "sum_mismatch" for i in check_table(t))


def test_code_part_labels_in_the_total_row_build_full_codes(final_doc):
    t = by_form(final_doc)["final_revenue"]
    assert t.columns[:3] == ["科目编码", "科目名称", "本年收入合计"]
    assert t.rows[0][:3] == [None, "合计", 1210.0]
    assert [r[0] for r in t.rows[1:4]] == ["201", "20106", "2010601"]
    assert not [i for i in t.issues if i.code in ("unmapped_column", "invalid_code", "sum_mismatch")]


def test_a_folded_table_is_unfolded_and_a_spanning_total_label_kept_whole(final_doc):
    t = by_form(final_doc)["final_basic_by_economic"]
    assert t.columns == ["经济科目编码", "科目名称", "决算数"]
    assert [r[0] for r in t.rows] == ["301", "30101", "30102", "303", "30301", None, "302", "30201", "30211", None]
    assert t.rows[5] == [None, "人员经费合计", 720.0] and t.rows[-1] == [None, "公用经费合计", 80.0]
    assert not [i for i in t.issues if i.severity == "error"]


def test_a_wide_three_public_table_gives_budget_and_actual_per_item(final_doc):
    t = by_form(final_doc)["final_three_public"]
    assert t.columns == ["项目", "预算数", "决算数"]
    rows = {r[0]: r[1:] for r in t.rows}
    assert rows["合计"] == [12.0, 10.5] and rows["公务接待费"] == [4.0, 3.0]
    assert rows["②公务用车运行维护费"] == [8.0, 7.5] and rows["因公出国（境）费"] == [None, None]


def test_an_empty_final_table_is_empty_without_false_alarms(final_doc):
    t = by_form(final_doc)["final_fund"]
    assert t.empty and not t.rows
    assert not [i for i in t.issues if i.code == "unmapped_column"]


def test_final_accounts_are_a_family_of_data():
    family = next(f for f in catalogue().families if f.id == "final_accounts")
    assert {f.id for f in catalogue().forms if f.id.startswith("final_")} == set(family.forms)


def test_unfolding_leaves_tables_with_distinct_blocks_alone():
    raw = RawTable("x", "t", [["项目"], ["金额"], ["项目"], ["数量"]], [], [["a", "1", "b", "2"]],
                   [[(1, (0, 0, 1, 1))] * 4], [1])
    assert unfold_blocks(raw) is raw


def test_a_table_whose_header_matches_none_of_its_forms_columns_is_kept_as_unknown():
    raw = RawTable("final_revenue", "收入决算表", [["甲"], ["乙"]], [], [["x", "1.00"], ["y", "2.00"]],
                   [[(1, (0, 0, 1, 1))] * 2] * 2, [1])
    [t] = standardize(raw)
    assert t.form == "unknown" and t.rows == [["x", 1.0], ["y", 2.0]]
    assert any(i.code == "form_unmatched" for i in t.issues)


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/real is not present")
def test_the_real_shanghai_final_accounts_are_all_recognized_and_checked():
    doc = convert_document(REAL / "putuo_caizhengju_2024_dept_final.pdf")
    forms = [t.form for t in doc.tables]
    assert len(forms) == 9 and "unknown" not in forms and len(set(forms)) == 9
    assert not [i for t in doc.tables for i in t.issues if i.severity == "error"]


# ---------------------------------------------------------------------------------------------- the 目录
def test_a_table_deleted_from_a_copy_but_listed_in_its_contents_is_reported_missing(tmp_path):
    import json
    import subprocess
    import sys
    finalgen.final_accounts_document(tmp_path / "删改.pdf", drop=("收入决算表",))
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "main.py", "convert", str(tmp_path / "删改.pdf"), "--out", str(out)],
                         capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent)
    assert run.returncode == 0, run.stderr
    assert "缺 1 张" in run.stdout and "收入决算表" in run.stdout
    data = json.loads((out / "删改" / "tables.json").read_text(encoding="utf-8"))
    assert data["missing_tables"] == [{"title": "收入决算表", "page": 3}]
    assert any("收入决算表" in n for n in data["notices"])


def test_the_whole_document_lists_nothing_missing(final_doc):
    assert final_doc.missing == [] and final_doc.notices == []


def test_contents_entries_skip_parts_and_group_headings_and_join_wrapped_titles():
    from converters.model import Line
    from converters.tables.contents import contents_entries
    texts = ["目 录", "第一部分 部门概况……………1", "一、部门主要职能 ……………………", "五、部门预算表 ………………",
             "1.2025年部门财务收支预算总表 ………… 8", "2．2025年部门一般公共预算基本支出部门预算经济", "分类预算表 …… 9",
             "六、其他相关情况说明 ……………"]
    lines = [Line([], 0, 1, k, k + 1, 10, text) for k, text in enumerate(texts)]
    assert [(e.title, e.page) for e in contents_entries(lines)] == [
        ("2025年部门财务收支预算总表", 8), ("2025年部门一般公共预算基本支出部门预算经济分类预算表", 9)]
