"""Roster import, messy but unambiguous rosters: title rows, synonyms, two-level headers, full-width
characters, stray spaces, dates in every common form, units by full name — all normalised."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from roster.import_helpers import (
    BIRTH,
    ID_MALE,
    ID_X,
    errors,
    notes,
    one_row,
    validate,
)
from roster.xlsx_factory import demo_rows

from guazhi.roster.import_validation import validate_roster
from guazhi.roster.models import (
    Education,
    PoliticalStatus,
    SecondmentStatus,
)


def test_title_rows_synonyms_any_order_blank_rows_and_trailing_columns(units, cohort):
    rows = demo_rows(3)
    renamed = [
        {
            "备注": "无",
            "挂职职务": r["挂任职务"],
            "证件号码": r["身份证号"],
            "姓 名": r["姓名"],
            "联系电话": r["手机号"],
            "原单位": r["派出单位"],
            "挂职单位": r["接收单位"],
            "政治面貌": r["政治面貌"],
        }
        for r in rows
    ]
    renamed.insert(1, {})  # a blank row between people
    for number, r in enumerate(renamed, start=1):
        r["序号"] = number
    renamed.append({"序号": 5})  # a numbered but unused row
    result = validate(
        renamed,
        cohort,
        title_row="青川市2026年第二批墩苗历练干部名册",
        title_rows=["填报单位：市委组织部（盖章）        填报日期：2026年2月"],
        pad_columns=3,
    )
    assert errors(result) == []
    assert [p.row for p in result.rows] == [4, 6, 7]  # Excel row numbers, blank row 5 skipped
    first = result.rows[0].values
    assert first["name"] == rows[0]["姓名"]
    assert first["id_number"] == rows[0]["身份证号"]
    assert first["host_unit"] == units["town_a"]
    assert first["home_unit"] == units["dept_a"]
    assert first["post"] == rows[0]["挂任职务"]
    # Not in the file: taken from the ID and the cohort, with notes for the cohort dates.
    assert first["birth_date"] == date.fromisoformat(rows[0]["出生日期"])
    assert first["start_date"] == cohort.start_date
    assert first["planned_end_date"] == cohort.end_date
    assert first["status"] == SecondmentStatus.PENDING
    texts = " ".join(n[2] for n in notes(result))
    assert "不认识的列“备注”，已忽略" in texts
    assert "序号" not in texts
    assert "将统一使用批次的日期 2026-03-01" in texts


def test_full_width_digits_spaces_and_lowercase_x_in_id_number(units, cohort):
    full_width = ID_X[:-1].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "x"
    result = one_row({"身份证号": f" {full_width[:6]} {full_width[6:]} ", "性别": ""}, cohort)
    assert errors(result) == []
    assert result.rows[0].values["id_number"] == ID_X


def test_stray_spaces_in_names_are_removed(units, cohort):
    result = one_row({"姓名": " 王 芳\u3000"}, cohort)
    assert result.rows[0].values["name"] == "王芳"


@pytest.mark.parametrize(
    "value",
    [
        "1985.04",
        "1985.4",
        "1985年4月",
        "1985年04月12日",
        "1985-04-12",
        "1985/4/12",
        "1985.4.12",
        "19850412",
        "１９８５－０４－１２",
        datetime(1985, 4, 12),
        date(1985, 4, 12),
        19850412,
        198504,
        1985.04,
        31149,  # an Excel date serial in a cell formatted as a number
    ],
)
def test_birth_date_formats(units, cohort, value):
    result = one_row({"出生日期": value}, cohort)
    assert errors(result) == []
    assert result.rows[0].values["birth_date"] == BIRTH


def test_birth_date_and_gender_come_from_the_id_when_blank(units, cohort):
    result = one_row({"出生日期": None, "性别": None, "身份证号": ID_X}, cohort)
    assert errors(result) == []
    assert result.rows[0].values["birth_date"] == BIRTH
    assert result.rows[0].values["gender"] == "M"


def test_mobile_stored_as_number_and_with_separators(units, cohort):
    assert one_row({"手机号": 13812345678.0}, cohort).rows[0].values["mobile"] == "13812345678"
    assert one_row({"手机号": "138-1234-5678"}, cohort).rows[0].values["mobile"] == "13812345678"


def test_choice_synonyms(units, cohort):
    result = one_row({"政治面貌": "党员", "学历": "本科", "民族": "回", "状态": "在岗"}, cohort)
    assert errors(result) == []
    values = result.rows[0].values
    assert values["political_status"] == PoliticalStatus.CPC
    assert values["education"] == Education.BACHELOR
    assert values["ethnicity"] == "回族"
    assert values["status"] == SecondmentStatus.ACTIVE


def test_month_only_start_and_end_dates(units, cohort):
    result = one_row({"开始日期": "2026.03", "计划结束日期": "2027年2月"}, cohort)
    assert errors(result) == []
    values = result.rows[0].values
    assert values["start_date"] == date(2026, 3, 1)
    assert values["planned_end_date"] == date(2027, 2, 28)
    texts = [n[2] for n in notes(result)]
    assert "开始日期只写到月，按该月 1 日（2026-03-01）导入。" in texts
    assert "计划结束日期只写到月，按该月最后一天（2027-02-28）导入。" in texts


def test_units_matched_by_full_name_or_tail(units, cohort):
    for text in ("青川市安平区柳溪镇", "安平区柳溪镇", "安平区 / 柳溪镇", " 柳溪镇 "):
        result = one_row({"接收单位": text}, cohort)
        assert errors(result) == [], text
        assert result.rows[0].values["host_unit"] == units["town_a"]


def test_exported_formula_prefix_is_removed_again(units, cohort):
    result = one_row({"分管工作": "'=招商引资", "挂任职务": "'-副镇长"}, cohort)
    assert result.rows[0].values["duties"] == "=招商引资"
    assert result.rows[0].values["post"] == "-副镇长"


def test_footer_rows_are_skipped(units, cohort):
    rows = demo_rows(2) + [{"姓名": "填表人：刘联络"}, {"姓名": "注：本表一式两份。"}]
    result = validate(rows, cohort)
    assert errors(result) == []
    assert len(result.rows) == 2


def test_two_level_header_under_merged_cells(units, cohort):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["2026年第二批墩苗历练干部名册"])
    ws.append(["序号", "姓名", "身份证号", "政治面貌", "派出单位", "挂职信息", None])
    ws.append([None, None, None, None, None, "接收单位", "挂职职务"])
    ws.merge_cells("F2:G2")
    row = demo_rows(1)[0]
    ws.append(
        [1, row["姓名"], row["身份证号"], "中共党员", row["派出单位"], row["接收单位"], "副镇长"]
    )
    out = io.BytesIO()
    wb.save(out)
    result = validate_roster(out.getvalue(), cohort=cohort)
    assert errors(result) == []
    assert [p.row for p in result.rows] == [4]
    assert result.rows[0].values["host_unit"] == units["town_a"]
    assert result.rows[0].values["post"] == "副镇长"
    assert not any("挂职信息" in n[2] for n in notes(result))


def test_apostrophe_typed_to_force_text(units, cohort):
    result = one_row({"身份证号": "'" + ID_MALE, "手机号": "'13812345678"}, cohort)
    assert errors(result) == []
    assert result.rows[0].values["id_number"] == ID_MALE
    assert result.rows[0].values["mobile"] == "13812345678"
