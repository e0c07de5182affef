"""Scanned pages, garbled text layers and rotated pages (converters/sources/ocr, read_page's turning).

Scans are made here: generated budget PDFs are rasterised, tilted, salted with specks and placed as the only
content of image-only pages. OCR is slow, so the scanned documents are few and small.
"""
import io
import multiprocessing as mp

import numpy as np
import pdfplumber
import pypdfium2 as pdfium
import pytest
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

import pdfgen as g
from conftest import SHARED
from converters.model import CellSource, Char, ConversionError, PageContent, Rule, Table, group_lines
from converters.pipeline import convert_document
from converters.settings import DEFAULT
from converters.sources.ocr import raster
from converters.sources.ocr import recognize as ocr
from converters.sources.orientation import text_turns, turn_page
from converters.sources.pdf import PdfSource, iter_pages, open_pdf, read_page
from converters.standard import ocr_flags
from test_engine import assert_matches


def _page(chars=(), cover=0.0, images=0, width=595.0, height=842.0):
    return PageContent(1, width, height, list(chars), [], [], images, cover)


def _line(text, x=50.0, top=100.0, size=10.0, gap=0.0):
    out = []
    for ch in text:
        out.append(Char(ch, x, x + size, top, top + size, size))
        x += size + gap
    return out


def _raster(page, scale, angle, turn, noise, rng):
    img = page.render(scale=scale, grayscale=True).to_pil()
    img = img.rotate(angle, resample=3, fillcolor=255)            # tilted on the scanner glass
    if turn:
        img = img.rotate(-90 * turn, expand=True)                   # fed sideways
    arr = np.array(img)
    specks = rng.random(arr.shape) < noise
    arr[specks] = rng.integers(60, 200, int(specks.sum()))
    return arr


def scan_pdf(doc_spec, path, *, angle=1.5, turn=0, noise=0.0005, scale=2.0, seed=1, text_layer=None):
    """The generated document printed and scanned: every page an image only (tilted by `angle` degrees, turned
    by `turn` clockwise quarter turns, with dark specks); `text_layer` adds an invisible line of text on top
    (a noisy OCR layer)."""
    from PIL import Image
    data, facts = g.build_pdf_bytes(doc_spec)
    src = pdfium.PdfDocument(data)
    rng = np.random.default_rng(seed)
    c = canvas.Canvas(str(path))
    for i in range(len(src)):
        arr = _raster(src[i], scale, angle, turn, noise, rng)
        buf = io.BytesIO()
        Image.fromarray(arr).save(buf, format="PNG")
        buf.seek(0)
        w, h = arr.shape[1] / scale, arr.shape[0] / scale
        c.setPageSize((w, h))
        c.drawImage(ImageReader(buf), 0, 0, width=w, height=h)
        if text_layer:
            c.setFont(g._register_font(g.DEFAULT_FONT), 10)
            t = c.beginText(60, h - 60)
            t.setTextRenderMode(3)                                  # invisible, as OCR software writes it
            for k, line in enumerate(text_layer):
                t.setTextOrigin(60, h - 60 - 14 * k)
                t.textLine(line)
            c.drawText(t)
        c.showPage()
    c.save()
    src.close()
    return facts


def small_document():
    budget = g.make_budget(seed=3)
    tp, tp_exp = g.three_public(budget)
    op, op_exp = g.operating_expenses(budget)
    return g.DocSpec([tp, op], several_per_page=True), [tp_exp, op_exp]


# ---------------------------------------------------------------------------------------------- deciding
def test_a_clean_text_page_is_kept():
    assert ocr.ocr_need(_page(_line("一般公共预算财政拨款支出合计"))) is None


def test_a_page_of_images_without_text_is_read_by_ocr():
    assert ocr.ocr_need(_page(cover=1.0, images=1)) == "image"
    assert ocr.ocr_need(_page(cover=0.01, images=1)) is None        # a logo on an empty page


