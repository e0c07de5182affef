"""Sanity tests of the test-PDF generator (tests/pdfgen.py) and the bad-file writers (tests/badfiles.py).

These test the generator only, not the conversion engine. Fast: a few seconds in total; the 1000-page
huge_pdf runs only with BT_SLOW_TESTS=1.
"""
import os
import sys
import time
from pathlib import Path

import pdfplumber
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import badfiles  # noqa: E402
import pdfgen as g  # noqa: E402


def _build(tmp_path, items, name="t.pdf", **doc_kw):
    path = tmp_path / name
    facts = g.build_pdf(g.DocSpec(list(items), **doc_kw), path)
    return path, facts


def _vertical(lines):
    return [ln for ln in lines if abs(ln["x0"] - ln["x1"]) < 0.01 and abs(ln["top"] - ln["bottom"]) > 0.01]


def _horizontal(lines):
    return [ln for ln in lines if abs(ln["top"] - ln["bottom"]) < 0.01 and abs(ln["x0"] - ln["x1"]) > 0.01]


# ============================================================================================ text and fonts
def test_title_extractable_and_font_embedded(tmp_path):
    spec, exp = g.shanxi_expenditure_summary()
    path, facts = _build(tmp_path, [spec])
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == facts["pages"] == 1
        text = pdf.pages[0].extract_text()
        assert spec.title in text
        assert "单位名称：测试县财政局" in text and "单位：万元" in text
        assert "行政事业单位养老支出" in text and "2080505" in text
        fonts = {c["fontname"] for c in pdf.pages[0].chars}
        assert len(fonts) == 1
    data = path.read_bytes()
    assert b"/FontFile2" in data            # TrueType program embedded (subset)
    assert exp.pages == [1]


def test_wrap_text_cjk_and_numbers():
    name = g._register_font(g.DEFAULT_FONT)
    m = g._Metrics(name)
    lines = g.wrap_text("机关事业单位基本养老保险缴费支出", 9 * 10, m, 9)
    assert len(lines) == 2 and "".join(lines) == "机关事业单位基本养老保险缴费支出"
    assert all(m.width(ln, 9) <= 90 + 1e-6 for ln in lines)
    # Number runs stay whole when they fit on the next line; explicit newlines are kept.
    assert g.wrap_text("合计 1,303.34", m.width("合计 1,30", 9), m, 9) == ["合计", "1,303.34"]
    assert g.wrap_text("机关事业单位基本养老保险缴\n费支出", 500, m, 9) == ["机关事业单位基本养老保险缴", "费支出"]


def test_header_cells_colspan_and_rowspan():
    U = g.SPAN_UP
    cells = g.header_cells([["项目", None, "本年收入", None, "上年结转"],
                            ["科目编码", "科目名称", "合计", "一般公共预算", U]])
    spans = {(c.text): (c.row, c.col, c.rowspan, c.colspan) for c in cells}
    assert spans["项目"] == (0, 0, 1, 2)
    assert spans["本年收入"] == (0, 2, 1, 2)
    assert spans["上年结转"] == (0, 4, 2, 1)
    assert spans["科目名称"] == (1, 1, 1, 1)
    assert g.leaf_labels([["项目", None, "上年结转"], ["科目编码", "科目名称", U]]) == ["科目编码", "科目名称", "上年结转"]


