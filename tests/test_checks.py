"""Tests of converters/standard/checks.py: within-table, two-sided and cross-table consistency checks."""
import copy
import glob
import json
import os
import time

import pytest

from converters.standard.checks import CHECK_CODES, check_document, check_table, run_checks
from converters.model import Issue, Table

BENCH = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "bench", "dev")
GE_COLS = ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]


def table(form, columns, rows, unit="万元", **kw):
    return Table(form=form, title=form, money_unit=unit, columns=list(columns), rows=[list(r) for r in rows], **kw)


def found(issues, severity=None):
    return {(i.code, i.row, i.col) for i in issues if severity is None or i.severity == severity}


def general():
    return table("general_expenditure", GE_COLS, [
        [None, "合计", 301.00, 200.60, 100.40],
        ["201", "一般公共服务支出", 250.55, 180.15, 70.40],
        ["20103", "政府办公厅（室）及相关机构事务", 250.55, 180.15, 70.40],
        ["2010301", "行政运行", 190.25, 180.15, 10.10],
        ["2010302", "一般行政管理事务", 60.30, None, 60.30],
        ["208", "社会保障和就业支出", 50.45, 20.45, 30.00],
        ["20805", "行政事业单位养老支出", 50.45, 20.45, 30.00],
        ["2080505", "机关事业单位基本养老保险缴费支出", 50.45, 20.45, 30.00],
    ])


def document():
    """A small consistent Shanxi-style document (all money is general public budget)."""
    rev = table("revenue_summary", ["科目编码", "科目名称", "合计", "一般公共预算", "上年结转"],
                [r[:3] + [r[2], None] for r in general().rows])
    exp = table("expenditure_summary", GE_COLS, general().rows)
    budget = table("budget_summary", ["收入项目", "收入预算数", "支出项目", "支出合计"], [
        ["一、一般公共预算", 301.00, "一、一般公共服务支出", 250.55],
        ["二、政府性基金预算", None, "二、社会保障和就业支出", 50.45],
        ["本年收入合计", 301.00, "本年支出合计", 301.00],
        ["上年结转", None, "年终结转", None],
        ["收入总计", 301.00, "支出总计", 301.00],
    ])
    approp = table("appropriation_summary", ["收入项目", "收入金额", "支出项目", "支出小计", "一般公共预算"], [
        ["一、一般公共预算", 301.00, "一、一般公共服务支出", 250.55, 250.55],
        ["二、政府性基金预算", None, "二、社会保障和就业支出", 50.45, 50.45],
        ["本年收入合计", 301.00, "本年支出合计", 301.00, 301.00],
        ["上年财政拨款结转", None, "年终结转", None, None],
        ["一、一般公共预算", None, None, None, None],
        ["收入总计", 301.00, "支出总计", 301.00, 301.00],
    ])
    basic = table("basic_by_economic", ["经济科目编码", "部门预算支出经济科目名称", "合计", "人员经费", "公用经费"], [
        ["301", "工资福利支出", 180.60, 180.60, None],
        ["30101", "基本工资", 180.60, 180.60, None],
        ["302", "商品和服务支出", 20.00, None, 20.00],
        ["30201", "办公费", 20.00, None, 20.00],
        [None, "合计", 200.60, 180.60, 20.00],
    ])
    project = table("project_current", ["项目名称", "合计", "一般公共预算"],
                    [["A项目", 40.40, 40.40], ["B项目", 60.00, 60.00], ["合计", 100.40, 100.40]])
    carry = table("project_carryover", ["项目名称", "合计", "一般公共预算"], [], empty=True)
    return [budget, rev, exp, approp, general(), basic, project, carry]


# ---------------------------------------------------------------- within-table

def test_consistent_table_has_no_issue():
    assert check_table(general()) == []


def test_broken_leaf_flags_its_row_and_its_parent():
    t = general()
    t.rows[4][2] = 62.30                       # 2010302 合计: 60.30 -> 62.30
    issues = check_table(t)
    assert found(issues) == {("row_total_mismatch", 4, 2), ("sum_mismatch", 2, 2)}
    parent = next(i for i in issues if i.code == "sum_mismatch")
    assert parent.severity == "error"
    assert parent.message == "20103 政府办公厅（室）及相关机构事务 的合计 250.55 ≠ 下级科目之和 252.55（差 2.00）"
    assert all(i.severity == "error" for i in issues)


