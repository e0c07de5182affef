"""The two PDF page readers give the same tables: PDFium (sources/pdfium_page.py, the default) and pdfplumber
(sources/pdfplumber_page.py, the reference, `--reader pdfplumber`). Every kind of generated PDF the suite draws,
and every PDF in ../shared (where it is beside the checkout), is converted with both and must give the same
tables.json. Where they differ, the pdfplumber reader is wrong, and the cases are shown at the end."""
from __future__ import annotations

import json
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from reportlab.pdfgen import canvas

import badfiles
import finalgen
import hostilegen
import pdfgen as g
import perfgen as pg
from conftest import READERS_DIFFER, SHARED
from converters.pipeline import convert_document
from converters.sources.pdf import PdfSource, open_pdf, read_page
from converters.sources.pdfium_page import visible_chars


def both_readers(path) -> tuple:
    """tables.json of `path` converted with each reader."""
    out = []
    for reader in ("pdfium", "pdfplumber"):
        out.append(json.dumps(convert_document(path, {"pdf_reader": reader}).to_json(), ensure_ascii=False,
                              sort_keys=True, indent=0))
    return tuple(out)


def assert_same_tables(path):
    pdfium_json, pdfplumber_json = both_readers(path)
    assert pdfium_json == pdfplumber_json, f"{path.name}: the readers give different tables"


def facts_of(page) -> tuple:
    """What decides whether a page goes to OCR and what OCR checks: size, images, cover, density, the text layer's
    characters on the page (sorted: PDFium's text page may list them in another order), what could not be read."""
    return (round(page.width, 1), round(page.height, 1), page.images, round(page.image_cover, 3),
            round(page.image_density, 2), sorted(c.text for c in visible_chars(page.chars, page.width, page.height)),
            page.unread)


def page_facts(path, reader: str) -> list:
    """`facts_of` each page."""
    with open_pdf(path, reader) as pdf:
        return [facts_of(pdf.read(i)) for i in range(len(pdf))]



def _rotated(src, dst, rotation):
    pdf = pdfium.PdfDocument(str(src))
    for i in range(len(pdf)):
        pdf[i].set_rotation(rotation)
    pdf.save(str(dst))
    pdf.close()


# ---------------------------------------------------------------------------------------------- generated PDFs
SAMPLES = {
    "grid": {"ruling": "grid"}, "hlines": {"ruling": "hlines"}, "hlines_all": {"ruling": "hlines_all"},
    "unruled": {"ruling": "none"}, "landscape": {"ruling": "grid", "landscape": True},
    "split_rows": {"ruling": "hlines", "split_rows": True, "repeat_header": False},
    "several_per_page": {"ruling": "grid", "several_per_page": True, "running_header": "测试县2024年部门预算"},
    "labels": {"ruling": "hlines_all", "labels": True, "carryover": True},
}


@pytest.mark.parametrize("name", SAMPLES)
def test_generated_budgets_read_the_same(tmp_path, name):
    spec, _ = g.sample_document(**SAMPLES[name])
    g.build_pdf(spec, tmp_path / f"{name}.pdf")
    assert_same_tables(tmp_path / f"{name}.pdf")


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_rotated_pages_read_the_same(tmp_path, rotation):
    spec, _ = g.sample_document(ruling="grid", landscape=True)
    g.build_pdf(spec, tmp_path / "flat.pdf")
    _rotated(tmp_path / "flat.pdf", tmp_path / "turned.pdf", rotation)
    assert_same_tables(tmp_path / "turned.pdf")


def test_final_accounts_read_the_same(tmp_path):
    finalgen.final_accounts_document(tmp_path / "决算.pdf")
    assert_same_tables(tmp_path / "决算.pdf")


@pytest.mark.parametrize("layout,options", [("xiangyuan", {}), ("county", {"split_rows": True}),
                                            ("hebei", {"several_per_page": True}),
                                            ("county", {"clip_labels": False, "repeat_rows": 2})])
def test_performance_forms_read_the_same(tmp_path, layout, options):
    forms = pg.make_forms(6, seed=3, layout=layout, long_text=2)
    pg.build_pdf(pg.PerfDoc(forms, layout=layout, **options), tmp_path / "forms.pdf")
    assert_same_tables(tmp_path / "forms.pdf")


