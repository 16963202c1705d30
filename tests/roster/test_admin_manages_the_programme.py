"""The programme admin creates cadres and postings from the pages (not only by import), and
edits cohorts and units."""

from __future__ import annotations

from django.urls import reverse

from guazhi.audit.models import AuditRecord, Event
from guazhi.roster.models import Cadre, Secondment, SecondmentStatus, Unit


def test_admin_creates_a_cadre_then_a_posting(client_for, programme_admin, units, cohort):
    client = client_for(programme_admin)
    response = client.post(
        reverse("roster:cadre_create"),
        {
            "name": "王晓东",
            "gender": "M",
            "birth_date": "1988-07-15",
            "id_number": "110105198807150034",
            "mobile": "13700001111",
            "ethnicity": "",
            "political_status": "",
            "education": "",
            "home_unit": units["dept_a"].pk,
            "original_post": "科员",
            "rank": "",
            "version": 1,
        },
    )
    cadre = Cadre.objects.get(name="王晓东")
    assert response.status_code == 302
    assert cadre.missing_fields == ["政治面貌", "民族", "学历"]
    response = client.post(
        reverse("roster:secondment_create", args=[cadre.pk]),
        {
            "cohort": cohort.pk,
            "host_unit": units["village_a"].pk,
            "post": "村党组织第一书记",
            "duties": "乡村振兴",
            "start_date": "2026-03-01",
            "planned_end_date": "2028-02-29",
            "category": "village",
            "programme": "乡村振兴驻村",
            "sending_level": "city",
            "in_resume": "on",
        },
    )
    s = Secondment.objects.get(cadre=cadre)
    assert (s.status, s.category, s.in_resume) == (SecondmentStatus.PENDING, "village", True)
    assert AuditRecord.objects.filter(event=Event.CREATE).count() == 2


def test_a_second_posting_in_the_same_cohort_is_refused(client_for, programme_admin, cadre_a):
    s = cadre_a.secondments.get()
    response = client_for(programme_admin).post(
        reverse("roster:secondment_create", args=[cadre_a.pk]),
        {
            "cohort": s.cohort_id,
            "host_unit": s.host_unit_id,
            "post": "副镇长",
            "start_date": "2026-03-01",
            "planned_end_date": "2027-02-28",
            "category": "sent",
        },
    )
    assert "已有挂职任职，不能重复" in response.content.decode()
    assert cadre_a.secondments.count() == 1


def test_a_cadre_with_a_wrong_id_check_digit_is_refused(client_for, programme_admin, units):
    response = client_for(programme_admin).post(
        reverse("roster:cadre_create"),
        {
            "name": "赵六",
            "gender": "M",
            "birth_date": "1988-07-15",
            "id_number": "110105198807150031",
            "home_unit": units["dept_a"].pk,
            "version": 1,
        },
    )
    assert response.status_code == 200
    assert not Cadre.objects.filter(name="赵六").exists()
    assert "校验" in response.content.decode()


def test_admin_edits_a_cohort_and_a_stale_form_is_refused(client_for, programme_admin, cohort):
    url = reverse("roster:cohort_edit", args=[cohort.pk])
    data = {
        "name": cohort.name,
        "year": 2026,
        "start_date": "2026-03-01",
        "end_date": "2027-03-31",
        "description": "延长一个月",
        "version": cohort.version,
    }
    client = client_for(programme_admin)
    client.post(url, data)
    cohort.refresh_from_db()
    assert cohort.description == "延长一个月" and cohort.version == 2
    response = client.post(url, {**data, "description": "旧表单"}, follow=True)
    assert "已被他人修改" in response.content.decode()
    cohort.refresh_from_db()
    assert cohort.description == "延长一个月"


def test_admin_renames_and_moves_a_unit(client_for, programme_admin, units):
    village = units["village_a"]
    client_for(programme_admin).post(
        reverse("roster:unit_edit", args=[village.pk]),
        {"name": "石桥社区", "kind": "community", "parent": units["town_b"].pk, "sort_order": 1},
    )
    village.refresh_from_db()
    assert village.name == "石桥社区"
    assert village.path.startswith(units["town_b"].path)
    assert Unit.objects.subtree(units["town_b"]).filter(pk=village.pk).exists()