def test_total_row_is_sum_of_top_level_codes():
    t = general()
    t.rows[0][3] = 210.60                      # 合计 row, 基本支出
    assert found(check_table(t)) == {("sum_mismatch", 0, 3), ("row_total_mismatch", 0, 2)}


def test_total_row_without_codes_is_found_at_the_bottom():
    t = general()
    t.rows.append(t.rows.pop(0))
    t.rows[-1][4] = 100.50
    assert ("sum_mismatch", len(t.rows) - 1, 4) in found(check_table(t))


def fund_revenue(leaf):
    return table("fund_revenue", ["科目编码", "科目名称", "政府性基金收入预算"], [
        ["229", "其他支出", 6.00], ["22960", "彩票公益金安排的支出", 6.00],
        ["2296001", "a", 1.00], ["2296002", "b", 2.00], ["2296003", "c", leaf]])


def test_rounding_size_difference_is_info():
    issues = check_table(fund_revenue(3.01))   # 0.01 <= 3 terms x 0.005
    assert [(i.code, i.severity, i.row, i.col) for i in issues] == [("rounding", "info", 1, 2)]
    issues = check_table(fund_revenue(3.02))   # 0.02 > 0.015
    assert [(i.code, i.severity, i.row, i.col) for i in issues] == [("sum_mismatch", "error", 1, 2)]


def test_integer_yuan_tables_tolerate_half_a_yuan_per_term():
    t = table("fund_revenue", ["科目编码", "科目名称", "政府性基金收入预算"],
              [["229", "x", 60001], ["22960", "y", 30000], ["22961", "z", 30000]], unit="元")
    assert [(i.code, i.severity) for i in check_table(t)] == [("rounding", "info")]
    t.rows[0][2] = 60002
    assert [(i.code, i.severity) for i in check_table(t)] == [("sum_mismatch", "error")]


HEBEI_REV = ["科目编码", "科目名称", "合计", "本年收入小计", "财政拨款收入", "财政专户管理资金", "事业收入",
             "经营收入", "上级补助收入", "附属单位上缴收入", "其他收入", "上年结转"]


def hebei_revenue():
    return table("revenue_summary", HEBEI_REV, [
        [None, "合计", 525.75, 515.75, 512.11, None, 3.64, None, None, None, None, 10.00],
        ["201", "一般公共服务支出", 525.75, 515.75, 512.11, None, 3.64, None, None, None, None, 10.00],
        ["20106", "财政事务", 525.75, 515.75, 512.11, None, 3.64, None, None, None, None, 10.00],
        ["2010601", "行政运行", 298.00, 288.00, 288.00, None, None, None, None, None, None, 10.00],
        ["2010699", "其他财政事务支出", 227.75, 227.75, 224.11, None, 3.64, None, None, None, None, None],
    ])


def test_hebei_revenue_table_passes_and_flags_the_subtotal_cell():
    assert check_table(hebei_revenue()) == []
    t = hebei_revenue()
    t.rows[3][3] = 289.00                      # 本年收入小计 of 2010601
    assert found(check_table(t)) == {("row_total_mismatch", 3, 3), ("sum_mismatch", 2, 3)}


@pytest.mark.parametrize("carry_inside", [False, True])
def test_shanxi_revenue_with_carryover_inside_or_outside_passes(carry_inside):
    total = 126.45 if carry_inside else 110.46
    t = table("revenue_summary", ["科目编码", "科目名称", "合计", "一般公共预算", "政府性基金预算", "单位资金", "上年结转"], [
        [None, "合计", total, 98.46, 2.00, 10.00, 15.99],
        ["207", "文化旅游体育与传媒支出", total, 98.46, 2.00, 10.00, 15.99],
    ])
    assert check_table(t) == []
    t.rows[1][2] = total + 1
    assert ("row_total_mismatch", 1, 2) in found(check_table(t), "error")


