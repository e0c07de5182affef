"""Review and correction of a converted document (no Qt: the GUI only observes and edits this model).

A `ReviewSession` owns the Document being reviewed and every correction made to it:

* edits — set a cell, insert / delete a row, change a table's target form, map a source column to a
  canonical column. Every edit re-runs the checks of the whole document at once.
* undo / redo — every edit is undoable. Tables are copied on write: an edit never changes a Table object in
  place, it replaces it in `doc.tables` with an edited copy, and the undo stack keeps the replaced objects.
  So a list of the document's tables taken at any moment stays a consistent snapshot (used for exporting in
  the background while the user goes on editing).
* autosave — the operations (not the data) are written as a JSON journal under the per-user data directory,
  keyed by the SHA-256 of the source file. Opening the same file again converts it afresh and replays the
  journal on top, so the corrections come back (and stay undoable).
* observers — plain callbacks `fn(change: Change)`, called after each change.

The journal's place and format are in journal.py; a table's status and value parsing in tables.py.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from ..catalogue import UNKNOWN_FORM, catalogue
from ..model import SHEET_FIRST_DATA_ROW, Document, Issue, Table
from ..standard.checks import CHECK_CODES, run_checks
from ..standard.normalize import standardize
from .journal import default_data_dir, file_hash, read_journal, write_journal
from .tables import coerce_value, column_kinds, form_name


class ReviewError(Exception):
    """An edit that cannot be made. The message is Chinese and user-facing."""


def _copy_table(t: Table) -> Table:
    """A copy that can be edited without touching `t` (copy-on-write)."""
    c = copy.copy(t)                 # keeps `raw` and the column overrides
    c.rows = [list(r) for r in t.rows]
    c.sources = [list(s) for s in t.sources]
    c.issues = list(t.issues)
    c.columns = list(t.columns)
    c.pages = list(t.pages)
    return c


def _shift_row_issues(t: Table, row: int, delta: int):
    """Keep the row index of standardizer issues (not recomputed) in step with an inserted/removed row."""
    kept = []
    for x in t.issues:
        if x.row is not None and x.code not in CHECK_CODES:
            if delta < 0 and x.row == row:
                continue
            if x.row >= row:
                x = Issue(x.code, x.severity, x.message, x.row + delta, x.col)
        kept.append(x)
    t.issues = kept


def _jsonable(v):
    return v if v is None or isinstance(v, (str, int, float)) else str(v)


# ---------------------------------------------------------------------------------------------- changes
@dataclass
class Change:
    """What an edit, undo or redo changed; passed to observers after the change (checks already re-run).

    kind: 'cell' (row, col) | 'rows_inserted' (row, count) | 'rows_removed' (row, count) |
          'tables' (doc.tables[start:start+len(old)] replaced by `new`) | 'reset' (anything may have changed).
    For every kind but 'reset', `old` were the Table objects at doc.tables[start:…] before and `new` are
    there now. `origin`: 'edit' | 'undo' | 'redo' | 'restore' | 'discard'. Checks may have changed the issues
    of every table, not only the edited one.
    """
    kind: str
    start: int
    old: list
    new: list
    row: Optional[int] = None
    col: Optional[int] = None
    count: int = 0
    origin: str = "edit"
    label: str = ""


@dataclass
class _Step:
    op: dict                      # journal entry
    label: str                    # Chinese, for 撤销/重做 menu texts
    start: int
    old: list
    new: list
    kind: str                     # forward change kind
    row: Optional[int] = None
    col: Optional[int] = None
    count: int = 0

    def forward(self, origin: str) -> Change:
        return Change(self.kind, self.start, self.old, self.new, self.row, self.col, self.count, origin, self.label)

    def backward(self, origin: str) -> Change:
        inverse = {"rows_inserted": "rows_removed", "rows_removed": "rows_inserted"}.get(self.kind, self.kind)
        return Change(inverse, self.start, self.new, self.old, self.row, self.col, self.count, origin, self.label)


@dataclass
class RestoreResult:
    applied: int = 0
    skipped: int = 0
    messages: list = field(default_factory=list)     # Chinese, why operations were skipped


# ---------------------------------------------------------------------------------------------- session
class ReviewSession:
    """The document under review, its corrections, their undo history and their autosave journal."""

    def __init__(self, doc: Document, *, data_dir=None, source_hash: Optional[str] = None,
                 autosave: bool = True):
        self.doc = doc
        self.data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
        self.autosave = autosave
        self._hash = source_hash
        self._undo: list = []
        self._redo: list = []
        self._observers: list = []
        self.restored = RestoreResult()
        self.save_error: Optional[str] = None

    @classmethod
    def open(cls, doc: Document, *, data_dir=None, source_hash: Optional[str] = None,
             autosave: bool = True) -> "ReviewSession":
        """A session for a freshly converted document, with the corrections saved for its file restored."""
        session = cls(doc, data_dir=data_dir, source_hash=source_hash, autosave=autosave)
        session.restore()
        return session

    # ------------------------------------------------------------------ basics
    @property
    def tables(self) -> list:
        return self.doc.tables

    @property
    def source_name(self) -> str:
        return Path(self.doc.source).name

    @property
    def source_hash(self) -> Optional[str]:
        if self._hash is None:
            try:
                self._hash = file_hash(self.doc.source)
            except OSError:
                return None
        return self._hash

    @property
    def journal_path(self) -> Optional[Path]:
        h = self.source_hash
        return self.data_dir / "corrections" / f"{h}.json" if h else None

    def subscribe(self, fn: Callable[[Change], None]) -> Callable[[], None]:
        """Call `fn(change)` after every change; returns a function that unsubscribes."""
        self._observers.append(fn)
        return lambda: self._observers.remove(fn) if fn in self._observers else None

    def _notify(self, change: Change):
        for fn in list(self._observers):
            fn(change)

    def snapshot(self) -> Document:
        """The document with its current tables. Tables are copied on write, so the snapshot stays as it is
        while editing goes on (it can be exported in a thread)."""
        doc = copy.copy(self.doc)
        doc.tables = list(self.doc.tables)
        return doc

    @property
    def operations(self) -> list:
        """The corrections in effect, in order (what the journal holds)."""
        return [s.op for s in self._undo]

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def undo_label(self) -> str:
        return self._undo[-1].label if self._undo else ""

    @property
    def redo_label(self) -> str:
        return self._redo[-1].label if self._redo else ""

    def _table(self, index: int) -> Table:
        if not 0 <= index < len(self.doc.tables):
            raise ReviewError(f"表格序号超出范围：{index + 1}")
        return self.doc.tables[index]

    @staticmethod
    def _ref(t: Table) -> dict:
        return {"title": t.title, "form": t.form}

    # ------------------------------------------------------------------ edits
    def set_cell(self, table: int, row: int, col: int, value) -> bool:
        """Set one cell of the standardized table; text is parsed like the engine parses it (numbers in
        amount/count columns, cleaned codes and text). False when the value does not change."""
        return self.set_cells(table, [(row, col, value)]) > 0

    def set_cells(self, table: int, cells: list, label: Optional[str] = None) -> int:
        """Set several cells [(row, col, value)] of one table as one correction (one undo step): a paste, or
        clearing a selection. Returns how many cells changed."""
        t = self._table(table)
        kinds = column_kinds(t)
        changed = []
        for row, col, value in cells:
            if not (0 <= row < len(t.rows) and 0 <= col < len(t.columns)):
                raise ReviewError("单元格不存在")
            new_value = coerce_value(kinds[col], value)
            old_value = t.rows[row][col] if col < len(t.rows[row]) else None
            both_numbers = all(isinstance(v, (int, float)) for v in (new_value, old_value))
            if new_value == old_value and (both_numbers or type(new_value) is type(old_value)):
                continue
            changed.append({"row": row, "col": col, "column": t.columns[col], "value": _jsonable(new_value),
                            "old": _jsonable(old_value)})
        if changed:
            op = {"op": "set_cells", "table": table, "ref": self._ref(t), "cells": changed}
            if label:
                op["label"] = label
            self._edit(op, "edit")
        return len(changed)

    def insert_row(self, table: int, row: int) -> None:
        """Insert an empty row before `row` (`row == len(rows)` appends)."""
        t = self._table(table)
        if not 0 <= row <= len(t.rows):
            raise ReviewError("插入位置超出范围")
        if not t.columns:
            raise ReviewError("本表没有列，无法插入行")
        self._edit({"op": "insert_row", "table": table, "ref": self._ref(t), "row": row}, "edit")

    def delete_row(self, table: int, row: int) -> None:
        t = self._table(table)
        if not 0 <= row < len(t.rows):
            raise ReviewError("要删除的行不存在")
        self._edit({"op": "delete_row", "table": table, "ref": self._ref(t), "row": row,
                  "values": [_jsonable(v) for v in t.rows[row]]}, "edit")

    def edits_since_rebuild(self, table: int) -> int:
        """Cells and rows of the table corrected since it was last standardized: a form change or a column
        mapping rebuilds the table from its raw grid and replaces them (undo brings them back)."""
        current, n = self._table(table), 0
        for step in reversed(self._undo):
            if not any(t is current for t in step.new):
                continue
            if step.op["op"] in ("set_form", "map_column"):
                break
            n += len(step.op.get("cells", ())) or 1
            current = step.old[0]
        return n

    def set_form(self, table: int, form_id: str) -> bool:
        """Re-standardize the table as found with another target form ('unknown': the raw grid).
        Replaces the table (edits made to its cells before are replaced too; undo brings them back)."""
        t = self._table(table)
        if form_id != UNKNOWN_FORM and catalogue().get(form_id) is None:
            raise ReviewError(f"未知的表式：{form_id}")
        if t.raw is None:
            raise ReviewError("本表没有保留原始提取结果，无法更改表式")
        if form_id == t.form:
            return False
        self._edit({"op": "set_form", "table": table, "ref": self._ref(t), "form": form_id}, "edit")
        return True

    def map_column(self, table: int, source: int, column: Optional[str]) -> bool:
        """Map the raw table's column `source` to the canonical column `column` (None: leave it out)."""
        t = self._table(table)
        form = catalogue().get(t.form)
        if form is None:
            raise ReviewError("未识别的表格没有标准列，请先选择目标表式")
        if t.raw is None:
            raise ReviewError("本表没有保留原始提取结果，无法指定列")
        if not 0 <= source < len(t.source_columns):
            raise ReviewError("源表列不存在")
        if column is not None and column not in form.column_names:
            raise ReviewError(f"“{form.name}”没有“{column}”列")
        if t.source_columns[source][1] == column:
            return False
        self._edit({"op": "map_column", "table": table, "ref": self._ref(t), "source": source, "column": column},
                 "edit")
        return True

    # ------------------------------------------------------------------ history
    def undo(self) -> bool:
        if not self._undo:
            return False
        step = self._undo.pop()
        self._swap_tables(step.start, step.new, step.old)
        self._redo.append(step)
        self._recheck_save_notify(step.backward("undo"))
        return True

    def redo(self) -> bool:
        if not self._redo:
            return False
        step = self._redo.pop()
        self._swap_tables(step.start, step.old, step.new)
        self._undo.append(step)
        self._recheck_save_notify(step.forward("redo"))
        return True

    def discard_corrections(self) -> int:
        """Undo every correction (restored ones included) for good; returns how many there were."""
        n = len(self._undo)
        if not n:
            return 0
        while self._undo:
            step = self._undo.pop()
            self._swap_tables(step.start, step.new, step.old)
        self._redo.clear()
        self._recheck_save_notify(Change("reset", 0, [], list(self.doc.tables), origin="discard", label="放弃全部更正"))
        return n

    # ------------------------------------------------------------------ journal
    def save(self) -> Optional[Path]:
        """Write the journal now (or delete it when there is no correction). Errors go to `save_error`."""
        path = self.journal_path
        if path is None:
            self.save_error = "无法读取源文件，更正未能自动保存"
            return None
        try:
            written = write_journal(path, self.source_name, self.source_hash, self.operations if self._undo else [])
        except OSError as e:
            self.save_error = f"更正未能自动保存：{e.strerror or e}"
            return None
        self.save_error = None
        return written

    def load_journal(self) -> list:
        return read_journal(self.journal_path) if self.journal_path is not None else []

    def restore(self) -> RestoreResult:
        """Replay the saved corrections of this file on the (fresh) document. They become undoable steps."""
        result = RestoreResult()
        for op in self.load_journal():
            try:
                op = self._resolve(op)
                self._apply_step(op)
                result.applied += 1
            except Exception as e:  # a journal from another engine version must never stop opening the file
                result.skipped += 1
                result.messages.append(str(e) if isinstance(e, ReviewError) else f"无法恢复的更正：{op!r}")
        if result.applied:
            run_checks(self.doc.tables)
            self._notify(Change("reset", 0, [], list(self.doc.tables), origin="restore",
                                label=f"恢复 {result.applied} 处更正"))
        if result.skipped:
            self._save_if_enabled()           # drop the operations that no longer apply
        self.restored = result
        return result

    def _resolve(self, op: dict) -> dict:
        """The operation with its table (and column) index checked against the current document: the journal
        may have been written by another version of the engine."""
        if not isinstance(op, dict) or "op" not in op:
            raise ReviewError("更正记录格式错误")
        ref = op.get("ref") or {}
        idx = op.get("table")
        tables = self.doc.tables

        def matches(t):
            return t.title == ref.get("title") and t.form == ref.get("form")
        if not (isinstance(idx, int) and 0 <= idx < len(tables) and matches(tables[idx])):
            found = [i for i, t in enumerate(tables) if matches(t)]
            if len(found) != 1:
                raise ReviewError(f"找不到更正所属的表格“{ref.get('title')}”，已跳过")
            idx = found[0]
        op = dict(op, table=idx)
        t = tables[idx]
        if op["op"] == "set_cell":           # one cell, as journals of earlier versions hold it
            op = {"op": "set_cells", "table": idx, "ref": ref,
                  "cells": [{k: op.get(k) for k in ("row", "col", "column", "value", "old")}]}
        if op["op"] == "set_cells":
            op["cells"] = [self._resolve_cell(t, dict(c)) for c in op.get("cells") or []]
        elif op["op"] == "insert_row" and not 0 <= op["row"] <= len(t.rows):
            raise ReviewError(f"“{t.title}”的插入位置已不存在，已跳过")
        elif op["op"] == "delete_row" and not 0 <= op["row"] < len(t.rows):
            raise ReviewError(f"“{t.title}”第 {op['row'] + SHEET_FIRST_DATA_ROW} 行已不存在，已跳过")
        elif op["op"] in ("set_form", "map_column") and t.raw is None:
            raise ReviewError(f"“{t.title}”没有原始提取结果，已跳过")
        elif op["op"] == "map_column" and not 0 <= op["source"] < len(t.source_columns):
            raise ReviewError(f"“{t.title}”的源表列已不存在，已跳过")
        elif op["op"] not in ("set_cells", "insert_row", "delete_row", "set_form", "map_column"):
            raise ReviewError(f"未知的更正类型：{op['op']}")
        return op

    @staticmethod
    def _resolve_cell(t: Table, cell: dict) -> dict:
        if not (0 <= cell["row"] < len(t.rows)):
            raise ReviewError(f"“{t.title}”第 {cell['row'] + SHEET_FIRST_DATA_ROW} 行已不存在，已跳过")
        if not (0 <= cell["col"] < len(t.columns) and t.columns[cell["col"]] == cell["column"]):
            if cell["column"] not in t.columns:
                raise ReviewError(f"“{t.title}”已没有“{cell['column']}”列，已跳过")
            cell["col"] = t.columns.index(cell["column"])
        return cell

    def _save_if_enabled(self):
        if self.autosave:
            self.save()

    # ------------------------------------------------------------------ machinery
    def _edit(self, op: dict, origin: str):
        """Apply a user's operation as a new undoable step, then re-check, save and notify."""
        step = self._apply_step(op)
        self._redo.clear()
        self._recheck_save_notify(step.forward(origin))

    def _recheck_save_notify(self, change: Change):
        run_checks(self.doc.tables)
        self._save_if_enabled()
        self._notify(change)

    def _swap_tables(self, start: int, current: list, replacement: list):
        """Swap the Table objects `current` at doc.tables[start:…] for `replacement` (undo / redo)."""
        here = self.doc.tables[start:start + len(current)]
        if len(here) != len(current) or any(a is not b for a, b in zip(here, current)):
            raise RuntimeError("review history out of step with the document")
        self.doc.tables[start:start + len(current)] = replacement

    def _apply_step(self, op: dict) -> _Step:
        """Apply one operation (without re-running checks or notifying) and push it on the undo stack."""
        i = op["table"]
        old = self.doc.tables[i]
        kind = op["op"]
        if kind == "set_cells":
            t = _copy_table(old)
            for cell in op["cells"]:
                r = t.rows[cell["row"]]
                if len(r) < len(t.columns):
                    r.extend([None] * (len(t.columns) - len(r)))
                r[cell["col"]] = cell["value"]
            first = op["cells"][0]
            label = op.get("label") or (f"修改单元格（{t.columns[first['col']]}）" if len(op["cells"]) == 1
                                        else f"修改 {len(op['cells'])} 个单元格")
            step = _Step(op, label, i, [old], [t], "cell", first["row"], first["col"], len(op["cells"]))
        elif kind == "insert_row":
            t = _copy_table(old)
            row = op["row"]
            aligned = len(t.sources) == len(t.rows)
            t.rows.insert(row, [None] * len(t.columns))
            if aligned:
                t.sources.insert(row, [None] * len(t.columns))
            t.empty = False
            _shift_row_issues(t, row, +1)
            step = _Step(op, "插入行", i, [old], [t], "rows_inserted", row, None, 1)
        elif kind == "delete_row":
            t = _copy_table(old)
            row = op["row"]
            aligned = len(t.sources) == len(t.rows)
            del t.rows[row]
            if aligned:
                del t.sources[row]
            _shift_row_issues(t, row, -1)
            step = _Step(op, "删除行", i, [old], [t], "rows_removed", row, None, 1)
        elif kind == "set_form":
            new = standardize(old.raw, op["form"])
            self._keep_meta(old, new)
            step = _Step(op, f"更改表式为“{form_name(op['form'])}”", i, [old], new, "tables")
        elif kind == "map_column":
            overrides = dict(old.overrides)
            overrides[int(op["source"])] = op["column"]
            results = standardize(old.raw, old.form, overrides)
            t = next((n for n in results if n.form == old.form), results[0])
            self._keep_meta(old, [t])
            label = f"指定列（{op['column']}）" if op["column"] else "取消列映射"
            step = _Step(op, label, i, [old], [t], "tables")
        else:
            raise ReviewError(f"未知的更正类型：{kind}")
        self.doc.tables[i:i + 1] = step.new
        self._undo.append(step)
        return step

    @staticmethod
    def _keep_meta(old: Table, new: list):
        """Re-standardized tables keep the document-level meta the pipeline filled in."""
        for n in new:
            n.unit_name = n.unit_name or old.unit_name
            n.year = n.year or old.year
            n.money_unit = n.money_unit or old.money_unit
