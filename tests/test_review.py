"""Tests of converters/review.py: edits, checks re-run, undo/redo, observers and the autosave journal (no Qt)."""
import json
import sys
from pathlib import Path

import pytest

from converters.model import Document, Issue, Table
from converters.pipeline import convert_document
from converters.review import (ReviewError, ReviewSession, coerce_value, default_data_dir, flagged_cells,
                               form_choices, form_name, table_status)

sys.path.insert(0, str(Path(__file__).resolve().parent))
pdfgen = pytest.importorskip("pdfgen")


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory):
    doc, _ = pdfgen.sample_document()
    path = tmp_path_factory.mktemp("review") / "sample.pdf"
    pdfgen.build_pdf(doc, str(path))
    return path


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "data"


def open_session(pdf, data_dir):
    return ReviewSession.open(convert_document(pdf), data_dir=data_dir)


def find(session, form):
    return next(i for i, t in enumerate(session.tables) if t.form == form)


def codes(table, severity=None):
    return {(x.code, x.row, x.col) for x in table.issues if severity is None or x.severity == severity}


def leaf_row(table):
    """A 7-digit code row with an amount in 合计 (changing it breaks its parent's sum)."""
    c = table.columns.index("合计")
    return next(i for i, r in enumerate(table.rows) if isinstance(r[0], str) and len(r[0]) == 7
                and isinstance(r[c], (int, float))), c


# ------------------------------------------------------------------------------------------ pure helpers
def test_coerce_value_parses_like_the_engine():
    assert coerce_value("amount", "1,303.34") == 1303.34
    assert coerce_value("amount", "(12.00)") == -12.0
    assert coerce_value("amount", "") is None
    assert coerce_value("amount", "-") is None
    assert coerce_value("amount", "abc") == "abc"
    assert coerce_value("count", "12") == 12
    assert coerce_value("code", " 201 03 ") == "20103"
    assert coerce_value("text", "  行政 运行 ") == "行政运行"
    assert coerce_value("text", "   ") is None
    assert coerce_value(None, "12.5") == 12.5
    assert coerce_value(None, "其他") == "其他"
    assert coerce_value("code", 2010301) == "2010301"


def test_status_and_form_names():
    assert table_status(Table(form="unknown", title="x")) == ("unknown", "未识别（未校验）")
    assert table_status(Table(form="three_public", title="x", empty=True)) == ("empty", "空表")
    assert table_status(Table(form="three_public", title="x")) == ("ok", "通过")
    from converters.model import Issue
    t = Table(form="three_public", title="x", issues=[Issue("sum_mismatch", "error", "m", 0, 1),
                                                     Issue("rounding", "info", "m", 0, 1)])
    assert table_status(t) == ("review", "1 处待核对")
    assert form_name("three_public") == "“三公”经费支出预算表"
    assert form_name("unknown").startswith("未识别")
    ids = [f for f, _ in form_choices()]
    assert ids[0] == "unknown" and "expenditure_summary" in ids and "performance_targets" not in ids


def test_data_dir_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("BUDGETTABLES_DATA_DIR", str(tmp_path / "x"))
    assert default_data_dir() == tmp_path / "x"


# ------------------------------------------------------------------------------------------ edits
def test_set_cell_reruns_checks_and_undo_redo(sample_pdf, data_dir):
    s = open_session(sample_pdf, data_dir)
    ti = find(s, "expenditure_summary")
    before = s.tables[ti]
    assert not codes(before, "error")
    row, col = leaf_row(before)
    old = before.rows[row][col]
    assert s.set_cell(ti, row, col, "99,999.00") is True
    t = s.tables[ti]
    assert t is not before, "tables are copied on write"
    assert before.rows[row][col] == old
    assert t.rows[row][col] == 99999
    assert any(x.code in ("sum_mismatch", "row_total_mismatch") for x in t.issues if x.severity == "error")
    assert s.can_undo and not s.can_redo and "合计" in s.undo_label
    assert s.set_cell(ti, row, col, "99999") is False          # same value: no step
    assert s.undo()
    assert s.tables[ti].rows[row][col] == old
    assert not codes(s.tables[ti], "error")
    assert s.can_redo and not s.can_undo
    assert s.redo()
    assert s.tables[ti].rows[row][col] == 99999
    assert codes(s.tables[ti], "error")