def test_invalid_codes_are_warnings():
    t = general()
    t.rows[3][0] = "20103O1"
    t.rows[6][0] = "2080"
    issues = [i for i in check_table(t) if i.code == "invalid_code"]
    assert [(i.severity, i.row, i.col) for i in issues] == [("warning", 3, 0), ("warning", 6, 0)]
    econ = table("basic_by_economic", ["经济科目编码", "部门预算支出经济科目名称", "合计", "人员经费", "公用经费"],
                 [["3010101", "x", 1.00, 1.00, None]])
    assert [i.code for i in check_table(econ)] == ["invalid_code"]


def test_empty_table_is_info():
    t = table("fund_revenue", ["科目编码", "科目名称", "政府性基金收入预算"], [], empty=True)
    assert [(i.code, i.severity, i.row, i.col) for i in check_table(t)] == [("empty_table", "info", None, None)]


def test_procurement_funding_sum_and_price_warning():
    cols = ["项目名称", "采购物品名称", "数量", "单价", "合计", "一般公共预算拨款", "单位资金", "预留中小微企业份额"]
    t = table("procurement", cols, [["合计", None, None, None, 15.80, 12.80, 3.00, 5.00],
                                    ["P", "复印机", 8, 1.60, 12.80, 12.80, None, 5.00],
                                    ["P", "法律咨询服务", 1, 3.00, 3.00, None, 3.00, None]])
    assert check_table(t) == []
    t.rows[1][3] = 1.70                        # 8 x 1.70 = 13.60 ≠ 12.80
    assert [(i.code, i.severity, i.row, i.col) for i in check_table(t)] == [("price_mismatch", "warning", 1, 4)]


# ---------------------------------------------------------------- two-sided summaries

def test_two_sided_summary_checks():
    doc = document()
    assert check_table(doc[0]) == [] and check_table(doc[3]) == []
    budget = copy.deepcopy(doc[0])
    budget.rows[1][1] = 5.00                   # an income line: 本年收入合计 no longer adds up
    assert found(check_table(budget)) == {("sum_mismatch", 2, 1)}
    budget = copy.deepcopy(doc[0])
    budget.rows[4][3] = 300.00                 # 支出总计 ≠ 本年支出合计 + 年终结转, ≠ 收入总计
    assert found(check_table(budget)) == {("sum_mismatch", 4, 3), ("balance_mismatch", 4, 3)}


def test_appropriation_carryover_sub_items_are_not_income_lines():
    t = document()[3]
    t.rows[3][1] = t.rows[4][1] = 16.07        # 上年财政拨款结转 and its sub-item 一、一般公共预算
    t.rows[0][3] = t.rows[0][4] = 266.62       # the carried-over money is spent on 201
    for r in (2, 5):                           # 本年支出合计, 收入总计 / 支出总计
        t.rows[r][3] = t.rows[r][4] = 317.07
    t.rows[5][1] = 317.07                      # = 本年收入合计 301.00 + 上年财政拨款结转 16.07
    assert check_table(t) == []
    t.rows[5][1] = t.rows[5][3] = t.rows[5][4] = 333.14   # as if the sub-item were counted too
    assert ("sum_mismatch", 5, 1) in found(check_table(t), "error")


# ---------------------------------------------------------------- cross-table

def test_consistent_document_has_no_cross_issue():
    doc = document()
    assert check_document(doc) == []
    assert [i for t in doc for i in check_table(t) if i.severity != "info"] == []


def test_cross_table_mismatch_is_flagged_on_the_dependent_table():
    doc = document()
    doc[5].rows[4][2] = 210.60                 # basic_by_economic 合计 ≠ general_expenditure 基本支出
    out = check_document(doc)
    assert [(i, x.code, x.severity, x.row, x.col) for i, x in out] == [(5, "cross_table_mismatch", "error", 4, 2)]
    assert "210.60" in out[0][1].message and "200.60" in out[0][1].message


