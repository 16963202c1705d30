"""Roster workbooks going out: the export (rows for `guazhi.lib.xlsx.write_xlsx`), the import
template and the validation report. The export has the template's columns, so an exported
roster can be edited and imported into another cohort; ID and mobile numbers are masked in it
(an import refuses masked numbers with a message saying so)."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from guazhi.lib.identity import mask_id_number, mask_mobile
from guazhi.lib.xlsx import Column, Sheet, write_xlsx
from guazhi.roster.columns import EXAMPLE_ROW, ROSTER_FIELDS, RosterField
from guazhi.roster.models import (
    Education,
    Gender,
    PoliticalStatus,
    RosterImport,
    SecondmentQuerySet,
    SecondmentStatus,
    Unit,
)

ROSTER_SHEET = "干部名册"
TEMPLATE_ROWS = 1000  # rows prepared with drop-downs and text format in the template


def roster_columns() -> list[Column]:
    return [Column(f.header, f.width, text=f.text, date=f.date) for f in ROSTER_FIELDS]


class _UnitLabels:
    """The name an import will match back: the unit's own name, or its full name when another
    unit has the same name."""

    def __init__(self) -> None:
        self.counts = Counter(Unit.objects.values_list("name", flat=True))
        self.cache: dict[int, str] = {}

    def __call__(self, unit: Unit) -> str:
        if self.counts[unit.name] <= 1:
            return unit.name
        if unit.pk not in self.cache:
            self.cache[unit.pk] = unit.full_name
        return self.cache[unit.pk]


def roster_rows(secondments: SecondmentQuerySet) -> Iterator[list[Any]]:
    """One row per secondment, in ROSTER_FIELDS order, personal numbers masked."""
    unit_label = _UnitLabels()
    for s in (
        secondments.with_related()
        .order_by("cohort__start_date", "cadre__name", "pk")
        .iterator(chunk_size=500)
    ):
        c = s.cadre
        values = {
            "name": c.name,
            "gender": c.get_gender_display(),
            "birth_date": c.birth_date,
            "id_number": mask_id_number(c.id_number),
            "mobile": mask_mobile(c.mobile),
            "ethnicity": c.ethnicity,
            "political_status": c.get_political_status_display(),
            "education": c.get_education_display() if c.education else "",
            "home_unit": unit_label(c.home_unit),
            "original_post": c.original_post,
            "rank": c.rank,
            "host_unit": unit_label(s.host_unit),
            "post": s.post,
            "duties": s.duties,
            "start_date": s.start_date,
            "planned_end_date": s.planned_end_date,
            "actual_end_date": s.actual_end_date,
            "status": s.get_status_display(),
        }
        yield [values[f.key] for f in ROSTER_FIELDS]


def export_roster(secondments: SecondmentQuerySet) -> tuple[bytes, int]:
    """The roster workbook and its row count."""
    count = 0

    def counted() -> Iterator[list[Any]]:
        nonlocal count
        for row in roster_rows(secondments):
            count += 1
            yield row

    data = write_xlsx([Sheet(ROSTER_SHEET, roster_columns(), counted())])
    return data, count


# --- Template -----------------------------------------------------------------------------------

_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_DROPDOWNS: dict[str, list[str]] = {
    "gender": [label for _v, label in Gender.choices],
    "political_status": [label for _v, label in PoliticalStatus.choices],
    "education": [label for _v, label in Education.choices],
    "status": [label for _v, label in SecondmentStatus.choices],
}


def build_template() -> bytes:
    """The import template: Chinese headers (required ones shaded), drop-downs, text-formatted
    ID and mobile columns, one example row (skipped on import) and a 填写说明 sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = ROSTER_SHEET
    last = TEMPLATE_ROWS + 1
    for index, f in enumerate(ROSTER_FIELDS, start=1):
        letter = get_column_letter(index)
        cell = ws.cell(row=1, column=index, value=f.header)
        cell.font = Font(bold=True)
        cell.fill = _REQUIRED_FILL if f.required else _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        if f.hint:
            cell.comment = Comment(f.hint, "挂职锻炼管理平台")
        ws.column_dimensions[letter].width = f.width
        if f.text or f.date:
            fmt = "@" if f.text else "yyyy-mm-dd"
            ws.column_dimensions[letter].number_format = fmt
            for row in range(2, last + 1):
                ws.cell(row=row, column=index).number_format = fmt
        if f.key in _DROPDOWNS:
            dv = DataValidation(
                type="list",
                formula1='"' + ",".join(_DROPDOWNS[f.key]) + '"',
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="输入有误",
                error=f"请从下拉列表中选择{f.header}。",
                promptTitle=f.header,
                prompt="请从下拉列表中选择。",
                showInputMessage=True,
            )
            dv.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(dv)
    example_font = Font(italic=True, color="808080")
    for index, f in enumerate(ROSTER_FIELDS, start=1):
        cell = ws.cell(row=2, column=index, value=EXAMPLE_ROW[f.key])
        cell.font = example_font
    ws.freeze_panes = "A2"

    notes = wb.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 80
    notes.append(["干部名册导入填写说明"])
    notes["A1"].font = Font(bold=True, size=14)
    for line in _GENERAL_NOTES:
        notes.append([line])
    notes.append([])
    notes.append(["列名", "是否必填", "填写要求"])
    for cell in notes[notes.max_row]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    for f in ROSTER_FIELDS:
        notes.append([f.header, "必填" if f.required else "选填", _field_note(f)])
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


_GENERAL_NOTES = (
    "1. 每行填写一名干部在本批次的一条挂职信息；第 2 行为示例（灰色斜体），导入时自动跳过，可直接覆盖或删除。",
    "2. 表头（第 1 行）请勿修改；表头上方可以有标题行，列的顺序可以调整，多余的列会被忽略。",
    "3. 身份证号、手机号两列已设为“文本”格式。从其他表格粘贴时请使用“选择性粘贴→数值”，"
    "否则 Excel 会把 18 位身份证号存成数字，末几位变成 0。",
    "4. 日期可写 2026-03-01、2026/3/1、2026.3.1、2026年3月1日 或 20260301；出生日期可只写到月（如 1985.04）。",
    "5. 派出单位、接收单位须与系统中的单位名称一致，系统不会自动新增单位；同名单位请写全称（如 安平区柳溪镇）。",
    "6. 上传后系统先逐行校验并给出校验报告；全部无误后，点击“确认导入”才会写入。同一文件不能重复导入。",
    "7. 系统中已有的干部（身份证号相同）将新增本批次的挂职记录，并按本行内容更新其基本信息。",
)


def _field_note(f: RosterField) -> str:
    note = f.hint
    if f.key in _DROPDOWNS:
        note = f"{note} 可选：{'、'.join(_DROPDOWNS[f.key])}。".strip()
    return note


# --- Validation report --------------------------------------------------------------------------

REPORT_COLUMNS = [
    Column("行号", 8),
    Column("列", 6),
    Column("列标题", 14),
    Column("填写内容", 24, text=True),
    Column("问题说明", 80),
    Column("类型", 8),
]


def report_rows(roster_import: RosterImport) -> Iterator[list[Any]]:
    for item in roster_import.report:
        yield [
            item.get("row") or "整个文件",
            item.get("col", ""),
            item.get("column", ""),
            item.get("value", ""),
            item.get("message", ""),
            "错误" if item.get("level", "error") == "error" else "提示",
        ]


def build_report(roster_import: RosterImport) -> bytes:
    return write_xlsx([Sheet("校验报告", REPORT_COLUMNS, report_rows(roster_import))])
