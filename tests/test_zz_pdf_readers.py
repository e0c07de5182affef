"""Every PDF the other tests generated, converted with both PDF page readers (PDFium, the default, and pdfplumber,
the reference): the same tables.json, or the same message where the file cannot be converted. Runs last (its
name sorts last) over what conftest recorded; alone, it has nothing to compare and is skipped.

Pages that OCR reads are read alike from the same drawing: for a file with such pages, and for the longest files,
only what decides OCR is compared (the readers' page facts, the text layer's characters in sorted order as PDFium
may list them in another), which keeps this test to a few minutes.
"""
from __future__ import annotations

import hashlib
import json

import pytest

from conftest import GENERATED_PDFS, READERS_DIFFER
from converters.model import ConversionError
from converters.pipeline import convert_document
from converters.sources.ocr.recognize import ocr_need
from converters.sources.pdf import open_pdf
from test_pdf_readers import facts_of

MAX_PAGES = 40          # longer files (the 1,000-page one, 400 performance forms): their first pages' facts only


def outcome(path, reader: str) -> str:
    try:
        doc = convert_document(path, {"pdf_reader": reader})
    except ConversionError as e:
        return f"ConversionError: {e}"
    return json.dumps(doc.to_json(), ensure_ascii=False, sort_keys=True)


def page_facts(path, reader: str, pages: int) -> tuple:
    """(facts of the first `pages` pages, whether any needs OCR), or the message of a file that does not open."""
    try:
        with open_pdf(path, reader) as pdf:
            read = [pdf.read(i) for i in range(min(pages, len(pdf)))]
    except ConversionError as e:
        return str(e), False
    return [facts_of(p) for p in read], any(ocr_need(p) is not None for p in read)


def test_every_generated_pdf_reads_the_same_with_both_readers():
    by_content = {}                                     # the same fixture written by several tests: once
    for p in GENERATED_PDFS:
        if p.is_file() and p not in READERS_DIFFER:
            by_content.setdefault(hashlib.sha256(p.read_bytes()).digest(), p)
    paths = list(by_content.values())
    if not paths:
        pytest.skip("no PDF generated in this run: run the whole suite")
    different = []
    for path in paths:
        facts, ocr = page_facts(path, "pdfium", MAX_PAGES)
        if ocr or isinstance(facts, str) or len(facts) >= MAX_PAGES:
            if facts != page_facts(path, "pdfplumber", MAX_PAGES)[0]:
                different.append(f"{path}: page facts")
        elif outcome(path, "pdfium") != outcome(path, "pdfplumber"):
            different.append(f"{path}: tables")
    assert not different, f"{len(different)} of {len(paths)} generated PDFs read differently:\n" + "\n".join(different)