def test_wrapped_cell_numbers_vertically_centred(tmp_path):
    spec = g.TableSpec("测试表", [["科目编码", "科目名称", "合计"]],
                       [["2080505", "机关事业单位基本养老保险缴费支出", "58.00"]], col_widths=[1, 1, 1],
                       table_width=300)
    path, _ = _build(tmp_path, [spec])
    with pdfplumber.open(path) as pdf:
        chars = pdf.pages[0].chars
    x_num = (595.28 - 300) / 2 + 200                              # the third column starts here
    name_chars = [c for c in chars if x_num - 100 <= c["x0"] < x_num and c["text"] in "机关事业单位基本养老保险缴费支出"]
    assert "".join(c["text"] for c in name_chars) == "机关事业单位基本养老保险缴费支出"
    assert len({round(c["top"], 1) for c in name_chars}) >= 2   # wrapped over several lines
    num = [c for c in chars if c["x0"] >= x_num and c["text"] in "58.0"]
    assert "".join(c["text"] for c in num) == "58.00"
    num_mid = sum((c["top"] + c["bottom"]) / 2 for c in num) / len(num)
    block_mid = (min(c["top"] for c in name_chars) + max(c["bottom"] for c in name_chars)) / 2
    assert abs(num_mid - block_mid) < 2.0
    # Right-aligned number: its right edge near the column's right boundary.
    x_right = max(c["x1"] for c in num)
    assert 0 < x_num + 100 - x_right < 6


# ============================================================================================ pages
def test_sample_document_pages_and_facts(tmp_path):
    doc, expected = g.sample_document()
    path = tmp_path / "sample.pdf"
    facts = g.build_pdf(doc, path)
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == facts["pages"]
        forms = [e.form for e in expected]
        assert forms == ["budget_summary", "revenue_summary", "expenditure_summary", "project_current",
                         "fund_revenue", "three_public"]
        for e, t in zip(expected, facts["tables"]):
            assert e.pages == t["pages"] and e.pages
            page_text = pdf.pages[e.pages[0] - 1].extract_text()
            assert e.title in page_text.replace("\n", "")
        long = facts["tables"][3]
        assert len(long["pages"]) >= 2 and long["header_pages"] == long["pages"]
        empty = expected[4]
        assert empty.empty and empty.rows == []
        assert "注：本表无数据" in pdf.pages[empty.pages[0] - 1].extract_text()
        # Cover has no footer; the others carry "-n-".
        assert 1 not in facts["footers"]
        assert facts["footers"][2] == "-2-" and "-2-" in pdf.pages[1].extract_text()
        # Narrative pages between tables and after the last table.
        narr_pages = [p for n in facts["narratives"] for p in n["pages"]]
        assert any(long["pages"][0] > p > facts["tables"][1]["pages"][-1] for p in narr_pages)
        assert max(narr_pages) == facts["pages"]
        # Revenue summary is landscape by default, the others portrait.
        w, h = facts["page_sizes"][expected[1].pages[0] - 1]
        assert w > h
        w, h = facts["page_sizes"][expected[0].pages[0] - 1]
        assert h > w


def test_landscape_page_size(tmp_path):
    spec, _ = g.three_public(landscape=True)
    path, facts = _build(tmp_path, [spec])
    with pdfplumber.open(path) as pdf:
        p = pdf.pages[0]
        assert p.width > p.height and round(p.width) == 842
    doc, _ = g.sample_document(landscape=True)
    facts = g.build_pdf(doc, tmp_path / "land.pdf")
    for t in facts["tables"]:
        for pg in t["pages"]:
            w, h = facts["page_sizes"][pg - 1]
            assert w > h


@pytest.mark.parametrize("repeat", [True, False])
def test_continuation_header_repeat(tmp_path, repeat):
    spec, exp = g.long_table(90, repeat_header=repeat)
    path, facts = _build(tmp_path, [spec])
    t = facts["tables"][0]
    assert len(t["pages"]) >= 2 and t["title_page"] == 1
    with pdfplumber.open(path) as pdf:
        for k, pg in enumerate(t["pages"]):
            text = pdf.pages[pg - 1].extract_text()
            assert ("单位资金" in text) == (repeat or k == 0)
            assert (spec.title in text) == (k == 0)
    # Every body row is on some page, in order.
    assert len(t["row_pages"]) == len(spec.rows) and t["row_pages"] == sorted(t["row_pages"])


