"""The report tables of a budget, and a sample disclosure (a part of tests/pdfgen.py, which re-exports them).

Each builder returns (TableSpec, Expected): the table as the disclosure prints it and the standardized table the
engine should export from it; extra keyword arguments set TableSpec options (ruling, landscape, …).
sample_document puts several of them, a cover and narrative pages into one DocSpec.
"""
from __future__ import annotations

import random
from typing import Optional

if __package__:                         # imported as tests.<module>
    from .pdfgen_budget import (FUNCTION_CLASSES, _CN_NUM, _PROJECT_NAMES, Budget, BudgetItem, _fmt, _partition,
                                _split_code, _val, make_budget)
    from .pdfgen_layout import build_pdf_bytes
    from .pdfgen_specs import SPAN_UP, Cover, DocSpec, Expected, Narrative, TableSpec, leaf_labels
else:                                   # with tests/ on sys.path
    from pdfgen_budget import (FUNCTION_CLASSES, _CN_NUM, _PROJECT_NAMES, Budget, BudgetItem, _fmt, _partition,
                               _split_code, _val, make_budget)
    from pdfgen_layout import build_pdf_bytes
    from pdfgen_specs import SPAN_UP, Cover, DocSpec, Expected, Narrative, TableSpec, leaf_labels


def _finish(spec: TableSpec, exp: Expected, kw: dict) -> tuple:
    for k, v in kw.items():
        if not hasattr(spec, k):
            raise TypeError(f"unknown TableSpec option {k!r}")
        setattr(spec, k, v)
    spec.expected = exp
    return spec, exp


# ============================================================================================ builders
def shanxi_revenue_summary(budget: Optional[Budget] = None, *, code_style: str = "full",
                           total_position: str = "bottom", total_in_code_col: bool = False, zero: str = "blank",
                           thousands: bool = False, trim: bool = False, **spec_kw) -> tuple:
    """Shanxi 预算收入总表: 项目 over 科目编码/科目名称, 本年收入 over the funding columns, 上年结转 spanning rows.

    code_style "full" prints 2010301, "split" prints 201 / 03 / 01 (expected codes stay full).
    Returns (TableSpec, Expected).
    """
    b = budget or make_budget()
    f = lambda c: _fmt(c, zero, thousands, trim)  # noqa: E731
    v = lambda c: _val(c, zero)  # noqa: E731
    header = [["项目", None, "本年收入", None, None, None, None, None, "上年结转"],
              ["科目编码", "科目名称", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算", "财政专户管理资金",
               "单位资金", SPAN_UP]]
    rows, exp_rows = [], []
    for level, code, name, it in b.tree():
        printed = code if code_style == "full" else _split_code(code)
        rows.append([printed, name, f(it.current), f(it.general), None, None, None, f(it.unit_funds), f(it.carry)])
        exp_rows.append([code, name, v(it.current), v(it.general), None, None, None, v(it.unit_funds), v(it.carry)])
    t = b.totals()
    trow = [None, "合计"] if not total_in_code_col else ["合计", None]
    rows_t = trow + [f(t.current), f(t.general), None, None, None, f(t.unit_funds), f(t.carry)]
    exp_t = [None, "合计", v(t.current), v(t.general), None, None, None, v(t.unit_funds), v(t.carry)]
    if total_position == "top":
        rows.insert(0, rows_t)
        exp_rows.insert(0, exp_t)
    else:
        rows.append(rows_t)
        exp_rows.append(exp_t)
    title = f"{b.unit}部门{b.year}年预算收入总表"
    spec = TableSpec(title, header, rows, col_widths=[1.3, 3.2, 1.3, 1.3, 1.3, 1.3, 1.3, 1.3, 1.3],
                     meta_left=f"单位名称：{b.unit}", landscape=True,
                     note="备注：该表反映部门的一般公共预算、政府性基金预算、国有资本经营预算、财政专户管理资金、单位资金等"
                          "全口径收入的年度预算安排情况（含上年结转），本表支出功能科目按“项”级科目反映。")
    exp = Expected("revenue_summary", title,
                   ["科目编码", "科目名称", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算", "财政专户管理资金",
                    "单位资金", "上年结转"], exp_rows, b.unit, b.year)
    return _finish(spec, exp, spec_kw)


