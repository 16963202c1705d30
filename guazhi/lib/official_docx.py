"""Word documents in the official format of GB/T 9704-2012 (党政机关公文格式), built with python-docx.

A document is a plain structure, so the writings (title + headed sections) and the appraisal
form can both be printed the same way:

    doc = OfficialDocument(
        title="挂职锻炼工作总结",
        subtitle="青川市发展和改革委员会 张三",
        blocks=[Heading("一、基本情况"), Paragraph("……"), Heading("（一）主要工作", level=2),
                Table([["项目", "进度"], ["道路硬化", "完成"]])],
        date_line="2026年3月1日",
    )
    render_docx(doc)  # bytes of a .docx
    render_pdf(doc)   # bytes of a .pdf (LibreOffice), or OfficeUnavailable

What the standard fixes and where it is set here:

* A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm: a 156 × 225 mm type area.
* Title 2号 (22 pt) 方正小标宋简体, centred; body 3号 (16 pt) 仿宋_GB2312, 22 lines of 28 characters;
  first-level headings 黑体, second-level 楷体_GB2312, both 3号; paragraphs indented 2 characters.
* Page numbers 4号 (14 pt) 宋体 between em dashes, "— 1 —", 7 mm below the type area; odd pages
  on the right and even pages on the left, each one character in from the edge of the type area
  (the standard's 单页码居右空一字，双页码居左空一字).

The file names the official fonts even though a server has none of them: Word on the user's
machine does. For PDFs, deploy/fontconfig/guazhi-fonts.conf maps them to Noto CJK.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import docx
from docx.enum.section import WD_SECTION_START
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from guazhi.lib import office

__all__ = [
    "Block",
    "Heading",
    "OfficialDocument",
    "Paragraph",
    "Table",
    "blocks_from_dicts",
    "render_docx",
    "render_pdf",
]

# --- the format ----------------------------------------------------------------------------------

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
TOP, BOTTOM, LEFT, RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
# Latin letters and digits in the body: the customary companion of 仿宋 in official documents.
LATIN_FONT = "Times New Roman"

SIZE_2 = Pt(22)  # 2号
SIZE_3 = Pt(16)  # 3号
SIZE_4 = Pt(14)  # 4号

# The grid: 22 lines of 28 characters in the type area. Word stores page sizes in twips (1/20 pt):
#   height 16838 − top 2098 − bottom 1984 = 12756 twips; 12756 / 22 = 579.8. Word lays out
#   floor(12756 / linePitch) lines, so 580 would give 21 lines and 579 gives 22.
#   width 11906 − left 1587 − right 1474 = 8845 twips = 442.25 pt; 442.25 / 28 = 15.7946 pt a
#   character. charSpace is what is added to the 16 pt default East Asian font size, in 1/4096 pt:
#   (15.7946 − 16) × 4096 = −841.3. −841 gives a pitch a hair too wide (27.9997 characters, so
#   27 a line); −842 gives 28.0002, i.e. 28. These are the values of the customary templates.
LINE_PITCH = 579
CHAR_SPACE = -842
# 28 characters of 16 pt (448 pt) do not fit in 442.25 pt. Word squeezes them onto its grid;
# LibreOffice (the PDF renderer) instead gives any character whose size exceeds the cell two
# cells (14 a line), so the PDF is made from a copy with the line grid only (see build()), where
# characters sit at their own width: condensed by 0.25 pt (−5 twips) to 15.75 pt, 28 fit a line.
# In Word the condensed characters still take one 15.79 pt grid cell each.
GRID_CONDENSE = -5
CHAR_TWIPS = 316  # one grid character (8845 / 28 twips), for indents Word also wants in twips

# The page number's em dash line sits 7 mm below the type area: the footer distance (page edge
# to the footer's bottom) is the bottom margin less those 7 mm less one 14 pt line (set exact).
FOOTER_DISTANCE = BOTTOM - Mm(7) - SIZE_4


# --- the structure -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1  # 1: "一、" headings in 黑体; 2: "（一）" headings in 楷体

    def __post_init__(self) -> None:
        if self.level not in (1, 2):
            raise ValueError(f"heading level must be 1 or 2, not {self.level}")


@dataclass(frozen=True)
class Paragraph:
    text: str
    indent: bool = True  # first-line indent of two characters
    align: str = "justify"  # justify, left, center, right


@dataclass(frozen=True)
class Table:
    rows: Sequence[Sequence[str]]
    header_rows: int = 1  # set in 黑体 and repeated on every page the table runs over
    widths: Sequence[float] | None = None  # relative column widths; equal when None


Block = Heading | Paragraph | Table


@dataclass(frozen=True)
class OfficialDocument:
    title: str
    blocks: Sequence[Block] = field(default_factory=tuple)
    subtitle: str | None = None  # centred under the title in 楷体: author and unit, or occasion
    signature: str | None = None  # 署名 at the end, centred over the date line
    date_line: str | None = None  # 成文日期, right-aligned four characters in
    author: str = ""  # the file's metadata, not printed


def blocks_from_dicts(items: Iterable[Mapping[str, Any]]) -> list[Block]:
    """Blocks from a writing's stored body (docs/writings.md):

        {"type": "heading", "level": 1 | 2, "text": …}, {"type": "paragraph", "text": …},
        {"type": "table", "rows": [[…], …]}

    "kind": "heading1" / "heading2" is read as well. An unknown type is a ValueError.
    """
    blocks: list[Block] = []
    for item in items:
        kind = item.get("type", item.get("kind"))
        text = str(item.get("text", ""))
        if kind in ("heading1", "heading2"):
            blocks.append(Heading(text, int(kind[-1])))
        elif kind == "heading":
            blocks.append(Heading(text, int(item.get("level", 1))))
        elif kind == "paragraph":
            blocks.append(Paragraph(text))
        elif kind == "table":
            rows = [[str(cell) for cell in row] for row in item.get("rows") or []]
            blocks.append(Table(rows, header_rows=int(item.get("header_rows", 1))))
        else:
            raise ValueError(f"unknown block type {kind!r}")
    return blocks


# --- low-level XML helpers -----------------------------------------------------------------------


def _child(parent: Any, tag: str) -> Any:
    """The first child with this tag, created (appended) when missing."""
    found = parent.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        parent.append(found)
    return found


def _set(element: Any, **attributes: str | int) -> Any:
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), str(value))
    return element


def _run_properties(
    rpr: Any, east_asia: str, size: int, latin: str = LATIN_FONT, condense: int = 0
) -> None:
    """Fonts and size on a w:rPr, replacing whatever the template had (themes, colours, bold).

    python-docx's font.name writes only w:ascii and w:hAnsi; Word picks the font of Chinese
    characters from w:eastAsia, so all four are written here, and no theme attribute, which
    would win over them. `condense` is character spacing in twips (negative: narrower).
    """
    for child in list(rpr):
        rpr.remove(child)
    # CT_RPr is a sequence: rFonts, …, spacing, …, sz, szCs, …, lang.
    rpr.append(
        _set(OxmlElement("w:rFonts"), ascii=latin, hAnsi=latin, eastAsia=east_asia, cs=latin)
    )
    rpr.append(_set(OxmlElement("w:spacing"), val=condense))
    rpr.append(_set(OxmlElement("w:sz"), val=size))
    rpr.append(_set(OxmlElement("w:szCs"), val=size))
    rpr.append(_set(OxmlElement("w:lang"), val="en-US", eastAsia="zh-CN", bidi="ar-SA"))


def _paragraph_properties(
    ppr: Any,
    *,
    align: str = "both",
    first_line_chars: int = 0,
    exact_line: int | None = None,
    snap_to_grid: bool = True,
    outline_level: int | None = None,
) -> None:
    for tag in ("w:keepNext", "w:pBdr", "w:snapToGrid", "w:spacing", "w:ind", "w:jc"):
        for old in ppr.findall(qn(tag)):
            ppr.remove(old)
    elements = []
    if outline_level is not None:
        elements.append(OxmlElement("w:keepNext"))
    if not snap_to_grid:
        elements.append(_set(OxmlElement("w:snapToGrid"), val=0))
    # On the grid "single" spacing takes exactly one grid line (579 twips) per text line.
    spacing = _set(OxmlElement("w:spacing"), before=0, after=0)
    if exact_line is None:
        _set(spacing, line=240, lineRule="auto")
    else:
        _set(spacing, line=exact_line, lineRule="exact")
    elements.append(spacing)
    indent = _set(OxmlElement("w:ind"), left=0, right=0)
    if first_line_chars:
        # firstLineChars (in 1/100 character) wins in Word; firstLine serves older readers.
        _set(indent, firstLineChars=first_line_chars * 100, firstLine=first_line_chars * CHAR_TWIPS)
    else:
        _set(indent, firstLine=0)
    elements.append(indent)
    elements.append(_set(OxmlElement("w:jc"), val=align))
    for element in elements:
        ppr.append(element)
    for old in ppr.findall(qn("w:outlineLvl")):
        ppr.remove(old)
    if outline_level is not None:
        ppr.append(_set(OxmlElement("w:outlineLvl"), val=outline_level))
    _sort_ppr(ppr)


# CT_PPrBase order for the elements written above (Word rejects out-of-order children).
_PPR_ORDER = [
    *("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:widowControl"),
    *("w:numPr", "w:pBdr", "w:shd", "w:snapToGrid", "w:spacing", "w:ind", "w:jc"),
    *("w:outlineLvl", "w:rPr"),
]


def _sort_ppr(ppr: Any) -> None:
    rank = {qn(tag): i for i, tag in enumerate(_PPR_ORDER)}
    children = list(ppr)
    for child in children:
        ppr.remove(child)
    for child in sorted(children, key=lambda c: rank.get(c.tag, len(rank) - 1)):
        ppr.append(child)


def _style(document: Any, name: str, base: str | None = "Normal") -> Any:
    styles = document.styles
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        if base:
            style.base_style = styles[base]
    style.quick_style = True
    return style


def _format_style(
    style: Any,
    *,
    east_asia: str,
    size: Any,
    latin: str = LATIN_FONT,
    condense: int = 0,
    **paragraph: Any,
) -> None:
    element = style.element
    _run_properties(_child(element, "w:rPr"), east_asia, int(size.pt * 2), latin, condense)
    ppr = element.get_or_add_pPr()
    _paragraph_properties(ppr, **paragraph)
    # w:pPr precedes w:rPr inside a style.
    rpr = element.find(qn("w:rPr"))
    element.remove(rpr)
    ppr.addnext(rpr)


# --- the document --------------------------------------------------------------------------------


def _page_setup(document: Any, char_grid: bool) -> None:
    section = document.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = TOP, BOTTOM
    section.left_margin, section.right_margin = LEFT, RIGHT
    section.header_distance = Mm(15)
    section.footer_distance = FOOTER_DISTANCE
    section.gutter = 0
    grid = _child(section._sectPr, "w:docGrid")
    if char_grid:
        _set(grid, type="linesAndChars", linePitch=LINE_PITCH, charSpace=CHAR_SPACE)
    else:
        _set(grid, type="lines", linePitch=LINE_PITCH)
    document.settings.odd_and_even_pages_header_footer = True


def _defaults(document: Any) -> None:
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _run_properties(rpr, BODY_FONT, 32)
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    _set(_child(ppr, "w:spacing"), before=0, after=0, line=240, lineRule="auto")


def _styles(document: Any) -> None:
    _defaults(document)
    on_grid: dict[str, Any] = {"size": SIZE_3, "condense": GRID_CONDENSE}
    _format_style(document.styles["Normal"], east_asia=BODY_FONT, first_line_chars=2, **on_grid)
    _format_style(
        document.styles["Heading 1"],
        east_asia=HEADING1_FONT,
        first_line_chars=2,
        outline_level=0,
        **on_grid,
    )
    _format_style(
        document.styles["Heading 2"],
        east_asia=HEADING2_FONT,
        first_line_chars=2,
        outline_level=1,
        **on_grid,
    )
    _format_style(
        _style(document, "Official Subtitle"), east_asia=HEADING2_FONT, align="center", **on_grid
    )
    # Own title style: the built-in "Title" carries a border and a theme colour. Off the grid, a
    # 22 pt character would take two 28-per-line cells and the title would look letter-spaced.
    _format_style(
        _style(document, "Official Title"),
        east_asia=TITLE_FONT,
        size=SIZE_2,
        align="center",
        snap_to_grid=False,
    )
    _format_style(
        _style(document, "Official Table Text"),
        east_asia=BODY_FONT,
        size=SIZE_4,
        align="center",
        snap_to_grid=False,
    )
    _format_style(
        _style(document, "Official Page Number"),
        east_asia=PAGE_NUMBER_FONT,
        latin=PAGE_NUMBER_FONT,
        size=SIZE_4,
        exact_line=int(SIZE_4.pt * 20),
        snap_to_grid=False,
    )


def _add_field(paragraph: Any, instruction: str, placeholder: str) -> None:
    """A complex field (begin, instruction, separate, cached result, end)."""
    run = paragraph.add_run()
    run._r.append(_set(OxmlElement("w:fldChar"), fldCharType="begin"))
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    run = paragraph.add_run()
    run._r.append(_set(OxmlElement("w:fldChar"), fldCharType="separate"))
    paragraph.add_run(placeholder)
    run = paragraph.add_run()
    run._r.append(_set(OxmlElement("w:fldChar"), fldCharType="end"))


def _page_number(document: Any, footer: Any, align: str) -> None:
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.style = document.styles["Official Page Number"]
    ppr = paragraph._p.get_or_add_pPr()
    # One character (of the 4号 page number) in from the type area's edge.
    side = "right" if align == "right" else "left"
    _set(_child(ppr, "w:jc"), val=align)
    _set(_child(ppr, "w:ind"), **{side: int(SIZE_4.pt * 20)})
    _sort_ppr(ppr)
    paragraph.add_run("— ")
    _add_field(paragraph, "PAGE", "1")
    paragraph.add_run(" —")


def _footers(document: Any) -> None:
    section = document.sections[0]
    _page_number(document, section.footer, "right")  # odd pages
    _page_number(document, section.even_page_footer, "left")


def _table(document: Any, table: Table) -> None:
    rows = [list(row) for row in table.rows]
    if not rows:
        return
    columns = max(len(row) for row in rows)
    grid = document.add_table(rows=len(rows), cols=columns)
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = list(table.widths or [1.0] * columns)[:columns]
    widths += [1.0] * (columns - len(widths))
    total_width = PAGE_WIDTH - LEFT - RIGHT
    style = document.styles["Official Table Text"]
    for r, row in enumerate(rows):
        header = r < table.header_rows
        if header:
            tr_pr = grid.rows[r]._tr.get_or_add_trPr()
            tr_pr.append(OxmlElement("w:tblHeader"))
        for c in range(columns):
            cell = grid.cell(r, c)
            cell.width = int(total_width * widths[c] / sum(widths))
            paragraph = cell.paragraphs[0]
            paragraph.style = style
            run = paragraph.add_run(row[c] if c < len(row) else "")
            if header:
                rpr = run._r.get_or_add_rPr()
                _set(_child(rpr, "w:rFonts"), eastAsia=HEADING1_FONT)


def _paragraph(document: Any, block: Paragraph) -> None:
    paragraph = document.add_paragraph(block.text, style="Normal")
    if not block.indent or block.align != "justify":
        ppr = paragraph._p.get_or_add_pPr()
        if not block.indent:
            _set(_child(ppr, "w:ind"), firstLineChars=0, firstLine=0)
        align = {"justify": "both", "left": "left", "center": "center", "right": "right"}
        _set(_child(ppr, "w:jc"), val=align[block.align])
        _sort_ppr(ppr)


def _closing(document: Any, doc: OfficialDocument) -> None:
    if not (doc.signature or doc.date_line):
        return
    document.add_paragraph("", style="Normal")
    # 成文日期右空四字; 署名 centred over the date, i.e. shifted by half the length difference.
    date_chars = len(doc.date_line or "")
    for text, right_chars in (
        (doc.signature, 4 + max(0, date_chars - len(doc.signature or "")) / 2),
        (doc.date_line, 4),
    ):
        if not text:
            continue
        paragraph = document.add_paragraph(text, style="Normal")
        ppr = paragraph._p.get_or_add_pPr()
        _set(
            _child(ppr, "w:ind"),
            firstLineChars=0,
            firstLine=0,
            rightChars=int(right_chars * 100),
            right=int(right_chars * CHAR_TWIPS),
        )
        _set(_child(ppr, "w:jc"), val="right")
        _sort_ppr(ppr)


def build(doc: OfficialDocument, *, char_grid: bool = True) -> Any:
    """The python-docx Document, for callers that add something before saving.

    `char_grid=False` is for LibreOffice only: it gives a character two cells whenever the font
    size (16 pt) exceeds the cell (15.79 pt), i.e. 14 a line, so the PDF is rendered from a copy
    with the line grid alone, where the condensed characters fall 28 to a line by their width.
    """
    document = docx.Document()
    _page_setup(document, char_grid)
    _styles(document)
    _footers(document)
    body = document.element.body
    for paragraph in list(body.iterchildren(qn("w:p"))):
        body.remove(paragraph)

    for line in doc.title.splitlines() or [""]:
        document.add_paragraph(line.strip(), style="Official Title")
    if doc.subtitle:
        document.add_paragraph(doc.subtitle, style="Official Subtitle")
    document.add_paragraph("", style="Normal")  # one blank line between title and body
    for block in doc.blocks:
        if isinstance(block, Heading):
            document.add_paragraph(block.text, style=f"Heading {block.level}")
        elif isinstance(block, Paragraph):
            _paragraph(document, block)
        elif isinstance(block, Table):
            _table(document, block)
    _closing(document, doc)

    properties = document.core_properties
    properties.title = doc.title.replace("\n", "")
    properties.author = doc.author
    properties.last_modified_by = doc.author
    properties.comments = ""
    properties.language = "zh-CN"
    return document


def render_docx(doc: OfficialDocument, *, char_grid: bool = True) -> bytes:
    out = io.BytesIO()
    build(doc, char_grid=char_grid).save(out)
    return out.getvalue()


def render_pdf(doc: OfficialDocument, timeout: float = 120) -> bytes:
    """The PDF through LibreOffice; OfficeUnavailable (Chinese message) when it is missing."""
    return office.convert(render_docx(doc, char_grid=False), "docx", "pdf", timeout=timeout)
