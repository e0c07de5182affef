"""No output a spreadsheet would run: texts starting with =, +, -, @, tab or carriage return are neutralised in the
CSV files and on the clipboard (OWASP), kept raw in dataset.parquet, and written as text in the workbooks."""
from __future__ import annotations

import pandas as pd
import pytest

from converters.model import Document, Issue, Table, spreadsheet_safe, unescape_spreadsheet_safe
from converters.output.dataset import DATASET_CSV, DATASET_PARQUET, REPORT_CSV, document_record, write_outputs

HOSTILE = ["=HYPERLINK(\"http://x\",\"y\")", "+cmd", "@SUM(A1)", "=cmd|' /C calc'!A0", "-2+3", "\tTAB", "\rCR"]


def test_spreadsheet_safe_neutralises_formulas_and_leaves_numbers_and_text():
    assert [spreadsheet_safe(x) for x in HOSTILE] == ["'" + x for x in HOSTILE]
    assert [spreadsheet_safe(x) for x in ["-12.50", "+3", "-1,234.5", "一般公共服务支出", "", None, 5.0]] == \
        ["-12.50", "+3", "-1,234.5", "一般公共服务支出", "", None, 5.0]
    assert all(unescape_spreadsheet_safe(spreadsheet_safe(x)) == x for x in HOSTILE + ["'quoted", "text"])


def _document(tmp_path) -> Document:
    rows = [[code, name, 1.5] for code, name in zip(["201", "202", "203", "204", "205", "206", "207"], HOSTILE)]
    t = Table("expenditure_summary", "=恶意标题", None, 2024, "万元", [1], False, ["科目编码", "科目名称", "合计"],
              rows, [Issue("row_total_mismatch", "warning", "x", None, None)])
    return Document(str(tmp_path / "=文件.pdf"), 1, [t])


def test_csv_outputs_are_neutralised_and_parquet_keeps_the_raw_text(tmp_path):
    doc = _document(tmp_path)
    write_outputs([document_record(doc, doc.source)], tmp_path)
    csv = pd.read_csv(tmp_path / DATASET_CSV, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    for column in csv.columns:
        assert not csv[column].str.startswith(("=", "+", "@", "\t", "\r")).any(), column
        assert not csv[column].str.match(r"^-(?![\d.])").any(), column
    assert set(HOSTILE) <= set(pd.read_parquet(tmp_path / DATASET_PARQUET).astype(str).stack())
    report = (tmp_path / REPORT_CSV).read_text("utf-8-sig")
    assert "\n=" not in report and ",=" not in report


@pytest.mark.parametrize("text", HOSTILE)
def test_copying_a_cell_puts_it_on_the_clipboard_neutralised_and_pasting_restores_it(qtbot, text):
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QApplication

    from gui.table_views import GridView
    model = QStandardItemModel(1, 2)
    model.setItem(0, 0, QStandardItem(text))
    model.setItem(0, 1, QStandardItem("1.5"))
    view = GridView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.selectAll()
    copied = view.copy_selection()
    assert QApplication.clipboard().text() == copied
    assert copied.startswith("'")
    view.setCurrentIndex(model.index(0, 0))
    assert view.paste_targets("'=1+1\t2")[0] == (0, 0, "=1+1")