def test_text_in_amount_column_is_flagged_and_unflagged(sample_pdf, data_dir):
    s = open_session(sample_pdf, data_dir)
    ti = find(s, "expenditure_summary")
    row, col = leaf_row(s.tables[ti])
    s.set_cell(ti, row, col, "一百")
    assert ("invalid_number", row, col) in codes(s.tables[ti])
    s.set_cell(ti, row, col, "5")
    assert not any(x.code == "invalid_number" for x in s.tables[ti].issues)
    s.undo()
    assert ("invalid_number", row, col) in codes(s.tables[ti])


def test_insert_and_delete_rows(sample_pdf, data_dir):
    s = open_session(sample_pdf, data_dir)
    ti = find(s, "three_public")
    n = len(s.tables[ti].rows)
    first = list(s.tables[ti].rows[0])
    s.insert_row(ti, 0)
    t = s.tables[ti]
    assert len(t.rows) == n + 1 and t.rows[0] == [None] * len(t.columns) and t.rows[1] == first
    assert len(t.sources) == len(t.rows)
    s.set_cell(ti, 0, 0, "新增项目")
    s.delete_row(ti, 1)
    assert len(s.tables[ti].rows) == n and s.tables[ti].rows[0][0] == "新增项目"
    s.undo()
    s.undo()
    s.undo()
    assert s.tables[ti].rows[0] == first and len(s.tables[ti].rows) == n
    with pytest.raises(ReviewError):
        s.delete_row(ti, n + 5)
    with pytest.raises(ReviewError):
        s.insert_row(ti, -1)


def test_insert_into_empty_table_makes_it_non_empty(sample_pdf, data_dir):
    s = open_session(sample_pdf, data_dir)
    ti = find(s, "fund_revenue")
    assert s.tables[ti].empty and table_status(s.tables[ti])[0] == "empty"
    s.insert_row(ti, 0)
    assert not s.tables[ti].empty
    assert not any(x.code == "empty_table" for x in s.tables[ti].issues)
    s.undo()
    assert s.tables[ti].empty and any(x.code == "empty_table" for x in s.tables[ti].issues)


def test_change_form_and_back(sample_pdf, data_dir):
    s = open_session(sample_pdf, data_dir)
    ti = find(s, "three_public")
    count = len(s.tables)
    s.set_form(ti, "unknown")
    t = s.tables[ti]
    assert t.form == "unknown" and t.columns[0] == "项目" and table_status(t) == ("unknown", "未识别（未校验）")
    assert len(s.tables) == count
    s.set_form(ti, "three_public")
    assert s.tables[ti].form == "three_public" and "合计" in s.tables[ti].columns
    assert s.set_form(ti, "three_public") is False
    with pytest.raises(ReviewError):
        s.set_form(ti, "no_such_form")
    s.undo()
    s.undo()
    assert s.tables[ti].form == "three_public"
    assert not s.can_undo


def test_corrections_a_rebuild_would_replace_are_counted(sample_pdf, data_dir):
    """Cells and rows of a table corrected since its last standardization (what a form change or a column
    mapping replaces); corrections of other tables do not count."""
    s = open_session(sample_pdf, data_dir)
    ti = find(s, "three_public")
    other = next(k for k in range(len(s.tables)) if k != ti)
    assert s.edits_since_rebuild(ti) == 0
    s.set_cells(ti, [(0, 1, 1.0), (0, 2, 2.0)], "粘贴")
    s.insert_row(ti, 1)
    s.set_cell(other, 0, 1, 9.0)
    assert s.edits_since_rebuild(ti) == 3 and s.edits_since_rebuild(other) == 1
    s.set_form(ti, "unknown")
    assert s.edits_since_rebuild(ti) == 0
    s.set_cell(ti, 0, 0, "改")
    assert s.edits_since_rebuild(ti) == 1
    s.undo()
    s.undo()
    assert s.edits_since_rebuild(ti) == 3


def test_map_column(sample_pdf, data_dir):
    s = open_session(sample_pdf, data_dir)
    ti = find(s, "three_public")
    t = s.tables[ti]
    src = next(k for k, (_, canon) in enumerate(t.source_columns) if canon == "政府性基金预算")
    s.map_column(ti, src, None)
    t = s.tables[ti]
    assert "政府性基金预算" not in t.columns and t.source_columns[src][1] is None
    assert any(x.code == "column_left_out" for x in t.issues)          # the user's choice, said, not a warning
    s.map_column(ti, src, "政府性基金预算")          # overrides accumulate per table
    assert "政府性基金预算" in s.tables[ti].columns
    with pytest.raises(ReviewError):
        s.map_column(ti, src, "没有这列")
    s.set_form(ti, "unknown")
    with pytest.raises(ReviewError):
        s.map_column(ti, 0, "合计")


