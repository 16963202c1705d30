"""The roster's columns, shared by the import (which reads them, synonyms accepted), the export
and the import template (which write them, in this order), and the labels accepted in the
drop-down columns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from guazhi.lib.cells import header_key
from guazhi.roster.models import Education, Gender, PoliticalStatus, SecondmentStatus


@dataclass(frozen=True)
class RosterField:
    key: str
    header: str
    synonyms: tuple[str, ...] = ()
    required: bool = False  # the column must be present and every cell filled
    width: float = 14
    text: bool = False  # identifiers: the template formats the column as text
    date: bool = False
    hint: str = ""


ROSTER_FIELDS: tuple[RosterField, ...] = (
    RosterField(
        "name", "姓名", ("干部姓名", "人员姓名"), True, 10, hint="必填。姓名中的空格会被去掉。"
    ),
    RosterField(
        "gender",
        "性别",
        (),
        False,
        6,
        hint="男/女。可不填，按身份证号自动识别；填写的须与身份证号一致。",
    ),
    RosterField(
        "birth_date",
        "出生日期",
        ("出生年月", "出生年月日"),
        False,
        12,
        date=True,
        hint="可不填，按身份证号自动识别；可写 1985-04-12 或 1985.04，须与身份证号一致。",
    ),
    RosterField(
        "id_number",
        "身份证号",
        ("身份证号码", "证件号码", "公民身份号码", "身份证", "身份证件号码"),
        True,
        21,
        text=True,
        hint="必填，18 位。本列须为“文本”格式，否则 Excel 会丢失末几位。",
    ),
    RosterField(
        "mobile",
        "手机号",
        ("手机", "手机号码", "联系电话", "联系方式", "移动电话", "电话"),
        False,
        14,
        text=True,
        hint="11 位手机号，本列须为“文本”格式。",
    ),
    RosterField(
        "ethnicity", "民族", (), False, 8, hint="如“汉族”。未填的可导入，导入后请在干部资料中补全。"
    ),
    RosterField(
        "political_status",
        "政治面貌",
        ("党派",),
        False,
        12,
        hint="从下拉列表选择。未填的可导入，导入后请在干部资料中补全。",
    ),
    RosterField(
        "education",
        "学历",
        ("最高学历", "文化程度"),
        False,
        12,
        hint="从下拉列表选择。未填的可导入，导入后请在干部资料中补全。",
    ),
    RosterField(
        "home_unit",
        "派出单位",
        ("原单位", "原工作单位", "派出单位名称", "工作单位", "所在单位"),
        True,
        22,
        hint="必填，须与系统中的单位名称一致（可写全称，如 青川市安平区柳溪镇）。",
    ),
    RosterField("original_post", "原任职务", ("原职务", "现任职务", "原任职务职级"), False, 16),
    RosterField("rank", "职级", ("职务职级", "现职级"), False, 12),
    RosterField(
        "host_unit",
        "接收单位",
        ("挂职单位", "接收单位名称", "挂职地点", "挂职单位名称"),
        True,
        22,
        hint="必填，须与系统中的单位名称一致。",
    ),
    RosterField(
        "post",
        "挂任职务",
        ("挂职职务", "拟挂任职务", "挂职岗位", "挂任岗位"),
        True,
        18,
        hint="必填。",
    ),
    RosterField(
        "duties",
        "分管工作",
        ("分管领域", "工作分工", "分工"),
        False,
        24,
        hint="多项可用分号或换行分隔。",
    ),
    RosterField(
        "start_date",
        "开始日期",
        ("挂职开始日期", "挂职起始日期", "起始日期", "开始时间", "挂职开始时间"),
        False,
        12,
        date=True,
        hint="不填则取批次的开始日期。",
    ),
    RosterField(
        "planned_end_date",
        "计划结束日期",
        ("结束日期", "挂职结束日期", "预计结束日期", "计划结束时间", "挂职结束时间"),
        False,
        13,
        date=True,
        hint="不填则取批次的结束日期；须晚于开始日期。",
    ),
    RosterField(
        "actual_end_date",
        "实际结束日期",
        (),
        False,
        13,
        date=True,
        hint="仅状态为“期满”或“提前结束”时填写。",
    ),
    RosterField("status", "状态", ("挂职状态",), False, 10, hint="不填默认为“待报到”。"),
)
FIELDS_BY_KEY = {f.key: f for f in ROSTER_FIELDS}

# The template's example row: a row carrying this ID number is skipped on import.
EXAMPLE_ROW: dict[str, Any] = {
    "name": "张三（示例，导入时跳过）",
    "gender": "男",
    "birth_date": date(1985, 4, 12),
    "id_number": "110105198504129991",
    "mobile": "13812345678",
    "ethnicity": "汉族",
    "political_status": "中共党员",
    "education": "大学本科",
    "home_unit": "市发展和改革委员会",
    "original_post": "综合科科长",
    "rank": "四级调研员",
    "host_unit": "柳溪镇",
    "post": "镇党委副书记",
    "duties": "营商环境；企业服务",
    "start_date": date(2026, 3, 1),
    "planned_end_date": date(2027, 2, 28),
    "actual_end_date": None,
    "status": "待报到",
}

HEADER_MAP: dict[str, str] = {}
for _f in ROSTER_FIELDS:
    for _name in (_f.header, *_f.synonyms):
        HEADER_MAP[header_key(_name)] = _f.key

GENDER_VALUES = {"男": Gender.MALE, "男性": Gender.MALE, "女": Gender.FEMALE, "女性": Gender.FEMALE}
POLITICAL_VALUES: dict[str, str] = {label: value for value, label in PoliticalStatus.choices} | {
    "党员": PoliticalStatus.CPC,
    "共产党员": PoliticalStatus.CPC,
    "中国共产党党员": PoliticalStatus.CPC,
    "预备党员": PoliticalStatus.CPC_PROBATIONARY,
    "团员": PoliticalStatus.CYL,
    "中共团员": PoliticalStatus.CYL,
    **dict.fromkeys(
        ("民革", "民盟", "民建", "民进", "农工党", "致公党", "九三学社", "台盟"),
        PoliticalStatus.DEMOCRATIC,
    ),
}
EDUCATION_VALUES: dict[str, str] = {label: value for value, label in Education.choices} | {
    "博士": Education.DOCTORATE,
    "硕士": Education.MASTER,
    "本科": Education.BACHELOR,
    "大学": Education.BACHELOR,
    "专科": Education.COLLEGE,
    "大专": Education.COLLEGE,
    "中专": Education.SECONDARY,
    "高中": Education.SECONDARY,
}
STATUS_VALUES: dict[str, str] = {label: value for value, label in SecondmentStatus.choices}
