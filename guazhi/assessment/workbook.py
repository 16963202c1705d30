"""A period's results as an Excel workbook with the two-level header of the paper tables:
接收单位评分 over one column per first-level indicator and the total, 民主测评 over ballots and
score; the other headers span both header rows. Strings are neutralised against formulas."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from guazhi.assessment.models import IndicatorScore, Period, ScoreSource
from guazhi.assessment.results import ResultRow
from guazhi.assessment.scoring import branch_scores
from guazhi.lib.xlsx import neutralise

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _value(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        return neutralise(value)
    return value


def build_workbook(period: Period, rows: Sequence[ResultRow]) -> bytes:
    scheme = period.scheme
    tree = scheme.tree()
    branches = [node.name for node in tree]
    wb = Workbook()
    ws = wb.active
    ws.title = "考核结果"

    singles_before = ["序号", "姓名", "派出单位", "挂职单位及职务", "自评得分"]
    host_group = [*branches, "合计"]
    evaluation_group = ["票数", "得分"]
    singles_after = ["综合得分", "考核等次", "排名", "说明"]
    width = len(singles_before) + len(host_group) + len(evaluation_group) + len(singles_after)

    status = "已公布" if period.is_published else "未公布（预览）"
    ws.cell(
        row=1, column=1, value=neutralise(f"{period.cohort.name} {period.title}结果（{status}）")
    )
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    ws.cell(row=1, column=1).alignment = _CENTER
    ws.row_dimensions[1].height = 28

    col = 1
    for title in singles_before:
        ws.cell(row=2, column=col, value=title)
        ws.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
        col += 1
    for group, members in (
        (f"接收单位评分（权重 {scheme.host_weight}%）", host_group),
        (f"民主测评（权重 {scheme.evaluation_weight}%）", evaluation_group),
    ):
        ws.cell(row=2, column=col, value=group)
        ws.merge_cells(start_row=2, start_column=col, end_row=2, end_column=col + len(members) - 1)
        for i, name in enumerate(members):
            ws.cell(row=3, column=col + i, value=neutralise(name))
        col += len(members)
    for title in singles_after:
        ws.cell(row=2, column=col, value=title)
        ws.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
        col += 1
    for r in (2, 3):
        for c in range(1, width + 1):
            cell = ws.cell(row=r, column=c)
            cell.font = Font(bold=True)
            cell.alignment = _CENTER
            cell.fill = _HEADER_FILL
            cell.border = _BORDER

    scores: dict[int, dict[object, Decimal]] = {}
    for assessment_id, indicator_id, score in IndicatorScore.objects.filter(
        assessment__in=[r.assessment.pk for r in rows], source=ScoreSource.HOST
    ).values_list("assessment_id", "indicator_id", "score"):
        scores.setdefault(assessment_id, {})[indicator_id] = score

    for n, row in enumerate(rows, start=1):
        a = row.assessment
        s = a.secondment
        by_branch = branch_scores(tree, scores.get(a.pk, {}))
        values: list[object] = [
            n,
            s.cadre.name,
            f"{s.cadre.home_unit.name}{s.cadre.original_post}",
            f"{s.host_unit.name}{s.post}",
            a.self_score,
            *[by_branch.get(b) for b in branches],
            row.host_score,
            row.evaluation.ballots if row.evaluation else None,
            row.evaluation_score,
            row.final_score,
            row.rating or "未评分",
            row.rank,
            row.note,
        ]
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=3 + n, column=c, value=_value(value))
            cell.border = _BORDER
            cell.alignment = Alignment(vertical="center", wrap_text=c in (3, 4, width))
    widths = [6, 10, 22, 24, 9, *[8] * len(host_group), 7, 8, 9, 10, 6, 40]
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    ws.freeze_panes = "C4"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def workbook_name(period: Period) -> str:
    return f"{period.cohort.name}-{period.title}结果.xlsx"