_EXP_TITLES = {"expenditure_summary": "预算支出总表",
               "general_expenditure": "一般公共预算支出预算表（不含上年结转）"}


def shanxi_expenditure_summary(budget: Optional[Budget] = None, *, form: str = "expenditure_summary",
                               code_style: str = "full", total_position: str = "bottom", zero: str = "blank",
                               thousands: bool = False, trim: bool = False, **spec_kw) -> tuple:
    """Shanxi 预算支出总表 (or, form="general_expenditure", 一般公共预算支出预算表): 合计 = 基本支出 + 项目支出."""
    b = budget or make_budget()
    f = lambda c: _fmt(c, zero, thousands, trim)  # noqa: E731
    v = lambda c: _val(c, zero)  # noqa: E731
    general = form == "general_expenditure"
    header = [["功能分类科目", None, f"{b.year}年预算数", None, None],
              ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]]
    rows, exp_rows = [], []

    def amounts(it):
        if general:      # one-year general budget only: no unit funds, no carry-over
            basic, proj = it.basic, it.project - it.unit_funds
        else:
            basic, proj = it.basic, it.project + it.carry
        return basic + proj, basic, proj

    for level, code, name, it in b.tree():
        tot, basic, proj = amounts(it)
        if general and tot == 0:
            continue
        printed = code if code_style == "full" else _split_code(code)
        rows.append([printed, name, f(tot), f(basic), f(proj)])
        exp_rows.append([code, name, v(tot), v(basic), v(proj)])
    tot, basic, proj = amounts(b.totals())
    if total_position == "top":
        rows.insert(0, [None, "合计", f(tot), f(basic), f(proj)])
        exp_rows.insert(0, [None, "合计", v(tot), v(basic), v(proj)])
    else:
        rows.append([None, "合计", f(tot), f(basic), f(proj)])
        exp_rows.append([None, "合计", v(tot), v(basic), v(proj)])
    title = f"{b.unit}部门{b.year}年{_EXP_TITLES[form]}"
    spec = TableSpec(title, header, rows, col_widths=[1.4, 4.0, 1.6, 1.6, 1.6], meta_left=f"单位名称：{b.unit}")
    exp = Expected(form, title, ["科目编码", "科目名称", "合计", "基本支出", "项目支出"], exp_rows, b.unit, b.year)
    return _finish(spec, exp, spec_kw)


def budget_summary(budget: Optional[Budget] = None, *, zero: str = "blank", thousands: bool = False,
                   trim: bool = False, **spec_kw) -> tuple:
    """Shanxi 预算收支总表, two-sided: 收入 项目/2024年 | 支出 项目/2024年合计/当年预算安排/上年结转安排.

    All 30 enumerated expenditure lines; the narrow 支出 项目 column wraps several of them.
    """
    b = budget or make_budget()
    f = lambda c: _fmt(c, zero, thousands, trim)  # noqa: E731
    v = lambda c: _val(c, zero)  # noqa: E731
    y = b.year
    header = [["收入", None, "支出", None, None, None],
              ["项目", f"{y}年", "项目", f"{y}年合计", "当年预算安排", "上年结转安排"]]
    t = b.totals()
    ct = b.class_totals()
    income = [("一、一般公共预算", t.general), ("二、政府性基金预算", 0), ("三、国有资本经营预算", 0),
              ("四、财政专户管理资金", 0), ("五、单位资金", t.unit_funds)]
    rows, exp_rows = [], []
    for k, (code, name) in enumerate(FUNCTION_CLASSES):
        label = f"{_CN_NUM[k]}、{name}"
        it = ct.get(code, BudgetItem("", ""))
        il, ia = income[k] if k < len(income) else (None, 0)
        rows.append([il, f(ia) if il else None, label, f(it.total), f(it.current), f(it.carry)])
        exp_rows.append([il, v(ia) if il else None, label, v(it.total), v(it.current), v(it.carry)])
    tail = [("本年收入合计", t.current, "本年支出合计", (t.total, t.current, t.carry)),
            ("上年结转", t.carry, "年终结转", (0, 0, 0)),
            ("收入总计", t.total, "支出总计", (t.total, t.current, t.carry))]
    for il, ia, el, ea in tail:
        rows.append([il, f(ia), el] + [f(a) for a in ea])
        exp_rows.append([il, v(ia), el] + [v(a) for a in ea])
    title = f"{b.unit}部门{y}年预算收支总表"
    spec = TableSpec(title, header, rows, col_widths=[2.3, 1.2, 2.0, 1.25, 1.25, 1.25],
                     meta_left=f"单位名称：{b.unit}",
                     note="备注：该表反映经财政部门批复的各部门年度预算收支情况（含上年结转），支出功能科目按“类”级科目反映。")
    exp = Expected("budget_summary", title, ["收入项目", "收入预算数", "支出项目", "支出合计", "当年预算安排", "上年结转安排"],
                   exp_rows, b.unit, y)
    return _finish(spec, exp, spec_kw)


