"""Roster import, what cannot be fixed automatically: each problem explained in Chinese at the
right row and column, with how to fix it; every bad row reported, not only the first."""

from __future__ import annotations

import pytest
from roster.import_helpers import (
    ID_MALE,
    error_at,
    errors,
    make_other_cohort,
    make_seconded,
    one_row,
    validate,
)
from roster.xlsx_factory import demo_rows

from guazhi.roster.models import (
    Unit,
    UnitKind,
)


@pytest.fixture
def other_cohort(db):
    return make_other_cohort()


@pytest.fixture
def seconded(units, cohort):
    """张建国 (a valid ID number), posted to 柳溪镇 in `cohort`."""
    return make_seconded(units, cohort)


def test_id_number_stored_by_excel_as_number(units, cohort):
    rows = demo_rows(2)
    rows[1]["身份证号"] = float(rows[1]["身份证号"])  # Excel keeps 15 significant digits
    result = validate(rows, cohort, title_row="名册")
    message = error_at(result, 4, "身份证号")
    assert "被 Excel 存成了数字" in message
    assert "末几位已丢失" in message
    assert "设置为“文本”格式后重新录入" in message


def test_id_number_as_integer_with_lost_digits(units, cohort):
    result = one_row({"身份证号": 110105198504120000}, cohort)
    assert "被 Excel 存成了数字" in error_at(result, 2, "身份证号")


def test_id_number_in_scientific_notation_text(units, cohort):
    result = one_row({"身份证号": "1.10105E+17"}, cohort)
    assert "科学计数法" in error_at(result, 2, "身份证号")


def test_id_number_with_wrong_check_digit(units, cohort):
    result = one_row({"身份证号": ID_MALE[:-1] + "1"}, cohort)
    assert "校验码不正确" in error_at(result, 2, "身份证号")


def test_masked_id_number_from_an_export(units, cohort):
    result = one_row({"身份证号": "110***********0030"}, cohort)
    assert "脱敏" in error_at(result, 2, "身份证号")


def test_gender_disagreeing_with_id(units, cohort):
    result = one_row({"性别": "女"}, cohort)
    assert error_at(result, 2, "性别") == "性别“女”与身份证号不符（按身份证号应为“男”），请核对。"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1985-04-13", "出生日期 1985-04-13 与身份证号中的出生日期 1985-04-12 不一致，请核对。"),
        ("1985.05", "出生日期 1985年5月 与身份证号中的出生日期 1985-04-12 不一致，请核对。"),
        ("1985-02-30", "出生日期日期“1985-02-30”不存在（月份或日期超出范围）。"),
        ("八五年四月", "出生日期无法识别日期“八五年四月”，请按 1985-04-12 的样式填写。"),
    ],
)
def test_birth_date_problems(units, cohort, value, expected):
    assert error_at(one_row({"出生日期": value}, cohort), 2, "出生日期") == expected


def test_month_stored_as_number_is_ambiguous(units, cohort):
    result = one_row({"出生日期": 1985.1}, cohort)
    assert "无法区分 1 月和 10 月" in error_at(result, 2, "出生日期")


def test_unknown_choice_lists_the_allowed_values(units, cohort):
    result = one_row({"政治面貌": "无党派人士"}, cohort)
    message = error_at(result, 2, "政治面貌")
    assert "无法识别的政治面貌“无党派人士”" in message
    assert "中共党员" in message and "群众" in message


def test_blank_required_cells(units, cohort):
    result = one_row({"姓名": " ", "挂任职务": None, "政治面貌": ""}, cohort)
    assert error_at(result, 2, "姓名") == "姓名为空。"
    assert error_at(result, 2, "挂任职务") == "挂任职务为空。"
    assert not [i for i in result.errors if i.column == "政治面貌"]  # secondary: a note only


def test_unknown_unit_lists_close_names(units, cohort):
    result = one_row({"接收单位": "柳溪乡"}, cohort)
    message = error_at(result, 2, "接收单位")
    assert message.startswith("系统中没有名为“柳溪乡”的单位。")
    assert "柳溪镇" in message
    assert "请先在“单位管理”中添加" in message


def test_ambiguous_unit_asks_for_the_full_name(units, cohort):
    Unit.objects.create(name="石桥村", kind=UnitKind.VILLAGE, parent=units["town_b"])
    result = one_row({"接收单位": "石桥村"}, cohort)
    message = error_at(result, 2, "接收单位")
    assert "安平区柳溪镇石桥村" in message and "安平区东关街道石桥村" in message
    ok = one_row({"接收单位": "东关街道石桥村"}, cohort)
    assert errors(ok) == []


def test_dates_out_of_order_and_status_rules(units, cohort):
    result = one_row({"开始日期": "2026-03-01", "计划结束日期": "2026-02-01"}, cohort)
    assert "应晚于开始日期" in error_at(result, 2, "计划结束日期")
    result = one_row({"状态": "期满"}, cohort)
    assert "须填写实际结束日期" in error_at(result, 2, "状态")
    result = one_row({"状态": "已结束"}, cohort)
    assert "无法识别的状态“已结束”" in error_at(result, 2, "状态")


def test_duplicate_id_numbers_within_the_file(units, cohort):
    rows = demo_rows(3)
    rows[2]["身份证号"] = rows[0]["身份证号"]
    rows[2]["姓名"] = rows[0]["姓名"]
    result = validate(rows, cohort)
    assert error_at(result, 4, "身份证号") == "身份证号与第 2 行重复，同一人只能出现一次。"


def test_cadre_already_in_the_cohort(seconded, cohort):
    result = one_row({"姓名": "张建国"}, cohort)
    assert (
        error_at(result, 2, "身份证号")
        == "张建国已在本批次中（柳溪镇 镇党委副书记），不能重复导入。"
    )


def test_existing_id_with_another_name(seconded, other_cohort):
    result = one_row({"姓名": "张建军"}, other_cohort)
    assert "属于“张建国”" in error_at(result, 2, "身份证号")


def test_missing_required_column_and_missing_header(units, cohort):
    rows = [{k: v for k, v in r.items() if k != "接收单位"} for r in demo_rows(2)]
    result = validate(rows, cohort, title_row="名册")
    assert "缺少必填列“接收单位”" in error_at(result, 2, "接收单位")
    assert result.rows == []
    result = validate([{"甲": 1, "乙": 2}], cohort)
    assert "没有找到表头行" in error_at(result, 0, "")


def test_every_bad_row_is_reported(units, cohort):
    rows = demo_rows(5)
    rows[1]["身份证号"] = float(rows[1]["身份证号"])
    rows[3]["接收单位"] = "不存在镇"
    result = validate(rows, cohort, title_row="名册")
    assert sorted({i.row for i in result.errors}) == [4, 6]
    assert len(result.rows) == 5


def test_two_columns_meaning_the_same_field(units, cohort):
    rows = [r | {"证件号码": r["身份证号"]} for r in demo_rows(1)]
    result = validate(rows, cohort)
    assert (
        error_at(result, 1, "证件号码")
        == "“证件号码”与“身份证号”都表示“身份证号”，请删除其中一列。"
    )