def test_split_rows_across_page_break(tmp_path):
    name = "一般公共服务支出政府办公厅（室）及相关机构事务行政运行其他政府办公厅及相关机构事务支出"
    rows = [[f"{k:03d}", name + f"第{k}项", "12.34"] for k in range(40)]
    spec = g.TableSpec("折行拆分测试表", [["编码", "名称", "金额"]], rows, col_widths=[1, 1, 1], table_width=240,
                       split_rows=True)
    path, facts = _build(tmp_path, [spec])
    t = facts["tables"][0]
    assert t["split_rows"], "expected at least one row split over a page break"
    split = t["split_rows"][0]
    i, (p1, p2) = split["row"], split["pages"]
    assert p2 == p1 + 1
    with pdfplumber.open(path) as pdf:
        t1 = pdf.pages[p1 - 1].extract_text().replace("\n", "")
        t2 = pdf.pages[p2 - 1].extract_text().replace("\n", "")
    assert f"{i:03d}" in t1 and "12.34" in t1      # single-line cells go with the first part
    assert f"第{i}项" in t2                          # the end of the tall name is on the next page
    # Without split_rows the row moves whole to the next page.
    spec.split_rows = False
    _, facts2 = _build(tmp_path, [spec], name="nosplit.pdf")
    assert not facts2["tables"][0]["split_rows"]


def test_several_per_page_and_page_break(tmp_path):
    a, _ = g.three_public()
    b, _ = g.operating_expenses()
    _, facts = _build(tmp_path, [a, b], several_per_page=True)
    assert facts["pages"] == 1 and [t["pages"] for t in facts["tables"]] == [[1], [1]]
    _, facts = _build(tmp_path, [a, b], name="sep.pdf")
    assert [t["pages"] for t in facts["tables"]] == [[1], [2]]
    _, facts = _build(tmp_path, [a, g.PageBreak(), b], name="brk.pdf", several_per_page=True)
    assert [t["pages"] for t in facts["tables"]] == [[1], [2]]


def test_footer_and_running_header_close_to_table(tmp_path):
    spec, _ = g.long_table(70)
    rh = "测试县财政局2024年单位预算公开报告"
    path, facts = _build(tmp_path, [spec], footer="第{n}页", running_header=rh)
    t = facts["tables"][0]
    with pdfplumber.open(path) as pdf:
        for pg in t["pages"]:
            page = pdf.pages[pg - 1]
            text = page.extract_text()
            assert f"第{pg}页" in text and rh in text
            frag = next(f for f in t["fragments"] if f["page"] == pg)
            x0, top, x1, bottom = frag["bbox"]
            foot = [c for c in page.chars if c["top"] > bottom]
            head = [c for c in page.chars if c["bottom"] < top and c["text"] in rh]
            assert foot and "".join(c["text"] for c in foot) == f"第{pg}页"
            if pg != t["pages"][-1]:                                            # a full page:
                assert min(c["top"] for c in foot) - bottom < 40                # footer just below the table
            assert 0 < page.height - max(c["bottom"] for c in foot) < 56        # inside the bottom margin
            if pg != t["title_page"]:
                assert head and top - max(c["bottom"] for c in head) < 25      # running header just above


# ============================================================================================ ruling
def _ruled_page(tmp_path, ruling):
    spec, exp = g.shanxi_expenditure_summary(ruling=ruling)
    path, facts = _build(tmp_path, [spec], name=f"{ruling}.pdf")
    pdf = pdfplumber.open(path)
    return pdf, spec, facts


def test_ruling_grid_has_vertical_rules(tmp_path):
    pdf, spec, facts = _ruled_page(tmp_path, "grid")
    with pdf:
        page = pdf.pages[0]
        v, h = _vertical(page.lines), _horizontal(page.lines)
        xs = {round(ln["x0"], 1) for ln in v}
        assert len(xs) == len(spec.header[0]) + 1                # every column boundary is ruled
        assert len({round(ln["top"], 1) for ln in h}) == len(spec.header) + len(spec.rows) + 1
        table = page.extract_table()
        assert len(table) == len(spec.header) + len(spec.rows)
        assert table[-1][1] == "合计" and table[2][0] == spec.rows[0][0]


