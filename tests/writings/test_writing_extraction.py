"""Text extraction from every accepted format (guazhi.lib.extract_text, no Django): headings,
tables, empty, corrupt and scanned files, encodings, bombs, LibreOffice present or not."""

from __future__ import annotations

import io
import os
import subprocess
import zipfile

import pytest
from writing_files import (
    HEADING_1,
    HEADING_2,
    PARAGRAPH,
    TABLE,
    TITLE,
    docx_bytes,
    pdf_bytes,
    scanned_pdf_bytes,
)

from guazhi.lib import office
from guazhi.lib.extract_text import ExtractionError, decode_text, extract, sniff

MB = 1024 * 1024
needs_office = pytest.mark.skipif(
    not office.libreoffice_available(),
    reason="LibreOffice 未安装：跳过 .doc / .wps 真实转换测试（未安装时的提示另有测试）",
)

TXT = f"{TITLE}\n\n{HEADING_1}\n{HEADING_2}\n{PARAGRAPH}\n"


def _extract(data: bytes, name: str):  # type: ignore[no-untyped-def]
    return extract(data, name, max_bytes=10 * MB)


def _shape(blocks):  # type: ignore[no-untyped-def]
    return [(b["type"], b.get("level"), b.get("text") or b.get("rows")) for b in blocks]


# --- .docx ---------------------------------------------------------------------------------------


def test_docx_title_headings_paragraphs_and_table():
    result = _extract(docx_bytes(), "心得.docx")
    assert result.source == "docx"
    assert result.title == TITLE
    assert _shape(result.blocks) == [
        ("heading", 1, HEADING_1),
        ("heading", 2, HEADING_2),
        ("paragraph", None, PARAGRAPH),
        ("table", None, TABLE),
    ]


def test_docx_numbered_paragraphs_without_heading_styles_are_headings():
    result = _extract(docx_bytes(styled_headings=False, with_table=False), "心得.docx")
    assert _shape(result.blocks)[:2] == [("heading", 1, HEADING_1), ("heading", 2, HEADING_2)]


def test_docx_heading_by_outline_level_and_chinese_style_name():
    """WPS and Chinese Word name the styles 标题 1 with ids like "1"; outline level counts too."""
    data = docx_bytes(with_table=False)
    archive = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in archive.infolist():
            content = archive.read(info)
            if info.filename == "word/styles.xml":
                content = content.replace(b'w:val="heading 1"', 'w:val="标题 1"'.encode())
            if info.filename == "word/document.xml":
                # The body paragraph gets an outline level of 2 (→ a second-level heading).
                content = content.replace(
                    b"<w:p><w:r><w:t>" + PARAGRAPH.encode(),
                    b'<w:p><w:pPr><w:outlineLvl w:val="1"/></w:pPr><w:r><w:t>' + PARAGRAPH.encode(),
                )
            target.writestr(info, content)
    blocks = _extract(out.getvalue(), "a.docx").blocks
    assert blocks[0] == {"type": "heading", "level": 1, "text": HEADING_1}
    assert any(b["type"] == "heading" and b["text"] == PARAGRAPH for b in blocks) or any(
        b["type"] == "paragraph" and b["text"] == PARAGRAPH for b in blocks
    )


def test_docx_without_title_takes_a_short_first_line_or_the_file_name():
    result = _extract(docx_bytes(title="", paragraphs=()), "第一季度小结.docx")
    assert result.title == "第一季度小结"
    assert result.blocks[0]["text"] == HEADING_1


def test_empty_docx_is_refused():
    with pytest.raises(ExtractionError, match="没有可以读取的文字"):
        _extract(_empty_docx(), "空.docx")


def _empty_docx() -> bytes:
    from docx import Document

    buffer = io.BytesIO()
    Document().save(buffer)
    return buffer.getvalue()


