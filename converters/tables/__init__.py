"""Pages or sheets → raw tables: layout (lines, titles, meta), grid (a segment → cells), pages (stitching across pages), office (sheets), performance/ (绩效目标表 forms)."""