@pytest.mark.parametrize("ruling", ["hlines", "hlines_all"])
def test_ruling_hlines_have_no_vertical_rules(tmp_path, ruling):
    pdf, spec, facts = _ruled_page(tmp_path, ruling)
    with pdf:
        page = pdf.pages[0]
        assert not _vertical(page.lines) and not page.rects
        ys = {round(ln["top"], 1) for ln in _horizontal(page.lines)}
        if ruling == "hlines":
            assert len(ys) == 3                                 # top, under the header, bottom
        else:
            assert len(ys) == len(spec.rows) + 2                # top, under the header, under every row


def test_ruling_none_has_no_lines(tmp_path):
    pdf, spec, facts = _ruled_page(tmp_path, "none")
    with pdf:
        page = pdf.pages[0]
        assert not page.lines and not page.rects and not page.curves
        assert spec.title in page.extract_text()


# ============================================================================================ builders
def _by_code(exp, amount_col):
    k = exp.columns.index(amount_col)
    return {r[0]: (r[k] or 0.0) for r in exp.rows if r[0]}


def _check_hierarchy(exp, amount_cols):
    for col in amount_cols:
        vals = _by_code(exp, col)
        for code, v in vals.items():
            kids = [c for c in vals if len(c) == len(code) + 2 and c.startswith(code)]
            if kids:
                assert round(sum(vals[c] for c in kids), 2) == round(v, 2), (col, code)
        total_row = next(r for r in exp.rows if r[1] == "合计")
        t = total_row[exp.columns.index(col)] or 0.0
        assert round(sum(v for c, v in vals.items() if len(c) == 3), 2) == round(t, 2)


def _check_printed_matches_expected(spec, exp, skip_cols=0):
    """Each printed amount parses to the expected value (blank ↔ None)."""
    assert len(spec.rows) == len(exp.rows)
    for prow, erow in zip(spec.rows, exp.rows):
        prow = prow[skip_cols:]
        for p, e in zip(prow, erow):
            if isinstance(e, float):
                assert p is not None and float(p.replace(",", "")) == e
            elif e is None:
                assert p in (None, "") or (p.strip() in ("合计",))


@pytest.mark.parametrize("code_style", ["full", "split"])
def test_revenue_summary_expected(code_style):
    b = g.make_budget(3, carryover=True)
    spec, exp = g.shanxi_revenue_summary(b, code_style=code_style, thousands=True)
    assert exp.columns[0] == "科目编码" and exp.columns[-1] == "上年结转"
    assert all(isinstance(r[0], str) and len(r[0]) in (3, 5, 7) for r in exp.rows if r[0])
    _check_hierarchy(exp, ["合计", "一般公共预算", "单位资金", "上年结转"])
    for r in exp.rows:     # 合计 = sum of the current-year funding columns
        assert round(sum(x or 0 for x in r[3:8]), 2) == round(r[2] or 0, 2)
    if code_style == "split":
        assert {len(r[0]) for r in spec.rows if r[0]} <= {2, 3}
    for p, e in zip(spec.rows, exp.rows):
        assert p[1] in (e[1], None)
        for pv, ev in zip(p[2:], e[2:]):
            assert (pv is None and ev is None) or float(pv.replace(",", "")) == ev


@pytest.mark.parametrize("form", ["expenditure_summary", "general_expenditure"])
def test_expenditure_summary_expected(form):
    spec, exp = g.shanxi_expenditure_summary(g.make_budget(5, carryover=True), form=form)
    assert exp.form == form and exp.columns == ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]
    _check_hierarchy(exp, ["合计", "基本支出", "项目支出"])
    for r in exp.rows:
        assert round((r[3] or 0) + (r[4] or 0), 2) == round(r[2] or 0, 2)
    _check_printed_matches_expected(spec, exp)


