"""Finding the roster in a workbook: the first worksheet with a recognisable header row (title
rows above it, a second header row under merged cells, synonyms, unknown columns noted), and its
rows below the header.

Reading is bounded: `guazhi.lib.xlsx.check_upload` has already bounded the size of what gets
parsed; here at most MAX_DATA_ROWS non-blank rows are kept, and reading stops with a Chinese
message after READ_SECONDS.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from typing import Any

from openpyxl.utils import get_column_letter

from guazhi.lib.cells import header_key
from guazhi.lib.xlsx import UnsafeWorkbook, iter_sheets
from guazhi.lib.zh import clean_text
from guazhi.roster.columns import FIELDS_BY_KEY, HEADER_MAP, ROSTER_FIELDS
from guazhi.roster.import_report import ERROR, NOTE, Issue, ValidationResult
from guazhi.roster.models import Cohort

MAX_DATA_ROWS = 5000
HEADER_SEARCH_ROWS = 20
MAX_COLUMNS = 200
READ_SECONDS = 20.0

_SILENTLY_IGNORED = {"序号", "编号", "顺序号", "No.", "NO."}

Rows = list[tuple[int, list[Any]]]


@dataclass
class Header:
    row: int
    columns: dict[str, int]  # field key → 0-based column index
    labels: dict[str, str]  # field key → header text as written


def _trim(row: Sequence[Any]) -> list[Any]:
    cells = list(row[:MAX_COLUMNS])
    while cells and (cells[-1] is None or (isinstance(cells[-1], str) and not cells[-1].strip())):
        cells.pop()
    return cells


def _find_header(rows: list[tuple[int, list[Any]]]) -> tuple[Header | None, list[Issue]]:
    """The first of the top rows naming at least three known columns (one of them 姓名 or
    身份证号). A second header row below it (挂职信息 → 接收单位 | 挂任职务 under a merged cell)
    is merged in."""
    for pos, (excel_row, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        keys = {HEADER_MAP.get(header_key(c)) for c in cells if c is not None} - {None}
        if len(keys) < 3 or not ({"name", "id_number"} & keys):
            continue
        header = Header(excel_row, {}, {})
        issues: list[Issue] = []
        unknown: dict[int, str] = {}
        _map_header_cells(header, excel_row, cells, unknown, issues)
        if pos + 1 < len(rows):
            sub_row, sub_cells = rows[pos + 1]
            texts = {i: clean_text(c) for i, c in enumerate(sub_cells) if clean_text(c)}
            if texts and all(HEADER_MAP.get(header_key(t)) for t in texts.values()):
                for i in texts:
                    unknown.pop(i, None)
                _map_header_cells(header, sub_row, sub_cells, unknown, issues)
                header.row = sub_row
        for index, label in unknown.items():
            if header_key(label) not in _SILENTLY_IGNORED:
                issues.append(
                    Issue(
                        excel_row,
                        label,
                        label,
                        f"不认识的列“{label}”，已忽略。",
                        NOTE,
                        get_column_letter(index + 1),
                    )
                )
        return header, issues
    return None, []


def _map_header_cells(
    header: Header, excel_row: int, cells: list[Any], unknown: dict[int, str], issues: list[Issue]
) -> None:
    for index, cell in enumerate(cells):
        label = clean_text(cell)
        if not label:
            continue
        key = HEADER_MAP.get(header_key(label))
        if key is None:
            unknown[index] = label
        elif key in header.columns:
            first = header.labels[key]
            issues.append(
                Issue(
                    excel_row,
                    label,
                    label,
                    f"“{label}”与“{first}”都表示“{FIELDS_BY_KEY[key].header}”，请删除其中一列。",
                    ERROR,
                    get_column_letter(index + 1),
                )
            )
        else:
            header.columns[key] = index
            header.labels[key] = label


def read_roster(
    data: bytes, *, cohort: Cohort, result: ValidationResult
) -> tuple[Header | None, Rows]:
    """The header of the first worksheet that has one, and the non-blank rows below it. Problems
    with the file as a whole are added to `result.issues`; then the header is None."""
    deadline = time.monotonic() + READ_SECONDS
    try:
        with closing(iter_sheets(data)) as sheets:  # closes the workbook on an early return
            return _read(sheets, deadline=deadline, cohort=cohort, result=result)
    except UnsafeWorkbook as e:
        result.issues.append(Issue(0, "", "", str(e)))
        return None, []


def _read(
    sheets: Iterator[Iterator[Sequence[Any]]],
    *,
    deadline: float,
    cohort: Cohort,
    result: ValidationResult,
) -> tuple[Header | None, Rows]:
    """Each sheet in turn, until one has a header; bounded in rows and in time."""
    for sheet_rows in sheets:
        rows: Rows = []
        for excel_row, raw in enumerate(sheet_rows, start=1):
            if excel_row % 1000 == 0 and time.monotonic() > deadline:
                result.issues.append(Issue(0, "", "", _TOO_SLOW))
                return None, []
            cells = _trim(raw)
            if not cells:
                continue  # blank (possibly formatted) rows are not kept or counted
            rows.append((excel_row, cells))
            if len(rows) > MAX_DATA_ROWS + HEADER_SEARCH_ROWS:
                result.issues.append(Issue(0, "", "", _TOO_MANY))
                return None, []
        header = _use_sheet(rows, cohort, result)
        if header is not None:
            return header, [(r, c) for r, c in rows if r > header.row]
        if result.errors:
            return None, []
    result.issues.append(
        Issue(
            0,
            "",
            "",
            "没有找到表头行。请确认表格前 20 行中有一行列标题，至少包含“姓名”“身份证号”“派出单位”"
            "“接收单位”“挂任职务”等列（可下载导入模板对照）。",
        )
    )
    return None, []


_TOO_MANY = f"名册超过 {MAX_DATA_ROWS} 行，请拆分为多个文件分别导入。"
_TOO_SLOW = (
    f"读取文件超过 {READ_SECONDS:.0f} 秒仍未完成，已停止。文件中可能有大量空白但带格式的行或列，"
    "请删除多余的行列后另存再上传，或拆分为多个文件。"
)


def _use_sheet(rows: Rows, cohort: Cohort, result: ValidationResult) -> Header | None:
    """The sheet's header if it has one with every required column (notes about the header
    added to `result`); None if it has none. A header missing a required column is an error."""
    header, issues = _find_header(rows)
    if header is None:
        return None
    result.issues.extend(issues)
    missing = [f for f in ROSTER_FIELDS if f.required and f.key not in header.columns]
    for f in missing:
        result.issues.append(
            Issue(
                header.row,
                f.header,
                "",
                f"缺少必填列“{f.header}”。请在表头中加上这一列（可下载导入模板对照）。",
            )
        )
    for key, default in (
        ("start_date", cohort.start_date),
        ("planned_end_date", cohort.end_date),
    ):
        if key not in header.columns:
            result.issues.append(
                Issue(
                    header.row,
                    FIELDS_BY_KEY[key].header,
                    "",
                    f"未找到“{FIELDS_BY_KEY[key].header}”列，将统一使用批次的日期 {default:%Y-%m-%d}。",
                    NOTE,
                )
            )
    if missing:
        return None
    result.id_column = header.labels["id_number"]
    result.id_col = get_column_letter(header.columns["id_number"] + 1)
    return header
