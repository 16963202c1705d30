"""Roster validation, phase 1 of the import: every row read, normalised and checked, with
per-cell Chinese issues, then checked against the database.

What a real roster looks like and what we do about it:

- title rows, merged two-level headers, synonyms, columns in any order, footers: see
  `import_reading`; full-width digits and letters folded, stray spaces in names removed
  (“王 芳” → 王芳); cell parsing in `guazhi.lib.cells`;
- ID numbers stored by Excel as numbers have lost their last digits: refused with an explanation
  (set the column to text, re-enter); masked numbers (from an export) are refused too;
- gender and birth date are derived from the ID number when blank and checked against it when
  given (a disagreement is an error). A birth date given to the month only (1985.04, 1985年4月)
  is accepted when it agrees with the ID's year and month; the ID supplies the day;
- start and planned end dates left blank take the cohort's dates; a start or end date given to
  the month only becomes the first (start) or last (end) day of that month, with a note;
- status defaults to 待报到; secondary profile fields (政治面貌, 民族, 学历) may be blank: the row
  imports with a note listing what to complete.

An ID number already in the system means the same person: the row must carry the same name, and
the import adds a secondment in this cohort and updates the cadre's profile from the non-blank
cells of the row. A cadre already seconded in this cohort is an error. Those database checks
(`check_against_database`) run again, cheaply, when the import is committed.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from openpyxl.utils import get_column_letter

from guazhi.lib.cells import (
    CellError,
    cell_text,
    choice,
    free_text,
    parse_date,
    parse_id_number,
)
from guazhi.lib.identity import InvalidValue, birth_date_from_id, gender_from_id, normalize_mobile
from guazhi.lib.zh import clean_name
from guazhi.roster.columns import (
    EDUCATION_VALUES,
    EXAMPLE_ROW,
    FIELDS_BY_KEY,
    GENDER_VALUES,
    POLITICAL_VALUES,
    STATUS_VALUES,
)
from guazhi.roster.import_reading import MAX_DATA_ROWS, Header, Rows, read_roster
from guazhi.roster.import_report import (
    ERROR,
    NOTE,
    Issue,
    ParsedRow,
    ValidationResult,
    shown_message,
    shown_value,
)
from guazhi.roster.models import (
    INCOMPLETE_PROFILE_FIELDS,
    Cadre,
    Cohort,
    Gender,
    Secondment,
    SecondmentStatus,
    Unit,
)
from guazhi.roster.unit_matching import UnitMatcher

_FOOTER = re.compile(r"^(注|备注|说明|填表人|填报人|审核人|联系人|制表|填表日期|单位盖章)")


def validate_roster(data: bytes, *, cohort: Cohort) -> ValidationResult:
    """Phase 1: read the (already safety-checked) workbook and validate every row. Reads the
    database but never writes: run it outside any transaction."""
    result = ValidationResult()
    header, rows = read_roster(data, cohort=cohort, result=result)
    if header is None:
        return result
    _validate_rows(header, rows, cohort, result)
    result.issues.extend(
        check_against_database(
            result.rows, cohort=cohort, id_column=result.id_column, id_col=result.id_col
        )
    )
    return result


def _validate_rows(header: Header, rows: Rows, cohort: Cohort, result: ValidationResult) -> None:
    matcher = UnitMatcher(Unit.objects.all())
    seen_ids: dict[str, int] = {}
    for excel_row, cells in rows:
        known = [
            cells[i] for i in header.columns.values() if i < len(cells) and cell_text(cells[i])
        ]
        if not known:
            continue  # blank, or only a pre-filled 序号 in an unused numbered row
        filled = [text for text in map(cell_text, cells) if text]
        if len(filled) <= 2 and _FOOTER.match(filled[0]):
            continue
        parsed = _validate_row(header, excel_row, cells, cohort, matcher, result)
        if parsed is None:
            continue
        result.data_rows += 1
        id_number = parsed.values.get("id_number")
        if id_number:
            if id_number in seen_ids:
                result.issues.append(
                    Issue(
                        excel_row,
                        header.labels["id_number"],
                        shown_value("id_number", id_number),
                        f"身份证号与第 {seen_ids[id_number]} 行重复，同一人只能出现一次。",
                        ERROR,
                        get_column_letter(header.columns["id_number"] + 1),
                    )
                )
            else:
                seen_ids[id_number] = excel_row
        result.rows.append(parsed)
    if result.data_rows > MAX_DATA_ROWS:
        result.issues.append(
            Issue(0, "", "", f"名册超过 {MAX_DATA_ROWS} 行，请拆分为多个文件分别导入。")
        )
    if not result.rows and not result.errors:
        result.issues.append(Issue(header.row + 1, "", "", "表头下面没有数据行。"))


def _validate_row(
    header: Header,
    excel_row: int,
    cells: list[Any],
    cohort: Cohort,
    matcher: UnitMatcher,
    result: ValidationResult,
) -> ParsedRow | None:
    raw: dict[str, Any] = {}
    for key, index in header.columns.items():
        raw[key] = cells[index] if index < len(cells) else None
    text = {key: cell_text(value) for key, value in raw.items()}
    values: dict[str, Any] = {}
    provided = {key for key, value in text.items() if value}
    row_issues: list[Issue] = []

    def issue(key: str, message: str, level: str = ERROR) -> None:
        row_issues.append(
            Issue(
                excel_row,
                header.labels.get(key, FIELDS_BY_KEY[key].header),
                shown_value(key, text.get(key, "")),
                shown_message(key, message),
                level,
                get_column_letter(header.columns[key] + 1) if key in header.columns else "",
            )
        )

    # ID number first: gender and birth date are checked against it.
    id_number = ""
    raw_id = raw.get("id_number")
    try:
        id_number = parse_id_number(raw_id, text.get("id_number", ""))
    except CellError as e:
        issue("id_number", str(e))
    if id_number == EXAMPLE_ROW["id_number"]:
        result.issues.append(Issue(excel_row, "", "", "模板中的示例行，已跳过。", NOTE))
        return None
    values["id_number"] = id_number

    name = clean_name(raw.get("name"))
    if name.startswith("'") and name[1:2] in ("=", "+", "-", "@"):
        name = name[1:]
    if not name:
        issue("name", "姓名为空。")
    elif len(name) > 50:
        issue("name", "姓名超过 50 个字。")
    elif re.search(r"\d", name):
        issue("name", "姓名中含有数字，请核对。")
    values["name"] = name

    gender = ""
    if text.get("gender"):
        try:
            gender = choice(text["gender"], dict(GENDER_VALUES), "性别")
        except CellError:
            issue("gender", "性别只能填写“男”或“女”。")
    if id_number:
        from_id = gender_from_id(id_number)
        if gender and gender != from_id:
            issue(
                "gender",
                f"性别“{text['gender']}”与身份证号不符（按身份证号应为“{Gender(from_id).label}”），请核对。",
            )
        gender = from_id
    values["gender"] = gender

    birth: date | None = None
    if text.get("birth_date"):
        try:
            birth, day_known = parse_date(raw["birth_date"])
        except CellError as e:
            issue("birth_date", f"出生日期{e}")
            day_known = True
        if birth and id_number:
            id_birth = birth_date_from_id(id_number)
            same = (
                birth == id_birth
                if day_known
                else (birth.year, birth.month) == (id_birth.year, id_birth.month)
            )
            if not same:
                shown = f"{birth:%Y-%m-%d}" if day_known else f"{birth.year}年{birth.month}月"
                issue(
                    "birth_date",
                    f"出生日期 {shown} 与身份证号中的出生日期 {id_birth:%Y-%m-%d} 不一致，请核对。",
                )
            birth = id_birth
    elif id_number:
        birth = birth_date_from_id(id_number)
    values["birth_date"] = birth

    values["mobile"] = ""
    if text.get("mobile"):
        if "*" in text["mobile"]:
            issue("mobile", "手机号是脱敏后的号码（含 *），请填写完整号码。")
        else:
            try:
                values["mobile"] = normalize_mobile(text["mobile"].lstrip("'‘’`"))
            except InvalidValue as e:
                issue("mobile", str(e))

    ethnicity = re.sub(r"\s+", "", text.get("ethnicity", ""))
    if ethnicity and not ethnicity.endswith(("族", "人")) and len(ethnicity) <= 3:
        ethnicity += "族"
    if len(ethnicity) > 20:
        issue("ethnicity", "民族超过 20 个字。")
    values["ethnicity"] = ethnicity

    for key, choices, what in (
        ("political_status", POLITICAL_VALUES, "政治面貌"),
        ("education", EDUCATION_VALUES, "学历"),
    ):
        values[key] = ""
        if text.get(key):
            try:
                values[key] = choice(text[key], choices, what)
            except CellError as e:
                issue(key, str(e))

    for key in ("home_unit", "host_unit"):
        values[key] = None
        label = FIELDS_BY_KEY[key].header
        if not text.get(key):
            issue(key, f"{label}为空。")
            continue
        try:
            values[key] = matcher.match(text[key])
        except CellError as e:
            issue(key, str(e))

    for key, limit in (("original_post", 100), ("rank", 50), ("post", 100)):
        values[key] = free_text(raw.get(key))
        if len(values[key]) > limit:
            issue(key, f"{FIELDS_BY_KEY[key].header}超过 {limit} 个字。")
    if not values["post"]:
        issue("post", "挂任职务为空。")
    duties = str(raw.get("duties") or "").splitlines()
    values["duties"] = "\n".join(line for line in map(free_text, duties) if line)

    dates: dict[str, date | None] = {}
    for key, default in (
        ("start_date", cohort.start_date),
        ("planned_end_date", cohort.end_date),
        ("actual_end_date", None),
    ):
        dates[key] = default
        if not text.get(key):
            continue
        label = FIELDS_BY_KEY[key].header
        try:
            value, day_known = parse_date(raw[key])
        except CellError as e:
            issue(key, f"{label}{e}")
            dates[key] = None
            continue
        if not day_known:
            if key == "start_date":
                issue(key, f"{label}只写到月，按该月 1 日（{value:%Y-%m-%d}）导入。", NOTE)
            else:
                value = value.replace(day=calendar.monthrange(value.year, value.month)[1])
                issue(key, f"{label}只写到月，按该月最后一天（{value:%Y-%m-%d}）导入。", NOTE)
        dates[key] = value
    values.update(dates)

    status = SecondmentStatus.PENDING.value
    if text.get("status"):
        try:
            status = choice(text["status"], STATUS_VALUES, "状态")
        except CellError as e:
            issue("status", str(e))
    values["status"] = status

    start, end, actual = dates["start_date"], dates["planned_end_date"], dates["actual_end_date"]
    if start and end and end <= start:
        issue("planned_end_date", f"计划结束日期 {end:%Y-%m-%d} 应晚于开始日期 {start:%Y-%m-%d}。")
    finished = status in (SecondmentStatus.COMPLETED, SecondmentStatus.ENDED_EARLY)
    if finished and not actual and not text.get("actual_end_date"):
        issue("status", f"状态为“{SecondmentStatus(status).label}”时须填写实际结束日期。")
    if actual and not finished:
        issue("actual_end_date", "只有状态为“期满”或“提前结束”时才填写实际结束日期。")
    if actual and start and actual < start:
        issue("actual_end_date", "实际结束日期不能早于开始日期。")

    if not any(i.level == ERROR for i in row_issues):
        # The model's own rule (the ID number agrees with gender and birth date) has the last
        # word, so an import can never store what the edit form would refuse.
        try:
            Cadre(
                id_number=values["id_number"],
                gender=values["gender"],
                birth_date=values["birth_date"],
                mobile=values["mobile"],
            ).clean()
        except ValidationError as e:
            for key, messages in e.message_dict.items():
                issue(key if key in FIELDS_BY_KEY else "id_number", "".join(messages))

    blank = [FIELDS_BY_KEY[key].header for key in INCOMPLETE_PROFILE_FIELDS if not text.get(key)]
    if blank:
        row_issues.append(
            Issue(
                excel_row,
                "",
                "",
                f"未填写{'、'.join(blank)}，本行仍可导入；导入后请在干部资料中补全。",
                NOTE,
            )
        )
    result.issues.extend(row_issues)
    return ParsedRow(excel_row, values, provided)


def check_against_database(
    rows: Sequence[ParsedRow],
    *,
    cohort: Cohort,
    id_column: str,
    id_col: str,
    for_update: bool = False,
) -> list[Issue]:
    """Who is already in the system: sets `existing_cadre` on each row of a known ID number and
    returns the issues (a name that differs or a secondment already in this cohort is an error).
    A handful of queries, whatever the number of rows."""
    issues: list[Issue] = []
    ids = [r.values["id_number"] for r in rows if r.values.get("id_number")]
    if not ids:
        return issues
    cadres = Cadre.objects.select_for_update() if for_update else Cadre.objects.all()
    existing = {c.id_number: c for c in cadres.filter(id_number__in=ids)}
    in_cohort = {
        s.cadre_id: s
        for s in Secondment.objects.filter(
            cohort=cohort, cadre__in=existing.values()
        ).select_related("host_unit")
    }
    ongoing = {
        s.cadre_id: s
        for s in Secondment.objects.filter(
            cadre__in=existing.values(),
            status__in=(SecondmentStatus.PENDING, SecondmentStatus.ACTIVE),
        )
        .exclude(cohort=cohort)
        .select_related("cohort")
    }
    label, col = id_column, id_col
    # A cadre in the recycle bin still holds their ID number (the blind index is unique).
    binned = set(
        Cadre.all_objects.filter(id_number__in=ids, deleted_at__isnull=False).values_list(
            "id_number", flat=True
        )
    )
    for parsed in rows:
        if parsed.values.get("id_number", "") in binned:
            issues.append(
                Issue(
                    parsed.row,
                    label,
                    shown_value("id_number", parsed.values["id_number"]),
                    "该身份证号的干部在回收站中，请先在回收站恢复该干部，再导入。",
                    ERROR,
                    col,
                )
            )
            continue
        cadre = existing.get(parsed.values.get("id_number", ""))
        if cadre is None:
            continue
        parsed.existing_cadre = cadre
        shown = shown_value("id_number", parsed.values["id_number"])
        if parsed.values["name"] and parsed.values["name"] != cadre.name:
            issues.append(
                Issue(
                    parsed.row,
                    label,
                    shown,
                    f"该身份证号在系统中属于“{cadre.name}”，与本行姓名“{parsed.values['name']}”不一致，请核对。",
                    ERROR,
                    col,
                )
            )
        elif cadre.pk in in_cohort:
            sec = in_cohort[cadre.pk]
            issues.append(
                Issue(
                    parsed.row,
                    label,
                    shown,
                    f"{cadre.name}已在本批次中（{sec.host_unit.name} {sec.post}），不能重复导入。",
                    ERROR,
                    col,
                )
            )
        else:
            issues.append(
                Issue(
                    parsed.row,
                    label,
                    shown,
                    "系统中已有该干部（以往批次）：将为其新增本批次的挂职记录，并按本行填写的内容更新其基本信息。",
                    NOTE,
                    col,
                )
            )
            if cadre.pk in ongoing:
                other = ongoing[cadre.pk]
                issues.append(
                    Issue(
                        parsed.row,
                        label,
                        shown,
                        f"{cadre.name}在批次“{other.cohort.name}”的挂职仍为“{other.get_status_display()}”，"
                        "请确认是否同时挂职，或先结束原挂职。",
                        NOTE,
                        col,
                    )
                )
    return issues
