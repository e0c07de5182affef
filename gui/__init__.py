"""Desktop GUI of 预算公开表格转换器 (PySide6). It only observes and edits converters.review.ReviewSession."""

