"""项目支出绩效目标表 in DOCX, XLSX and XLS files → performance_targets / performance_indicators, as from PDFs.

The forms are perfgen's content and layouts written by officegen (merged 一级 / 二级 labels, the 实施期 and 年度
halves of the grid, long texts wrapped inside their cells, several forms in one file, a form on a sheet below
a budget table, the footer as a paragraph, as a row of the table or as label / value cells); every standardized
cell is compared with perfgen.expected."""
import pytest

import officegen as og
import perfgen as pg
from converters.model import Sheet
from converters.settings import DEFAULT
from converters.standard.performance import performance_tables
from converters.tables.office import sheets_to_tables
from converters.tables.performance.reader import PerformanceReader
from converters.pipeline import convert_document
from test_office_inputs import EXPECTED_EXPENDITURE
from test_performance import assert_exported

WRITERS = {"docx": og.perf_docx, "xlsx": og.perf_xlsx, "xls": og.perf_xls}


def tables(doc):
    return {t.form: t for t in doc.tables}


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """(forms, path) per (layout, file type): four forms, long texts, a merged 二级 label, an empty value."""
    d = tmp_path_factory.mktemp("office_perf")
    out = {}
    for layout in ("county", "xiangyuan", "hebei"):
        forms = pg.make_forms(4, seed=3, layout=layout, long_text=20)
        for kind, write in WRITERS.items():
            out[layout, kind] = forms, write(d / f"{layout}.{kind}", forms, layout)
    return out


@pytest.mark.parametrize("kind", list(WRITERS))
@pytest.mark.parametrize("layout", ["county", "xiangyuan", "hebei"])
def test_every_layout_in_every_office_format(made, layout, kind):
    forms, path = made[layout, kind]
    doc = convert_document(path)
    assert_exported(doc, forms, layout)
    assert not doc.notices                                       # no "按原表格输出" any more
    got = tables(doc)
    targets, indicators = got["performance_targets"], got["performance_indicators"]
    assert targets.title == pg.TITLES[layout].format(county="测试县", n=1, name=forms[0].name)
    if layout != "hebei":
        assert (targets.year, targets.money_unit) == (2024, "元")
    missing = [i for i in indicators.issues if i.code == "missing_value"]
    assert missing and all("工作完成质量" in i.message for i in missing)
    assert not [i for t in doc.tables for i in t.issues if i.severity == "error"]


def test_a_form_below_a_budget_table_on_the_same_sheet(made):
    forms, path = made["county", "xlsx"]
    got = tables(convert_document(path))
    assert got["expenditure_summary"].rows == EXPECTED_EXPENDITURE
    assert got["expenditure_summary"].pages == [1]
    assert got["performance_targets"].pages == [1, 2]           # the first form on sheet 1, the others on 2


def test_sources_are_the_sheet_cells_and_the_word_pages(made):
    """DOCX: each form's title starts a new page; a cell's source is its (merged) range in the sheet's grid."""
    forms, path = made["county", "docx"]
    got = tables(convert_document(path))
    targets, indicators = got["performance_targets"], got["performance_indicators"]
    assert targets.pages == [2, 3, 4, 5]
    name = targets.sources[1][targets.columns.index("项目名称")]
    assert name.page == 3 and (name.bbox[0], name.bbox[2]) == (2, 8)  # the value merged over columns 2 … 7
    level1 = indicators.sources[0][indicators.columns.index("一级指标")]
    assert level1.page == 2 and level1.bbox[3] - level1.bbox[1] > 1  # merged over several indicator rows
    assert [p for p, _ in targets.regions] == [2, 3, 4, 5]

    forms, path = made["county", "xlsx"]
    targets = tables(convert_document(path))["performance_targets"]
    first, second = (row[targets.columns.index("项目名称")] for row in targets.sources[:2])
    assert first.page == 1 and first.bbox[1] > len(EXPECTED_EXPENDITURE)   # below the budget table
    assert second.page == 2 and second.bbox[1] < first.bbox[1]


def test_forms_one_under_another_in_one_word_table(tmp_path):
    """Later forms without a title of their own start at their 项目名称; each footer row goes to the form above."""
    forms = pg.make_forms(3, seed=5, layout="county", long_text=20)
    doc = convert_document(og.perf_docx(tmp_path / "一表.docx", forms, "county", one_table=True))
    assert_exported(doc, forms, "county")
    regions = tables(doc)["performance_targets"].regions
    assert len(regions) == 3 and regions[0][1][3] <= regions[1][1][1]