def test_pages_without_tables_read_the_same(tmp_path):
    assert_same_tables(Path(badfiles.no_tables_pdf(tmp_path / "prose.pdf")))


def test_scans_and_hostile_pages_are_seen_the_same(tmp_path):
    """Scanned pages (OCR reads them alike from the same drawing) and pages not parsed: the same facts."""
    import numpy as np
    paths = [Path(badfiles.image_only_pdf(tmp_path / "scan.pdf", pages=2))]
    paths.append(hostilegen.image_pdf(tmp_path / "photo.pdf", np.full((400, 300), 200, np.uint8), dpi=100))
    ruling = b"".join(b"50 %d m 545 %d l S\n" % (y, y) for y in range(100, 800, 20))
    paths.append(hostilegen.raw_pdf(tmp_path / "damaged.pdf", 595, 842, ruling * 50, corrupt=True))
    paths.append(hostilegen.raw_pdf(tmp_path / "bomb.pdf", 595, 842, b"0 0 m 10 10 l S\n" * 1_200_000))
    facts = {}
    for path in paths:
        facts[path.name] = page_facts(path, "pdfium")
        assert facts[path.name] == page_facts(path, "pdfplumber")
    assert facts["damaged.pdf"][0][-1].startswith("第 1 页内容已损坏")
    assert facts["bomb.pdf"][0][-1].startswith("第 1 页内容过大")


# ---------------------------------------------------------------------------------------------- ../shared
def _shared_pdfs() -> list:
    dev = SHARED / "bench" / "dev"
    scanned = set()
    if (dev / "manifest.json").is_file():
        manifest = json.loads((dev / "manifest.json").read_text(encoding="utf-8"))
        scanned = {d["file"] for d in manifest["documents"] if d["style"] == "scanned"}
    files = sorted(dev.glob("*.pdf")) + sorted((SHARED / "real").rglob("*.pdf"))
    return [pytest.param(p, p.name in scanned, id=p.name) for p in files]


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is not beside the checkout")
@pytest.mark.parametrize("path,scanned", _shared_pdfs())
def test_shared_pdfs_read_the_same(path, scanned):
    if scanned:         # OCR reads the same pages from the same drawing: what decides it must agree
        assert page_facts(path, "pdfium") == page_facts(path, "pdfplumber")
    else:
        assert_same_tables(path)


# ---------------------------------------------------------------------------------------------- where they differ
def _page_with(tmp_path, draw, crop=None):
    path = tmp_path / "page.pdf"
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    if crop:
        c.setCropBox(crop)
    c.setFont(g._register_font(g.DEFAULT_FONT), 12)
    draw(c)
    c.showPage()
    c.save()
    return path


def test_a_cropped_page_is_read_as_displayed(tmp_path):
    """The crop box is the page a viewer, the preview and OCR show. PDFium's reader measures from it and leaves
    out what lies outside; pdfplumber measures from the media box and keeps text no one can see."""
    def draw(c):
        c.drawString(100, 700, "一般公共预算")
        c.drawString(560, 700, "裁")                   # right of the crop box: not shown
        c.line(100, 650, 580, 650)
    path = _page_with(tmp_path, draw, crop=(50, 100, 545, 800))
    READERS_DIFFER.add(path)
    with open_pdf(path, "pdfium") as pdf:
        page = pdf.read(0)
    with open_pdf(path, "pdfplumber") as pdf:
        reference = pdf.read(0)
    image = PdfSource.render(path, 1, 1.0)
    assert (round(page.width), round(page.height)) == (495, 700) == (image.shape[1], image.shape[0])
    assert (round(reference.width), round(reference.height)) == (595, 842)
    assert "".join(c.text for c in page.chars) == "一般公共预算"
    assert "裁" in "".join(c.text for c in reference.chars)
    first = page.chars[0]
    assert abs(first.x0 - 50) < 0.01 and abs(first.x0 - (reference.chars[0].x0 - 50)) < 0.01
    (rule,) = page.h_rules
    assert rule.pos == 150.0 and (round(rule.start), round(rule.end)) == (50, 495)    # clipped to the page


