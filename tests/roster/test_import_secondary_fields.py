"""A real roster often lacks 政治面貌, 民族 or 学历: such a row imports, with a note listing what
to complete, and the blank stays blank (never a guess such as 汉族)."""

from __future__ import annotations

from django.urls import reverse
from roster.xlsx_factory import as_upload, build_roster_xlsx, demo_rows

from guazhi.roster.import_validation import validate_roster
from guazhi.roster.models import Cadre, RosterImport, RosterImportStatus


def test_blank_secondary_fields_import_with_a_note(client_for, programme_admin, units, cohort):
    rows = demo_rows(2)
    rows[0] |= {"政治面貌": "", "民族": " ", "学历": None}
    rows[1] |= {"学历": ""}
    client = client_for(programme_admin)
    client.post(
        reverse("roster:import_upload"),
        {"cohort": cohort.pk, "file": as_upload(build_roster_xlsx(rows))},
    )
    ri = RosterImport.objects.get()
    assert ri.status == RosterImportStatus.VALIDATED and ri.error_count == 0
    notes = {item["row"]: item["message"] for item in ri.report if "补全" in item["message"]}
    assert notes == {
        2: "未填写政治面貌、民族、学历，本行仍可导入；导入后请在干部资料中补全。",
        3: "未填写学历，本行仍可导入；导入后请在干部资料中补全。",
    }
    page = client.get(reverse("roster:import_detail", args=[ri.pk])).content.decode()
    assert "未填写政治面貌、民族、学历" in page

    client.post(reverse("roster:import_commit", args=[ri.pk]))
    first = Cadre.objects.get(id_number=rows[0]["身份证号"])
    assert (first.political_status, first.ethnicity, first.education) == ("", "", "")
    assert first.missing_fields == ["政治面貌", "民族", "学历"]
    assert Cadre.objects.incomplete().count() == 2


def test_a_roster_without_the_political_status_column_is_accepted(units, cohort):
    rows = [{k: v for k, v in r.items() if k != "政治面貌"} for r in demo_rows(1)]
    result = validate_roster(build_roster_xlsx(rows), cohort=cohort)
    assert result.errors == []
    assert result.rows[0].values["political_status"] == ""


def test_a_wrong_value_is_still_an_error(units, cohort):
    rows = demo_rows(1)
    rows[0]["政治面貌"] = "党员吧"
    result = validate_roster(build_roster_xlsx(rows), cohort=cohort)
    assert "无法识别的政治面貌“党员吧”" in result.errors[0].message
