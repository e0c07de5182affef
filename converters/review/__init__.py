"""Review and correction of a converted document (no Qt: the GUI only observes and edits this model).

session.py: ReviewSession (edits, undo/redo, re-checks, observers, autosave); journal.py: where corrections are
saved; tables.py: a table's status, names and value parsing as the review shows them.
"""
from .journal import DATA_DIR_ENV, default_data_dir, file_hash
from .session import Change, RestoreResult, ReviewError, ReviewSession
from .tables import (cell_location, coerce_value, column_kinds, counts_summary, document_counts, document_summary,
                     flagged_cells, form_choices, form_name, review_issues, table_status)

__all__ = ["DATA_DIR_ENV", "Change", "RestoreResult", "ReviewError", "ReviewSession", "cell_location", "coerce_value",
           "column_kinds", "counts_summary", "default_data_dir", "document_counts", "document_summary", "file_hash",
           "flagged_cells", "form_choices", "form_name", "review_issues", "table_status"]