def test_a_form_ends_at_the_next_title_and_a_sheet_named_as_a_form():
    rows = [["2024年项目支出绩效目标表", "", ""],
            ["项目名称", "档案数字化", ""],
            ["一级指标", "二级指标", "指标值"],
            ["产出指标", "数量指标", "1200卷"],
            ["2024年预算支出总表", "", ""],
            ["科目编码", "科目名称", "合计"],
            ["2010301", "行政运行", "5.00"]]
    merges = [(0, 0, 0, 2), (1, 1, 1, 2), (4, 0, 4, 2)]
    named = Sheet("项目支出绩效目标表", 2, [["项目名称", "信息化运维"], ["实施单位", "测试县档案馆"]])
    perf = PerformanceReader()
    raw, notices = sheets_to_tables([Sheet("表1", 1, rows, merges), named], perf, DEFAULT.grid)
    assert [(r.form_id, r.rows) for r in raw] == [("expenditure_summary", [["2010301", "行政运行", "5.00"]])]
    assert not notices
    targets, indicators = performance_tables(perf.finished_forms())
    assert [r[:1] for r in targets.rows] == [["档案数字化"], ["信息化运维"]]
    assert indicators.rows == [["档案数字化", "产出指标", "数量指标", None, "1200卷"]]


@pytest.mark.parametrize("kind", ["xlsx", "xls"])
def test_long_text_over_two_rows_beside_its_merged_label(tmp_path, kind):
    """Excel's row height is limited: a long text goes on in the next row, its label merged over both rows."""
    forms = pg.make_forms(4, seed=3, layout="county", long_text=20)
    path = WRITERS[kind](tmp_path / f"分行.{kind}", forms, "county", split_long=True)
    split = {text for f in forms for r0, _, r1, _, text in og.perf_block(f, "county", 0, split_long=True)[3]
             if r1 > r0 and text in pg.TEXT_FIELDS}
    assert "项目概况" in split
    assert_exported(convert_document(path), forms, "county")


def test_labels_printed_on_over_empty_cells():
    """No merged ranges: a label's text runs on over the empty cells up to its value, as Excel prints it."""
    rows = [["项目支出绩效目标表", "", "", "", "", ""],
            ["项目名称", "", "档案数字化", "", "", ""],
            ["实施单位", "", "测试县档案馆", "", "项目期", "1年"],
            ["实施期资金总额：", "", "50,000", "年度资金总额：", "", "50,000"],
            ["其中：中央财政资金", "", "", "其中：中央财政资金", "", "20,000"],
            ["负责人：", "", "经办人：", "", "杨帆", ""]]
    perf = PerformanceReader()
    sheets_to_tables([Sheet("表1", 1, rows, [(0, 0, 0, 5)])], perf, DEFAULT.grid)
    targets = performance_tables(perf.finished_forms())[0]
    got = dict(zip(targets.columns, targets.rows[0]))
    assert got == {"项目名称": "档案数字化", "实施单位": "测试县档案馆", "项目期": "1年", "实施期资金总额": 50000,
                   "年度资金总额": 50000, "实施期中央财政资金": None, "年度中央财政资金": 20000, "负责人": None,
                   "经办人": "杨帆"}
    assert targets.sources[0][0].bbox == (2, 1, 3, 2)


@pytest.mark.parametrize("kind", ["pdf", *WRITERS])
def test_indicators_named_like_form_labels(tmp_path, kind):
    """A 三级指标 may read like one of the form's labels (成本指标 → 项目资金, 实施单位): inside the indicator grid
    it is an indicator with its value, never a label that swallows the row."""
    forms = pg.make_forms(2, seed=3, layout="county")
    for f in forms:
        for period, rows in f.indicators.items():
            for k, ind in enumerate(rows):
                if ind.level2 == "成本指标":
                    rows[k] = pg.Indicator(ind.level1, ind.level2, "项目资金", "≤12万元")
                elif ind.level2 == "数量指标":
                    rows[k] = pg.Indicator(ind.level1, ind.level2, "实施单位", "3个")
    if kind == "pdf":
        path = tmp_path / "指标.pdf"
        pg.build_pdf(pg.PerfDoc(forms, layout="county"), path)
    else:
        path = WRITERS[kind](tmp_path / f"指标.{kind}", forms, "county")
    doc = convert_document(path)
    assert_exported(doc, forms, "county")
    indicators = tables(doc)["performance_indicators"]
    assert sum(r[4:6] == ["项目资金", "≤12万元"] for r in indicators.rows) == 4
