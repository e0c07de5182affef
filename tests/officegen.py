"""Writers of office inputs with known content (no pytest dependency): DOCX (python-docx), XLSX (openpyxl)
and legacy XLS (xlwt, test-only). Every writer takes the output path first and returns it (as str).

    hebei_docx(path)        Hebei tables in a Word document: titles and "824…局  预算年度：2022  单位：万元"
                            paragraphs above tables with gridSpan/vMerge headers, a 序号 column and a 栏次
                            row, a title merged across a table's first row, an empty table with its note,
                            an unknown-form table, a 绩效目标表, page breaks
    shanxi_xlsx(path)       Shanxi tables in a workbook: a 目录 sheet, a narrative sheet, merged title rows,
                            numbers stored as text, number formats, a hidden row, two tables on one sheet
    shanxi_xls(path)        the 预算支出总表 as a legacy .xls with merged title and header cells
    encrypted_office(path)  the container of a password-protected OOXML file (an OLE file holding an
                            EncryptedPackage stream), as Office writes it; the bytes inside are not decryptable
    empty_xlsx(path)        a workbook whose only sheet is empty

Performance-target forms (绩效目标表) with the content and layouts of tests/perfgen.py (its `expected` gives the
standardized rows): merged labels are merged ranges (vMerge / gridSpan in Word), long texts wrap inside their
cell (line breaks), amounts are numbers with a number format in workbooks.

    perf_docx(path, forms, layout)   each form under its title paragraph on a new page, the 负责人 footer a
                                     paragraph below its table; one_table: the forms one under another in one
                                     table under the first title, each footer a row merged across the table
    perf_xlsx(path, forms, layout)   the 预算支出总表 with the first form below it on one sheet, the other forms
                                     one under another on a second sheet; the footer as label / value cells;
                                     split_long: long texts go on over a second row (label merged over both)
    perf_xls(path, forms, layout)    the forms one under another on one legacy .xls sheet (split_long too)
"""
from __future__ import annotations

from pathlib import Path

UNIT = "测试县工业和信息化局"

# 支出总表 rows: code, name, 合计, 基本支出, 项目支出 (the numbers add up)
EXPENDITURE = [
    ("", "合计", "1,303.34", "1,208.30", "95.04"),
    ("201", "一般公共服务支出", "1,303.34", "1,208.30", "95.04"),
    ("20103", "政府办公厅（室）及相关机构事务", "1,303.34", "1,208.30", "95.04"),
    ("2010301", "行政运行", "1,208.30", "1,208.30", ""),
    ("2010302", "一般行政管理事务", "95.04", "", "95.04"),
]


# ---------------------------------------------------------------------------------------------- DOCX
def hebei_docx(path) -> str:
    import docx
    from docx.enum.text import WD_BREAK

    d = docx.Document()
    d.add_paragraph(UNIT)
    d.add_paragraph("2022年度部门预算公开").add_run().add_break(WD_BREAK.PAGE)
    d.add_paragraph("按照《预算法》规定，现将本部门2022年部门预算公开如下：收入合计1,303.34万元。")

    _title(d, "部门预算支出总表")
    d.add_paragraph(f"824{UNIT}\t预算年度：2022\t单位：万元")
    t = d.add_table(rows=3 + len(EXPENDITURE), cols=6)
    _put(t, 0, ["序号", "功能分类科目", "", "合计", "基本支出", "项目支出"])
    _put(t, 1, ["", "科目编码", "科目名称", "", "", ""])
    _put(t, 2, ["栏次", "1", "2", "3", "4", "5"])
    for i, row in enumerate(EXPENDITURE):
        _put(t, 3 + i, [str(i + 1), *row])
    t.cell(0, 1).merge(t.cell(0, 2))                     # gridSpan
    for c in (0, 3, 4, 5):
        t.cell(0, c).merge(t.cell(1, c))                 # vMerge

    # A title and the meta line inside the table's first rows, merged across it.
    d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    t = d.add_table(rows=7, cols=5)
    _put(t, 0, ["部门预算财政拨款“三公”经费支出表", "", "", "", ""])
    _put(t, 1, [f"单位名称：{UNIT}", "", "", "单位：万元", ""])
    _put(t, 2, ["项目", "合计", "一般公共预算财政拨款", "政府性基金预算拨款", "国有资本经营预算财政拨款"])
    _put(t, 3, ["合计", "12.50", "12.50", "", ""])
    _put(t, 4, ["一、因公出国（境）费", "", "", "", ""])
    _put(t, 5, ["二、公务用车购置及运维费", "10.00", "10.00", "", ""])
    _put(t, 6, ["三、公务接待费", "2.50", "2.50", "", ""])
    t.cell(0, 0).merge(t.cell(0, 4))
    t.cell(1, 0).merge(t.cell(1, 2))

    _title(d, "部门预算政府基金预算财政拨款支出表")
    d.add_paragraph(f"824{UNIT}\t预算年度：2022\t单位：万元")
    t = d.add_table(rows=3, cols=5)
    _put(t, 0, ["科目编码", "科目名称", "合计", "基本支出", "项目支出"])
    d.add_paragraph("注：无政府性基金预算财政拨款预算，空表列示。")

    _title(d, "部门人员情况表")
    t = d.add_table(rows=3, cols=3)
    _put(t, 0, ["人员类别", "编制数", "实有人数"])
    _put(t, 1, ["行政编制", "12", "11"])
    _put(t, 2, ["事业编制", "5", "5"])

    _title(d, "1、信息化建设项目绩效目标表")
    t = d.add_table(rows=2, cols=3)
    _put(t, 0, ["一级指标", "二级指标", "指标值"])
    _put(t, 1, ["产出指标", "数量指标", "3套"])
    d.save(str(path))
    return str(path)


