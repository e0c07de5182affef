"""Desktop GUI of 预算公开表格转换器 (PySide6). It only observes and edits converters.review.ReviewSession."""
from .compat import guard_singleton_refcounts

guard_singleton_refcounts()      # PySide6 6.12.0 + CPython 3.11 reference-count bug, see gui/compat.py
