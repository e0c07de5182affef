"""GUI tests (pytest-qt): drive the real main window on generated and real budget PDFs."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import json  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

pytest.importorskip("pytestqt")
openpyxl = pytest.importorskip("openpyxl")

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl  # noqa: E402
from PySide6.QtGui import QDragEnterEvent, QDropEvent  # noqa: E402
from PySide6.QtWidgets import QApplication, QLineEdit  # noqa: E402

from gui.main_window import MainWindow  # noqa: E402
from gui.style import CELL_COLORS  # noqa: E402
from gui_fixtures import WAIT, fake_dialogs, make_window, pdfs, window  # noqa: E402,F401

REAL = Path("/work/shared/real/budget_cn/putuo_caizhengju_2025_dept_budget.pdf")


# ------------------------------------------------------------------------------------------ helpers
def open_and_wait(qtbot, w, path):
    old = w.session
    w.open_paths([str(path)])
    qtbot.waitUntil(lambda: w.session is not None and w.session is not old and w._job is None, timeout=WAIT)
    return w.session


def table_index(w, form):
    return next(i for i, t in enumerate(w.session.tables) if t.form == form)


def leaf_cell(table):
    c = table.columns.index("合计")
    r = next(i for i, row in enumerate(table.rows) if isinstance(row[0], str) and len(row[0]) == 7
             and isinstance(row[c], (int, float)))
    return r, c


def issue_texts(w):
    lst = w.review.issue_list
    return [lst.topLevelItem(i).text(2) for i in range(lst.topLevelItemCount())
            if lst.topLevelItem(i).flags() & Qt.ItemFlag.ItemIsEnabled]


def status_texts(w):
    m = w.review.table_model
    return [m.data(m.index(r, 3)) for r in range(m.rowCount())]


# ------------------------------------------------------------------------------------------ tests
def test_open_edit_undo_redo_export(qtbot, window, pdfs, tmp_path, fake_dialogs):
    w = window
    assert (w.width(), w.height()) == MainWindow.default_size()
    avail = QApplication.primaryScreen().availableGeometry()
    assert MainWindow.default_size() == (min(1400, avail.width()), min(900, avail.height()))
    s = open_and_wait(qtbot, w, pdfs / "small.pdf")
    assert [t.form for t in s.tables] == ["expenditure_summary", "three_public"]
    m = w.review.table_model
    assert m.rowCount() == 2
    assert m.data(m.index(0, 1)) == "预算支出总表" and m.data(m.index(0, 2)) == "1"
    assert status_texts(w) == ["通过", "通过"]
    assert "small.pdf" in w.windowTitle()

    ti = table_index(w, "expenditure_summary")
    w.review.select_table(ti)
    assert w.review.current_table_index == ti
    assert w.review.page_view.page == 1                      # the table's page is shown …
    assert len(w.review.page_view.scene.items()) >= 2        # … with its area outlined
    grid = w.review.grid_model
    assert grid.columnCount() == 5 and grid.headerData(2, Qt.Orientation.Horizontal) == "合计"
    assert issue_texts(w) == []

    # Edit a cell the way the grid's editor commits it.
    r, c = leaf_cell(s.tables[ti])
    old = s.tables[ti].rows[r][c]
    assert grid.setData(grid.index(r, c), "99999")
    assert w.session.tables[ti].rows[r][c] == 99999
    assert grid.data(grid.index(r, c)) == "99,999.00"
    assert issue_texts(w), "checks re-run at once"
    assert "待核对" in status_texts(w)[ti]
    flagged = [(i.row, i.col) for i in w.session.tables[ti].issues if i.severity == "error"]
    fr, fc = flagged[0]
    assert grid.data(grid.index(fr, fc if fc is not None else 0), Qt.ItemDataRole.BackgroundRole).color() in \
        (CELL_COLORS["error"], )
    assert grid.data(grid.index(fr, fc if fc is not None else 0), Qt.ItemDataRole.ToolTipRole)
    assert w.undo_action.isEnabled() and "撤销" in w.undo_action.text()

    # Clicking an issue selects its cell.
    item = w.review.issue_list.topLevelItem(0)
    w.review._issue_clicked(item, 0)
    row, col = item.data(0, Qt.ItemDataRole.UserRole)
    assert w.review.current_cell() == (row, col if col is not None else 0)

    w.undo_action.trigger()
    assert w.session.tables[ti].rows[r][c] == old
    assert issue_texts(w) == [] and status_texts(w)[ti] == "通过"
    w.redo_action.trigger()
    assert w.session.tables[ti].rows[r][c] == 99999 and issue_texts(w)

    # Export everything; the workbook holds the corrected value.
    out = tmp_path / "out"
    w.export_all(out)
    qtbot.waitUntil(lambda: w.last_export_folder is not None, timeout=WAIT)
    folder = out / "small"
    assert w.last_export_folder == folder and fake_dialogs.opened == [folder]
    books = sorted(folder.glob("*.xlsx"))
    assert len(books) == 2
    data = json.loads((folder / "tables.json").read_text(encoding="utf-8"))
    assert [t["form"] for t in data["tables"]] == ["expenditure_summary", "three_public"]
    wb = openpyxl.load_workbook(books[ti])
    ws = wb.worksheets[0]
    assert ws.cell(row=4 + r, column=c + 1).value == 99999
    assert "校验" in wb.sheetnames and wb["校验"].max_row >= 2


def test_keyboard_editing_and_navigation(qtbot, window, pdfs):
    w = window
    s = open_and_wait(qtbot, w, pdfs / "small.pdf")
    w.activateWindow()
    ti = table_index(w, "expenditure_summary")
    w.review.select_table(ti)
    r, c = leaf_cell(s.tables[ti])
    view = w.review.grid
    idx = w.review.grid_model.index(r, c)
    view.setCurrentIndex(idx)
    view.edit(idx)
    editor = view.findChild(QLineEdit)
    assert editor is not None
    editor.setText("1,234.5")
    qtbot.keyClick(editor, Qt.Key.Key_Return)             # the delegate commits in a queued call
    qtbot.waitUntil(lambda: w.session.tables[ti].rows[r][c] == 1234.5, timeout=WAIT)

    # F8 goes to a flagged cell, Ctrl+Z undoes, Ctrl+PgDown / Alt+Up move between tables.
    w.review.select_table(1 - ti)
    w.next_flag_action.trigger()
    assert w.review.current_table_index == ti
    cell = w.review.current_cell()
    assert w.review.grid_model.issues_at(*cell)
    qtbot.keyClick(w.review.grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert w.session.tables[ti].rows[r][c] != 1234.5
    w.review.select_cell(0, 0)
    qtbot.keyClick(w.review.grid, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(w.review.grid, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    row0 = w.session.tables[ti].rows[0]
    assert QApplication.clipboard().text() == f"{row0[0]}\t{row0[1]}"
    w.review.select_table(0)
    qtbot.keyClick(w.review.table_list, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert w.review.current_table_index == 1
    qtbot.keyClick(w.review.table_list, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert w.review.current_table_index == 0


def test_rows_form_mapping_and_raw_grid(qtbot, window, pdfs, fake_dialogs):
    w = window
    s = open_and_wait(qtbot, w, pdfs / "small.pdf")
    tp = table_index(w, "three_public")
    w.review.select_table(tp)
    grid = w.review.grid_model
    n = grid.rowCount()
    w.review.select_cell(0, 0)
    w.insert_below_action.trigger()
    assert grid.rowCount() == n + 1 and w.review.current_cell()[0] == 1
    assert grid.setData(grid.index(1, 0), "补录项目")
    assert w.session.tables[tp].rows[1][0] == "补录项目"
    w.review.select_cell(1, 0)
    w.delete_row_action.trigger()
    assert grid.rowCount() == n
    w.undo_action.trigger()
    assert grid.rowCount() == n + 1 and w.session.tables[tp].rows[1][0] == "补录项目"

    # Raw grid toggle.
    assert not w.review.raw_grid.isVisible()
    w.raw_action.trigger()
    assert w.review.raw_grid.isVisible() and w.raw_action.isChecked()
    raw = w.review.raw_model
    assert raw.rowCount() == len(s.tables[tp].raw_header) + len(s.tables[tp].raw_rows)

    # Change the form to 未识别 and assign it again from the drop-down: the table's corrections (an inserted
    # row and its text) would be replaced, so the user is asked first; "取消" keeps the table as it is.
    fake_dialogs.answers = [False]
    w.review.set_form("unknown")
    assert w.session.tables[tp].form == "three_public" and w.review.form_combo.currentData() == "three_public"
    assert "2 处修改" in fake_dialogs.questions[-1][1]
    assert w.review.set_form("unknown")
    assert len(fake_dialogs.questions) == 2
    assert status_texts(w)[tp] == "未识别（未校验）" and grid.headerData(0, Qt.Orientation.Horizontal) == "项目"
    assert w.review.set_form("three_public")
    assert w.session.tables[tp].form == "three_public" and status_texts(w)[tp] == "通过"

    # Map a source column to nothing, then back, through the 列映射 panel's combo.
    mapping = w.review.mapping
    k = next(i for i, (_, canon) in enumerate(w.session.tables[tp].source_columns) if canon == "政府性基金预算")
    combo = mapping.cellWidget(k, 2)
    combo.setCurrentIndex(0)
    combo.activated.emit(0)
    assert "政府性基金预算" not in w.session.tables[tp].columns
    assert "未对应" in w.review.bottom_tabs.tabText(1)
    combo = mapping.cellWidget(k, 2)
    j = combo.findData("政府性基金预算")
    combo.setCurrentIndex(j)
    combo.activated.emit(j)
    assert "政府性基金预算" in w.session.tables[tp].columns
    for _ in range(4):                                     # the two mappings and the two form changes
        w.undo_action.trigger()
    assert w.session.tables[tp].form == "three_public" and w.session.tables[tp].rows[1][0] == "补录项目"


def test_export_asks_before_overwriting_and_exports_selection(qtbot, window, pdfs, tmp_path, fake_dialogs):
    w = window
    open_and_wait(qtbot, w, pdfs / "small.pdf")
    out = tmp_path / "out"
    w.export_all(out)
    qtbot.waitUntil(lambda: w.last_export_folder is not None and w._export_job is None, timeout=WAIT)
    first = sorted((out / "small").glob("*.xlsx"))
    w.last_export_folder = None
    fake_dialogs.answers = [False]
    w.export_all(out)
    qtbot.waitUntil(lambda: bool(fake_dialogs.questions) and w._export_job is None, timeout=WAIT)
    assert w.last_export_folder is None and "已有导出" in fake_dialogs.questions[-1][1]
    fake_dialogs.answers = [True]
    w.export_all(out)
    qtbot.waitUntil(lambda: w.last_export_folder is not None, timeout=WAIT)
    assert len(fake_dialogs.questions) == 2 and sorted((out / "small").glob("*.xlsx")) == first

    # Only the selected table, named as in a full export.
    sel = tmp_path / "sel"
    fake_dialogs.directory = str(sel)
    w.review.select_table(1)
    w.last_export_folder = None
    w.export_selected_action.trigger()
    qtbot.waitUntil(lambda: w.last_export_folder is not None, timeout=WAIT)
    assert [p.name for p in (sel / "small").glob("*.xlsx")] == [first[1].name]


def test_drop_file_and_folder(qtbot, window, pdfs, fake_dialogs, tmp_path):
    w = window

    def drop(paths):
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
        enter = QDragEnterEvent(QPoint(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(w, enter)
        assert enter.isAccepted()
        event = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                           Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(w, event)
        assert event.isAccepted()

    drop([pdfs / "small.pdf"])
    qtbot.waitUntil(lambda: w.session is not None, timeout=WAIT)
    assert w.session.source_name == "small.pdf" and w.tabs.currentIndex() == 0

    # A folder goes to the batch tab; the bad file fails with its reason, the others convert.
    drop([pdfs])
    qtbot.waitUntil(lambda: w.tabs.currentIndex() == 1, timeout=WAIT)
    b = w.batch
    assert sorted(i.path.name for i in b.items) == ["bad.pdf", "other.pdf", "small.pdf"]
    qtbot.waitUntil(lambda: not b.running and all(i.state in ("done", "failed") for i in b.items), timeout=WAIT)
    states = {i.path.name: (i.state, i.message) for i in b.items}
    assert states["bad.pdf"][0] == "failed" and "不是 PDF" in states["bad.pdf"][1]
    assert states["other.pdf"][0] == "done" and states["small.pdf"][0] == "done"
    small = next(i for i in b.items if i.path.name == "small.pdf")
    assert small.session is w.session, "the document open for review is shared, not converted twice"
    assert "失败 1" in b.summary.text()
    bm = b.model
    assert bm.data(bm.index(b.items.index(small), 3)) == "2"

    # Export the whole batch in one go.
    out = tmp_path / "batch_out"
    b.export_all(str(out))
    qtbot.waitUntil(lambda: w.last_export_folder == out, timeout=WAIT)
    assert sorted(p.name for p in out.iterdir()) == ["other", "small"]
    assert (out / "other" / "tables.json").is_file()
    # Export again: asked once, overwriting keeps working.
    w.last_export_folder = None
    b.export_all(str(out))
    qtbot.waitUntil(lambda: w.last_export_folder == out, timeout=WAIT)
    assert len(fake_dialogs.questions) == 1

    # Open a batch document in the review tab.
    other = next(i for i in b.items if i.path.name == "other.pdf")
    b._open_row(b.items.index(other))
    assert w.tabs.currentIndex() == 0 and w.session is other.session


def test_bad_files_show_an_error_and_the_window_keeps_working(qtbot, window, pdfs, fake_dialogs, tmp_path):
    import badfiles
    w = window
    w.open_paths([str(pdfs / "bad.pdf")])
    qtbot.waitUntil(lambda: bool(fake_dialogs.errors), timeout=WAIT)
    title, text = fake_dialogs.errors[-1]
    assert "bad.pdf" in text and "不是 PDF" in text
    assert w.session is None and not w.doc_bar.progress.isVisible()

    s = open_and_wait(qtbot, w, pdfs / "small.pdf")
    enc = badfiles.encrypted_pdf(tmp_path / "locked.pdf")
    w.open_paths([enc])
    qtbot.waitUntil(lambda: len(fake_dialogs.errors) == 2, timeout=WAIT)
    assert "locked.pdf" in fake_dialogs.errors[-1][1] and "加密" in fake_dialogs.errors[-1][1]
    assert w.session is s and w.review.table_model.rowCount() == 2      # the open document is untouched

    w.open_paths([str(tmp_path / "missing.pdf")])
    assert "missing.pdf" in fake_dialogs.errors[-1][1]
    notes = tmp_path / "notes.txt"
    notes.write_text("x", encoding="utf-8")
    w.open_paths([str(notes)])
    qtbot.waitUntil(lambda: len(fake_dialogs.errors) == 4, timeout=WAIT)
    assert "notes.txt" in fake_dialogs.errors[-1][1]
    w.review.select_table(1)
    assert w.review.grid_model.setData(w.review.grid_model.index(0, 1), "1")


def test_cancel_conversion(qtbot, window, tmp_path):
    import badfiles
    w = window
    big = badfiles.huge_pdf(tmp_path / "big.pdf", pages=300)
    w.open_paths([big])
    qtbot.waitUntil(lambda: w.doc_bar.progress.maximum() > 1 and w.doc_bar.progress.value() >= 1, timeout=WAIT)
    assert w.doc_bar.cancel_button.isVisible()
    w.doc_bar.cancel_button.click()
    assert not w.doc_bar.cancel_button.isVisible()
    qtbot.waitUntil(lambda: not w._threads, timeout=WAIT)
    assert w.session is None and "取消" in w.statusBar().currentMessage()


def test_corrections_restored_on_reopen(qtbot, make_window, pdfs):
    w = make_window()
    s = open_and_wait(qtbot, w, pdfs / "small.pdf")
    tp = table_index(w, "three_public")
    w.review.select_table(tp)
    assert w.review.grid_model.setData(w.review.grid_model.index(0, 1), "4321")
    assert not w.note.isVisible() or "恢复" not in w.note.label.text()
    w.close()

    w2 = make_window()
    s2 = open_and_wait(qtbot, w2, pdfs / "small.pdf")
    assert s2 is not s and s2.tables[tp].rows[0][1] == 4321
    assert w2.note.isVisible() and "已恢复" in w2.note.label.text() and "1 处更正" in w2.note.label.text()
    assert "已恢复" in w2.statusBar().currentMessage()
    assert w2.undo_action.isEnabled()
    # Discarding them returns to the conversion result (and forgets them).
    w2.note.discard_button.click()
    assert s2.tables[tp].rows[0][1] != 4321 and not s2.can_undo
    w2.close()
    w3 = make_window()
    s3 = open_and_wait(qtbot, w3, pdfs / "small.pdf")
    assert s3.restored.applied == 0


def test_settings_recent_files_and_splitters(qtbot, make_window, pdfs, fake_dialogs):
    w = make_window()
    fake_dialogs.files = [str(pdfs / "small.pdf")]
    w.open_action.trigger()
    qtbot.waitUntil(lambda: w.session is not None, timeout=WAIT)
    total = sum(w.review.main_splitter.sizes())
    w.review.main_splitter.setSizes([total // 4, total // 4, total - 2 * (total // 4)])
    sizes = w.review.main_splitter.sizes()
    w.review.set_raw_visible(True)
    w.close()
    w2 = make_window()
    texts = [a.text() for a in w2.recent_menu.actions()]
    assert any("small.pdf" in t for t in texts)
    restored = w2.review.main_splitter.sizes()              # the window may be clamped to the (small) screen
    assert abs(restored[0] - sizes[0]) <= 2 and restored[1] + restored[2] <= sizes[1] + sizes[2], (restored, sizes)
    assert w2.review.raw_visible
    recent = next(a for a in w2.recent_menu.actions() if "small.pdf" in a.text())
    recent.trigger()
    qtbot.waitUntil(lambda: w2.session is not None, timeout=WAIT)
    assert w2.session.source_name == "small.pdf"


def test_page_view_paging_and_zoom(qtbot, window, pdfs):
    w = window
    open_and_wait(qtbot, w, pdfs / "small.pdf")
    pv = w.review.page_view
    assert pv.page_count == 2 and pv.page == 1
    pv.next_page()
    assert pv.page == 2 and not pv.next_button.isEnabled()
    z = pv.zoom
    pv.zoom_in()
    assert pv.zoom > z
    w.review.select_table(0)
    r, c = leaf_cell(w.session.tables[0])
    w.review.select_cell(r, c)                                # the cell's source is shown on its page
    assert pv.page == 1 and pv._cell is not None
    # … and magnified under it: the value is readable however small the page is shown
    loupe = pv.loupe.pixmap()
    assert pv.loupe.isVisible() and not loupe.isNull()
    image = loupe.toImage()
    dark = [(x, y) for x in range(image.width()) for y in range(image.height())
            if max(image.pixelColor(x, y).getRgb()[:3]) < 90]                        # the amount's ink
    assert len(dark) > 20 and loupe.height() < 80
    w.review.select_table(1)
    assert not pv.loupe.isVisible()                           # another table: no cell selected


@pytest.mark.skipif(not REAL.exists(), reason="real disclosure not available")
def test_real_document(qtbot, window):
    w = window
    s = open_and_wait(qtbot, w, REAL)
    assert len(s.tables) >= 5
    texts = status_texts(w)
    assert all(t in ("通过", "空表", "未识别（未校验）") or t.endswith("处待核对") for t in texts)
    for i, t in enumerate(s.tables):
        w.review.select_table(i)
        assert w.review.page_view.page in t.pages or not t.pages
        assert w.review.grid_model.rowCount() == len(t.rows)


def test_undo_shows_the_table_it_changes(qtbot, window, pdfs):
    w = window
    open_and_wait(qtbot, w, pdfs / "small.pdf")
    w.review.select_table(1)
    assert w.review.grid_model.setData(w.review.grid_model.index(2, 1), "77")
    w.review.select_table(0)
    w.undo_action.trigger()
    assert w.review.current_table_index == 1 and w.review.current_cell() == (2, 1)
    w.review.select_table(0)
    w.redo_action.trigger()
    assert w.review.current_table_index == 1 and w.session.tables[1].rows[2][1] == 77


def test_closing_during_a_conversion(qtbot, make_window, tmp_path):
    import badfiles
    w = make_window()
    w.open_paths([badfiles.huge_pdf(tmp_path / "big.pdf", pages=300)])
    qtbot.waitUntil(lambda: w.doc_bar.progress.value() >= 1, timeout=WAIT)
    threads = list(w._threads)
    w.close()
    assert all(t.isFinished() for t in threads)


@pytest.mark.skipif(not REAL.exists(), reason="real disclosure not available")
def test_real_document_split_table_form_change(qtbot, window):
    """The Shanghai 三公 table gives two tables from one source table; changing one leaves the other."""
    w = window
    s = open_and_wait(qtbot, w, REAL)
    forms = [t.form for t in s.tables]
    if "operating_expenses" not in forms or "three_public" not in forms:
        pytest.skip("engine no longer splits the 三公 table")
    n = len(s.tables)
    tp = forms.index("three_public")
    w.review.select_table(tp)
    assert w.review.set_form("unknown")
    assert len(s.tables) == n and s.tables[tp].form == "unknown" and "operating_expenses" in [t.form for t in s.tables]
    assert w.review.raw_model.rowCount() > 0
    w.undo_action.trigger()
    assert [t.form for t in s.tables] == forms and w.review.current_table_index == tp


@pytest.fixture(scope="module")
def long_perf_pdf(tmp_path_factory):
    """60 项目支出绩效目标表, one to three pages each: seconds of reading."""
    import perfgen
    path = tmp_path_factory.mktemp("long") / "绩效目标表.pdf"
    perfgen.build_pdf(perfgen.PerfDoc(perfgen.make_forms(60, seed=2, layout="county"), layout="county"), path)
    return path


@pytest.fixture
def previews_every_page(monkeypatch, window):
    """Snapshots after every page; records what the review panel was given: (read_only, tables)."""
    from dataclasses import replace
    from converters.settings import PreviewSettings
    window.conversion = replace(window.conversion, preview=PreviewSettings(first=0, longest=0))
    shown = []
    real = window.review.set_session

    def spy(session, read_only=False):
        shown.append((read_only, len(session.tables) if session else None))
        real(session, read_only)
    monkeypatch.setattr(window.review, "set_session", spy)
    return shown


def test_first_tables_are_shown_while_a_long_document_is_read(qtbot, window, long_perf_pdf, previews_every_page):
    w, shown = window, previews_every_page
    w.open_paths([str(long_perf_pdf)])
    qtbot.waitUntil(lambda: w.review.read_only and bool(w.review.session.tables), timeout=WAIT)
    assert "正在读取" in w.doc_bar.label.text() and "已找到" in w.review.tables_label.text()
    assert w.review.grid.editTriggers() == w.review.grid.EditTrigger.NoEditTriggers
    assert not w.review.form_combo.isEnabled() and not w.export_action.isEnabled()
    w.review.select_table(1)                            # the user looks at the indicators while reading goes on
    rows = len(w.review.current_table.rows)
    w.review._edit_cell(0, 1, "改不了")                  # a preview is never edited
    assert w.review.current_table.rows[0][1] != "改不了"
    qtbot.waitUntil(lambda: w.session is not None and w._job is None, timeout=WAIT)
    previews = [n for read_only, n in shown if read_only]
    assert len(previews) >= 2 and shown[-1] == (False, 2)
    assert not w.review.read_only and w.review.current_table_index == 1     # still the table the user chose
    assert len(w.review.current_table.rows) >= rows
    assert len(w.session.tables[0].rows) == 60


def test_cancelling_a_previewed_conversion_shows_the_previous_document(qtbot, window, pdfs, long_perf_pdf,
                                                                       previews_every_page):
    w = window
    before = open_and_wait(qtbot, w, pdfs / "small.pdf")
    w.open_paths([str(long_perf_pdf)])
    qtbot.waitUntil(lambda: w.review.read_only and w.session is None, timeout=WAIT)
    w.doc_bar.cancel_button.click()
    assert w.session is before and w.review.session is before and not w.review.read_only
    assert "small.pdf" in w.doc_bar.label.text()
    qtbot.waitUntil(lambda: not w._threads, timeout=WAIT)
    assert w.session is before


def test_paste_a_block_from_excel_and_clear_a_selection(qtbot, window, pdfs):
    w = window
    s = open_and_wait(qtbot, w, pdfs / "small.pdf")
    ti = table_index(w, "expenditure_summary")
    w.review.select_table(ti)
    r, c = leaf_cell(s.tables[ti])
    t = s.tables[ti]
    before = [list(row) for row in t.rows]
    QApplication.clipboard().setText("1,000.5\t2\r\n3\t\r\n")       # Excel's copy: CRLF, trailing newline
    w.review.select_cell(r, c)
    qtbot.keyClick(w.review.grid, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    t = w.session.tables[ti]
    assert (t.rows[r][c], t.rows[r][c + 1], t.rows[r + 1][c], t.rows[r + 1][c + 1]) == (1000.5, 2, 3, None)
    assert w.undo_action.text() == "撤销 粘贴"
    w.undo_action.trigger()                                          # the whole block in one step
    assert w.session.tables[ti].rows == before
    # a block running off the table pastes what fits and says so
    last = len(t.rows) - 1
    w.review.select_cell(last, c)
    assert w.review.paste_cells("8\n9") == 1
    assert w.session.tables[ti].rows[last][c] == 8 and "超出表格范围" in w.statusBar().currentMessage()
    # Delete clears the selection as one correction
    w.review.select_cell(r, c)
    qtbot.keyClick(w.review.grid, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(w.review.grid, Qt.Key.Key_Delete)
    assert w.session.tables[ti].rows[r][c:c + 2] == [None, None]
    assert w.undo_action.text() == "撤销 清除单元格"


def test_the_table_list_shows_titles_without_unit_and_year(qtbot, window, pdfs):
    from gui.models import display_title
    w = window
    s = open_and_wait(qtbot, w, pdfs / "small.pdf")
    m = w.review.table_model
    shown = [m.data(m.index(r, 0)) for r in range(m.rowCount())]
    assert all(not x.startswith(s.tables[0].unit_name) and "年" not in x[:6] for x in shown)
    assert [m.data(m.index(r, 0), Qt.ItemDataRole.ToolTipRole).splitlines()[0] for r in range(m.rowCount())] == \
        [t.title for t in s.tables]                              # the full title in the tooltip
    from converters.model import Table
    assert display_title(Table("x", "测试县财政局部门2024年预算支出总表", "测试县财政局")) == "预算支出总表"
    assert display_title(Table("x", "2025年部门预算收支总表")) == "部门预算收支总表"
    assert display_title(Table("x", "2025年")) == "2025年"        # nothing left: the whole title


def test_the_previous_document_is_read_only_while_the_next_converts(qtbot, window, pdfs, long_perf_pdf):
    w = window
    before = open_and_wait(qtbot, w, pdfs / "small.pdf")
    w.open_paths([str(long_perf_pdf)])
    assert w.review.session is before and w.review.read_only          # still shown, but only to look at
    value = w.review.current_table.rows[0][1]
    w.review._edit_cell(0, 1, "改不了")
    assert w.review.current_table.rows[0][1] == value
    w.doc_bar.cancel_button.click()
    assert w.review.session is before and not w.review.read_only
    qtbot.waitUntil(lambda: not w._threads, timeout=WAIT)
