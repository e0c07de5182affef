"""Colours and small display helpers shared by the GUI's views. The severities' labels, ranks and colours are
converters.model's (the exported workbooks use the same)."""
from __future__ import annotations

from PySide6.QtGui import QColor

from converters.model import SEVERITY_CELL_COLORS, SEVERITY_ROW_COLORS

CELL_COLORS = {k: QColor("#" + v) for k, v in SEVERITY_CELL_COLORS.items()}      # a flagged cell
ROW_COLORS = {k: QColor("#" + v) for k, v in SEVERITY_ROW_COLORS.items()}        # a flagged row
SEVERITY_TEXT = {"error": QColor("#B00020"), "warning": QColor("#8A6100"), "info": QColor("#2F5597")}
STATUS_COLORS = {"ok": QColor("#2E7D32"), "review": QColor("#B45F06"), "empty": QColor("#757575"),
                 "unknown": QColor("#6A1B9A")}
REGION_PEN = QColor(0, 102, 204)
REGION_FILL = QColor(0, 102, 204, 28)
CELL_PEN = QColor(230, 81, 0)
CELL_FILL = QColor(255, 152, 0, 70)
RAW_HEADER_BG = QColor("#E8ECF4")


def format_value(value, kind) -> str:
    """Display text of a cell value: amounts with thousands separators and 2 decimals, like the workbooks."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        if kind == "amount":
            return f"{value:,.2f}"
        if kind == "count":
            return f"{value:,}" if float(value).is_integer() else str(value)
        if kind == "code":
            return str(int(value)) if float(value).is_integer() else str(value)
        return str(value)
    return str(value)


def edit_text(value) -> str:
    """The text an editor starts with (numbers without thousands separators)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else repr(value)
    return str(value)
