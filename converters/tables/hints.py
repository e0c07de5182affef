"""What a table's form tells the grid builder about its rows: the form's column labels (a header row, though 合计
also starts body rows) and its row labels (因公出国（境）费, 合计 …: a body row even without numbers)."""
from __future__ import annotations

import re

from ..catalogue import catalogue, match_score, norm, strip_enum
from .grid import HeaderHint


def form_hint(form_id) -> HeaderHint:
    """The HeaderHint of a table of the form `form_id` (None: a title that names no known form)."""
    return HeaderHint(row_label=row_label_test(form_id), header_label=header_label_test(form_id))


def header_label_test(form_id):
    """Is a text one of the form's column labels (科目编码, 合计 …)?"""
    form = catalogue().get(form_id) if form_id else None
    if form is None:
        return None
    wide = [re.compile(norm(k.rpartition(">")[2])) for k in form.spec.get("wide_labels", {})]
    wide += [re.compile(norm(k)) for k in form.spec.get("split_column", {}).get("synonyms", [])]
    wide += [re.compile(norm(k)) for k in form.spec.get("wide_values", {})]
    return lambda text: (any(match_score(c, [text], False)[0] for c in form.columns)
                         or any(rx.fullmatch(norm(text)) for rx in wide))


def row_label_test(form_id):
    """Does a row start with one of the form's row labels or a total label (a body row even without numbers)?"""
    cat = catalogue()
    form = cat.get(form_id) if form_id else None
    # a form always printed wide (values under each label: wide_values) has its row labels in the header
    wide = form is not None and bool(form.spec.get("wide_values"))
    labels = [norm(strip_enum(norm(x))) for x in (form.spec.get("row_labels", []) if form and not wide else [])]
    labels += list(cat.total_labels)
    labels = [x for x in labels if x]

    def test(text: str) -> bool:
        t = norm(strip_enum(norm(text)))
        return any(t.startswith(x) for x in labels)
    return test
