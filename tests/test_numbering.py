"""The tables' own numbering (公开01表, 表一, 附表3) as a completeness check where the document has no 目录."""
from __future__ import annotations

import dataclasses

import pdfgen as g
from converters.model import Char, make_line
from converters.pipeline import convert_document
from converters.tables.numbering import TableNumber, missing_from_numbering, table_numbers


def _numbered(labels: list) -> list:
    makers = [g.budget_summary, g.shanxi_revenue_summary, g.shanxi_expenditure_summary, g.three_public,
              g.operating_expenses]
    return [dataclasses.replace(make()[0], label=label) for make, label in zip(makers, labels) if label]


def test_a_number_missing_from_the_tables_numbering_is_reported(tmp_path):
    g.build_pdf(g.DocSpec(_numbered(["公开01表", "公开02表", None, "公开04表", "公开05表"])), tmp_path / "a.pdf")
    doc = convert_document(tmp_path / "a.pdf")
    assert len(doc.tables) == 4
    assert doc.missing == [{"title": "公开03表", "page": None}]
    assert any("公开03表" in n for n in doc.notices)
    data = doc.to_json()
    assert data["missing_tables"] == [{"title": "公开03表", "page": None}]


def test_a_complete_numbering_reports_nothing(tmp_path):
    g.build_pdf(g.DocSpec(_numbered(["表一", "表二", "表三", "表四"])), tmp_path / "b.pdf")
    doc = convert_document(tmp_path / "b.pdf")
    assert len(doc.tables) == 4 and doc.missing == []


def _line(text: str, x0: float = 50.0):
    chars, x = [], x0
    for ch in text:
        if ch == " ":
            x += 20
            continue
        chars.append(Char(ch, x, x + 10, 100, 110, 10.0))
        x += 10
    return make_line(chars)


def test_labels_are_read_alone_or_at_the_start_of_a_title_and_not_from_prose():
    lines = [_line("预算公开表2"), _line("附表3 部门收入预算总表"), _line("表十二"),
             _line("表3反映了本部门的收入情况"), _line("部门收支总表1")]
    found = [(n.scheme, n.number, n.text) for n in table_numbers(lines, 4)]
    assert found == [("预算公开表#", 2, "预算公开表2"), ("附表#", 3, "附表3"), ("表#", 12, "表十二")]


def test_gaps_start_at_one_and_labels_on_pages_without_a_table_are_missing():
    numbers = [TableNumber("表#", k, k + 1, t) for k, t in ((2, "表二"), (3, "表三"), (5, "表五"), (6, "表六"))]
    assert missing_from_numbering(numbers, {3, 4, 6}) == [("表一", None), ("表四", None), ("表六", 7)]
    # a numbering restarted for a second unit leaves no gap; two numbers are no numbering
    restarted = [TableNumber("公开#表", k, p, f"公开0{k}表") for p, k in enumerate([1, 2, 3, 1, 2, 3])]
    assert missing_from_numbering(restarted, set(range(6))) == []
    assert missing_from_numbering(numbers[:2], set()) == []
