"""The ledger import's workbooks: the template (the export's columns, a drop-down of categories,
instructions) and the downloadable validation report."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from guazhi.jobs.models import Job
from guazhi.ledger.exporting import BASE_COLUMNS, EXPORT_ONLY, figure_fields, figure_header
from guazhi.ledger.importing import MAX_ROWS
from guazhi.ledger.models import Category
from guazhi.lib.xlsx import Column, Sheet, write_xlsx

# --- Workbooks: the template and the report -------------------------------------------------------

_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
_FILL = PatternFill("solid", fgColor="DDEBF7")


def build_template() -> bytes:
    """The import template: the export's columns (less the ones an import ignores), required
    ones shaded, a drop-down of categories, and a sheet of instructions."""
    fields = figure_fields()
    wb = Workbook()
    ws = wb.active
    ws.title = "工作纪实"
    headers = [c for c in BASE_COLUMNS if c.key not in EXPORT_ONLY]
    titles = [c.header for c in headers] + [figure_header(f) for f in fields]
    ws.append(titles)
    for i, cell in enumerate(ws[1]):
        required = i < len(headers) and headers[i].required
        cell.font = Font(bold=True)
        cell.fill = _REQUIRED_FILL if required else _FILL
        width = headers[i].width if i < len(headers) else max(10, len(titles[i]) * 1.6)
        ws.column_dimensions[cell.column_letter].width = width
    ws.freeze_panes = "A2"
    lists = wb.create_sheet("类别")
    categories = list(Category.objects.filter(is_active=True).values_list("name", flat=True))
    for name in categories:
        lists.append([name])
    lists.sheet_state = "hidden"
    category_col = next(
        ws.cell(1, i + 1).column_letter for i, c in enumerate(headers) if c.key == "category"
    )
    date_col = next(
        ws.cell(1, i + 1).column_letter for i, c in enumerate(headers) if c.key == "date"
    )
    dv = DataValidation(
        type="list",
        formula1=f"类别!$A$1:$A${max(1, len(categories))}",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="类别不正确",
        error="请从下拉列表中选择类别。",
    )
    dv.add(f"{category_col}2:{category_col}{MAX_ROWS + 1}")
    ws.add_data_validation(dv)
    for row in range(2, 202):
        ws[f"{date_col}{row}"].number_format = "yyyy-mm-dd"
    notes = wb.create_sheet("填写说明")
    for line in (
        "工作纪实导入模板填写说明",
        "1. 一行一条纪实。“日期”“干部姓名”“类别”“标题”“工作内容”为必填（标题行为橙色的列）。",
        "2. 日期按 2026-05-06 的样式填写，须在该干部的挂职期间内，且不晚于今天。",
        "3. 干部姓名须与名册一致；有同名干部或同一干部有多段挂职时，请填写“接收单位”加以区分。",
        "4. 类别请从下拉列表中选择。数据项只填本类别的列（列名以类别开头），须为不小于 0 的数字；单位见列名括号。",
        "5. 地点可填接收单位或其所辖村、社区的名称，也可填其他地点。标签用空格或逗号分隔。",
        f"6. 一次最多导入 {MAX_ROWS:,} 条。导入的纪实均为“待确认”，由接收单位联络员确认。",
        "7. 从本系统导出的台账可直接修改后导入；其中的“批次”“状态”“确认人”“确认时间”列导入时不读取。",
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 100
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


REPORT_COLUMNS = [
    Column("行号", width=8),
    Column("列", width=22),
    Column("单元格内容", width=30),
    Column("问题", width=70),
    Column("类型", width=8),
]


def build_report(job: Job) -> bytes:
    report = job.params.get("report") or []
    return write_xlsx(
        [
            Sheet(
                "校验报告",
                REPORT_COLUMNS,
                (
                    [
                        i["row"] or "",
                        i["column"],
                        i["value"],
                        i["message"],
                        "错误" if i["level"] == "error" else "提示",
                    ]
                    for i in report
                ),
            )
        ]
    )
