"""OCR of scanned pages and garbled text layers: recognize.py decides and reads a page, engine.py runs the models,
raster.py holds the image operations."""
