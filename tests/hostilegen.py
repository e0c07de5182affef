"""Hostile files made by hand: PDFs whose page content is a bomb or damaged, scans sized in pixels as points.
Used by tests/test_hostile.py and bench/zoo.py."""
from __future__ import annotations

import io
import zlib
from pathlib import Path

import numpy as np


def raw_pdf(path: Path, width: float, height: float, content: bytes, compress: bool = True,
            corrupt: bool = False) -> Path:
    """A one-page PDF whose page draws `content` (Flate-compressed; `corrupt` garbles the compressed bytes)."""
    data = zlib.compress(content, 9) if compress else content
    if corrupt:
        data = data[:20] + bytes(b ^ 0x5A for b in data[20:60]) + data[60:]
    filters = b"/Filter /FlateDecode " if compress else b""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.0f %.0f] /Contents 4 0 R /Resources << >> >>"
               % (width, height),
               b"<< " + filters + b"/Length %d >>\nstream\n" % len(data) + data + b"\nendstream"]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for k, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % k + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for o in offsets:
        out.write(b"%010d 00000 n \n" % o)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    path.write_bytes(out.getvalue())
    return path


def image_pdf(path: Path, gray: np.ndarray, dpi: float) -> Path:
    """A page holding only `gray`, sized at `dpi` (72: the page is the image's pixel count in points)."""
    from PIL import Image
    Image.fromarray(gray).save(path, "PDF", resolution=dpi)
    return path