def test_rules_off_the_page_and_slanted_lines_are_not_rules(tmp_path):
    """pdfplumber keeps a line drawn below the page as a rule 1,342 pt down, and takes a slanted line (the
    diagonal of a 项目/金额 header cell) for a vertical rule at its left end."""
    def draw(c):
        c.line(100, -500, 500, -500)
        c.line(100, 700, 200, 650)
        c.line(100, 600, 500, 600)
    path = _page_with(tmp_path, draw)
    with open_pdf(path, "pdfium") as pdf:
        page = pdf.read(0)
    with open_pdf(path, "pdfplumber") as pdf:
        reference = pdf.read(0)
    assert [r.pos for r in page.h_rules] == [242.0] and page.v_rules == []
    assert sorted(r.pos for r in reference.h_rules) == [242.0, 1342.0] and [r.pos for r in reference.v_rules] == [100.0]


def test_the_reader_is_a_setting_and_a_cli_option(tmp_path):
    from converters.settings import ConversionSettings
    with pytest.raises(ValueError, match="pdf_reader"):
        ConversionSettings.resolve({"pdf_reader": "acrobat"})
    path = tmp_path / "page.pdf"
    spec, _ = g.sample_document(ruling="grid")
    g.build_pdf(spec, path)
    assert read_page(open_pdf(path), 1).chars == read_page(open_pdf(path, "pdfium"), 1).chars
    from converters.cli import main
    assert main([str(path), "--out", str(tmp_path / "out"), "--reader", "pdfplumber", "--quiet"]) == 0
    assert json.loads((tmp_path / "out" / "page" / "tables.json").read_text(encoding="utf-8"))["tables"]


def test_text_in_a_form_keeps_the_character_spacing_it_inherits(tmp_path):
    """A form XObject is drawn with the graphics state at its Do, character spacing included (PDF 32000-1
    §8.10.1). pdfminer starts each form with a fresh text state, so its characters bunch up."""
    def draw(c):
        t = c.beginText(50, 740)
        t.setFont(g._register_font(g.DEFAULT_FONT), 12)
        t.setCharSpace(2)                                   # Tc 2 stays set after the text object
        t.textLine("字距")
        c.drawText(t)
        c.beginForm("form")
        c.setFont(g._register_font(g.DEFAULT_FONT), 10)
        c.drawString(0, 0, "表单文字")
        c.endForm()
        c.saveState()
        c.translate(50, 600)
        c.doForm("form")
        c.restoreState()
    path = _page_with(tmp_path, draw)
    with open_pdf(path, "pdfium") as pdf:
        page = pdf.read(0)
    with open_pdf(path, "pdfplumber") as pdf:
        reference = pdf.read(0)
    starts = [round(ch.x0, 1) for ch in page.chars if ch.top > 200]
    assert starts == [50.0, 62.0, 74.0, 86.0]                # 10 pt characters 2 pt apart
    assert [round(ch.x0, 1) for ch in reference.chars if ch.top > 200] == [50.0, 60.0, 70.0, 80.0]


def test_glyphs_without_unicode_read_as_cid_with_both_readers(tmp_path):
    """A font without its /ToUnicode map: both readers give (cid:N) for the glyphs they cannot name, the same
    text, and the page goes to OCR."""
    import re

    from converters.sources.ocr.recognize import ocr_need
    c = canvas.Canvas(str(tmp_path / "named.pdf"), pagesize=(595, 842), pageCompression=0)
    c.setFont(g._register_font(g.DEFAULT_FONT), 12)
    c.drawString(50, 800, "一般公共预算支出 123")
    c.showPage()
    c.save()
    data = (tmp_path / "named.pdf").read_bytes()
    path = tmp_path / "unnamed.pdf"          # the map blanked out, every offset kept
    path.write_bytes(re.sub(rb"/ToUnicode \d+ 0 R", lambda m: b" " * len(m.group()), data))
    texts = []
    for reader in ("pdfium", "pdfplumber"):
        with open_pdf(path, reader) as pdf:
            page = pdf.read(0)
        texts.append("".join(ch.text for ch in page.chars))
        assert ocr_need(page) == "verify"
    assert texts[0] == texts[1] == "".join(f"(cid:{k})" for k in range(1, 9)) + "123"
