import os
import sys
from pathlib import Path

# Qt aborts the whole run without a display unless a platform is chosen before it is imported.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "tests"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

SHARED = ROOT.parent / "shared"

# Every PDF the suite's generators write (reportlab canvases, pypdfium2 saves), for tests/test_zz_pdf_readers.py,
# which runs last and converts each with both PDF page readers.
GENERATED_PDFS: list = []
READERS_DIFFER: set = set()     # PDFs made to show where the pdfplumber reader is wrong (tests/test_pdf_readers.py)


def _record_saves():
    from reportlab.pdfgen import canvas
    import pypdfium2

    def recorded(save, path_of):
        def wrapper(self, *args, **kwargs):
            result = save(self, *args, **kwargs)
            path = path_of(self, args, kwargs)
            if isinstance(path, (str, os.PathLike)) and str(path).lower().endswith(".pdf"):
                GENERATED_PDFS.append(Path(path))
            return result
        return wrapper
    canvas.Canvas.save = recorded(canvas.Canvas.save, lambda self, a, k: getattr(self, "_filename", None))
    pypdfium2.PdfDocument.save = recorded(pypdfium2.PdfDocument.save, lambda self, a, k: a[0] if a else k.get("dest"))


_record_saves()