def test_observers_get_changes(sample_pdf, data_dir):
    s = open_session(sample_pdf, data_dir)
    seen = []
    unsubscribe = s.subscribe(seen.append)
    ti = find(s, "three_public")
    s.set_cell(ti, 0, 1, "1")
    s.insert_row(ti, 2)
    s.undo()
    s.set_form(ti, "unknown")
    assert [(c.kind, c.origin) for c in seen] == [("cell", "edit"), ("rows_inserted", "edit"),
                                                  ("rows_removed", "undo"), ("tables", "edit")]
    assert seen[0].start == ti and seen[0].row == 0 and seen[0].col == 1
    assert seen[0].new[0] is not seen[0].old[0]
    unsubscribe()
    s.undo()
    assert len(seen) == 4


# ------------------------------------------------------------------------------------------ journal
def test_corrections_are_saved_and_restored(sample_pdf, data_dir):
    s = open_session(sample_pdf, data_dir)
    assert s.restored.applied == 0
    ti = find(s, "expenditure_summary")
    row, col = leaf_row(s.tables[ti])
    s.set_cell(ti, row, col, "12.34")
    tp = find(s, "three_public")
    s.insert_row(tp, 1)
    s.set_cell(tp, 1, 0, "补录项目")
    fr = find(s, "fund_revenue")
    s.set_form(fr, "unknown")
    path = s.journal_path
    assert path.is_file() and path.parent.parent == data_dir
    data = json.loads(path.read_text(encoding="utf-8"))
    assert [op["op"] for op in data["operations"]] == ["set_cells", "insert_row", "set_cells", "set_form"]
    assert data["source_name"] == "sample.pdf"

    again = open_session(sample_pdf, data_dir)               # a fresh conversion of the same file
    assert again.restored.applied == 4 and again.restored.skipped == 0
    assert again.tables[ti].rows[row][col] == 12.34
    assert again.tables[tp].rows[1][0] == "补录项目"
    assert again.tables[fr].form == "unknown"
    assert again.can_undo                                     # restored corrections stay undoable
    again.undo()
    assert again.tables[fr].form == "fund_revenue"
    assert len(json.loads(path.read_text(encoding="utf-8"))["operations"]) == 3

    assert again.discard_corrections() == 3
    assert not path.exists()
    assert open_session(sample_pdf, data_dir).restored.applied == 0


def test_journal_is_keyed_by_content(sample_pdf, data_dir, tmp_path):
    s = open_session(sample_pdf, data_dir)
    s.set_cell(find(s, "three_public"), 0, 1, "7")
    copy = tmp_path / "renamed copy.pdf"
    copy.write_bytes(sample_pdf.read_bytes())
    assert open_session(copy, data_dir).restored.applied == 1
    other, _ = pdfgen.sample_document(seed=2)
    other_path = tmp_path / "other.pdf"
    pdfgen.build_pdf(other, str(other_path))
    assert open_session(other_path, data_dir).restored.applied == 0


def test_stale_operations_are_skipped(sample_pdf, data_dir):
    s = open_session(sample_pdf, data_dir)
    ti = find(s, "three_public")
    s.set_cell(ti, 0, 1, "7")
    path = s.journal_path
    data = json.loads(path.read_text(encoding="utf-8"))
    data["operations"].insert(0, {"op": "set_cell", "table": 0, "ref": {"title": "不存在的表", "form": "x"},
                                  "row": 0, "col": 0, "column": "x", "value": 1})
    data["operations"].append({"op": "explode", "table": ti, "ref": data["operations"][1]["ref"]})
    data["operations"][1]["table"] = 0                       # wrong index, found again by title and form
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    again = open_session(sample_pdf, data_dir)
    assert again.restored.applied == 1 and again.restored.skipped == 2
    assert again.tables[ti].rows[0][1] == 7
    assert any("不存在的表" in m for m in again.restored.messages)
    assert len(json.loads(path.read_text(encoding="utf-8"))["operations"]) == 1


def test_corrupt_journal_is_ignored(sample_pdf, data_dir):
    s = open_session(sample_pdf, data_dir)
    s.journal_path.parent.mkdir(parents=True)
    s.journal_path.write_text("{not json", encoding="utf-8")
    assert open_session(sample_pdf, data_dir).restored.applied == 0