@pytest.mark.parametrize("chars", [
    _line("一般公共预算") + [Char("(cid:12)", 200, 210, 100, 110, 10)] * 6,    # (cid:NN) glyphs
    _line("一般\ue000\ue001\ue002公共"),                                  # private-use characters
    _line("扇温易人民政府办公富县委机关事务中心", gap=8.0),                  # spaced out one by one
])
def test_a_suspect_text_layer_is_compared_with_the_image(chars):
    assert ocr.ocr_need(_page(chars)) == "verify"


def test_text_over_a_full_page_image_is_compared_with_the_image():
    assert ocr.ocr_need(_page(_line("一般公共预算财政拨款"), cover=1.0, images=1)) == "verify"


def test_amounts_lose_scan_specks_and_a_colon_decimal_point_is_flagged():
    def read(text):
        out = ocr.amount_cleanup([(ch, 0, 1, 0.99) for ch in text])
        return "".join(c[0] for c in out), [c[0] for c in out if c[3] < DEFAULT.ocr.low_confidence]
    assert read("951.48.") == ("951.48", [])
    assert read(".2.01") == ("2.01", [])
    assert read("873:18") == ("873.18", ["."])
    assert read("2022年") == ("2022年", [])
    assert read("12.") == ("12.", [])                                  # not an amount: left for the checks


def test_a_closing_bracket_matches_the_width_of_its_opening_one():
    read = lambda text: "".join(c[0] for c in ocr.matched_brackets([(ch, 0, 1, 0.99) for ch in text]))
    assert read("经费（第2批)") == "经费（第2批）"
    assert read("房屋(平方米）") == "房屋(平方米)"


# ---------------------------------------------------------------------------------------------- image geometry
def _ruled_image(angle):
    img = np.full((900, 700), 255, np.uint8)
    for y in range(100, 800, 50):
        img[y - 1:y + 1, 60:641] = 0
    for x in (60, 250, 450, 640):
        img[100:751, x - 1:x + 1] = 0
    return raster.rotate(img, angle, 255)


@pytest.mark.parametrize("angle", [-1.5, 0.0, 1.5, 3.0])
def test_skew_is_measured_and_levelled(angle):
    img = _ruled_image(angle)
    found = ocr.skew_angle(ocr.ink_mask(img), 5.0)
    assert abs(found + angle) < 0.1
    level = raster.rotate(img, found, 255)
    assert abs(ocr.skew_angle(ocr.ink_mask(level), 5.0)) < 0.1


def test_ruling_lines_are_found_in_the_image():
    ink = ocr.ink_mask(_ruled_image(0.0))
    h, v = ocr.ruling_masks(ink, 2.0)
    hs = ocr.segments(h, True, 6)
    vs = ocr.segments(v, False, 6)
    assert sorted(round(p) for p, _, _ in hs) == list(range(100, 800, 50))
    assert sorted(round(p) for p, _, _ in vs) == [60, 250, 450, 640]
    assert all(a <= 61 and e >= 639 for _, a, e in hs)


# ---------------------------------------------------------------------------------------------- rotated text pages
def _rotate_pages(src, dst, rotation):
    pdf = pdfium.PdfDocument(str(src))
    for i in range(len(pdf)):
        pdf[i].set_rotation(rotation)
    pdf.save(str(dst))
    pdf.close()


@pytest.mark.parametrize("rotation", [90, 270])
def test_a_table_printed_sideways_reads_upright(tmp_path, rotation):
    spec, expected = g.sample_document(ruling="grid", landscape=True)
    g.build_pdf(spec, tmp_path / "flat.pdf")
    _rotate_pages(tmp_path / "flat.pdf", tmp_path / "sideways.pdf", rotation)
    n = expected[0].pages[0]
    with pdfplumber.open(tmp_path / "sideways.pdf") as pdf:
        assert pdf.pages[n - 1].width < pdf.pages[n - 1].height     # displayed portrait, text running down/up
    with open_pdf(tmp_path / "sideways.pdf") as pdf:
        page = read_page(pdf, n)
    assert page.width > page.height                                 # turned back to landscape
    doc = convert_document(tmp_path / "sideways.pdf")
    assert [t.form for t in doc.tables] == [e.form for e in expected]
    for exp, table in zip(expected, doc.tables):
        assert_matches(table, exp)


