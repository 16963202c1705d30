"""Roster import: the messy cases normalised, the unfixable ones explained at the right row and
column, and the two phases (nothing saved on any error; everything saved on commit)."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from roster.xlsx_factory import as_upload, build_roster_xlsx, demo_rows, make_id_number

from guazhi.audit.models import AuditRecord, Event
from guazhi.roster.import_validation import validate_roster
from guazhi.roster.models import (
    Cadre,
    Cohort,
    Education,
    PoliticalStatus,
    RosterImport,
    RosterImportStatus,
    Secondment,
    SecondmentStatus,
    Unit,
    UnitKind,
)

BIRTH = date(1985, 4, 12)
ID_MALE = make_id_number(BIRTH, 3)  # 110105198504120030
ID_X = make_id_number(BIRTH, 9)  # ends in X


def _validate(rows, cohort, **kwargs):
    return validate_roster(build_roster_xlsx(rows, **kwargs), cohort=cohort)


def _errors(result):
    return [(i.row, i.column, i.message) for i in result.errors]


def _error_at(result, row, column):
    matching = [i.message for i in result.errors if i.row == row and i.column == column]
    assert matching, f"no error at row {row}, column {column}: {_errors(result)}"
    return matching[0]


def _notes(result):
    return [(i.row, i.column, i.message) for i in result.issues if i.level == "note"]


def _one_row(overrides, cohort, **kwargs):
    row = demo_rows(1)[0] | {"身份证号": ID_MALE, "性别": "男", "出生日期": "1985-04-12"}
    row.update(overrides)
    return _validate([row], cohort, **kwargs)


@pytest.fixture
def other_cohort(db):
    return Cohort.objects.create(
        name="2025年第一批墩苗历练干部",
        year=2025,
        start_date=date(2025, 3, 1),
        end_date=date(2026, 2, 28),
    )


# --- Messy but unambiguous: normalised --------------------------------------------------------


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
    result = _validate(
        renamed,
        cohort,
        title_row="青川市2026年第二批墩苗历练干部名册",
        title_rows=["填报单位：市委组织部（盖章）        填报日期：2026年2月"],
        pad_columns=3,
    )
    assert _errors(result) == []
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
    notes = " ".join(n[2] for n in _notes(result))
    assert "不认识的列“备注”，已忽略" in notes
    assert "序号" not in notes
    assert "将统一使用批次的日期 2026-03-01" in notes


def test_full_width_digits_spaces_and_lowercase_x_in_id_number(units, cohort):
    full_width = ID_X[:-1].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "x"
    result = _one_row({"身份证号": f" {full_width[:6]} {full_width[6:]} ", "性别": ""}, cohort)
    assert _errors(result) == []
    assert result.rows[0].values["id_number"] == ID_X


def test_stray_spaces_in_names_are_removed(units, cohort):
    result = _one_row({"姓名": " 王 芳\u3000"}, cohort)
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
    result = _one_row({"出生日期": value}, cohort)
    assert _errors(result) == []
    assert result.rows[0].values["birth_date"] == BIRTH


def test_birth_date_and_gender_come_from_the_id_when_blank(units, cohort):
    result = _one_row({"出生日期": None, "性别": None, "身份证号": ID_X}, cohort)
    assert _errors(result) == []
    assert result.rows[0].values["birth_date"] == BIRTH
    assert result.rows[0].values["gender"] == "M"


def test_mobile_stored_as_number_and_with_separators(units, cohort):
    assert _one_row({"手机号": 13812345678.0}, cohort).rows[0].values["mobile"] == "13812345678"
    assert _one_row({"手机号": "138-1234-5678"}, cohort).rows[0].values["mobile"] == "13812345678"


def test_choice_synonyms(units, cohort):
    result = _one_row({"政治面貌": "党员", "学历": "本科", "民族": "回", "状态": "在岗"}, cohort)
    assert _errors(result) == []
    values = result.rows[0].values
    assert values["political_status"] == PoliticalStatus.CPC
    assert values["education"] == Education.BACHELOR
    assert values["ethnicity"] == "回族"
    assert values["status"] == SecondmentStatus.ACTIVE


def test_month_only_start_and_end_dates(units, cohort):
    result = _one_row({"开始日期": "2026.03", "计划结束日期": "2027年2月"}, cohort)
    assert _errors(result) == []
    values = result.rows[0].values
    assert values["start_date"] == date(2026, 3, 1)
    assert values["planned_end_date"] == date(2027, 2, 28)
    notes = [n[2] for n in _notes(result)]
    assert "开始日期只写到月，按该月 1 日（2026-03-01）导入。" in notes
    assert "计划结束日期只写到月，按该月最后一天（2027-02-28）导入。" in notes


def test_units_matched_by_full_name_or_tail(units, cohort):
    for text in ("青川市安平区柳溪镇", "安平区柳溪镇", "安平区 / 柳溪镇", " 柳溪镇 "):
        result = _one_row({"接收单位": text}, cohort)
        assert _errors(result) == [], text
        assert result.rows[0].values["host_unit"] == units["town_a"]


def test_exported_formula_prefix_is_removed_again(units, cohort):
    result = _one_row({"分管工作": "'=招商引资", "挂任职务": "'-副镇长"}, cohort)
    assert result.rows[0].values["duties"] == "=招商引资"
    assert result.rows[0].values["post"] == "-副镇长"


def test_footer_rows_are_skipped(units, cohort):
    rows = demo_rows(2) + [{"姓名": "填表人：刘联络"}, {"姓名": "注：本表一式两份。"}]
    result = _validate(rows, cohort)
    assert _errors(result) == []
    assert len(result.rows) == 2


# --- Unfixable: explained at the right row and column -----------------------------------------


def test_id_number_stored_by_excel_as_number(units, cohort):
    rows = demo_rows(2)
    rows[1]["身份证号"] = float(rows[1]["身份证号"])  # Excel keeps 15 significant digits
    result = _validate(rows, cohort, title_row="名册")
    message = _error_at(result, 4, "身份证号")
    assert "被 Excel 存成了数字" in message
    assert "末几位已丢失" in message
    assert "设置为“文本”格式后重新录入" in message


def test_id_number_as_integer_with_lost_digits(units, cohort):
    result = _one_row({"身份证号": 110105198504120000}, cohort)
    assert "被 Excel 存成了数字" in _error_at(result, 2, "身份证号")


def test_id_number_in_scientific_notation_text(units, cohort):
    result = _one_row({"身份证号": "1.10105E+17"}, cohort)
    assert "科学计数法" in _error_at(result, 2, "身份证号")


def test_id_number_with_wrong_check_digit(units, cohort):
    result = _one_row({"身份证号": ID_MALE[:-1] + "1"}, cohort)
    assert "校验码不正确" in _error_at(result, 2, "身份证号")


def test_masked_id_number_from_an_export(units, cohort):
    result = _one_row({"身份证号": "110***********0030"}, cohort)
    assert "脱敏" in _error_at(result, 2, "身份证号")


def test_gender_disagreeing_with_id(units, cohort):
    result = _one_row({"性别": "女"}, cohort)
    assert _error_at(result, 2, "性别") == "性别“女”与身份证号不符（按身份证号应为“男”），请核对。"


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
    assert _error_at(_one_row({"出生日期": value}, cohort), 2, "出生日期") == expected


def test_month_stored_as_number_is_ambiguous(units, cohort):
    result = _one_row({"出生日期": 1985.1}, cohort)
    assert "无法区分 1 月和 10 月" in _error_at(result, 2, "出生日期")


def test_unknown_choice_lists_the_allowed_values(units, cohort):
    result = _one_row({"政治面貌": "无党派人士"}, cohort)
    message = _error_at(result, 2, "政治面貌")
    assert "无法识别的政治面貌“无党派人士”" in message
    assert "中共党员" in message and "群众" in message


def test_blank_required_cells(units, cohort):
    result = _one_row({"姓名": " ", "挂任职务": None, "政治面貌": ""}, cohort)
    assert _error_at(result, 2, "姓名") == "姓名为空。"
    assert _error_at(result, 2, "挂任职务") == "挂任职务为空。"
    assert not [i for i in result.errors if i.column == "政治面貌"]  # secondary: a note only


def test_unknown_unit_lists_close_names(units, cohort):
    result = _one_row({"接收单位": "柳溪乡"}, cohort)
    message = _error_at(result, 2, "接收单位")
    assert message.startswith("系统中没有名为“柳溪乡”的单位。")
    assert "柳溪镇" in message
    assert "请先在“单位管理”中添加" in message


def test_ambiguous_unit_asks_for_the_full_name(units, cohort):
    Unit.objects.create(name="石桥村", kind=UnitKind.VILLAGE, parent=units["town_b"])
    result = _one_row({"接收单位": "石桥村"}, cohort)
    message = _error_at(result, 2, "接收单位")
    assert "安平区柳溪镇石桥村" in message and "安平区东关街道石桥村" in message
    ok = _one_row({"接收单位": "东关街道石桥村"}, cohort)
    assert _errors(ok) == []


def test_dates_out_of_order_and_status_rules(units, cohort):
    result = _one_row({"开始日期": "2026-03-01", "计划结束日期": "2026-02-01"}, cohort)
    assert "应晚于开始日期" in _error_at(result, 2, "计划结束日期")
    result = _one_row({"状态": "期满"}, cohort)
    assert "须填写实际结束日期" in _error_at(result, 2, "状态")
    result = _one_row({"状态": "已结束"}, cohort)
    assert "无法识别的状态“已结束”" in _error_at(result, 2, "状态")


def test_duplicate_id_numbers_within_the_file(units, cohort):
    rows = demo_rows(3)
    rows[2]["身份证号"] = rows[0]["身份证号"]
    rows[2]["姓名"] = rows[0]["姓名"]
    result = _validate(rows, cohort)
    assert _error_at(result, 4, "身份证号") == "身份证号与第 2 行重复，同一人只能出现一次。"


@pytest.fixture
def seconded(units, cohort):
    """张建国 (a valid ID number), posted to 柳溪镇 in `cohort`."""
    cadre = Cadre.objects.create(
        name="张建国",
        gender="M",
        birth_date=BIRTH,
        id_number=ID_MALE,
        mobile="13812345678",
        home_unit=units["dept_a"],
        original_post="科长",
    )
    Secondment.objects.create(
        cadre=cadre,
        cohort=cohort,
        host_unit=units["town_a"],
        post="镇党委副书记",
        start_date=date(2026, 3, 1),
        planned_end_date=date(2027, 2, 28),
    )
    return cadre


def test_cadre_already_in_the_cohort(seconded, cohort):
    result = _one_row({"姓名": "张建国"}, cohort)
    assert (
        _error_at(result, 2, "身份证号")
        == "张建国已在本批次中（柳溪镇 镇党委副书记），不能重复导入。"
    )


def test_existing_id_with_another_name(seconded, other_cohort):
    result = _one_row({"姓名": "张建军"}, other_cohort)
    assert "属于“张建国”" in _error_at(result, 2, "身份证号")


def test_missing_required_column_and_missing_header(units, cohort):
    rows = [{k: v for k, v in r.items() if k != "接收单位"} for r in demo_rows(2)]
    result = _validate(rows, cohort, title_row="名册")
    assert "缺少必填列“接收单位”" in _error_at(result, 2, "接收单位")
    assert result.rows == []
    result = _validate([{"甲": 1, "乙": 2}], cohort)
    assert "没有找到表头行" in _error_at(result, 0, "")


def test_every_bad_row_is_reported(units, cohort):
    rows = demo_rows(5)
    rows[1]["身份证号"] = float(rows[1]["身份证号"])
    rows[3]["接收单位"] = "不存在镇"
    result = _validate(rows, cohort, title_row="名册")
    assert sorted({i.row for i in result.errors}) == [4, 6]
    assert len(result.rows) == 5


# --- Template --------------------------------------------------------------------------------


def test_template_download(client_for, programme_admin, units, cohort):
    response = client_for(programme_admin).get(reverse("roster:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    data = b"".join(response.streaming_content)
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["干部名册", "填写说明"]
    ws = wb["干部名册"]
    headers = [c.value for c in ws[1]]
    assert headers[:5] == ["姓名", "性别", "出生日期", "身份证号", "手机号"]
    for expected in (
        "政治面貌",
        "学历",
        "派出单位",
        "接收单位",
        "挂任职务",
        "分管工作",
        "开始日期",
        "计划结束日期",
        "状态",
    ):
        assert expected in headers
    assert ws.freeze_panes == "A2"
    id_col = headers.index("身份证号") + 1
    assert ws.cell(row=2, column=id_col).number_format == "@"
    assert ws.cell(row=500, column=headers.index("手机号") + 1).number_format == "@"
    lists = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert '"男,女"' in lists
    assert '"中共党员,中共预备党员,共青团员,民主党派,群众"' in lists
    assert '"待报到,在岗,期满,提前结束"' in lists
    assert any("大学本科" in f for f in lists)
    assert "示例" in ws.cell(row=2, column=1).value
    assert "身份证号" in " ".join(str(c.value) for row in wb["填写说明"].iter_rows() for c in row)

    # The untouched template: the example row is skipped, so there is nothing to import.
    result = validate_roster(data, cohort=cohort)
    assert _error_at(result, 2, "") == "表头下面没有数据行。"
    assert any("示例行" in n[2] for n in _notes(result))

    # Filled in below the example row, it validates.
    for r, row in enumerate(demo_rows(2), start=3):
        for c, header in enumerate(headers, start=1):
            ws.cell(row=r, column=c, value=row.get(header))
    out = io.BytesIO()
    wb.save(out)
    result = validate_roster(out.getvalue(), cohort=cohort)
    assert _errors(result) == []
    assert len(result.rows) == 2


# --- Two phases through the views -------------------------------------------------------------


def _upload(client, cohort, data, name="名册.xlsx"):
    return client.post(
        reverse("roster:import_upload"), {"cohort": cohort.pk, "file": as_upload(data, name)}
    )


def test_validate_then_commit(client_for, programme_admin, units, cohort):
    client = client_for(programme_admin)
    data = build_roster_xlsx(demo_rows(4), title_row="2026年第二批墩苗历练干部名册")
    response = _upload(client, cohort, data)
    ri = RosterImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("roster:import_detail", args=[ri.pk])
    assert ri.status == RosterImportStatus.VALIDATED
    assert ri.row_count == 4 and ri.error_count == 0
    assert len(ri.parsed["rows"]) == 4  # parsed once, here; the commit does not parse again
    assert Cadre.objects.count() == 0 and Secondment.objects.count() == 0  # phase 1 saves no people
    upload_audit = AuditRecord.objects.get(event=Event.IMPORT)
    assert upload_audit.result == "success" and "校验通过，待确认导入" in upload_audit.detail

    page = client.get(response["Location"]).content.decode()
    assert "校验通过" in page and "确认导入 4 人" in page
    assert "110***********" in page  # the preview masks ID numbers
    assert demo_rows(1)[0]["身份证号"] not in page

    response = client.post(reverse("roster:import_commit", args=[ri.pk]), follow=True)
    assert (
        "导入成功：新增干部 4 人，更新干部 0 人，新增挂职记录 4 条。" in response.content.decode()
    )
    ri.refresh_from_db()
    assert ri.status == RosterImportStatus.COMMITTED and ri.committed_at
    assert ri.parsed == {}  # no second copy of personal data once committed
    assert Cadre.objects.count() == 4
    secondments = Secondment.objects.filter(cohort=cohort).select_related("cadre", "host_unit")
    assert secondments.count() == 4
    first = secondments.get(cadre__id_number=demo_rows(1)[0]["身份证号"])
    assert first.host_unit == units["town_a"]
    assert first.cadre.home_unit == units["dept_a"]
    assert first.duties == "营商环境；企业服务"
    assert first.status == SecondmentStatus.PENDING
    audit = AuditRecord.objects.filter(event=Event.IMPORT).latest("seq")
    assert audit.username == programme_admin.username
    assert audit.after["cadres_created"] == 4 and audit.after["secondments_created"] == 4
    assert "新增干部 4 人" in audit.detail

    # Committing again does nothing.
    response = client.post(reverse("roster:import_commit", args=[ri.pk]), follow=True)
    assert "不能重复导入" in response.content.decode()
    assert Secondment.objects.count() == 4


def test_two_bad_rows_refuse_the_whole_file(client_for, programme_admin, units, cohort):
    client = client_for(programme_admin)
    rows = demo_rows(5)
    rows[1]["身份证号"] = float(rows[1]["身份证号"])
    rows[3]["性别"] = "女" if rows[3]["性别"] == "男" else "男"
    response = _upload(client, cohort, build_roster_xlsx(rows), name="两行有错.xlsx")
    ri = RosterImport.objects.get()
    assert ri.status == RosterImportStatus.REJECTED
    assert ri.error_count == 2
    assert ri.parsed == {}  # a rejected file is not kept
    page = client.get(response["Location"]).content.decode()
    assert "校验未通过" in page and "未导入任何数据" in page
    assert 'data-row="3"' in page and 'data-row="5"' in page
    assert "被 Excel 存成了数字" in page and "与身份证号不符" in page
    assert "确认导入" not in page

    response = client.post(reverse("roster:import_commit", args=[ri.pk]), follow=True)
    assert "校验未通过的名册不能导入" in response.content.decode()
    assert Cadre.objects.count() == 0 and Secondment.objects.count() == 0
    upload_audit = AuditRecord.objects.get(event=Event.IMPORT)  # the upload; no import
    assert upload_audit.result == "failure" and "校验未通过（2 处错误）" in upload_audit.detail

    report = client.get(reverse("roster:import_report", args=[ri.pk]))
    assert report.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(report.streaming_content))).active
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    assert cells[0] == ["行号", "列", "列标题", "填写内容", "问题说明", "类型"]
    assert [r[0] for r in cells[1:]] == [3, 5]
    assert cells[1][1] == "D" and cells[1][2] == "身份证号" and cells[1][5] == "错误"


def test_same_file_twice_is_refused(client_for, programme_admin, units, cohort, other_cohort):
    client = client_for(programme_admin)
    data = build_roster_xlsx(demo_rows(2))
    _upload(client, cohort, data)
    second_upload_before_commit = _upload(client, other_cohort, data)
    first, second = RosterImport.objects.order_by("pk")
    assert second_upload_before_commit.status_code == 302
    client.post(reverse("roster:import_commit", args=[first.pk]))
    assert RosterImport.objects.get(pk=first.pk).status == RosterImportStatus.COMMITTED

    response = _upload(client, other_cohort, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "该文件已于" in page and "导入到批次“2026年第二批墩苗历练干部”，不能重复导入" in page
    assert RosterImport.objects.count() == 2

    # The copy uploaded before the first commit is refused at commit time.
    response = client.post(reverse("roster:import_commit", args=[second.pk]), follow=True)
    assert "不能重复导入" in response.content.decode()
    assert Secondment.objects.filter(cohort=other_cohort).count() == 0


def test_commit_revalidates_against_current_data(client_for, programme_admin, units, cohort):
    client = client_for(programme_admin)
    rows = demo_rows(2)
    _upload(client, cohort, build_roster_xlsx(rows))
    ri = RosterImport.objects.get()
    # Meanwhile the same person is entered in this cohort by hand.
    cadre = Cadre.objects.create(
        name=rows[1]["姓名"],
        gender="F",
        birth_date=date(1981, 2, 2),
        id_number=rows[1]["身份证号"],
        home_unit=units["dept_b"],
    )
    Secondment.objects.create(
        cadre=cadre,
        cohort=cohort,
        host_unit=units["town_b"],
        post="副镇长",
        start_date=date(2026, 3, 1),
        planned_end_date=date(2027, 2, 28),
    )
    response = client.post(reverse("roster:import_commit", args=[ri.pk]), follow=True)
    page = response.content.decode()
    assert "重新校验发现 1 处问题，未导入任何数据" in page
    assert "已在本批次中" in page
    ri.refresh_from_db()
    assert ri.status == RosterImportStatus.REJECTED
    assert Cadre.objects.count() == 1 and Secondment.objects.count() == 1


def test_existing_cadre_gets_a_second_secondment(
    client_for, programme_admin, seconded, other_cohort
):
    cadre_a = seconded
    client = client_for(programme_admin)
    row = demo_rows(1)[0] | {
        "姓名": "张 建国",
        "身份证号": cadre_a.id_number,
        "性别": "",
        "出生日期": "",
        "手机号": "13900001111",
        "接收单位": "东关街道",
        "原任职务": "",
    }
    _upload(client, other_cohort, build_roster_xlsx([row]))
    ri = RosterImport.objects.get()
    assert ri.status == RosterImportStatus.VALIDATED
    assert any("系统中已有该干部" in item["message"] for item in ri.report)
    assert any("的挂职仍为“待报到”" in item["message"] for item in ri.report)
    client.post(reverse("roster:import_commit", args=[ri.pk]))
    cadre_a.refresh_from_db()
    assert Cadre.objects.count() == 1
    assert cadre_a.secondments.count() == 2
    assert cadre_a.mobile == "13900001111"  # updated from the row
    assert cadre_a.original_post == "科长"  # blank cell: kept
    audit = AuditRecord.objects.filter(event=Event.IMPORT).latest("seq")
    assert audit.after["cadres_created"] == 0 and audit.after["cadres_updated"] == 1


@pytest.mark.parametrize(
    "role", ["host_liaison", "home_liaison", "cadre_user", "system_admin", "audit_admin"]
)
def test_other_roles_get_404(request, client_for, programme_admin, units, cohort, role):
    admin = client_for(programme_admin)
    _upload(admin, cohort, build_roster_xlsx(demo_rows(1)))
    ri = RosterImport.objects.get()
    client = client_for(request.getfixturevalue(role))
    for name, args in (
        ("roster:import_upload", []),
        ("roster:import_template", []),
        ("roster:import_detail", [ri.pk]),
        ("roster:import_report", [ri.pk]),
        ("roster:roster_export", []),
    ):
        assert client.get(reverse(name, args=args)).status_code == 404, name
    data = build_roster_xlsx(demo_rows(1, start=5))
    assert _upload(client, cohort, data).status_code == 404
    assert client.post(reverse("roster:import_commit", args=[ri.pk])).status_code == 404
    assert not Secondment.objects.filter(post="镇长助理").exists()  # nothing imported
    assert RosterImport.objects.count() == 1


def test_upload_page_lists_recent_imports(client_for, programme_admin, units, cohort):
    client = client_for(programme_admin)
    _upload(client, cohort, build_roster_xlsx(demo_rows(1)), name="三月名册.xlsx")
    page = client.get(reverse("roster:import_upload")).content.decode()
    assert "三月名册.xlsx" in page and "下载导入模板" in page


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "名册.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
            "不是 Excel 工作簿（可能是 Word 文档或其他格式）",
        ),
        (
            "名册.xlsx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"),
            "文件设置了打开密码（已加密）",
        ),
        ("名册.xlsx", "姓名,身份证号\n张三,1101".encode(), "可能只是改了扩展名"),
        ("名册.csv", b"a,b", "只能上传 Excel 工作簿"),
        ("名册.xlsx", b"PK\x03\x04" + b"\x00" * 100, "文件已损坏"),
    ],
)
def test_unsafe_uploads_are_refused_in_the_form(
    client_for, programme_admin, cohort, name, data, message
):
    response = _upload(client_for(programme_admin), cohort, data, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert RosterImport.objects.count() == 0


def test_oversized_upload_is_refused_with_the_limit(client_for, programme_admin, cohort, settings):
    settings.GUAZHI_MAX_UPLOAD_MB = 1
    data = build_roster_xlsx(demo_rows(1)) + b"\0" * (1024 * 1024)
    response = _upload(client_for(programme_admin), cohort, data)
    assert "超过了 1 MB 的上限" in response.content.decode()
    assert RosterImport.objects.count() == 0


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
    assert _errors(result) == []
    assert [p.row for p in result.rows] == [4]
    assert result.rows[0].values["host_unit"] == units["town_a"]
    assert result.rows[0].values["post"] == "副镇长"
    assert not any("挂职信息" in n[2] for n in _notes(result))


def test_two_columns_meaning_the_same_field(units, cohort):
    rows = [r | {"证件号码": r["身份证号"]} for r in demo_rows(1)]
    result = _validate(rows, cohort)
    assert (
        _error_at(result, 1, "证件号码")
        == "“证件号码”与“身份证号”都表示“身份证号”，请删除其中一列。"
    )


def test_refused_files_leave_an_audit_record(client_for, programme_admin, cohort):
    client = client_for(programme_admin)
    _upload(client, cohort, b"PK\x03\x04" + b"\x00" * 100, name="炸弹.xlsx")
    audit = AuditRecord.objects.get(event=Event.IMPORT)
    assert audit.result == "failure"
    assert audit.object_repr == "炸弹.xlsx"
    assert "文件已损坏" in audit.detail


def test_apostrophe_typed_to_force_text(units, cohort):
    result = _one_row({"身份证号": "'" + ID_MALE, "手机号": "'13812345678"}, cohort)
    assert _errors(result) == []
    assert result.rows[0].values["id_number"] == ID_MALE
    assert result.rows[0].values["mobile"] == "13812345678"
