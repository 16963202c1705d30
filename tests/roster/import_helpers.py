"""Shared by the roster import tests: validating rows built in memory, reading the issues,
uploading through the view, and the data of two fixtures (a second cohort, a cadre already
seconded).

Fixtures stay in the test modules (`seconded` returns `make_seconded(units, cohort)`)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from roster.xlsx_factory import as_upload, build_roster_xlsx, demo_rows, make_id_number

from guazhi.roster.import_validation import validate_roster
from guazhi.roster.models import Cadre, Cohort, Secondment

BIRTH = date(1985, 4, 12)
ID_MALE = make_id_number(BIRTH, 3)  # 110105198504120030
ID_X = make_id_number(BIRTH, 9)  # ends in X


def validate(rows, cohort, **kwargs):
    return validate_roster(build_roster_xlsx(rows, **kwargs), cohort=cohort)


def errors(result):
    return [(i.row, i.column, i.message) for i in result.errors]


def error_at(result, row, column):
    matching = [i.message for i in result.errors if i.row == row and i.column == column]
    assert matching, f"no error at row {row}, column {column}: {errors(result)}"
    return matching[0]


def notes(result):
    return [(i.row, i.column, i.message) for i in result.issues if i.level == "note"]


def one_row(overrides, cohort, **kwargs):
    row = demo_rows(1)[0] | {"身份证号": ID_MALE, "性别": "男", "出生日期": "1985-04-12"}
    row.update(overrides)
    return validate([row], cohort, **kwargs)


def upload(client, cohort, data, name="名册.xlsx"):
    return client.post(
        reverse("roster:import_upload"), {"cohort": cohort.pk, "file": as_upload(data, name)}
    )


def make_other_cohort():
    return Cohort.objects.create(
        name="2025年第一批墩苗历练干部",
        year=2025,
        start_date=date(2025, 3, 1),
        end_date=date(2026, 2, 28),
    )


def make_seconded(units, cohort):
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