def test_turning_a_page_moves_characters_and_rules():
    chars = [Char(ch, 100, 110, 50 + 10 * k, 60 + 10 * k, 10) for k, ch in enumerate("项目名称")]   # reads down
    page = PageContent(1, 400, 600, chars, [Rule(300, 20, 380)], [Rule(90, 40, 200)], 0)
    assert text_turns(chars) == 3
    turned = turn_page(page, 3)
    assert (turned.width, turned.height) == (600, 400)
    assert [ln.text for ln in group_lines(turned.chars)] == ["项目名称"]
    assert turned.v_rules == [Rule(300, 20, 380)]
    assert turned.h_rules == [Rule(400 - 90, 40, 200)]


# ---------------------------------------------------------------------------------------------- review flags
def test_cells_holding_low_confidence_characters_are_flagged():
    t = Table("three_public", "表", columns=["项目", "合计"], rows=[["公务接待费", 1.5], ["合计", 3.0]],
              sources=[[CellSource(1, (0, 0, 100, 20)), CellSource(1, (100, 0, 200, 20))],
                       [CellSource(1, (0, 20, 100, 40)), CellSource(2, (100, 20, 200, 40))]])
    ocr_flags.flag_uncertain_cells([t], {1: [(150, 5, 155, 15, 0.42, "5")], 2: []})
    assert [(i.code, i.severity, i.row, i.col) for i in t.issues] == [("low_confidence", "warning", 0, 1)]
    assert "42%" in t.issues[0].message and "第 1 页" in t.issues[0].message


# ---------------------------------------------------------------------------------------------- OCR (slow)
def test_models_ship_with_the_package():
    from converters.sources.ocr.engine import MODEL_FILES, model_dir
    assert all((model_dir() / name).is_file() for name in MODEL_FILES.values())


def test_a_column_of_characters_read_as_one_box_is_split_top_to_bottom():
    """The detector joined the "三" of a wrapped "三、国有资本经营预" / "算" with the "算" below it: each character
    must join its own line; a line of text across, or one character, stays whole."""
    stacked = ocr.TextBox(100, 386, 141, 446, [("三", 101, 140, 0.9), ("算", 100, 139, 0.95)], 0.9)
    top, bottom = ocr.unstacked(stacked, line=27)
    assert (top.text, bottom.text) == ("三", "算") and top.bottom == bottom.top == 416
    assert (top.x0, top.x1, top.score) == (100, 141, 0.9)
    across = ocr.TextBox(141, 390, 283, 417, [(ch, 141 + 18 * k, 159 + 18 * k, 1.0) for k, ch in enumerate("国有资本")], 1.0)
    single = ocr.TextBox(100, 380, 140, 450, [("一", 100, 140, 1.0)], 1.0)
    assert ocr.unstacked(across, line=27) == [across] and ocr.unstacked(single, line=27) == [single]


def test_an_enumeration_ocr_may_have_garbled_is_flagged():
    """"三国有资本经营预算" between "二、…" and "四、…", "一般公共预算" before "二、…": flagged on OCR pages only;
    a sub-item ("一般公共服务支出" after "一、…") and a text page are left alone."""
    labels = ["一般公共预算", "二、政府性基金预算", "三国有资本经营预算", "四、财政专户管理资金", "一般公共服务支出"]
    def table(page):
        return Table("budget_summary", "收支总表", columns=["收入项目", "收入预算数"],
                     rows=[[x, 1.0] for x in labels],
                     sources=[[CellSource(page, (0, 0, 1, 1)), CellSource(page, (1, 0, 2, 1))] for _ in labels])
    scanned, text = table(3), table(4)
    ocr_flags.flag_doubtful_enumerations([scanned, text], {3})
    flags = [(i.row, i.col, i.severity) for i in scanned.issues if i.code == "doubtful_enumeration"]
    assert flags == [(0, 0, "warning"), (2, 0, "warning")]
    assert "三、" in scanned.issues[1].message and "第 3 页" in scanned.issues[1].message
    assert not text.issues
    assert [ocr_flags.chinese_number(x) for x in ("一", "十", "十二", "二十", "九十九", "一般")] == [1, 10, 12, 20, 99, None]


