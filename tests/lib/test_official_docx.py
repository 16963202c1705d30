"""The official Word format (GB/T 9704-2012), read back from the generated .docx and its PDF."""

from __future__ import annotations

import io
import math
import re
import shutil
import subprocess

import docx
import pytest
from docx.oxml.ns import qn

from guazhi.lib import office
from guazhi.lib.office import OfficeUnavailable
from guazhi.lib.official_docx import (
    Heading,
    OfficialDocument,
    Paragraph,
    Table,
    blocks_from_dicts,
    render_docx,
    render_pdf,
)

BODY = "挂职锻炼是培养锻炼干部的重要途径" * 120
DOC = OfficialDocument(
    title="关于挂职锻炼工作的总结",
    subtitle="市发展和改革委员会 张三",
    blocks=[
        Heading("一、基本情况"),
        Paragraph(BODY),
        Heading("（一）主要工作", level=2),
        Paragraph("本人于2025年3月到柳溪镇挂职。"),
        Table([["项目", "进度"], ["道路硬化", "完成"]]),
    ],
    signature="张三",
    date_line="2026年3月1日",
)


@pytest.fixture(scope="module")
def document():
    return docx.Document(io.BytesIO(render_docx(DOC)))


def _style_value(style, tag: str, attribute: str) -> str | None:
    """A run property as Word resolves it: the style, then the styles it is based on."""
    while style is not None:
        rpr = style.element.find(qn("w:rPr"))
        element = rpr.find(qn(tag)) if rpr is not None else None
        if element is not None and element.get(qn(attribute)) is not None:
            return element.get(qn(attribute))
        style = style.base_style
    return None


def _east_asia(style) -> str | None:
    return _style_value(style, "w:rFonts", "w:eastAsia")


def _points(style) -> float:
    return int(_style_value(style, "w:sz", "w:val")) / 2


def _paragraph(document, text):
    return next(p for p in document.paragraphs if p.text == text)


def test_a4_page_and_margins(document):
    section = document.sections[0]
    for length, mm in [
        (section.page_width, 210),
        (section.page_height, 297),
        (section.top_margin, 37),
        (section.bottom_margin, 35),
        (section.left_margin, 28),
        (section.right_margin, 26),
    ]:
        assert length.mm == pytest.approx(mm, abs=0.05)


def test_title_in_2hao_xiaobiaosong_centred(document):
    title = _paragraph(document, DOC.title)
    assert document.paragraphs[0] is not None and document.paragraphs[0].text == DOC.title
    assert _east_asia(title.style) == "方正小标宋简体"
    assert _points(title.style) == 22
    assert title.style.element.pPr.find(qn("w:jc")).get(qn("w:val")) == "center"


def test_body_in_3hao_fangsong_indented_two_characters(document):
    body = _paragraph(document, BODY)
    assert body.style.name == "Normal"
    assert _east_asia(body.style) == "仿宋_GB2312"
    assert _points(body.style) == 16
    indent = body.style.element.pPr.find(qn("w:ind"))
    assert indent.get(qn("w:firstLineChars")) == "200"
    # Latin letters and digits are not left to a theme font.
    fonts = body.style.element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:ascii")) == "Times New Roman"
    assert fonts.get(qn("w:asciiTheme")) is None and fonts.get(qn("w:eastAsiaTheme")) is None


def test_document_defaults_name_the_body_font_without_themes(document):
    defaults = document.styles.element.find(qn("w:docDefaults"))
    fonts = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert not [name for name in fonts.attrib if name.endswith("Theme")]


def test_headings_heiti_and_kaiti_in_3hao_with_outline_levels(document):
    first = _paragraph(document, "一、基本情况")
    second = _paragraph(document, "（一）主要工作")
    assert first.style.name == "Heading 1" and second.style.name == "Heading 2"
    assert (_east_asia(first.style), _points(first.style)) == ("黑体", 16)
    assert (_east_asia(second.style), _points(second.style)) == ("楷体_GB2312", 16)
    for paragraph in (first, second):
        assert _style_value(paragraph.style, "w:b", "w:val") is None  # not bold
        assert _style_value(paragraph.style, "w:color", "w:val") is None  # not theme blue
    levels = [
        p.style.element.pPr.find(qn("w:outlineLvl")).get(qn("w:val")) for p in (first, second)
    ]
    assert levels == ["0", "1"]


def test_grid_gives_22_lines_of_28_characters(document):
    sect = document.sections[0]._sectPr
    grid = sect.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    size, margins = sect.find(qn("w:pgSz")), sect.find(qn("w:pgMar"))

    def twips(element, name):
        return int(element.get(qn(f"w:{name}")))

    height = twips(size, "h") - twips(margins, "top") - twips(margins, "bottom")
    width = twips(size, "w") - twips(margins, "left") - twips(margins, "right")
    # Word's rule: lines = floor(height / linePitch); the character pitch is the default East
    # Asian font size plus charSpace / 4096 pt, and characters = floor(width / pitch).
    assert height // int(grid.get(qn("w:linePitch"))) == 22
    pitch = _points(document.styles["Normal"]) + int(grid.get(qn("w:charSpace"))) / 4096
    assert math.floor(width / 20 / pitch) == 28


