"""Writers of bad or awkward inputs for robustness tests (no pytest dependency).

Every function takes the output path first and returns it (as str):

    not_a_pdf(path, kind="text"|"png"|"empty")   a .pdf whose bytes are text, a PNG, or nothing
    encrypted_pdf(path, user_password="secret")   a table PDF that needs a password to open
    truncated_pdf(path, fraction=0.5)             a valid table PDF cut after `fraction` of its bytes
    zero_page_pdf(path)                           a syntactically valid PDF with /Pages /Count 0
    image_only_pdf(path, pages=2)                 pages that are a raster image of a table, no text layer
    no_tables_pdf(path)                           only narrative paragraphs
    huge_pdf(path, pages=1000)                    many simple table pages, written in about a second
"""
from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

try:                                    # imported as tests.badfiles or with tests/ on sys.path
    from . import pdfgen
except ImportError:                     # pragma: no cover
    import pdfgen  # type: ignore


def _small_table_doc(ruling: str = "grid") -> "pdfgen.DocSpec":
    spec, _ = pdfgen.shanxi_expenditure_summary(ruling=ruling)
    tp, _ = pdfgen.three_public()
    return pdfgen.DocSpec([spec, tp])


def _png_bytes(width: int = 8, height: int = 8) -> bytes:
    """A tiny valid grey PNG, built by hand (no Pillow needed)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes([200]) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def not_a_pdf(path, kind: str = "text") -> str:
    """A file named .pdf that is not a PDF: plain text (Chinese, UTF-8), PNG bytes, or empty."""
    if kind == "text":
        data = "测试县财政局部门2024年预算支出总表\n这不是PDF文件。\n".encode("utf-8")
    elif kind == "png":
        data = _png_bytes()
    elif kind == "empty":
        data = b""
    else:
        raise ValueError(f"unknown kind {kind!r}")
    Path(path).write_bytes(data)
    return str(path)


def encrypted_pdf(path, user_password: str = "secret", owner_password: str = "owner") -> str:
    """A table PDF with a user password (opening it without the password fails)."""
    from reportlab.lib.pdfencrypt import StandardEncryption
    enc = StandardEncryption(user_password, ownerPassword=owner_password, strength=128)
    pdfgen.build_pdf(_small_table_doc(), str(path), encrypt=enc)
    return str(path)


def truncated_pdf(path, fraction: float = 0.5) -> str:
    """A valid table PDF cut after `fraction` of its bytes (no xref table, no trailer, no %%EOF)."""
    data, _ = pdfgen.build_pdf_bytes(_small_table_doc())
    Path(path).write_bytes(data[: max(1, int(len(data) * fraction))])
    return str(path)


def zero_page_pdf(path) -> str:
    """A hand-written, syntactically valid PDF whose page tree is empty (/Kids [] /Count 0)."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n" % (len(objs) + 1)
    out += b"0000000000 65535 f \n"
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    Path(path).write_bytes(bytes(out))
    return str(path)


def image_only_pdf(path, pages: int = 2, scale: float = 2.0, ruling: str = "grid") -> str:
    """Pages that are only a raster image of a table (like a scan): no text layer at all.

    A generated table PDF is rendered with pypdfium2 and each PNG placed full-page with drawImage.
    """
    import pypdfium2 as pdfium
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    spec, _ = pdfgen.long_table(40 * pages, ruling=ruling)
    data, facts = pdfgen.build_pdf_bytes(pdfgen.DocSpec([spec]))
    src = pdfium.PdfDocument(data)
    try:
        c = canvas.Canvas(str(path))
        for i in range(min(pages, len(src))):
            page = src[i]
            w, h = page.get_size()
            img = page.render(scale=scale).to_pil()
            buf = io.BytesIO()
            img.save(buf, format="PNG")
            buf.seek(0)
            c.setPageSize((w, h))
            c.drawImage(ImageReader(buf), 0, 0, width=w, height=h)
            c.showPage()
        c.save()
    finally:
        src.close()
    return str(path)


def no_tables_pdf(path, pages: int = 2) -> str:
    """Only narrative text (headings and paragraphs), no tables at all."""
    paras = []
    for k in range(pages * 14):
        paras.append(f"（{k + 1}）测试县财政局负责贯彻执行国家有关财政、税收方面的法律、法规和方针政策，"
                     "拟订全县财政发展规划和政策措施并组织实施，承担全县各项财政收支管理的责任。")
    doc = pdfgen.DocSpec([pdfgen.Narrative(paras, heading="第一部分 概况")], footer="-{n}-")
    pdfgen.build_pdf(doc, str(path))
    return str(path)


def huge_pdf(path, pages: int = 1000, rows_per_page: int = 30) -> str:
    """A `pages`-page document: one 项目支出预算表 continuing over every page, header repeated, grid ruled.

    Drawn directly (not through the layout engine) so 1000 pages take about a second. Each page's rows are
    distinct (row numbers and amounts vary); page 1 carries the title and meta line.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font = pdfgen._register_font(pdfgen.DEFAULT_FONT)
    c = canvas.Canvas(str(path), pagesize=A4, pageCompression=0)
    w, h = A4
    x = [50.0, 110.0, 300.0, 380.0, 460.0, 545.0]
    head = ["科目编码", "项目名称", "合计", "基本支出", "项目支出"]
    rh = 20.0
    n = 0
    for p in range(1, pages + 1):
        top = h - 60
        if p == 1:
            c.setFont(font, 15)
            c.drawCentredString(w / 2, h - 45, "测试县财政局部门2024年项目支出预算表（本年预算）")
            c.setFont(font, 9)
            c.drawString(x[0], h - 62, "单位名称：测试县财政局")
            c.drawRightString(x[-1], h - 62, "单位：万元")
            top = h - 68
        c.setFont(font, 9)
        for k, t in enumerate(head):
            c.drawCentredString((x[k] + x[k + 1]) / 2, top - rh + 7, t)
        y = top - rh
        for r in range(rows_per_page):
            n += 1
            cents = 10000 + (n * 7919) % 900000
            basic = cents // 3
            vals = [f"2{n % 100:02d}{n % 10000:04d}", f"第{n}号项目经费", f"{cents / 100:.2f}", f"{basic / 100:.2f}",
                    f"{(cents - basic) / 100:.2f}"]
            base = y - rh + 7
            c.drawString(x[0] + 3, base, vals[0])
            c.drawString(x[1] + 3, base, vals[1])
            for k in (2, 3, 4):
                c.drawRightString(x[k + 1] - 3, base, vals[k])
            y -= rh
        c.setLineWidth(0.6)
        yy = top
        while yy >= y - 0.01:
            c.line(x[0], yy, x[-1], yy)
            yy -= rh
        for xx in x:
            c.line(xx, top, xx, y)
        c.drawCentredString(w / 2, 36, f"-{p}-")
        c.showPage()
    c.save()
    return str(path)


if __name__ == "__main__":     # python tests/badfiles.py OUTDIR
    import sys
    import time
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/badfiles")
    out.mkdir(parents=True, exist_ok=True)
    for name, fn in [("not_a_pdf.pdf", not_a_pdf), ("encrypted.pdf", encrypted_pdf),
                     ("truncated.pdf", truncated_pdf), ("zero_page.pdf", zero_page_pdf),
                     ("image_only.pdf", image_only_pdf), ("no_tables.pdf", no_tables_pdf),
                     ("huge.pdf", huge_pdf)]:
        t = time.time()
        fn(out / name)
        print(f"{name}: {os.path.getsize(out / name)} bytes, {time.time() - t:.2f}s")