def hebei_expenditure_summary(budget: Optional[Budget] = None, *, zero: str = "0", thousands: bool = False,
                              trim: bool = True, **spec_kw) -> tuple:
    """Hebei 部门预算支出总表: 序号 column, 3-row header (功能分类科目 over 科目编码/科目名称, 栏次 row),
    合计 first, meta line "824测试县财政局   预算年度：2024   单位：万元"."""
    b = budget or make_budget()
    f = lambda c: _fmt(c, zero, thousands, trim)  # noqa: E731
    v = lambda c: _val(c, zero)  # noqa: E731
    U = SPAN_UP
    header = [["序号", "功能分类科目", None, "合计", "基本支出", "项目支出", "经营支出", "上解上级支出", "对附属单位补助支出"],
              [U, "科目编码", "科目名称", U, U, U, U, U, U],
              ["栏次", "1", "2", "3", "4", "5", "6", "7", "8"]]
    t = b.totals()
    lines = [(None, "合计", t)] + [(code, name, it) for _, code, name, it in b.tree()]
    rows, exp_rows = [], []
    for k, (code, name, it) in enumerate(lines, 1):
        basic, proj = it.basic, it.project + it.carry
        rows.append([str(k), code, name, f(basic + proj), f(basic), f(proj), f(0), f(0), f(0)])
        exp_rows.append([code, name, v(basic + proj), v(basic), v(proj), v(0), v(0), v(0)])
    title = "部门预算支出总表"
    spec = TableSpec(title, header, rows, col_widths=[0.7, 1.2, 3.2, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2],
                     meta_left=f"{b.unit_code}{b.unit}", meta_center=f"预算年度：{b.year}", font_size=8)
    exp = Expected("expenditure_summary", title,
                   ["科目编码", "科目名称", "合计", "基本支出", "项目支出", "经营支出", "上缴上级支出", "对附属单位补助支出"],
                   exp_rows, b.unit, b.year)
    return _finish(spec, exp, spec_kw)


