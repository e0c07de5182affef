"""The page view for DOCX/XLSX sources: the sheet or Word page drawn as a grid, the table's area outlined."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QGraphicsRectItem, QToolButton  # noqa: E402

import officegen as og  # noqa: E402
from converters.pipeline import convert_document  # noqa: E402
from gui.page_view import PageView  # noqa: E402
from gui.sheet_view import SheetLayout  # noqa: E402
from gui_fixtures import fake_dialogs, make_window  # noqa: E402,F401


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    d = tmp_path_factory.mktemp("gui_office")
    return og.shanxi_xlsx(d / "山西.xlsx"), og.hebei_docx(d / "河北.docx")


def outlines(view):
    return [i.rect() for i in view.scene.items() if isinstance(i, QGraphicsRectItem)]


def test_sheet_layout_places_cell_boxes_on_the_grid(office):
    layout = SheetLayout.load(office[0])
    assert layout.count == 4                                    # one page per worksheet
    page = layout.page(3)
    assert page.name == "表1" and page.cells
    x0, top, x1, bottom = page.box((0, 0, 2, 1))
    assert x0 == 0 and top == 0 and x1 == page.xs[2] and bottom == page.ys[1]
    assert page.box((0, 500, 1, 501)) is None                   # a row not on this page


def test_xlsx_table_is_shown_on_its_sheet_with_its_area(qtbot, office):
    doc = convert_document(office[0])
    view = PageView()
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.set_document(office[0])
    assert view.is_grid_source and view.page_count == 4
    t = next(t for t in doc.tables if t.form == "operating_expenses")
    view.show_table(t.regions, t.pages)
    assert view.page == 4 and "表2" in view.page_total.text()
    region = view._sheets.page(4).box(t.regions[0][1])
    assert any(r.x() == region[0] and r.y() == region[1] for r in outlines(view))
    src = t.sources[0][1]
    view.show_cell(src.page, src.bbox)                          # a cell outlined on its sheet
    assert len(outlines(view)) == 2
    view.zoom_in()
    view.next_page()
    assert view.page == 4 and not view.next_button.isEnabled()


def test_docx_pages_and_an_empty_sheet_message(qtbot, office, tmp_path):
    view = PageView()
    qtbot.addWidget(view)
    view.set_document(office[1])
    assert view.page_count == 7
    t = next(t for t in convert_document(office[1]).tables if t.form == "three_public")
    view.show_table(t.regions, t.pages)
    assert view.page == 4 and outlines(view)
    view.show_page(1)                                           # the cover: paragraphs only
    assert view.scene.items()
    bad = tmp_path / "坏的.xlsx"
    bad.write_bytes(b"not a workbook")
    view.set_document(str(bad))                                 # no crash, a message instead
    assert view.page_count == 0 and view.scene.items()


def test_an_issue_on_an_empty_cell_shows_its_page(qtbot, office, make_window):
    """An indicator without a value has no source cell of its own: clicking its issue still brings the preview
    to the form's Word page, the empty cell outlined where its row and column meet."""
    w = make_window()
    w.open_paths([office[1]])
    qtbot.waitUntil(lambda: w.session is not None and w._job is None, timeout=20000)
    ti = next(i for i, t in enumerate(w.session.tables) if t.form == "performance_indicators")
    w.review.select_table(0)
    w.review.page_view.show_page(1)
    w.review.select_table(ti)
    w.review.page_view.show_page(1)
    item = w.review.issue_list.topLevelItem(0)
    row, col = item.data(0, Qt.ItemDataRole.UserRole)
    t = w.session.tables[ti]
    assert t.sources[row][col] is None and any(t.sources[row])
    w.review._issue_clicked(item, 0)
    assert w.review.page_view.page == 7 and len(outlines(w.review.page_view)) == 2


@pytest.mark.parametrize("width", [180, 260, 700])
def test_every_page_control_stays_visible_in_a_narrow_pane(qtbot, office, width):
    """The paging and zoom controls wrap onto a second row rather than hide behind a » menu."""
    view = PageView()
    qtbot.addWidget(view)
    view.set_document(office[0])
    view.show_page(4)                                           # a sheet's name widens the page label
    view.resize(width, 500)
    view.show()
    qtbot.waitExposed(view)
    bar = view.toolbar
    buttons = bar.findChildren(QToolButton)
    assert len(buttons) == 6
    for widget in buttons + [view.zoom_label, view.page_spin, view.page_total]:
        box = widget.geometry().translated(widget.parentWidget().mapTo(view, widget.parentWidget().rect().topLeft()))
        assert widget.isVisible() and view.rect().contains(box), widget
    tops = [b.mapTo(view, b.rect().topLeft()).y() for b in buttons]
    assert (max(tops) - min(tops) > buttons[0].height() / 2) == (width < 300)      # wrapped onto a second row
