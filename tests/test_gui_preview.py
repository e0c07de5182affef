"""The page preview as a new user meets it: readable at its default size (a wide pane, the table fitted to its
width), the fit the user chose remembered."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

pytest.importorskip("pytestqt")

from gui.review_panel import default_main_sizes  # noqa: E402
from gui_fixtures import WAIT, make_window, pdfs, fake_dialogs  # noqa: E402,F401


def _open(qtbot, w, path):
    w.open_paths([str(path)])
    qtbot.waitUntil(lambda: w.session is not None and w._job is None, timeout=WAIT)
    w.review.select_table(0)


def test_default_panes_share_the_width_and_the_table_is_fitted_readably(qtbot, make_window, pdfs):
    assert default_main_sizes(1366) == [273, 546, 547] and default_main_sizes(1920)[0] == 340
    w = make_window()
    w.resize(1366, 740)
    _open(qtbot, w, pdfs / "small.pdf")
    listing, page, grid = w.review.main_splitter.sizes()
    assert page >= 0.3 * (listing + page + grid) and listing < page
    view = w.review.page_view
    assert view.fit == "width"
    # fitted to the table's width, not the page's: larger than the whole page would be
    table = view._table_width(view._table_boxes(view._page))
    assert 0 < table < view._page_size[0]
    qtbot.waitUntil(lambda: abs(view.zoom - (view.view.viewport().width() - 24) / table) < 0.02, timeout=WAIT)


def test_the_fit_choice_is_remembered_across_tables_and_sessions(qtbot, make_window, pdfs):
    w = make_window()
    _open(qtbot, w, pdfs / "small.pdf")
    w.review.page_view.fit_page()
    w.review.select_table(1)
    assert w.review.page_view.fit == "page"
    w.review.page_view.zoom_step(1)
    zoom = w.review.page_view.zoom
    w.review.select_table(0)
    assert w.review.page_view.fit == "" and w.review.page_view.zoom == zoom
    w.review.page_view.fit_page()
    w.close()
    again = make_window()
    assert again.review.page_view.fit == "page"
