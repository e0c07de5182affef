"""Real disclosures from ../shared/real (skipped where the folder is absent). The pinned values were checked by
eye against the rendered pages."""
from pathlib import Path

import pytest

from converters.pipeline import convert_document

REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "real"
BUDGETS = REAL / "budget_cn"
pytestmark = pytest.mark.skipif(not BUDGETS.is_dir(), reason="../shared/real is not beside the checkout")

SHANGHAI_NINE = ["budget_summary", "revenue_summary", "expenditure_summary", "appropriation_summary",
                 "general_expenditure", "fund_expenditure", "state_capital", "basic_by_economic", "three_public",
                 "operating_expenses"]


@pytest.fixture(scope="module")
def caizhengju():
    return convert_document(BUDGETS / "putuo_caizhengju_2025_dept_budget.pdf")


@pytest.fixture(scope="module")
def zhengfuban():
    return convert_document(BUDGETS / "putuo_zhengfuban_2025_dept_budget.pdf")


def table(doc, form):
    (t,) = [t for t in doc.tables if t.form == form]
    return t


def row(t, **where):
    (name, value), = where.items()
    j = t.columns.index(name.replace("_", ""))
    return dict(zip(t.columns, next(r for r in t.rows if r[j] == value)))


@pytest.mark.parametrize("fixture", ["caizhengju", "zhengfuban"])
def test_all_nine_shanghai_tables(fixture, request):
    doc = request.getfixturevalue(fixture)
    # the nine report tables, then the project performance forms printed after them (if any)
    forms = [t.form for t in doc.tables]
    assert forms[:len(SHANGHAI_NINE)] == SHANGHAI_NINE
    assert set(forms[len(SHANGHAI_NINE):]) <= {"performance_targets", "performance_indicators"}
    tables = doc.tables[:len(SHANGHAI_NINE)]
    assert not [i for t in tables for i in t.issues if i.severity == "error"]
    for t in tables:
        assert t.year == 2025
        assert t.money_unit == ("万元" if t.form in ("three_public", "operating_expenses") else "元")


def test_caizhengju_values(caizhengju):
    t = table(caizhengju, "budget_summary")
    assert t.unit_name == "上海市普陀区财政局" and t.pages == [9]
    assert row(t, 收入项目="一、财政拨款收入")["收入预算数"] == pytest.approx(31214205.80)
    assert row(t, 支出项目="四、住房保障支出")["支出合计"] == pytest.approx(4736957.00)
    rev = table(caizhengju, "revenue_summary")
    assert rev.pages == [10, 11]
    assert rev.columns == ["科目编码", "科目名称", "合计", "财政拨款收入", "事业收入", "经营收入", "其他收入"]
    assert row(rev, 科目编码="2010601") == {"科目编码": "2010601", "科目名称": "行政运行", "合计": 16231840.8,
                                         "财政拨款收入": 16231840.8, "事业收入": None, "经营收入": None, "其他收入": None}
    assert row(rev, 科目编码="20106")["科目名称"] == "财政事务"              # 类 / 款 / 项 columns joined
    assert row(rev, 科目名称="合计")["合计"] == pytest.approx(31214205.80)
    exp = table(caizhengju, "expenditure_summary")
    assert row(exp, 科目编码="2010601")["项目支出"] == pytest.approx(138514.80)
    eco = table(caizhengju, "basic_by_economic")
    assert row(eco, 经济科目编码="30239")["部门预算支出经济科目名称"] == "其他交通费用"
    assert row(eco, 经济科目编码="301")["公用经费"] == 0
    for form in ("fund_expenditure", "state_capital"):
        assert table(caizhengju, form).empty
    three = table(caizhengju, "three_public")
    assert [r[:2] for r in three.rows] == [["因公出国（境）费", None], ["公务接待费", 0.95], ["公务用车购置及运行费", None],
                                           ["①公务用车购置费", None], ["②公务用车运行维护费", None], ["合计", 0.95]]
    assert table(caizhengju, "operating_expenses").rows == [["上海市普陀区财政局", 229.43]]


def test_zhengfuban_values(zhengfuban):
    rev = table(zhengfuban, "revenue_summary")
    assert row(rev, 科目编码="2010399")["科目名称"] == "其他政府办公厅（室）及相关机构事务支出"
    assert row(rev, 科目编码="2101102")["合计"] == pytest.approx(314218.15)
    three = table(zhengfuban, "three_public")
    assert dict((r[0], r[1]) for r in three.rows)["合计"] == pytest.approx(867.50)
    assert table(zhengfuban, "operating_expenses").rows[0][1] == pytest.approx(213.28)


def test_final_accounts_are_recognized_with_their_unit_and_year():
    doc = convert_document(BUDGETS / "putuo_caizhengju_2024_dept_final.pdf")
    titles = [t.title for t in doc.tables]
    assert "收入支出决算总表" in titles and "财政拨款“三公”经费支出决算表" in titles
    for t in doc.tables:
        assert t.form.startswith("final_")
        assert t.money_unit == "万元" and t.year == 2024
    assert doc.missing == []


@pytest.mark.parametrize("name", sorted(p.name for p in (REAL / "fixtures_cjk").glob("*.pdf")) if REAL.is_dir() else [])
def test_other_chinese_pdfs_do_not_crash(name):
    try:
        convert_document(REAL / "fixtures_cjk" / name)
    except Exception as e:  # only the engine's own, explained errors are acceptable
        from converters.model import ConversionError
        assert isinstance(e, ConversionError) and name in str(e)