def _title(d, text: str):
    p = d.add_paragraph(text)
    p.paragraph_format.page_break_before = True


def _put(table, r: int, texts: list):
    for c, text in enumerate(texts):
        if text:
            table.cell(r, c).text = text


# ---------------------------------------------------------------------------------------------- XLSX
def shanxi_xlsx(path) -> str:
    from openpyxl import Workbook

    wb = Workbook()
    toc = wb.active
    toc.title = "目录"
    toc.append(["目  录"])
    toc.append([1, "2022年预算支出总表"])
    toc.append([2, "2022年一般公共预算“三公”经费支出预算表"])

    text = wb.create_sheet("说明")
    text.append(["第一部分 部门概况"])
    text.append(["本部门主要职责是负责全县工业和信息化工作，推进产业结构调整。"])

    ws = wb.create_sheet("表1")
    ws.append(["预算公开表1"])
    ws.append(["一、2022年预算支出总表"])
    ws.append(["2022年预算支出总表"])
    ws.append([f"单位名称：{UNIT}", None, None, "单位：万元"])
    ws.append(["功能分类科目", None, "2022年预算数"])
    ws.append(["科目编码", "科目名称", "合计", "基本支出", "项目支出"])
    ws.append(["（隐藏的行）", "不应读出", "9,999.00"])
    ws.row_dimensions[7].hidden = True
    for code, name, *amounts in EXPENDITURE:
        row = [code or None, name]
        for k, a in enumerate(amounts):
            # numbers stored as text in the 合计 column, real numbers with a number format elsewhere
            row.append(a or None if k == 0 else (float(a.replace(",", "")) if a else None))
        ws.append(row)
        for cell in ws[ws.max_row][3:]:
            cell.number_format = "#,##0.00"
    ws.append(["注：本表为测试数据"])
    for rng in ("A2:E2", "A3:E3", "A4:C4", "A5:B5", "C5:E5", f"A{ws.max_row}:E{ws.max_row}"):
        ws.merge_cells(rng)

    two = wb.create_sheet("表2")
    two.append(["2022年一般公共预算“三公”经费支出预算表"])
    two.append([f"单位名称：{UNIT}", None, None, None, "单位：万元"])
    two.append(["项目", "2022年预算数"])
    two.append([None, "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"])
    two.append(["因公出国（境）费", None, None, None, None])
    two.append(["公务接待费", 2.5, 2.5, None, None])
    two.append(["公务用车购置及运行费", 10, 10, None, None])
    two.append(["合计", 12.5, 12.5, None, None])
    two.append([])
    two.append(["2022年机关运行经费预算表"])
    two.append([f"单位名称：{UNIT}", None, None, None, "单位：万元"])
    two.append(["单位名称", "2022年预算数"])
    two.append([None, "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"])
    two.append([UNIT, "33.10", "33.10", None, None])
    for rng in ("A1:E1", "A3:A4", "B3:E3", "A10:E10", "A12:A13", "B12:E12"):
        two.merge_cells(rng)
    wb.save(str(path))
    return str(path)


