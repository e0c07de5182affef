"""Standardized documents → files: a workbook per table with tables.json (workbook.py), batch report, consolidated workbooks and dataset (dataset.py)."""