def test_budget_summary_expected():
    b = g.make_budget(2, carryover=True)
    spec, exp = g.budget_summary(b)
    assert len(exp.rows) == 33 and exp.columns[:3] == ["收入项目", "收入预算数", "支出项目"]
    assert [r[2] for r in exp.rows[:30]] == [f"{g._CN_NUM[k]}、{n}" for k, (_, n) in enumerate(g.FUNCTION_CLASSES)]
    income = round(sum(r[1] or 0 for r in exp.rows[:5]), 2)
    cur_row, carry_row, total_row = exp.rows[30:]
    assert cur_row[0] == "本年收入合计" and cur_row[1] == income
    assert total_row[1] == total_row[3] == round(income + (carry_row[1] or 0), 2)
    assert round(sum(r[3] or 0 for r in exp.rows[:30]), 2) == cur_row[3]
    for r in exp.rows:
        assert round((r[4] or 0) + (r[5] or 0), 2) == round(r[3] or 0, 2)
    _check_printed_matches_expected(spec, exp)


def test_budget_summary_wraps_several_names(tmp_path):
    spec, exp = g.budget_summary()
    path, facts = _build(tmp_path, [spec])
    with pdfplumber.open(path) as pdf:
        lines = [ln for pg in facts["tables"][0]["pages"] for ln in pdf.pages[pg - 1].extract_text().split("\n")]
    text = "".join(lines)
    wrapped = [n for _, n in g.FUNCTION_CLASSES if not any(n in ln for ln in lines)]
    assert len(wrapped) >= 3                                      # several names wrapped over two lines
    assert all(n in text for n in wrapped)                        # … but all their characters are there
    assert "本年收入合计" in text and "收入总计" in text


def test_empty_document_has_one_page(tmp_path):
    _, facts = _build(tmp_path, [])
    assert facts["pages"] == 1


def test_hebei_expenditure_summary_expected(tmp_path):
    spec, exp = g.hebei_expenditure_summary()
    assert spec.meta_center == "预算年度：2024" and spec.meta_left.startswith("824")
    assert spec.header[-1][0] == "栏次" and spec.rows[0][0] == "1"
    assert exp.columns == ["科目编码", "科目名称", "合计", "基本支出", "项目支出", "经营支出", "上缴上级支出",
                           "对附属单位补助支出"]
    assert exp.rows[0][:2] == [None, "合计"] and exp.rows[0][5:] == [0.0, 0.0, 0.0]
    _check_printed_matches_expected(spec, exp, skip_cols=1)
    path, _ = _build(tmp_path, [spec])
    with pdfplumber.open(path) as pdf:
        text = pdf.pages[0].extract_text()
    assert "824测试县财政局" in text and "预算年度：2024" in text and "栏次" in text


@pytest.mark.parametrize("style", ["shanxi", "hebei"])
def test_three_public_expected(style):
    spec, exp = g.three_public(style=style)
    rows = {r[0]: r[1] or 0.0 for r in exp.rows}
    if style == "shanxi":
        assert [r[0] for r in exp.rows] == ["因公出国（境）费", "公务接待费", "公务用车购置及运行费", "①公务用车购置费",
                                            "②公务用车运行维护费", "合计"]
        assert round(rows["①公务用车购置费"] + rows["②公务用车运行维护费"], 2) == rows["公务用车购置及运行费"]
        assert round(rows["因公出国（境）费"] + rows["公务接待费"] + rows["公务用车购置及运行费"], 2) == rows["合计"]
    else:
        assert exp.rows[0][0] == "合计" and "其中：公务用车购置费" in rows
        assert rows["合计"] == rows["“三公”经费小计"]


