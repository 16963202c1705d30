"""Roster workbooks built in memory, messy on request, for the import tests and browser tests.

    from roster.xlsx_factory import build_roster_xlsx, demo_rows, make_id_number

    rows = demo_rows(3)                            # valid rows for the conftest `units` fixture
    rows[1]["身份证号"] = 110105198504120000.0      # as Excel stores an ID typed into a number cell
    rows[2]["姓名"] = "王 芳"                       # normalised to 王芳 on import
    data = build_roster_xlsx(rows, title_row="2026年第二批墩苗历练干部名册")
    upload = as_upload(data)                        # a SimpleUploadedFile named 名册.xlsx

(`tests/` is on sys.path through tests/conftest.py, so `roster.xlsx_factory` imports from any
test directory, including tests/browser; write `data` to a file for a browser upload.)

- `demo_rows(n, *, home_units=..., host_units=..., start=0)`: n valid rows as dicts keyed by the
  template's Chinese headers (姓名, 性别, 出生日期, 身份证号, 手机号, 民族, 政治面貌, 学历, 派出单位,
  原任职务, 职级, 接收单位, 挂任职务, 分管工作, 开始日期, 计划结束日期, 状态). Units default to the
  names in tests/conftest.py (市发展和改革委员会 / 市财政局 → 柳溪镇 / 东关街道), cycled. IDs have
  valid check digits and are unique for distinct `start + i`; so are mobiles.
- `build_roster_xlsx(rows, *, title_row=None, title_rows=(), column_order=None,
  text_columns=("身份证号", "手机号"), pad_columns=0, sheet_title="名册") -> bytes`: row dicts keyed
  by header text exactly as it should appear (synonyms such as 证件号码 allowed); the header order
  is `column_order` or the keys in first-seen order; values are written as given (str, int,
  float, date, None); an empty dict writes a blank row; `title_row(s)` go above the header (the
  first merged across the columns); `pad_columns` appends empty-string cells to the right of
  every row (trailing empty columns).
- `make_id_number(birth, seq, region="110105")`: a valid 18-character ID (seq odd → male).
- `as_upload(data, name="名册.xlsx")`: a SimpleUploadedFile for Client.post.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from guazhi.lib.identity import id_check_char

HEADERS = (
    "姓名",
    "性别",
    "出生日期",
    "身份证号",
    "手机号",
    "民族",
    "政治面貌",
    "学历",
    "派出单位",
    "原任职务",
    "职级",
    "接收单位",
    "挂任职务",
    "分管工作",
    "开始日期",
    "计划结束日期",
    "状态",
)

_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
_GIVEN = (
    "建国",
    "秀英",
    "志强",
    "海燕",
    "文博",
    "晓敏",
    "国栋",
    "丽娟",
    "振华",
    "雪梅",
    "立新",
    "婷",
)
_POSTS = ("镇党委副书记", "街道办事处副主任", "镇长助理", "村党支部第一书记")
_DUTIES = ("营商环境；企业服务", "信访接待", "乡村振兴；项目推进", "安全生产")


def make_id_number(birth: date, seq: int, region: str = "110105") -> str:
    first17 = f"{region}{birth:%Y%m%d}{seq % 1000:03d}"
    return first17 + id_check_char(first17)


def demo_rows(
    n: int,
    *,
    home_units: Sequence[str] = ("市发展和改革委员会", "市财政局"),
    host_units: Sequence[str] = ("柳溪镇", "东关街道"),
    start: int = 0,
) -> list[dict[str, Any]]:
    rows = []
    for i in range(start, start + n):
        birth = date(1980 + i % 15, 1 + i % 12, 1 + i % 28)
        seq = 100 + i  # keeps IDs distinct from the template's example row
        id_number = make_id_number(birth, seq)
        rows.append(
            {
                "姓名": _SURNAMES[i % len(_SURNAMES)] + _GIVEN[(i // len(_SURNAMES)) % len(_GIVEN)],
                "性别": "男" if seq % 2 else "女",
                "出生日期": birth.isoformat(),
                "身份证号": id_number,
                "手机号": f"139{i:08d}",
                "民族": "汉族",
                "政治面貌": "中共党员",
                "学历": "大学本科",
                "派出单位": home_units[i % len(home_units)],
                "原任职务": "科长",
                "职级": "四级调研员",
                "接收单位": host_units[i % len(host_units)],
                "挂任职务": _POSTS[i % len(_POSTS)],
                "分管工作": _DUTIES[i % len(_DUTIES)],
                "开始日期": "2026-03-01",
                "计划结束日期": "2027-02-28",
                "状态": "待报到",
            }
        )
    return rows


def build_roster_xlsx(
    rows: Iterable[dict[str, Any]],
    *,
    title_row: str | None = None,
    title_rows: Sequence[str] = (),
    column_order: Sequence[str] | None = None,
    text_columns: Sequence[str] = ("身份证号", "手机号"),
    pad_columns: int = 0,
    sheet_title: str = "名册",
) -> bytes:
    rows = list(rows)
    if column_order is None:
        column_order = list(dict.fromkeys(key for row in rows for key in row))
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title
    titles = ([title_row] if title_row else []) + list(title_rows)
    for index, title in enumerate(titles, start=1):
        ws.cell(row=index, column=1, value=title)
        if index == 1 and len(column_order) > 1:
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(column_order))
    header_row = len(titles) + 1
    for col, header in enumerate(column_order, start=1):
        ws.cell(row=header_row, column=col, value=header)
    for offset, row in enumerate(rows, start=1):
        excel_row = header_row + offset
        for col, header in enumerate(column_order, start=1):
            value = row.get(header)
            if value is None:
                continue
            cell = ws.cell(row=excel_row, column=col, value=value)
            if header in text_columns and isinstance(value, str):
                cell.number_format = "@"
        if row:
            for extra in range(pad_columns):
                ws.cell(row=excel_row, column=len(column_order) + 1 + extra, value="")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def as_upload(data: bytes, name: str = "名册.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
