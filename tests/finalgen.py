"""A synthetic 部门决算 (final accounts) in the Shanghai layout: the quirks of a real one, in a PDF drawn by pdfgen.

- 收入支出决算总表: two-sided, 收入 | 支出 over 项目 | 决算数;
- 收入决算表: codes in 类 | 款 | 项 columns whose labels stand in the 合计 row, beside its amounts;
- 一般公共预算财政拨款基本支出决算表: printed folded (two blocks of 经济分类科目编码 | 科目名称 | 决算数 side by side),
  each block closed by a 合计 label that spans the code and name cells;
- 财政拨款"三公"经费支出决算表: one row under a three-level header, 预算数 | 决算数 under each item;
- 政府性基金预算财政拨款收入支出决算表: empty (only its 合计 row).
"""
from __future__ import annotations

import pdfgen as g
from pdfgen import SPAN_UP as U
from pdfgen import TableSpec

UNIT = "测试区财政局"
META = {"meta_left": f"编制单位：{UNIT}", "meta_right": "单位：万元"}


def summary() -> TableSpec:
    header = [["收入", None, "支出", None], ["项目", "决算数", "项目", "决算数"]]
    rows = [["一、一般公共预算财政拨款收入", "1,200.00", "一、一般公共服务支出", "900.00"],
            ["二、上级补助收入", "", "二、社会保障和就业支出", "250.00"],
            ["三、其他收入", "10.00", "三、住房保障支出", "60.00"],
            ["本年收入合计", "1,210.00", "本年支出合计", "1,210.00"],
            ["年初结转和结余", "5.00", "年末结转和结余", "5.00"],
            ["总计", "1,215.00", "总计", "1,215.00"]]
    return TableSpec("收入支出决算总表", header, rows, col_widths=[2.6, 1.2, 2.6, 1.2], **META)


def revenue() -> TableSpec:
    header = [["项目", None, None, None, "本年收入合计", "财政拨款收入", "其他收入"],
              ["支出功能分类科目编码", None, None, "科目名称", U, U, U]]
    rows = [["类", "款", "项", "合计", "1,210.00", "1,200.00", "10.00"],
            ["201", "", "", "一般公共服务支出", "900.00", "890.00", "10.00"],
            ["201", "06", "", "财政事务", "900.00", "890.00", "10.00"],
            ["201", "06", "01", "行政运行", "900.00", "890.00", "10.00"],
            ["208", "", "", "社会保障和就业支出", "250.00", "250.00", ""],
            ["208", "05", "", "行政事业单位养老支出", "250.00", "250.00", ""],
            ["208", "05", "05", "机关事业单位基本养老保险缴费支出", "250.00", "250.00", ""],
            ["221", "", "", "住房保障支出", "60.00", "60.00", ""],
            ["221", "02", "", "住房改革支出", "60.00", "60.00", ""],
            ["221", "02", "01", "住房公积金", "60.00", "60.00", ""]]
    return TableSpec("收入决算表", header, rows, col_widths=[0.6, 0.6, 0.6, 3.0, 1.3, 1.3, 1.1], **META)


def basic_by_economic() -> TableSpec:
    block = ["经济分类科目编码", None, "科目名称", "决算数"]
    header = [block + block, ["类", "款", U, U, "类", "款", U, U]]
    left = [["301", "", "工资福利支出", "700.00"], ["301", "01", "基本工资", "300.00"],
            ["301", "02", "津贴补贴", "400.00"], ["303", "", "对个人和家庭的补助", "20.00"],
            ["303", "01", "离休费", "20.00"], ["人员经费合计", None, None, "720.00"]]
    right = [["302", "", "商品和服务支出", "80.00"], ["302", "01", "办公费", "50.00"],
             ["302", "11", "差旅费", "30.00"], ["", "", "", ""], ["", "", "", ""],
             ["公用经费合计", None, None, "80.00"]]
    rows = [a + b for a, b in zip(left, right)]
    return TableSpec("一般公共预算财政拨款基本支出决算表", header, rows,
                     col_widths=[0.6, 0.6, 2.2, 1.1, 0.6, 0.6, 2.2, 1.1], **META)


def three_public() -> TableSpec:
    header = [["合计", None, "因公出国（境）费", None, "公务用车购置及运行费", None, None, None, None, None,
               "公务接待费", None],
              [U, U, U, U, "小计", None, "公务用车购置费", None, "公务用车运行费", None, U, U],
              ["预算数", "决算数"] * 6]
    rows = [["12.00", "10.50", "", "", "8.00", "7.50", "", "", "8.00", "7.50", "4.00", "3.00"]]
    return TableSpec("财政拨款“三公”经费支出决算表", header, rows, **META)


def empty_fund() -> TableSpec:
    header = [["项目", None, None, None, "年初结转和结余", "本年收入", "本年支出", None, None, "年末结转和结余"],
              ["支出功能分类科目编码", None, None, "科目名称", U, U, "小计", "基本支出", "项目支出", U]]
    rows = [["类", "款", "项", "合计", "", "", "", "", "", ""]]
    return TableSpec("政府性基金预算财政拨款收入支出决算表", header, rows,
                     note="注：本单位无政府性基金预算财政拨款收入支出，故本表为空表。", landscape=True, **META)


def final_accounts_document(path, drop: tuple = ()) -> dict:
    """Write the document (a 目录 page listing the five tables first); `drop`: titles left out of the pages (a
    copy whose author deleted a table still listed in its 目录). Returns pdfgen's layout facts."""
    tables = [summary(), revenue(), basic_by_economic(), three_public(), empty_fund()]
    toc = g.Narrative(["# 目录"] + [f"{k}. {t.title}…………{k + 1}" for k, t in enumerate(tables, 1)])
    kept = [t for t in tables if t.title not in drop]
    return g.build_pdf(g.DocSpec([g.Cover(f"{UNIT}2024年度部门决算"), toc] + kept), path)
