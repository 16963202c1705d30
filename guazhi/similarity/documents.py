"""The report as a Word document in the official format (and PDF through LibreOffice), with the
same source-hiding rule as the page: it is built for one viewer."""

from __future__ import annotations

from django.utils import timezone

from guazhi.accounts.models import User
from guazhi.lib.official_docx import Heading, OfficialDocument, Paragraph, Table
from guazhi.similarity import presentation
from guazhi.similarity.models import Report

_EXCERPT = 300


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _EXCERPT else text[:_EXCERPT] + "……"


def report_document(report: Report, viewer: User) -> OfficialDocument:
    version = report.version
    secondment = report.writing.secondment
    views = presentation.passages(report, viewer)
    verdict = report.verdict
    ratios = Table(
        [
            ["指标", "结果"],
            ["总文字复制比", presentation.percent(report.copy_ratio)],
            [
                "去除引用和常用语后的复制比",
                presentation.percent(report.copy_ratio_excluding_common),
            ],
            ["单篇最大复制比", presentation.percent(report.max_source_ratio)],
            ["检测字数", f"{report.chars or 0} 字"],
            ["结论", verdict.label if verdict else report.get_status_display()],
        ],
        widths=[2, 1],
    )
    blocks: list[Heading | Paragraph | Table] = [
        Heading("一、检测结果"),
        Paragraph(
            f"材料《{version.title}》（第 {version.number} 版，{report.writing.get_kind_display()}）"
            f"于 {timezone.localtime(report.finished_at or report.created_at):%Y年%m月%d日 %H:%M} "
            "与本项目其他干部提交的材料及参考范文库进行了比对，结果如下。"
        ),
        ratios,
        Heading("二、相似来源"),
    ]
    summary = presentation.by_source(views)
    if summary:
        blocks.append(
            Table(
                [["来源", "片段数", "字数"]]
                + [[s.source.label, str(s.passages), str(s.chars)] for s in summary],
                widths=[4, 1, 1],
            )
        )
    else:
        blocks.append(Paragraph("未发现与比对库中材料相同的片段。"))
    if views:
        blocks.append(Heading("三、复制片段"))
        for p in views:
            kind = "（引用或常用语，不计入去除引用和常用语后的复制比）" if p.common else ""
            blocks.append(
                Heading(f"（{_number(p.number)}）片段 {p.number}：来源 {p.source.label}{kind}", 2)
            )
            blocks.append(Paragraph("本文：" + _clip(p.text)))
            if p.source_text:
                blocks.append(Paragraph("来源：" + _clip(p.source_text)))
    return OfficialDocument(
        title="材料查重报告",
        subtitle=f"{secondment.cadre.name}《{version.title}》",
        blocks=blocks,
        date_line=f"{timezone.localdate():%Y年%m月%d日}",
        author="挂职锻炼管理平台",
    )


_DIGITS = "零一二三四五六七八九"


def _number(n: int) -> str:
    """Chinese numerals for the （一） headings: 1 → 一, 12 → 十二, 35 → 三十五."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return (
        ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")
        if n < 100
        else str(n)
    )
