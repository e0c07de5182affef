"""Generate budget-disclosure-like PDFs (部门预算公开) for tests.

A small, dependency-light library (reportlab only; no pytest) that draws report tables the way real
disclosures print them: titles, meta lines ("单位名称：X    单位：万元", Hebei "824X局  预算年度：2024
单位：万元"), merged multi-row headers, wrapped cell text with vertically centred numbers, tables continuing
over pages (header repeated or not, rows optionally split across the break), page footers and running
headers, narrative pages between tables, landscape pages and four ruling styles.

Every glyph is drawn with ``drawString`` at a computed position, so the geometry is fully controlled and
``build_pdf`` can report where everything landed.

Quick use::

    from tests import pdfgen as g
    spec, exp = g.shanxi_expenditure_summary(ruling="hlines")
    facts = g.build_pdf(g.DocSpec([spec]), "/tmp/x.pdf")
    facts["tables"][0]["pages"]        # -> [1]
    exp.columns, exp.rows               # canonical columns / standardized rows the engine should produce

    doc, expected = g.sample_document(ruling="grid", landscape=False)
    facts = g.build_pdf(doc, "/tmp/sample.pdf")   # also fills expected[i].pages

Header grids: ``None`` continues the cell to its left (colspan), ``"^"`` continues the cell above (rowspan).
Body rows: printed strings; ``None`` (or "") is a blank cell.

The code lives in parts that this module re-exports (import this one, not the parts): pdfgen_specs (the document
items, Expected, header grids), pdfgen_draw (the font, string widths, wrapping, text and ruling primitives),
pdfgen_layout (the layout engine: build_pdf), pdfgen_budget (the random budget, amount formatting) and
pdfgen_builders (the report-table builders and sample_document). The parts never import this module.
"""
from __future__ import annotations

if __package__:                         # imported as tests.pdfgen
    from .pdfgen_specs import (  # noqa: F401
        DEFAULT_FONT, SPAN_UP, Cover, DocItem, DocSpec, Expected, HeaderCell, Narrative, PageBreak, TableSpec,
        header_cells, leaf_labels)
    from .pdfgen_draw import _Metrics, _register_font, draw_text, wrap_text  # noqa: F401
    from .pdfgen_layout import build_pdf, build_pdf_bytes, render_png  # noqa: F401
    from .pdfgen_budget import FUNCTION_CLASSES, _CN_NUM, Budget, BudgetItem, make_budget  # noqa: F401
    from .pdfgen_builders import (  # noqa: F401
        budget_summary, empty_table, hebei_expenditure_summary, long_table, operating_expenses, sample_document,
        shanxi_expenditure_summary, shanxi_revenue_summary, three_public)
else:                                   # with tests/ on sys.path (how the tests import it)
    from pdfgen_specs import (  # noqa: F401
        DEFAULT_FONT, SPAN_UP, Cover, DocItem, DocSpec, Expected, HeaderCell, Narrative, PageBreak, TableSpec,
        header_cells, leaf_labels)
    from pdfgen_draw import _Metrics, _register_font, draw_text, wrap_text  # noqa: F401
    from pdfgen_layout import build_pdf, build_pdf_bytes, render_png  # noqa: F401
    from pdfgen_budget import FUNCTION_CLASSES, _CN_NUM, Budget, BudgetItem, make_budget  # noqa: F401
    from pdfgen_builders import (  # noqa: F401
        budget_summary, empty_table, hebei_expenditure_summary, long_table, operating_expenses, sample_document,
        shanxi_expenditure_summary, shanxi_revenue_summary, three_public)

__all__ = [
    "TableSpec", "Narrative", "Cover", "PageBreak", "DocSpec", "Expected", "Budget", "BudgetItem",
    "build_pdf", "build_pdf_bytes", "make_budget", "render_png", "wrap_text", "header_cells",
    "shanxi_revenue_summary", "shanxi_expenditure_summary", "budget_summary", "hebei_expenditure_summary",
    "three_public", "operating_expenses", "empty_table", "long_table", "sample_document",
    "FUNCTION_CLASSES",
]


if __name__ == "__main__":      # python tests/pdfgen.py out.pdf [ruling] [landscape]
    import json
    import sys
    out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/pdfgen_sample.pdf"
    d, exps = sample_document(ruling=sys.argv[2] if len(sys.argv) > 2 else "grid",
                              landscape=len(sys.argv) > 3 and sys.argv[3] == "landscape")
    facts = build_pdf(d, out)
    print(json.dumps({"pages": facts["pages"], "tables": [(t["title"], t["pages"]) for t in facts["tables"]]},
                     ensure_ascii=False, indent=1))
