"""The importer applies the model's own rules (Cadre.clean) as the edit form does, so an import
cannot store a cadre the form would refuse."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from roster.xlsx_factory import build_roster_xlsx, demo_rows

from guazhi.roster.import_validation import validate_roster
from guazhi.roster.models import Cadre


def test_a_model_rule_refusal_is_reported_at_its_column(units, cohort, monkeypatch):
    def refuse(self):
        raise ValidationError({"gender": "性别与身份证号不符：按身份证号应为“女”。"})

    monkeypatch.setattr(Cadre, "clean", refuse)
    result = validate_roster(build_roster_xlsx(demo_rows(1)), cohort=cohort)
    [error] = result.errors
    assert (error.row, error.column, error.col) == (2, "性别", "B")
    assert error.message == "性别与身份证号不符：按身份证号应为“女”。"


def test_rows_that_pass_satisfy_the_model_rules(units, cohort):
    rows = demo_rows(3)
    rows[0]["性别"] = ""  # derived from the ID number
    rows[1]["出生日期"] = ""
    result = validate_roster(build_roster_xlsx(rows), cohort=cohort)
    assert result.errors == []
    for parsed in result.rows:
        v = parsed.values
        Cadre(
            id_number=v["id_number"], gender=v["gender"], birth_date=v["birth_date"]
        ).clean()  # raises if they disagree