def test_corrupt_docx_is_refused():
    data = docx_bytes()
    with pytest.raises(ExtractionError, match="损坏"):
        _extract(data[: len(data) // 2], "坏.docx")


def test_excel_workbook_is_named_as_such():
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    with pytest.raises(ExtractionError, match="Excel"):
        _extract(buffer.getvalue(), "心得.docx")


def test_zip_bomb_is_refused_before_it_is_inflated():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<w:document>" + b" " * (60 * MB) + b"</w:document>")
    with pytest.raises(ExtractionError, match="压缩炸弹"):
        _extract(out.getvalue(), "炸弹.docx")


def test_docx_with_doctype_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><w:document/>',
        )
    with pytest.raises(ExtractionError, match="DOCTYPE"):
        _extract(out.getvalue(), "a.docx")


# --- .txt ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_txt_encodings(encoding):
    result = _extract(TXT.encode(encoding), "心得.txt")
    assert result.source == "txt"
    assert result.title == TITLE
    assert _shape(result.blocks) == [
        ("heading", 1, HEADING_1),
        ("heading", 2, HEADING_2),
        ("paragraph", None, PARAGRAPH),
    ]


def test_gb18030_only_characters_survive():
    text = "㐀㐁 少数民族人名用字：䶮。"
    assert decode_text(("标题\n" + text).encode("gb18030")) == "标题\n" + text


def test_binary_junk_is_not_taken_for_text():
    with pytest.raises(ExtractionError, match="不支持"):
        _extract(bytes(range(256)) * 20, "心得.txt")


@pytest.mark.parametrize("data", [b"", b"   \r\n\t "])
def test_empty_file_is_refused(data):
    with pytest.raises(ExtractionError, match="空"):
        _extract(data, "空.txt")


def test_size_cap():
    with pytest.raises(ExtractionError, match="超过了 1 MB 的上限"):
        extract(b"a" * (MB + 1), "大.txt", max_bytes=MB)


# --- .pdf ----------------------------------------------------------------------------------------


def test_pdf_text_layer_joins_wrapped_lines_and_drops_page_numbers():
    data = pdf_bytes(
        [
            TITLE,
            HEADING_1,
            "组织首轮走访企业 698 家，逐户建立问题",
            "清单，协调解决融资问题。",
            "— 1 —",
        ]
    )
    result = _extract(data, "心得.pdf")
    assert result.source == "pdf"
    assert result.title == TITLE
    assert _shape(result.blocks) == [
        ("heading", 1, HEADING_1),
        ("paragraph", None, "组织首轮走访企业 698 家，逐户建立问题清单，协调解决融资问题。"),
    ]


def test_scanned_pdf_gets_a_clear_message():
    with pytest.raises(ExtractionError, match="扫描件"):
        _extract(scanned_pdf_bytes(), "扫描件.pdf")


def test_corrupt_pdf_is_refused():
    data = pdf_bytes([TITLE, PARAGRAPH])
    with pytest.raises(ExtractionError, match="损坏|扫描件"):
        _extract(data[:200], "坏.pdf")


def test_type_is_told_by_content_not_name():
    assert sniff(pdf_bytes([TITLE])) == "pdf"
    assert _extract(pdf_bytes([TITLE, PARAGRAPH]), "其实是PDF.docx").source == "pdf"
    assert _extract(docx_bytes(), "其实是Word.pdf").source == "docx"


# --- .doc / .wps ---------------------------------------------------------------------------------


@pytest.fixture
def no_office(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("GUAZHI_SOFFICE", raising=False)
    monkeypatch.setattr(office, "_EXTRA_GLOBS", ())


OLE2_WORD = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200 + "WordDocument".encode("utf-16-le")


@pytest.mark.parametrize("name", ["心得.doc", "心得.wps"])
def test_doc_without_libreoffice_says_save_as_docx(no_office, name):
    with pytest.raises(ExtractionError, match=r"未安装 LibreOffice.*另存为.*\.docx"):
        _extract(OLE2_WORD + b"\x00" * 1000, name)


def test_encrypted_office_file_is_named_as_such():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le")
    with pytest.raises(ExtractionError, match="密码"):
        _extract(data + b"\x00" * 100, "加密.docx")


@pytest.fixture(scope="module")
def word97(tmp_path_factory) -> bytes:
    """A real Word 97 .doc written by LibreOffice (no binary fixture in the repository)."""
    if not office.libreoffice_available():
        pytest.skip("LibreOffice 未安装")
    work = tmp_path_factory.mktemp("word97")
    (work / "sample.docx").write_bytes(docx_bytes())
    subprocess.run(
        [
            office.find_soffice() or "soffice",
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "doc:MS Word 97",
            "--outdir",
            str(work),
            str(work / "sample.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env={**os.environ, "HOME": str(work)},
    )
    return (work / "sample.doc").read_bytes()


@needs_office
@pytest.mark.parametrize("name", ["心得.doc", "心得.wps"])
def test_doc_and_wps_converted_by_libreoffice(word97, name):
    result = _extract(word97, name)
    assert result.source == "doc"
    assert result.title == TITLE
    texts = [b.get("text") for b in result.blocks]
    assert HEADING_1 in texts and PARAGRAPH in texts
    # LibreOffice's own .docx → .doc step flattens python-docx's table, so the fixture .doc holds
    # its cells as text; tables of a real .doc come through the .docx reader tested above.
    assert "走访企业" in "".join(str(b) for b in result.blocks[3:])


@needs_office
def test_pdf_exported_by_libreoffice_reads_back():
    data = office.convert(docx_bytes(with_table=False), "docx", "pdf")
    result = _extract(data, "心得.pdf")
    text = "".join(b.get("text", "") for b in result.blocks)
    assert result.title == TITLE
    assert PARAGRAPH.replace(" ", "") in text.replace(" ", "")