def test_long_table_matches_budget_when_given():
    b = g.make_budget(4)
    spec, exp = g.long_table(25, b)
    t = b.totals()
    total = exp.rows[-1]
    assert total[0] == "合计" and total[1] == round(t.project / 100, 2)
    assert round(sum(r[1] for r in exp.rows[:-1]), 2) == total[1]
    _check_printed_matches_expected(spec, exp)
    spec, exp = g.long_table(25)                              # random amounts, up to 20,000 万元
    assert any("," in (r[1] or "") for r in spec.rows)       # thousands separators printed
    _check_printed_matches_expected(spec, exp)


def test_empty_table_expected():
    spec, exp = g.empty_table("测试县财政局部门2024年政府性基金预算支出表（不含上年结转）",
                              [["科目编码", "科目名称", "合计", "基本支出", "项目支出"]], form="fund_expenditure")
    assert exp.empty and exp.rows == [] and exp.columns == ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]
    assert spec.note == "注：本表无数据" and spec.rows == []
    assert exp.to_truth()["empty"] is True


# ============================================================================================ bad files
def test_not_a_pdf(tmp_path):
    for kind in ("text", "png", "empty"):
        p = badfiles.not_a_pdf(tmp_path / f"{kind}.pdf", kind)
        with pytest.raises(Exception):
            with pdfplumber.open(p) as pdf:
                pdf.pages[0].extract_text()


def test_encrypted_pdf(tmp_path):
    p = badfiles.encrypted_pdf(tmp_path / "enc.pdf")
    with pytest.raises(Exception):
        with pdfplumber.open(p) as pdf:
            pdf.pages[0].extract_text()
    with pdfplumber.open(p, password="secret") as pdf:
        assert "预算支出总表" in pdf.pages[0].extract_text()


def test_truncated_pdf(tmp_path):
    p = badfiles.truncated_pdf(tmp_path / "cut.pdf")
    try:
        with pdfplumber.open(p) as pdf:
            n = len(pdf.pages)
            texts = [pg.extract_text() for pg in pdf.pages]
    except Exception:
        return                                  # raising is one acceptable outcome
    assert n == 0 or not all(texts)             # the other: no (complete) pages


def test_zero_page_pdf(tmp_path):
    p = badfiles.zero_page_pdf(tmp_path / "zero.pdf")
    assert Path(p).read_bytes().startswith(b"%PDF-")
    with pdfplumber.open(p) as pdf:
        assert len(pdf.pages) == 0


def test_image_only_pdf(tmp_path):
    p = badfiles.image_only_pdf(tmp_path / "img.pdf", pages=1, scale=1.0)
    with pdfplumber.open(p) as pdf:
        assert len(pdf.pages) == 1
        page = pdf.pages[0]
        assert not page.chars and len(page.images) == 1
        assert (page.extract_text() or "").strip() == ""


def test_no_tables_pdf(tmp_path):
    p = badfiles.no_tables_pdf(tmp_path / "narr.pdf")
    with pdfplumber.open(p) as pdf:
        assert len(pdf.pages) >= 2
        for page in pdf.pages:
            assert page.extract_text().strip()
            assert not page.lines and not page.rects


def test_huge_pdf_small(tmp_path):
    t = time.time()
    p = badfiles.huge_pdf(tmp_path / "huge.pdf", pages=40)
    assert time.time() - t < 2
    with pdfplumber.open(p) as pdf:
        assert len(pdf.pages) == 40
        assert "项目支出预算表" in pdf.pages[0].extract_text()
        assert "-40-" in pdf.pages[39].extract_text()


@pytest.mark.skipif(not os.environ.get("BT_SLOW_TESTS"), reason="set BT_SLOW_TESTS=1 for the 1000-page file")
def test_huge_pdf_1000_pages(tmp_path):
    t = time.time()
    p = badfiles.huge_pdf(tmp_path / "huge.pdf")
    assert time.time() - t < 10
    import pypdfium2 as pdfium
    assert len(pdfium.PdfDocument(p)) == 1000