def test_session_without_source_file_still_edits(tmp_path):
    doc = Document(source=str(tmp_path / "gone.pdf"), tables=[
        Table(form="three_public", title="三公", columns=["项目", "合计"], rows=[["公务接待费", 1.0]])])
    s = ReviewSession(doc, data_dir=tmp_path / "d")
    s.set_cell(0, 0, 1, "2")
    assert doc.tables[0].rows[0][1] == 2
    assert s.save_error and "未能自动保存" in s.save_error
    with pytest.raises(ReviewError):
        s.set_form(0, "unknown")                             # no raw table kept


def test_several_cells_are_one_correction(sample_pdf, data_dir):
    s = open_session(sample_pdf, data_dir)
    ti = find(s, "expenditure_summary")
    row, col = leaf_row(s.tables[ti])
    before = [list(r) for r in s.tables[ti].rows]
    n = s.set_cells(ti, [(row, col, "1,234.50"), (row + 1, col, "7"), (row, 1, s.tables[ti].rows[row][1])],
                    label="粘贴")
    assert n == 2                                             # the unchanged cell is not a change
    assert s.tables[ti].rows[row][col] == 1234.5 and s.tables[ti].rows[row + 1][col] == 7
    assert s.undo_label == "粘贴"
    s.undo()
    assert s.tables[ti].rows == before                        # one undo takes back the whole paste
    s.redo()
    again = open_session(sample_pdf, data_dir)
    assert again.restored.applied == 1 and again.tables[ti].rows[row][col] == 1234.5


def test_single_cell_journals_of_earlier_versions_are_restored(sample_pdf, data_dir):
    s = open_session(sample_pdf, data_dir)
    ti = find(s, "three_public")
    column = s.tables[ti].columns[1]
    s.set_cell(ti, 0, 1, "7")
    path = s.journal_path
    data = json.loads(path.read_text(encoding="utf-8"))
    data["operations"] = [{"op": "set_cell", "table": ti, "ref": data["operations"][0]["ref"], "row": 0, "col": 1,
                           "column": column, "value": 9, "old": None}]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    again = open_session(sample_pdf, data_dir)
    assert again.restored.applied == 1 and again.tables[ti].rows[0][1] == 9


def test_snapshot_keeps_the_tables_of_its_moment(tmp_path):
    doc = Document(source=str(tmp_path / "gone.pdf"), pages=3, tables=[
        Table(form="three_public", title="三公", columns=["项目", "合计"], rows=[["公务接待费", 1.0]])])
    s = ReviewSession(doc, data_dir=tmp_path / "d", autosave=False)
    snap = s.snapshot()
    s.set_cell(0, 0, 1, "2")                                 # edits go on after the snapshot …
    assert snap is not doc and snap.source == doc.source and snap.pages == 3
    assert snap.tables[0].rows[0][1] == 1.0                  # … and do not reach it
    assert s.snapshot().tables[0].rows[0][1] == 2


def test_flagged_cells_in_reading_order():
    first = Table(form="unknown", title="甲", columns=["a", "b"], rows=[[1, 2], [3, 4]], issues=[
        Issue("x", "warning", "m", row=1, col=1), Issue("x", "error", "m", row=0),     # a row: its first cell
        Issue("x", "info", "m", row=0, col=1),                                        # info: no look needed
        Issue("x", "error", "m", row=5, col=0), Issue("x", "error", "m")])            # no such row; whole table
    second = Table(form="unknown", title="乙", columns=["a", "b"], rows=[[1, 2]],
                   issues=[Issue("x", "error", "m", row=0, col=1), Issue("y", "warning", "m", row=0, col=1)])
    assert flagged_cells([first, second]) == [(0, 0, 0), (0, 1, 1), (1, 0, 1)]


def test_a_document_is_all_passed_only_when_every_table_is_known_checked_and_present():
    from converters.model import Issue
    from converters.review import document_summary
    ok = Table(form="budget_summary", title="a", columns=["收入项目"], rows=[["x"]])
    flagged = Table(form="budget_summary", title="b", columns=["收入项目"], rows=[["x"]],
                    issues=[Issue("sum_mismatch", "error", "≠", 0, 0), Issue("invalid_code", "warning", "?", 0, 0)])
    unknown = Table(form="unknown", title="c", columns=["列1"], rows=[["x"]])
    assert document_summary([ok, ok]) == "2 张表，全部通过"
    assert document_summary([]) == "0 张表：没有找到表格" and document_summary([], missing=9) == "0 张表：没有找到表格（目录列出 9 张）"
    assert document_summary([ok, unknown]) == "2 张表：1 张未识别（未校验）"
    assert document_summary([ok, flagged, unknown], missing=1) == "3 张表：1 张待核对（2 处），1 张未识别（未校验），缺 1 张"
