"""The appraisal form (鉴定表) as a Word document: a one-table form the way the department
prints it, filled in. No Django here: `guazhi.assessment.appraisal` gathers an `AppraisalForm`,
this module lays it out.

The page is A4 with the official document margins (GB/T 9704, as `guazhi.lib.official_docx`);
the title is 方正小标宋简体 2号, labels 黑体 and contents 仿宋_GB2312, both 小四 (12 pt), so that a
form with a long summary still fits on two pages. Like official_docx, the East Asian font is
written into `w:eastAsia` (Word picks Chinese glyphs from there, not from `w:ascii`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import docx
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from guazhi.lib import office
from guazhi.lib.official_docx import (
    BODY_FONT,
    BOTTOM,
    HEADING1_FONT,
    LATIN_FONT,
    LEFT,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RIGHT,
    TITLE_FONT,
    TOP,
)

__all__ = ["AppraisalForm", "render_docx", "render_pdf"]

SIZE_TITLE = Pt(22)  # 2号
SIZE_TEXT = Pt(12)  # 小四
LABEL_WIDTH = Mm(28)
TYPE_WIDTH = PAGE_WIDTH - LEFT - RIGHT
SEAL_LINE = "（单位盖章）"
DATE_LINE = "年　　月　　日"


@dataclass(frozen=True)
class AppraisalForm:
    title: str  # 挂职期满鉴定表
    cohort: str
    period: str  # 2025年度考核（2025年3月3日至2026年2月27日）
    name: str
    gender: str
    birth: str  # 1985.04
    political_status: str
    ethnicity: str
    education: str
    home: str  # 派出单位及原任职务
    host: str  # 挂职单位及职务
    term: str  # 挂职时间
    duties: str
    achievements: Sequence[str]
    self_summary: str
    self_score: str
    host_appraisal: str
    host_scores: Sequence[str]
    evaluation: Sequence[str]
    home_comment: str
    rating: str
    rating_detail: Sequence[str] = field(default_factory=tuple)


def _fonts(run: Any, east_asia: str, size: Pt = SIZE_TEXT, bold: bool = False) -> None:
    run.font.size = size
    run.font.bold = bold
    rpr = run._r.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute, value in (
        ("ascii", LATIN_FONT),
        ("hAnsi", LATIN_FONT),
        ("eastAsia", east_asia),
        ("cs", LATIN_FONT),
    ):
        fonts.set(qn(f"w:{attribute}"), value)


def _write(cell: Any, lines: Sequence[str], *, label: bool = False, align: str = "left") -> None:
    """Replace the cell's text with one paragraph per line."""
    alignment = {
        "left": WD_ALIGN_PARAGRAPH.JUSTIFY,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
    }[align]
    first = True
    for line in lines or [""]:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if label else alignment
        paragraph.paragraph_format.space_before = Pt(0)
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.paragraph_format.line_spacing = Pt(20)
        if not label and align == "left" and line:
            paragraph.paragraph_format.first_line_indent = Pt(24)  # two characters
        _fonts(paragraph.add_run(line), HEADING1_FONT if label else BODY_FONT)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _min_height(row: Any, mm: float) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    height = OxmlElement("w:trHeight")
    height.set(qn("w:val"), str(int(Mm(mm).twips)))
    height.set(qn("w:hRule"), "atLeast")
    tr_pr.append(height)


def _document(form: AppraisalForm) -> Any:
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = TOP, BOTTOM
    section.left_margin, section.right_margin = LEFT, RIGHT
    properties = document.core_properties
    properties.title = f"{form.title}（{form.name}）"
    properties.author = ""

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fonts(title.add_run(form.title), TITLE_FONT, SIZE_TITLE)
    subtitle = document.add_paragraph()
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fonts(subtitle.add_run(f"{form.cohort}　{form.period}"), BODY_FONT)

    table = document.add_table(rows=0, cols=4)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    value_width = int((TYPE_WIDTH - 2 * LABEL_WIDTH) / 2)
    widths = [LABEL_WIDTH, value_width, LABEL_WIDTH, value_width]

    def pair_row(a: str, b: str, c: str, d: str) -> None:
        row = table.add_row()
        for i, (text, label) in enumerate(((a, True), (b, False), (c, True), (d, False))):
            row.cells[i].width = widths[i]
            _write(row.cells[i], [text], label=label, align="center")
        _min_height(row, 10)

    def wide_row(label: str, lines: Sequence[str], *, height: float = 10, signer: str = "") -> None:
        row = table.add_row()
        row.cells[0].width = widths[0]
        merged = row.cells[1].merge(row.cells[3])
        merged.width = TYPE_WIDTH - LABEL_WIDTH
        _write(row.cells[0], [label], label=True)
        _write(merged, lines)
        if signer:
            # The signature or seal and the date, at the bottom right as on the paper form.
            for text in ("", signer):
                paragraph = merged.add_paragraph()
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                paragraph.paragraph_format.line_spacing = Pt(24)
                _fonts(paragraph.add_run(text), BODY_FONT)
        _min_height(row, height)

    pair_row("姓　　名", form.name, "性　　别", form.gender)
    pair_row("出生年月", form.birth, "政治面貌", form.political_status)
    pair_row("民　　族", form.ethnicity, "学　　历", form.education)
    wide_row("派出单位及职务", [form.home])
    wide_row("挂职单位及职务", [form.host])
    wide_row("挂职时间", [form.term])
    wide_row("分管工作", [form.duties or "—"])
    wide_row("主要工作成绩", list(form.achievements) or ["—"], height=50)
    seal = f"{SEAL_LINE}　　　　{DATE_LINE}"
    self_lines = form.self_summary.splitlines() or ["（未填写）"]
    if form.self_score:
        self_lines.append(f"自评得分：{form.self_score} 分。")
    wide_row("个人总结", self_lines, height=70, signer=f"本人签名：　　　　　　{DATE_LINE}")
    host_lines = [*(form.host_appraisal.splitlines() or ["（未填写）"]), *form.host_scores]
    wide_row("接收单位\n鉴定意见", host_lines, height=55, signer=seal)
    wide_row("民主测评情况", list(form.evaluation) or ["未开展民主测评。"], height=25)
    home_lines = form.home_comment.splitlines() or ["（未填写）"]
    wide_row("派出单位意见", home_lines, height=35, signer=seal)
    wide_row("考核等次", [form.rating or "（尚未确定）", *form.rating_detail], height=15)
    wide_row("组织部门意见", [""], height=35, signer=seal)
    return document


def render_docx(form: AppraisalForm) -> bytes:
    out = io.BytesIO()
    _document(form).save(out)
    return out.getvalue()


def render_pdf(form: AppraisalForm, timeout: float = 120) -> bytes:
    """The form as PDF through LibreOffice; OfficeUnavailable (a Chinese message) without it."""
    return office.convert(render_docx(form), "docx", "pdf", timeout=timeout)