def test_project_total_is_compared_only_without_carryover():
    doc = document()
    doc[6].rows[2][1] = 90.40
    assert [(i, x.code, x.severity) for i, x in check_document(doc)] == [(6, "cross_table_mismatch", "error")]
    doc[7] = table("project_carryover", ["项目名称", "合计", "一般公共预算"], [["合计", 10.00, 10.00], ["C", 10.00, 10.00]])
    assert check_document(doc) == []           # 90.40 + 10.00 = 项目支出 100.40


def test_cross_table_with_different_units():
    doc = document()
    doc[1] = table("revenue_summary", doc[1].columns,
                   [r[:2] + [None if v is None else round(v * 10000) for v in r[2:]] for r in doc[1].rows], unit="元")
    assert check_document(doc) == []
    doc[1].rows[0][2] += 3                     # 3 元 is below the rounding of a 万元 figure
    assert [(x.code, x.severity) for _, x in check_document(doc)] == [("rounding", "info")]
    doc[1].rows[0][2] += 1000
    assert [(i, x.code, x.severity) for i, x in check_document(doc)] == [(1, "cross_table_mismatch", "error")]


# ---------------------------------------------------------------- run_checks

def test_run_checks_is_idempotent_and_keeps_other_issues():
    doc = document()
    doc[4].rows[4][2] = 62.30
    keep = Issue("unmapped_column", "warning", "未识别的列：备注", None, 5)
    doc[4].issues.append(keep)
    run_checks(doc)
    first = [list(t.issues) for t in doc]
    run_checks(doc)
    assert [list(t.issues) for t in doc] == first
    assert keep in doc[4].issues and any(i.code == "sum_mismatch" for i in doc[4].issues)
    doc[4].rows[4][2] = 60.30                  # the user fixes the cell: stale issues disappear
    run_checks(doc)
    assert doc[4].issues == [keep]
    assert all(i.code in CHECK_CODES for t in doc for i in t.issues if i is not keep)


def test_a_check_kind_is_one_function_and_one_registry_entry(monkeypatch):
    from converters.standard import checks

    def no_negative_amounts(v, _rule):
        return [Issue("negative_amount", "warning", f"{c} 为负数", r, v.col[c])
                for c in v.amounts for r, x in enumerate(v.num[c]) if x is not None and x < 0]
    kind = checks.CheckKind(None, ("negative_amount",), no_negative_amounts)
    monkeypatch.setattr(checks, "CHECK_KINDS", checks.CHECK_KINDS + (kind,))
    doc = document()
    doc[4].rows[4][2] = -62.30
    found = [i for i in checks.check_table(doc[4]) if i.code == "negative_amount"]
    assert [(i.row, i.col) for i in found] == [(4, 2)]
    assert all(code in CHECK_CODES for k in checks.CHECK_KINDS[:-1] for code in k.codes)


def test_run_checks_is_fast():
    rows = [[None, "合计", 0.0, 0.0, 0.0]]
    for k in range(33):
        rows += [[f"2{k:02d}", "类", 3.00, 2.00, 1.00], [f"2{k:02d}01", "款", 3.00, 2.00, 1.00],
                 [f"2{k:02d}0101", "项", 3.00, 2.00, 1.00]]
    rows[0][2:] = [99.00, 66.00, 33.00]
    doc = document()
    doc[4] = table("general_expenditure", GE_COLS, rows)
    start = time.perf_counter()
    for _ in range(10):
        run_checks(doc)
    assert (time.perf_counter() - start) / 10 < 0.1


# ---------------------------------------------------------------- ground truth

def truth_documents():
    return sorted(glob.glob(os.path.join(BENCH, "*.truth.json")))


def test_truth_tables_pass():
    files = truth_documents()
    if not files:
        pytest.skip(f"no ground truth in {BENCH}")
    errors = []
    for path in files:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        tables = [Table(form=t["form"], title=t["title"], money_unit=t.get("money_unit"), empty=t["empty"],
                        columns=t["columns"], rows=t["rows"])
                  for t in doc["tables"] if t["form"] not in ("performance_targets", "performance_indicators")]
        name = os.path.basename(path)
        errors += [(name, t.form, i.message) for t in tables for i in check_table(t) if i.severity == "error"]
        errors += [(name, tables[k].form, i.message) for k, i in check_document(tables) if i.severity == "error"]
    assert errors == []