def test_page_numbers_between_em_dashes_odd_right_even_left(document):
    section = document.sections[0]
    assert document.settings.odd_and_even_pages_header_footer
    for footer, align in [(section.footer, "right"), (section.even_page_footer, "left")]:
        paragraph = footer.paragraphs[0]
        xml = paragraph._p.xml
        assert paragraph.text == "— 1 —"  # the cached field result between the dashes
        assert re.search(r"<w:instrText[^>]*> PAGE </w:instrText>", xml)
        assert xml.count('w:fldCharType="begin"') == 1 and 'w:fldCharType="end"' in xml
        assert paragraph._p.pPr.find(qn("w:jc")).get(qn("w:val")) == align
        assert _east_asia(paragraph.style) == "宋体"
        assert _points(paragraph.style) == 14


def test_subtitle_table_and_closing(document):
    subtitle = _paragraph(document, DOC.subtitle)
    assert _east_asia(subtitle.style) == "楷体_GB2312"
    table = document.tables[0]
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["项目", "进度"],
        ["道路硬化", "完成"],
    ]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    header_run = table.cell(0, 0).paragraphs[0].runs[0]
    assert header_run._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "黑体"
    date = _paragraph(document, "2026年3月1日")
    assert date._p.pPr.find(qn("w:jc")).get(qn("w:val")) == "right"
    assert date._p.pPr.find(qn("w:ind")).get(qn("w:rightChars")) == "400"  # 右空四字
    assert [p.text for p in document.paragraphs][-2:] == ["张三", "2026年3月1日"]


def test_blocks_from_stored_body():
    # The writings app's body format (docs/writings.md).
    blocks = blocks_from_dicts(
        [
            {"type": "heading", "level": 1, "text": "一、情况"},
            {"type": "heading", "level": 2, "text": "（一）工作"},
            {"type": "paragraph", "text": "正文"},
            {"type": "table", "rows": [["甲", 1]]},
        ]
    )
    assert blocks == [
        Heading("一、情况", 1),
        Heading("（一）工作", 2),
        Paragraph("正文"),
        Table([["甲", "1"]]),
    ]
    assert blocks_from_dicts([{"kind": "heading2", "text": "x"}]) == [Heading("x", 2)]
    with pytest.raises(ValueError):
        blocks_from_dicts([{"type": "image"}])
    with pytest.raises(ValueError):
        blocks_from_dicts([{"type": "heading", "level": 3, "text": "x"}])
    with pytest.raises(ValueError):
        Heading("x", level=3)


def test_empty_document_is_valid():
    document = docx.Document(io.BytesIO(render_docx(OfficialDocument(title="标题"))))
    assert [p.text for p in document.paragraphs] == ["标题", ""]
    assert document.core_properties.title == "标题"


def test_pdf_without_libreoffice_says_so_in_chinese(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("GUAZHI_SOFFICE", raising=False)
    monkeypatch.setattr(office, "_EXTRA_GLOBS", ())
    with pytest.raises(OfficeUnavailable, match="服务器未安装 LibreOffice"):
        render_pdf(DOC)


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    if not office.libreoffice_available():
        pytest.skip("LibreOffice 未安装（make install-office）：跳过 PDF 测试")
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils 未安装：无法检查 PDF")
    path = tmp_path_factory.mktemp("pdf") / "doc.pdf"
    path.write_bytes(render_pdf(DOC))
    return path


def _tool(*command) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def test_pdf_is_a4_with_the_text(pdf):
    info = _tool("pdfinfo", str(pdf))
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert (round(width), round(height)) == (595, 842)
    # LibreOffice, like Word, sets a small space between Chinese and Latin digits: compare
    # without white space.
    text = "".join(_tool("pdftotext", str(pdf), "-").split())
    for expected in (DOC.title, "一、基本情况", "（一）主要工作", "道路硬化", "2026年3月1日"):
        assert expected in text
    assert re.sub(r"—\d+—", "", text).count("挂职锻炼是培养锻炼干部的重要途径") == 120


def test_pdf_full_page_has_22_lines_of_28_characters(pdf):
    # Page 2 holds only body text: every line is full.
    lines = _tool("pdftotext", "-f", "2", "-l", "2", str(pdf), "-").splitlines()
    body = [line for line in lines if line.strip() and "—" not in line]
    assert len(body) == 22
    assert {len(line.strip()) for line in body} == {28}
    assert "— 2 —" in " ".join(lines).replace("—2—", "— 2 —")


def test_pdf_fonts_are_the_fallbacks_all_embedded(pdf):
    if not shutil.which("pdffonts"):
        pytest.skip("pdffonts 未安装")
    rows = _tool("pdffonts", str(pdf)).splitlines()[2:]
    names = [row.split()[0].split("+", 1)[-1] for row in rows]
    assert all(row.split()[-5] == "yes" for row in rows), rows  # emb column
    # Title (bold serif), body (serif), 黑体 (sans), 楷体 (a Kai face or serif), Latin digits.
    assert any(name.startswith("NotoSerifCJK") and "Bold" in name for name in names), names
    assert any(name.startswith("NotoSerifCJK") and "Regular" in name for name in names), names
    assert any(name.startswith("NotoSansCJK") for name in names), names
    # Nothing else stood in: another family here would mean a character no rule covered.
    allowed = ("NotoSerifCJK", "NotoSansCJK", "UKai", "LiberationSerif")
    assert all(name.startswith(allowed) for name in names), names
