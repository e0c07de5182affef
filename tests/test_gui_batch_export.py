"""GUI (pytest-qt): the batch tab exports the report, the consolidated workbooks and the dataset."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

pytest.importorskip("pytestqt")
pd = pytest.importorskip("pandas")

from openpyxl import load_workbook  # noqa: E402

from converters.catalogue import catalogue  # noqa: E402
from converters.output.dataset import CONSOLIDATED_DIR, REPORT_CSV, REPORT_XLSX, consolidated_name  # noqa: E402
from gui_fixtures import WAIT, fake_dialogs, make_window, pdfs, window  # noqa: E402,F401


def test_batch_tab_exports_report_consolidated_and_dataset(qtbot, window, pdfs, tmp_path, fake_dialogs):
    b = window.batch
    assert not b.report_button.isEnabled()
    b.add_files([str(pdfs / n) for n in ("small.pdf", "bad.pdf", "other.pdf")])
    qtbot.waitUntil(lambda: not b.running and all(i.state in ("done", "failed") for i in b.items), timeout=WAIT)
    assert b.report_button.isEnabled()

    # A correction made in review is what the consolidated workbook and the dataset carry.
    a = next(i for i in b.items if i.path.name == "small.pdf")
    k = next(n for n, t in enumerate(a.session.tables) if t.form == "expenditure_summary")
    t = a.session.tables[k]
    r = next(n for n, row in enumerate(t.rows) if isinstance(row[t.columns.index("合计")], float))
    a.session.set_cell(k, r, t.columns.index("合计"), "12345.67")

    out = tmp_path / "汇总导出"
    fake_dialogs.directory = str(out)
    b.report_button.trigger()
    qtbot.waitUntil(lambda: window.last_export_folder == out, timeout=WAIT)
    assert not fake_dialogs.errors and not b.exporting

    report = pd.read_csv(out / REPORT_CSV)
    assert [Path(f).name for f in report["file"]] == ["small.pdf", "bad.pdf", "other.pdf"]
    assert list(report["status"]) == ["converted", "failed", "converted"]
    assert "不是 PDF" in report.loc[1, "error"] and report.loc[0, "expenditure_summary"] == 1
    assert load_workbook(out / REPORT_XLSX).active["C3"].value == "失败"

    ws = load_workbook(out / CONSOLIDATED_DIR / consolidated_name(catalogue().get("expenditure_summary"))).active
    header = [c.value for c in ws[1]]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert {row[header.index("来源文件")] for row in rows} == {str(pdfs / "small.pdf"), str(pdfs / "other.pdf")}
    assert 12345.67 in [row[header.index("合计")] for row in rows]
    assert (out / CONSOLIDATED_DIR / consolidated_name(catalogue().get("three_public"))).is_file()

    data = pd.read_parquet(out / "dataset.parquet")
    edited = data[(data["table"] == k) & (data["row"] == r) & (data["column"] == "合计")
                  & data["source"].str.endswith("small.pdf")]
    assert edited["value"].tolist() == [12345.67]
    assert not data["source"].str.endswith("bad.pdf").any()


def test_documents_of_the_same_name_are_told_apart_in_the_batch_list(qtbot):
    from PySide6.QtCore import Qt

    from gui.batch_model import BatchModel, distinguishing_names
    assert distinguishing_names(["/a/2023/甲局.pdf", "/a/2024/甲局.pdf", "/a/2024/乙局.pdf"]) == \
        ["2023/甲局.pdf", "2024/甲局.pdf", "乙局.pdf"]
    assert distinguishing_names(["/x/同名.pdf", "/x/y/同名.pdf"]) == ["x/同名.pdf", "y/同名.pdf"]
    model = BatchModel()
    model.add(["/d/2023/部门预算.pdf"])
    assert model.data(model.index(0, 0)) == "部门预算.pdf"
    model.add(["/d/2024/部门预算.pdf"])
    assert [model.data(model.index(r, 0)) for r in range(2)] == ["2023/部门预算.pdf", "2024/部门预算.pdf"]
    assert model.data(model.index(1, 0), Qt.ItemDataRole.ToolTipRole) == str(Path("/d/2024/部门预算.pdf"))