def test_amounts_the_line_detector_passed_over_are_read_again(tmp_path, monkeypatch):
    """A lone "0" or a short amount in a ruled column is easily passed over by the line detector (a wrong empty
    cell no sum check catches): ink of text height in the ruling that no recognised line covers is read again.
    Here the detector is made to miss every amount."""
    import re
    spec, expected = small_document()
    scan_pdf(spec, tmp_path / "scan.pdf", angle=0.5, noise=0.0005)
    recognise = ocr.recognise
    monkeypatch.setattr(ocr, "recognise", lambda img, settings=DEFAULT.ocr: [
        b for b in recognise(img, settings) if not re.fullmatch(r"[\d.,]+", b.text)])
    doc = convert_document(tmp_path / "scan.pdf")
    assert [t.form for t in doc.tables] == [e.form for e in expected]
    for exp, table in zip(expected, doc.tables):
        assert_matches(table, exp)


def test_a_tilted_speckled_scan_converts_like_the_text_pdf(tmp_path):
    spec, expected = small_document()
    scan_pdf(spec, tmp_path / "scan.pdf", angle=1.5, noise=0.0005)
    doc = convert_document(tmp_path / "scan.pdf")
    assert [t.form for t in doc.tables] == [e.form for e in expected]
    for exp, table in zip(expected, doc.tables):
        assert_matches(table, exp)
        assert table.unit_name == exp.unit_name and table.year == exp.year
        assert not [i for i in table.issues if i.severity == "error"]


@pytest.mark.parametrize("turn", [1, 2])
def test_a_landscape_scan_fed_sideways_or_upside_down_reads_upright(tmp_path, turn):
    budget = g.make_budget(seed=5)
    spec, exp = g.three_public(budget, landscape=True)
    scan_pdf(g.DocSpec([spec]), tmp_path / "sideways.pdf", angle=-1.0, turn=turn)
    with pdfplumber.open(tmp_path / "sideways.pdf") as pdf:
        assert (pdf.pages[0].width < pdf.pages[0].height) == (turn == 1)     # sideways: stored portrait
    doc = convert_document(tmp_path / "sideways.pdf")
    (table,) = doc.tables
    assert_matches(table, exp)


def test_a_garbled_text_layer_is_replaced_by_ocr(tmp_path):
    spec, expected = small_document()
    garbage = ["扇 温 易 人 民 政 府 办 公 富", "项 国 属 性 一 次 性 项 育", "安 搜 期 资 金 业 额 1 4 5 , 0 0 0"]
    scan_pdf(spec, tmp_path / "layer.pdf", angle=0.5, text_layer=garbage)
    with open_pdf(tmp_path / "layer.pdf") as pdf:
        raw = read_page(pdf, 1)                             # without a path: the text layer as is
    assert "扇" in "".join(c.text for c in raw.chars) and ocr.ocr_need(raw) == "verify"
    doc = convert_document(tmp_path / "layer.pdf")
    assert [t.form for t in doc.tables] == [e.form for e in expected]
    for exp, table in zip(expected, doc.tables):
        assert_matches(table, exp)


def test_a_text_layer_the_image_confirms_is_kept(tmp_path):
    from PIL import Image
    buf = io.BytesIO()
    Image.new("L", (400, 560), 245).save(buf, format="PNG")          # a full-page background (letterhead)
    buf.seek(0)
    c = canvas.Canvas(str(tmp_path / "background.pdf"))
    c.drawImage(ImageReader(buf), 0, 0, width=595, height=842)
    c.setFont(g._register_font(g.DEFAULT_FONT), 12)
    lines = ["一般公共预算财政拨款支出合计", "政府性基金预算财政拨款", "国有资本经营预算财政拨款收入"]
    for k, line in enumerate(lines):
        c.drawString(80, 700 - 30 * k, line)
    c.showPage()
    c.save()
    with open_pdf(tmp_path / "background.pdf") as pdf:
        raw = read_page(pdf, 1)
        page = read_page(pdf, 1, tmp_path / "background.pdf", DEFAULT.ocr)
    assert ocr.ocr_need(raw) == "verify"
    assert page.chars == raw.chars and not page.uncertain