def three_public(budget: Optional[Budget] = None, *, style: str = "shanxi", zero: str = "blank",
                 trim: bool = False, **spec_kw) -> tuple:
    """"三公"经费支出预算表. style "shanxi": 项目 | 年预算数 over 合计/一般公共预算/政府性基金预算/国有资本经营预算,
    six rows ending with 合计. style "hebei": 序号/栏次, 资金性质 header and the Hebei row labels."""
    b = budget or make_budget()
    f = lambda c: _fmt(c, zero, False, trim)  # noqa: E731
    v = lambda c: _val(c, zero)  # noqa: E731
    tp = b.three_public
    car = tp["car_purchase"] + tp["car_running"]
    total = tp["abroad"] + tp["reception"] + car
    cols = ["项目", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"]
    if style == "hebei":
        labels = [("合计", total), ("“三公”经费小计", total), ("一、因公出国（境）费", tp["abroad"]),
                  ("  其中：教学科研人员因公出国（境）费", 0), ("        其他因公出国（境）费", tp["abroad"]),
                  ("二、公务用车购置及运维费", car), ("  其中：公务用车购置费", tp["car_purchase"]),
                  ("        公务用车运行维护费", tp["car_running"]), ("三、公务接待费", tp["reception"])]
        U = SPAN_UP
        header = [["序号", "项 目", "资 金 性 质", None, None, None],
                  [U, U, "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"],
                  ["栏次", "1", "2", "3", "4", "5"]]
        rows = [[str(k), lab, f(a), f(a), None, None] for k, (lab, a) in enumerate(labels, 1)]
        exp_rows = [[lab.strip(), v(a), v(a), None, None] for lab, a in labels]
        title = "部门预算财政拨款“三公”经费支出表"
        spec = TableSpec(title, header, rows, col_widths=[0.6, 2.6, 1.2, 1.2, 1.2, 1.2],
                         meta_left=f"{b.unit_code}{b.unit}", meta_center=f"预算年度：{b.year}", font_size=8)
    else:
        labels = [("因公出国（境）费", tp["abroad"]), ("公务接待费", tp["reception"]), ("公务用车购置及运行费", car),
                  ("①公务用车购置费", tp["car_purchase"]), ("②公务用车运行维护费", tp["car_running"]), ("合计", total)]
        header = [["项目", f"{b.year}年预算数", None, None, None],
                  [SPAN_UP, "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"]]
        rows = [[lab, f(a), f(a), None, None] for lab, a in labels]
        exp_rows = [[lab, v(a), v(a), None, None] for lab, a in labels]
        title = f"{b.unit}部门{b.year}年财政拨款安排“三公”经费支出预算表"
        spec = TableSpec(title, header, rows, col_widths=[2.4, 1.2, 1.2, 1.2, 1.2], meta_left=f"单位名称：{b.unit}")
    exp = Expected("three_public", title, cols, exp_rows, b.unit, b.year)
    return _finish(spec, exp, spec_kw)


def operating_expenses(budget: Optional[Budget] = None, *, zero: str = "blank", **spec_kw) -> tuple:
    """Shanxi 机关运行经费预算表: one row per unit and 部门合计."""
    b = budget or make_budget()
    f = lambda c: _fmt(c, zero)  # noqa: E731
    v = lambda c: _val(c, zero)  # noqa: E731
    header = [["单位名称", f"{b.year}年预算数", None, None, None],
              [SPAN_UP, "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"]]
    lines = list(b.operating) + [("部门合计", sum(a for _, a in b.operating))]
    rows = [[n, f(a), f(a), None, None] for n, a in lines]
    exp_rows = [[n, v(a), v(a), None, None] for n, a in lines]
    title = f"{b.unit}部门{b.year}年财政拨款安排机关运行经费预算表"
    spec = TableSpec(title, header, rows, col_widths=[2.6, 1.2, 1.2, 1.2, 1.2], meta_left=f"单位名称：{b.unit}")
    exp = Expected("operating_expenses", title, ["单位名称", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"],
                   exp_rows, b.unit, b.year)
    return _finish(spec, exp, spec_kw)


def empty_table(title: str, header: list, *, form: Optional[str] = None, columns: Optional[list] = None,
                placeholder_rows: Optional[list] = None, note: str = "注：本表无数据", unit: str = "测试县财政局",
                year: Optional[int] = 2024, **spec_kw) -> tuple:
    """A table printed with its header and no data (optionally blank/"类 款 项" placeholder rows) and a note.

    Expected: empty=True, no rows; columns = `columns` or the header's leaf labels.
    """
    spec = TableSpec(title, header, list(placeholder_rows or []), meta_left=f"单位名称：{unit}", note=note)
    exp = Expected(form or "unknown", title, list(columns or leaf_labels(header)), [], unit, year, empty=True)
    return _finish(spec, exp, spec_kw)


def long_table(n_rows: int, budget: Optional[Budget] = None, *, seed: int = 7, wrap_every: int = 4,
               zero: str = "blank", thousands: bool = True, **spec_kw) -> tuple:
    """项目支出预算表（本年预算） with `n_rows` projects (every `wrap_every`-th name is long enough to wrap) and a
    合计 row: spans several pages for large n_rows. Amounts print with thousands separators by default.

    With `budget`, the projects partition the budget's current-year 项目支出 exactly (一般公共预算 and 单位资金),
    so the table agrees with the summaries of the same document; without, amounts are random."""
    rnd = random.Random(seed)
    b = budget or make_budget()
    f = lambda c: _fmt(c, zero, thousands)  # noqa: E731
    v = lambda c: _val(c, zero)  # noqa: E731
    header = [["项目名称", "本年预算", None, None, None, None, None],
              [SPAN_UP, "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算", "财政专户管理资金", "单位资金"]]
    t = b.totals()
    if budget is not None and t.project - t.unit_funds >= n_rows:
        gens = _partition(rnd, t.project - t.unit_funds, n_rows)
        units = [0] * n_rows
        if t.unit_funds:
            for k, part in zip(rnd.sample(range(n_rows), min(3, n_rows, t.unit_funds)),
                               _partition(rnd, t.unit_funds, min(3, n_rows, t.unit_funds))):
                units[k] = part
    else:
        gens = [rnd.randint(100, 2_000_000) for _ in range(n_rows)]
        units = [rnd.randint(100, 50_000) if k % 5 == 2 else 0 for k in range(n_rows)]
    rows, exp_rows = [], []
    for k in range(n_rows):
        base = _PROJECT_NAMES[k % len(_PROJECT_NAMES)]
        name = f"{b.year}年{base}（第{k + 1}批）"
        if wrap_every and k % wrap_every == wrap_every - 1:
            name = f"{b.year}年{b.county}{base}及配套基础设施建设补助资金（第{k + 1}批）"
        if wrap_every and k % (2 * wrap_every + 1) == 2 * wrap_every:      # a few very tall rows
            name = (f"{b.year}年{b.county}{base}及配套基础设施建设补助资金（含上年结转续建项目、"
                    f"配套设施改造及后期运行维护）（第{k + 1}批）")
        g, u = gens[k], units[k]
        rows.append([name, f(g + u), f(g), None, None, None, f(u)])
        exp_rows.append([name, v(g + u), v(g), None, None, None, v(u)])
    tg, tu = sum(gens), sum(units)
    rows.append(["合计", f(tg + tu), f(tg), None, None, None, f(tu)])
    exp_rows.append(["合计", v(tg + tu), v(tg), None, None, None, v(tu)])
    title = f"{b.unit}部门{b.year}年项目支出预算表（本年预算）"
    spec = TableSpec(title, header, rows, col_widths=[3.6, 1.3, 1.3, 1.2, 1.2, 1.2, 1.2],
                     meta_left=f"单位名称：{b.unit}")
    exp = Expected("project_current", title,
                   ["项目名称", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算", "财政专户管理资金", "单位资金"],
                   exp_rows, b.unit, b.year)
    return _finish(spec, exp, spec_kw)


# ============================================================================================ sample document
_OVERVIEW = [
    "（一）贯彻执行国家有关财政、税收方面的法律、法规和方针政策，拟订全县财政发展规划和政策措施并组织实施。",
    "（二）承担全县各项财政收支管理的责任，负责管理全县一般公共预算、政府性基金预算、国有资本经营预算，"
    "组织编制年度预决算草案并组织执行。",
    "（三）负责管理全县非税收入、政府采购、国有资产和会计工作，完成县委、县政府交办的其他任务。",
]


def sample_document(ruling: str = "grid", landscape: Optional[bool] = None, *, seed: int = 1, unit: str = "测试县财政局",
                    county: str = "测试县", year: int = 2024, footer: Optional[str] = "-{n}-",
                    running_header: Optional[str] = None, repeat_header: bool = True, split_rows: bool = False,
                    several_per_page: bool = False, labels: bool = False, long_rows: Optional[int] = None,
                    carryover: bool = False) -> tuple:
    """A short realistic disclosure: cover, overview narrative, budget_summary (wrapped names), revenue_summary,
    a narrative page, expenditure_summary, project_current continuing over 2+ pages, an empty fund_revenue table,
    three_public, and a closing narrative (名词解释).

    With split_rows=True (and long_rows unset) the project table's length is chosen so that one of its rows is
    really split across a page break. `landscape`: True puts every table on landscape pages, False every table on portrait pages, None (default)
    prints the wide revenue summary landscape and the rest portrait. Returns (DocSpec, [Expected] in table order).
    """
    b = make_budget(seed, unit, county, year, carryover=carryover)
    common = {"ruling": ruling, "repeat_header": repeat_header, "split_rows": split_rows}
    if landscape is not None:
        common["landscape"] = landscape
    specs = []
    s, _ = budget_summary(b, **common)
    specs.append(s)
    s, _ = shanxi_revenue_summary(b, **common)
    specs.append(s)
    s, _ = shanxi_expenditure_summary(b, **common)
    specs.append(s)
    n = long_rows or (32 if landscape else 55)
    s, _ = long_table(n, b, seed=seed, **common)
    if split_rows and long_rows is None:
        # Pick a row count that really puts a tall row across a page break.
        for k in range(n, n + 40):
            s_k, _ = long_table(k, b, seed=seed, **common)
            _, facts = build_pdf_bytes(DocSpec([s_k]))
            if facts["tables"][0]["split_rows"]:
                s = s_k
                break
    specs.append(s)
    fund_header = [["功能分类科目", None, "政府性基金收入预算"], ["科目编码", "科目名称", SPAN_UP]]
    s, _ = empty_table(f"{unit}部门{year}年政府性基金预算收入表（不含上年结转）", fund_header, form="fund_revenue",
                       columns=["科目编码", "科目名称", "政府性基金收入预算"], unit=unit, year=year,
                       placeholder_rows=[[None, "合计", None]], **common)
    specs.append(s)
    s, _ = three_public(b, **common)
    specs.append(s)
    if labels:
        for k, sp in enumerate(specs, 1):
            sp.label = f"预算公开表{k}"
    items = [
        Cover(f"{unit}{year}年部门预算", subtitle="（公开文本）", date=f"{year}年3月"),
        Narrative(_OVERVIEW + ["## 二、机构设置情况",
                               f"{unit}为县人民政府工作部门，内设办公室、预算股、国库股等股室，下属{unit[:-1]}事务服务中心。"],
                  heading="第一部分 概况"),
        specs[0], specs[1],
        Narrative([f"{year}年收入预算{_fmt(b.totals().current)}万元，其中一般公共预算{_fmt(b.totals().general)}万元。"
                   "收入较上年减少的主要原因是人员调整。",
                   f"{year}年支出预算{_fmt(b.totals().total)}万元，其中基本支出{_fmt(b.totals().basic)}万元，"
                   f"项目支出{_fmt(b.totals().project + b.totals().carry)}万元。"],
                  heading="第三部分 预算情况说明"),
        specs[2], specs[3], specs[4], specs[5],
        Narrative(["一、财政拨款收入：指本级财政当年拨付的资金。",
                   "二、基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。",
                   "三、项目支出：指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。",
                   "四、“三公”经费：指用财政拨款安排的因公出国（境）费、公务用车购置及运行费和公务接待费。"],
                  heading="第四部分 名词解释"),
    ]
    doc = DocSpec(items, footer=footer, running_header=running_header, several_per_page=several_per_page)
    return doc, [sp.expected for sp in specs]