def empty_xlsx(path) -> str:
    from openpyxl import Workbook
    Workbook().save(str(path))
    return str(path)


# ---------------------------------------------------------------------------------------------- XLS
def shanxi_xls(path) -> str:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("表3")
    money = xlwt.easyxf(num_format_str="#,##0.00")
    ws.write_merge(0, 0, 0, 4, "2022年预算支出总表")
    ws.write_merge(1, 1, 0, 2, f"单位名称：{UNIT}")
    ws.write(1, 4, "单位：万元")
    ws.write_merge(2, 2, 0, 1, "功能分类科目")
    ws.write_merge(2, 2, 2, 4, "2022年预算数")
    for c, label in enumerate(["科目编码", "科目名称", "合计", "基本支出", "项目支出"]):
        ws.write(3, c, label)
    for r, (code, name, *amounts) in enumerate(EXPENDITURE, start=4):
        if code:
            ws.write(r, 0, code)
        ws.write(r, 1, name)
        for c, a in enumerate(amounts, start=2):
            if a:
                ws.write(r, c, float(a.replace(",", "")), money)
    wb.save(str(path))
    return str(path)


# ---------------------------------------------------------------------------------------------- bad files
def encrypted_office(path) -> str:
    """An OLE compound file header followed by the EncryptedInfo/EncryptedPackage directory names: what
    Excel and Word write for a file with an open password (the payload here is filler)."""
    data = bytearray(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    for name in ("EncryptionInfo", "EncryptedPackage"):
        entry = name.encode("utf-16-le") + b"\x00\x00"
        data += entry + bytes(128 - len(entry))
    data += bytes(1024)
    Path(path).write_bytes(bytes(data))
    return str(path)


# ---------------------------------------------------------------------------------------------- performance forms
WRAP = 16          # characters per printed line of a long cell text


def _wrapped(text: str) -> str:
    return "\n".join(text[k:k + WRAP] for k in range(0, len(text), WRAP))


def _footer(form) -> list:
    import perfgen as pg
    return [(k, form.footer[k]) for k in pg.FOOTER] if form.footer else []


def perf_block(form, layout: str, index: int, year: int = 2024, split_long: bool = False) -> tuple:
    """(width, title, year line or None, [(r0, c0, r1, c1, text)] of the form's table, rows from 0; ranges
    inclusive) of one form as perfgen lays it out. split_long: a long text beside its label goes on over a
    second row, the label merged over both (Excel's row height is limited)."""
    import perfgen as pg
    rows, spans, weights = pg.form_rows(form, layout)
    split = [split_long and _long_field(row) for row in rows]
    starts = [sum(1 + s for s in split[:r]) for r in range(len(rows) + 1)]    # first sheet row of each form row
    cells = []
    for r, row in enumerate(rows):
        if split[r]:
            label, value = row.cells
            half = len(value.text) // 2
            cells += [(starts[r], label.c0, starts[r] + 1, label.c1 - 1, label.text),
                      (starts[r], value.c0, starts[r], value.c1 - 1, _wrapped(value.text[:half])),
                      (starts[r] + 1, value.c0, starts[r] + 1, value.c1 - 1, _wrapped(value.text[half:]))]
        else:
            cells += [(starts[r], c.c0, starts[r], c.c1 - 1, _wrapped(c.text)) for c in row.cells if c.text]
    cells += [(starts[s.r0], s.c0, starts[s.r1] - 1, s.c1 - 1, s.text) for s in spans]
    title = pg.TITLES[layout].format(county="测试县", n=index + 1, name=form.name)
    return len(weights), title, None if layout == "hebei" else f"（{year}年度）", sorted(cells)


def _long_field(row) -> bool:
    """A label at the left with a long text beside it."""
    return row.splittable and len(row.cells) == 2 and row.cells[0].c0 == 0 and len(row.cells[1].text) > 3 * WRAP


def perf_docx(path, forms: list, layout: str = "county", one_table: bool = False) -> str:
    import docx

    d = docx.Document()
    d.add_paragraph("测试县部门预算公开")
    blocks = [perf_block(f, layout, k) for k, f in enumerate(forms)]
    footers = ["    ".join(f"{k}：{v}" for k, v in _footer(f)) for f in forms]
    if one_table:
        width, title, year, _ = blocks[0]
        cells, top = [], 0
        for (_, _, _, block), footer in zip(blocks, footers):
            cells += [(top + r0, c0, top + r1, c1, text) for r0, c0, r1, c1, text in block]
            top = max(r1 for _, _, r1, _, _ in cells) + 1
            if footer:
                cells.append((top, 0, top, width - 1, footer))
                top += 1
        blocks, footers = [(width, title, year, cells)], [""]
    for (width, title, year, cells), footer in zip(blocks, footers):
        _title(d, title)
        if year:
            d.add_paragraph(year)
        t = d.add_table(rows=max(r1 for _, _, r1, _, _ in cells) + 1, cols=width)
        for r0, c0, r1, c1, text in cells:
            cell = t.cell(r0, c0) if (r0, c0) == (r1, c1) else t.cell(r0, c0).merge(t.cell(r1, c1))
            cell.text = text
        if footer:
            d.add_paragraph(footer)
    d.save(str(path))
    return str(path)


def _amount(text: str):
    """'1,200,000' → 1200000 (a number Excel prints with #,##0); other texts as they are."""
    digits = text.replace(",", "")
    return int(digits) if digits.isdigit() else text


def _sheet_form_cells(form, layout: str, index: int, top: int, split_long: bool) -> tuple:
    """(cells [(r0, c0, r1, c1, value)] of a form placed from row `top` on a worksheet, the next free row):
    title and year merged across the form, amounts as numbers, the footer as label / value cells."""
    width, title, year, cells = perf_block(form, layout, index, split_long=split_long)
    out = [(top, 0, top, width - 1, title)]
    if year:
        out.append((top + 1, 0, top + 1, width - 1, year))
    first = out[-1][0] + 1
    out += [(first + r0, c0, first + r1, c1, _amount(text)) for r0, c0, r1, c1, text in cells]
    end = max(r1 for _, _, r1, _, _ in out) + 1
    for k, (label, value) in enumerate(_footer(form)):
        out.append((end, 2 * k, end, 2 * k, f"{label}："))
        if value:
            out.append((end, 2 * k + 1, end, 2 * k + 1, value))
    return out, end + 2


def perf_xlsx(path, forms: list, layout: str = "county", split_long: bool = False) -> str:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "表1"
    ws.append(["2024年预算支出总表"])
    ws.append([f"单位名称：{UNIT}", None, None, "单位：万元"])
    ws.append(["科目编码", "科目名称", "合计", "基本支出", "项目支出"])
    for row in EXPENDITURE:
        ws.append([x or None for x in row])
    ws.merge_cells("A1:E1")
    top = ws.max_row + 2
    for k, f in enumerate(forms):
        if k == 1:
            ws, top = wb.create_sheet("绩效目标"), 1
        cells, top = _sheet_form_cells(f, layout, k, top, split_long)
        for r0, c0, r1, c1, value in cells:
            cell = ws.cell(r0, c0 + 1, value)
            if isinstance(value, int):
                cell.number_format = "#,##0"
            if (r0, c0) != (r1, c1):
                ws.merge_cells(start_row=r0, start_column=c0 + 1, end_row=r1, end_column=c1 + 1)
    wb.save(str(path))
    return str(path)


def perf_xls(path, forms: list, layout: str = "county", split_long: bool = False) -> str:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("绩效目标")
    number = xlwt.easyxf(num_format_str="#,##0")
    top = 0
    for k, f in enumerate(forms):
        cells, top = _sheet_form_cells(f, layout, k, top, split_long)
        for r0, c0, r1, c1, value in cells:
            style = number if isinstance(value, int) else xlwt.Style.default_style
            if (r0, c0) == (r1, c1):
                ws.write(r0, c0, value, style)
            else:
                ws.write_merge(r0, r1, c0, c1, value, style)
    wb.save(str(path))
    return str(path)