def test_a_page_where_ocr_finds_nothing_is_reported(tmp_path):
    from PIL import Image
    buf = io.BytesIO()
    Image.new("L", (400, 560), 235).save(buf, format="PNG")
    buf.seek(0)
    c = canvas.Canvas(str(tmp_path / "blank.pdf"))
    c.drawImage(ImageReader(buf), 0, 0, width=595, height=842)
    c.showPage()
    c.save()
    with pytest.raises(ConversionError) as e:
        convert_document(tmp_path / "blank.pdf")
    assert "blank.pdf" in str(e.value) and "OCR 未识别出任何文字" in str(e.value)


def test_a_scan_without_the_ocr_models_names_the_file_and_the_page(tmp_path, monkeypatch):
    """Models missing (a broken installation): the scanned page's file and page are named, nothing crashes."""
    from converters.sources.ocr import engine as ocr_engine
    spec, _ = small_document()
    scan_pdf(spec, tmp_path / "扫描.pdf")

    def missing():
        raise FileNotFoundError("OCR models (rapidocr) not installed")
    monkeypatch.setattr(ocr_engine, "model_dir", missing)
    monkeypatch.setattr(ocr, "_engines", {})
    with pytest.raises(ConversionError) as e:
        convert_document(tmp_path / "扫描.pdf", {"page_workers": 1})
    assert str(e.value).startswith("扫描.pdf：第 1 页需要 OCR 识别，但OCR 引擎无法加载（FileNotFoundError")


def _engine_pid(_):
    import os
    ocr.engine()
    return os.getpid(), list(ocr._engines)


def test_each_page_reading_process_loads_its_own_engine():
    ocr.engine()
    with mp.get_context("fork").Pool(2) as pool:
        for pid, keys in pool.map(_engine_pid, range(2)):
            assert pid in keys and len(keys) == 2                     # its own, beside the parent's (forked)


def test_scanned_pages_are_read_in_parallel_processes(tmp_path):
    spec, expected = small_document()
    spec.tables.insert(1, g.PageBreak())
    scan_pdf(spec, tmp_path / "two.pdf", angle=-1.5)
    heard = []
    with open_pdf(tmp_path / "two.pdf") as pdf:
        pages = list(iter_pages(pdf, tmp_path / "two.pdf", 2, DEFAULT.ocr, chunk=1,
                                stage=lambda n, name: heard.append((n, name))))
    assert [p.number for p in pages] == [1, 2]
    assert all(p.chars and p.h_rules and p.v_rules for p in pages)
    # each page's OCR steps reach the converting process from its reader, as they happen
    assert sorted(heard) == [(1, "recognize"), (1, "render"), (2, "recognize"), (2, "render")]


def test_a_scan_reports_progress_per_page_and_step(tmp_path):
    """What the GUI shows while a scanned page is read: 渲染, 识别 (OCR), then 整理, each naming its page."""
    from converters.pipeline import convert_document
    spec, _ = small_document()
    scan_pdf(spec, tmp_path / "one.pdf")
    messages = []
    convert_document(tmp_path / "one.pdf", {"page_workers": 1}, progress=lambda d, t, m: messages.append((d, t, m)))
    assert [m for _, _, m in messages] == ["正在渲染第 1/1 页（扫描页）", "正在识别第 1/1 页的文字（OCR）",
                                           "正在整理第 1/1 页的表格"]
    assert [d for d, _, _ in messages] == [0, 0, 1]


def test_the_noisy_ocr_layer_of_a_real_scan_is_recognised():
    path = SHARED / "real" / "fixtures_cjk" / "pdfplumber_pr-136-example.pdf"
    if not path.exists():
        pytest.skip("shared fixtures absent")
    with open_pdf(path) as pdf:
        page = read_page(pdf, 1)
    assert ocr.ocr_need(page) == "verify"
    gray = PdfSource.render(path, 1, DEFAULT.ocr.scale, grayscale=True)
    assert ocr.text_layer_agreement(page, gray) < DEFAULT.ocr.agreement
