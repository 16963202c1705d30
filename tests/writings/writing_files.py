"""Files the writings tests upload, made in the test: .docx with python-docx, a PDF with a text
layer written by hand (a Type0 font with a ToUnicode map, so no font file is needed), a scanned
PDF (an image only) with Pillow."""

from __future__ import annotations

import io
import zlib

from docx import Document

TITLE = "挂职锻炼心得体会"
HEADING_1 = "一、深入基层调研"
HEADING_2 = "（一）走访企业摸清底数"
PARAGRAPH = "组织首轮走访企业 698 家，逐户建立问题清单，协调解决融资、用工等问题。"
TABLE = [["项目", "数量"], ["走访企业", "698"], ["协调贷款", "800万元"]]


def docx_bytes(
    *,
    title: str = TITLE,
    with_table: bool = True,
    styled_headings: bool = True,
    paragraphs: tuple[str, ...] = (PARAGRAPH,),
) -> bytes:
    document = Document()
    if title:
        document.add_heading(title, level=0)  # the Title style
    if styled_headings:
        document.add_heading(HEADING_1, level=1)
        document.add_heading(HEADING_2, level=2)
    else:
        document.add_paragraph(HEADING_1)
        document.add_paragraph(HEADING_2)
    for text in paragraphs:
        document.add_paragraph(text)
    if with_table:
        grid = document.add_table(rows=len(TABLE), cols=2, style="Table Grid")
        for r, row in enumerate(TABLE):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_bytes(lines: list[str]) -> bytes:
    """A one-page PDF whose text layer holds `lines` (one line of text each)."""
    cmap_ranges = "\n".join(f"<{hi:02X}00> <{hi:02X}FF> <{hi:02X}00>" for hi in range(256))
    to_unicode = (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        f"100 beginbfrange\n{cmap_ranges}\nendbfrange\n"
        "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    )
    content = "".join(
        f"BT /F1 12 Tf 50 {780 - 15 * i} Td <{line.encode('utf-16-be').hex().upper()}> Tj ET\n"
        for i, line in enumerate(lines)
    )
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 7 0 R >>",
        "<< /Type /Font /Subtype /Type0 /BaseFont /NotoSerifCJK /Encoding /Identity-H "
        "/DescendantFonts [5 0 R] /ToUnicode 6 0 R >>",
        "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NotoSerifCJK "
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 "
        "/FontDescriptor 8 0 R >>",
        _stream(to_unicode.encode("ascii")),
        _stream(content.encode("ascii")),
        "<< /Type /FontDescriptor /FontName /NotoSerifCJK /Flags 4 "
        "/FontBBox [0 -120 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 "
        "/CapHeight 700 /StemV 80 >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def _stream(data: bytes) -> str:
    packed = zlib.compress(data)
    return (
        f"<< /Length {len(packed)} /Filter /FlateDecode >>\nstream\n"
        + packed.decode("latin-1")
        + "\nendstream"
    )


def scanned_pdf_bytes() -> bytes:
    """A PDF holding one picture and no text, as a scanner makes it."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (300, 400), "white").save(buffer, format="PDF")
    return buffer.getvalue()
