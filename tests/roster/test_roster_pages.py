"""The roster pages: lists mask personal data, filters narrow, reveal is audited, edits validate."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from guazhi.audit.models import AuditRecord, Event
from guazhi.lib.identity import id_check_char
from guazhi.roster.forms import RosterFilterForm
from guazhi.roster.models import Cadre, Cohort, Secondment, SecondmentStatus, Unit, UnitKind

pytestmark = pytest.mark.django_db

ID_A = "110105198504120014"
ID_B = "110105199002140028"


def test_cadre_list_masks_id_and_mobile(client_for, programme_admin, cadre_a, cadre_b):
    response = client_for(programme_admin).get(reverse("roster:cadre_list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "张建国" in html and "李秀英" in html
    assert cadre_a.masked_id_number in html and "138****5678" in html
    assert ID_A not in html and ID_B not in html
    assert "13812345678" not in html


def test_cadre_list_filters(client_for, programme_admin, units, cadre_a, cadre_b):
    client = client_for(programme_admin)
    url = reverse("roster:cadre_list")

    def names(**params: object) -> set[str]:
        page = client.get(url, params).context["page"]
        return {c.name for c in page}

    assert names() == {"张建国", "李秀英"}
    assert names(q="建国") == {"张建国"}
    assert names(status=SecondmentStatus.PENDING) == {"李秀英"}
    assert names(host_unit=units["district"].pk) == {"张建国", "李秀英"}  # whole subtree
    assert names(host_unit=units["town_b"].pk) == {"李秀英"}
    assert names(home_unit=units["dept_a"].pk) == {"张建国"}
    assert names(host_unit=units["town_a"].pk, status=SecondmentStatus.PENDING) == set()


def test_cadre_list_export_link_keeps_the_filters(client_for, programme_admin, cadre_a):
    html = (
        client_for(programme_admin)
        .get(reverse("roster:cadre_list"), {"q": "张", "page": "1"})
        .content.decode()
    )
    assert f'href="{reverse("roster:roster_export")}?q=%E5%BC%A0"' in html


def test_cadre_list_paginates(client_for, programme_admin, units):
    for i in range(35):
        Cadre.objects.create(
            name=f"干部{i:02d}",
            gender="M",
            birth_date=date(1985, 1, 1),
            id_number=f"X{i:017d}",
            home_unit=units["dept_a"],
        )
    client = client_for(programme_admin)
    first = client.get(reverse("roster:cadre_list"))
    assert len(first.context["page"].object_list) == 30
    second = client.get(reverse("roster:cadre_list"), {"page": 2})
    assert len(second.context["page"].object_list) == 5


def test_cadre_list_has_no_n_plus_one(
    client_for, programme_admin, units, cohort, django_assert_max_num_queries
):
    for i in range(20):
        cadre = Cadre.objects.create(
            name=f"干部{i:02d}",
            gender="M",
            birth_date=date(1985, 1, 1),
            id_number=f"X{i:017d}",
            home_unit=units["dept_a"],
        )
        Secondment.objects.create(
            cadre=cadre,
            cohort=cohort,
            host_unit=units["town_a"],
            post="副镇长",
            start_date=date(2026, 3, 1),
            planned_end_date=date(2027, 3, 1),
        )
    client = client_for(programme_admin)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("roster:cadre_list")).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(reverse("roster:secondment_list")).status_code == 200


def test_host_liaison_sees_only_cadres_posted_to_their_unit(
    client_for, host_liaison, cadre_a, cadre_b
):
    client = client_for(host_liaison)
    page = client.get(reverse("roster:cadre_list")).context["page"]
    assert [c.name for c in page] == ["张建国"]
    assert client.get(reverse("roster:cadre_detail", args=[cadre_b.pk])).status_code == 404


def test_filter_on_an_invisible_cohort_shows_nothing(client_for, host_liaison, cadre_a):
    other = Cohort.objects.create(
        name="另一批", year=2025, start_date=date(2025, 1, 1), end_date=date(2025, 12, 31)
    )
    response = client_for(host_liaison).get(reverse("roster:cadre_list"), {"cohort": other.pk})
    assert list(response.context["page"]) == []
    assert "筛选条件无效" in response.content.decode()


def test_filter_form_for_export_reuse(programme_admin, units, cadre_a, cadre_b):
    form = RosterFilterForm(
        {"home_unit": units["dept_b"].pk, "status": "pending"}, user=programme_admin
    )
    assert list(form.filter(Cadre.objects.all())) == [cadre_b]
    assert [s.cadre for s in form.filter_secondments(Secondment.objects.all())] == [cadre_b]
    assert form.describe() == "状态：待报到；派出单位：市财政局"


def test_detail_masks_and_admin_reveal_is_audited(client_for, programme_admin, cadre_a):
    client = client_for(programme_admin)
    detail = client.get(reverse("roster:cadre_detail", args=[cadre_a.pk])).content.decode()
    assert ID_A not in detail and cadre_a.masked_id_number in detail
    assert "显示完整身份证号" in detail

    assert not AuditRecord.objects.filter(event=Event.REVEAL).exists()
    response = client.post(reverse("roster:cadre_reveal", args=[cadre_a.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert ID_A in html and "13812345678" in html
    assert "no-store" in response["Cache-Control"]
    entry = AuditRecord.objects.get(event=Event.REVEAL)
    assert entry.user == programme_admin
    assert entry.object_type == "roster.cadre" and entry.object_id == str(cadre_a.pk)


def test_reveal_needs_post(client_for, programme_admin, cadre_a):
    response = client_for(programme_admin).get(reverse("roster:cadre_reveal", args=[cadre_a.pk]))
    assert response.status_code == 405
    assert not AuditRecord.objects.filter(event=Event.REVEAL).exists()


def test_cadre_may_reveal_own_record_only(client_for, cadre_user, cadre_a, cadre_b):
    client = client_for(cadre_user)
    assert ID_A in client.post(reverse("roster:cadre_reveal", args=[cadre_a.pk])).content.decode()
    assert client.post(reverse("roster:cadre_reveal", args=[cadre_b.pk])).status_code == 404
    assert AuditRecord.objects.filter(event=Event.REVEAL).count() == 1


@pytest.mark.parametrize("role", ["host_liaison", "home_liaison"])
def test_liaisons_cannot_reveal_the_id_number(request, client_for, role, cadre_a):
    client = client_for(request.getfixturevalue(role))
    detail = client.get(reverse("roster:cadre_detail", args=[cadre_a.pk])).content.decode()
    assert "显示完整身份证号" not in detail
    response = client.post(reverse("roster:cadre_reveal", args=[cadre_a.pk]))
    # The host liaison may look at the mobile only (test_host_unit_part.py); never the ID.
    assert response.status_code == (200 if role == "host_liaison" else 404)
    assert cadre_a.id_number not in response.content.decode()


def _cadre_post_data(cadre: Cadre, **changes: object) -> dict[str, object]:
    data = {
        "name": cadre.name,
        "gender": cadre.gender,
        "birth_date": cadre.birth_date.isoformat(),
        "id_number": "",
        "mobile": "",
        "ethnicity": cadre.ethnicity,
        "political_status": cadre.political_status,
        "education": cadre.education,
        "home_unit": cadre.home_unit_id,
        "original_post": cadre.original_post,
        "rank": cadre.rank,
        "version": cadre.version,
    }
    data.update(changes)
    return data


def test_edit_form_does_not_show_full_numbers(client_for, programme_admin, cadre_a):
    html = (
        client_for(programme_admin)
        .get(reverse("roster:cadre_edit", args=[cadre_a.pk]))
        .content.decode()
    )
    assert ID_A not in html and "13812345678" not in html
    assert cadre_a.masked_id_number in html


def test_edit_rejects_a_wrong_check_digit(client_for, programme_admin, cadre_a):
    url = reverse("roster:cadre_edit", args=[cadre_a.pk])
    response = client_for(programme_admin).post(
        url, _cadre_post_data(cadre_a, id_number="110105198504120018")
    )
    assert response.status_code == 200
    assert "身份证号校验码不正确：按 GB 11643 计算最后一位应为 4" in response.content.decode()
    cadre_a.refresh_from_db()
    assert cadre_a.id_number == ID_A
    assert not AuditRecord.objects.filter(event=Event.EDIT).exists()


def test_edit_rejects_a_bad_mobile_and_inconsistent_birth_date(
    client_for, programme_admin, cadre_a
):
    url = reverse("roster:cadre_edit", args=[cadre_a.pk])
    data = _cadre_post_data(cadre_a, mobile="1234", birth_date="1986-01-01")
    html = client_for(programme_admin).post(url, data).content.decode()
    assert "手机号“1234”格式不正确" in html
    assert "出生日期与身份证号中的出生日期（1985-04-12）不一致" in html


def test_edit_saves_and_audits_changed_fields_masked(client_for, programme_admin, cadre_a):
    url = reverse("roster:cadre_edit", args=[cadre_a.pk])
    data = _cadre_post_data(cadre_a, mobile="139 0000 1111", rank="三级调研员")
    response = client_for(programme_admin).post(url, data)
    assert response.status_code == 302
    cadre_a.refresh_from_db()
    assert cadre_a.mobile == "13900001111" and cadre_a.rank == "三级调研员"
    assert cadre_a.id_number == ID_A  # left empty: unchanged
    entry = AuditRecord.objects.get(event=Event.EDIT)
    assert entry.before == {"mobile": "138****5678", "rank": "四级调研员"}
    assert entry.after == {"mobile": "139****1111", "rank": "三级调研员"}


def test_edit_with_a_corrected_id_number(client_for, programme_admin, cadre_a):
    new_id = "11010519850412003" + id_check_char("11010519850412003")
    data = _cadre_post_data(cadre_a, id_number=new_id.lower(), gender="M")
    response = client_for(programme_admin).post(
        reverse("roster:cadre_edit", args=[cadre_a.pk]), data
    )
    assert response.status_code == 302
    cadre_a.refresh_from_db()
    assert cadre_a.id_number == new_id


@pytest.mark.parametrize("role", ["host_liaison", "home_liaison", "cadre_user"])
def test_only_the_programme_admin_edits(request, client_for, role, cadre_a):
    client = client_for(request.getfixturevalue(role))
    url = reverse("roster:cadre_edit", args=[cadre_a.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _cadre_post_data(cadre_a, rank="x")).status_code == 404
    cadre_a.refresh_from_db()
    assert cadre_a.rank == "四级调研员"


def test_cadre_sees_own_secondments_only(client_for, cadre_user, cadre_a, cadre_b):
    client = client_for(cadre_user)
    page = client.get(reverse("roster:secondment_list")).context["page"]
    assert [s.cadre for s in page] == [cadre_a]
    other = cadre_b.secondments.get()
    assert client.get(reverse("roster:secondment_detail", args=[other.pk])).status_code == 404


def test_secondment_list_filters(client_for, programme_admin, units, cadre_a, cadre_b):
    client = client_for(programme_admin)
    url = reverse("roster:secondment_list")

    def names(**params: object) -> list[str]:
        return [s.cadre.name for s in client.get(url, params).context["page"]]

    assert sorted(names()) == ["张建国", "李秀英"]
    assert names(status="active") == ["张建国"]
    assert names(host_unit=units["town_b"].pk) == ["李秀英"]
    assert names(q="秀英") == ["李秀英"]


def test_secondment_detail_shows_duties(client_for, host_liaison, cadre_a):
    s = cadre_a.secondments.get()
    html = (
        client_for(host_liaison)
        .get(reverse("roster:secondment_detail", args=[s.pk]))
        .content.decode()
    )
    assert "营商环境" in html and "企业服务" in html and "镇党委副书记" in html
    assert "变更状态" not in html  # buttons are the programme admin's


def test_secondment_edit_saves_and_audits(client_for, programme_admin, units, cadre_a):
    s = cadre_a.secondments.get()
    data = {
        "host_unit": units["village_a"].pk,
        "post": "村党组织第一书记",
        "duties": "乡村振兴",
        "start_date": "2026-03-01",
        "planned_end_date": "2027-02-28",
        "category": "village",
        "version": s.version,
    }
    response = client_for(programme_admin).post(
        reverse("roster:secondment_edit", args=[s.pk]), data
    )
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.host_unit == units["village_a"] and s.duty_list == ["乡村振兴"]
    entry = AuditRecord.objects.get(event=Event.EDIT)
    assert entry.after["post"] == "村党组织第一书记" and entry.after["host_unit"] == "石桥村"


def test_secondment_edit_rejects_end_before_start(client_for, programme_admin, units, cadre_a):
    s = cadre_a.secondments.get()
    data = {
        "host_unit": units["town_a"].pk,
        "post": "副镇长",
        "duties": "",
        "start_date": "2026-03-01",
        "planned_end_date": "2026-02-01",
    }
    response = client_for(programme_admin).post(
        reverse("roster:secondment_edit", args=[s.pk]), data
    )
    assert response.status_code == 200
    assert "计划结束日期应晚于开始日期" in response.content.decode()


def test_cohort_detail_counts_by_status(client_for, programme_admin, cohort, cadre_a, cadre_b):
    response = client_for(programme_admin).get(reverse("roster:cohort_detail", args=[cohort.pk]))
    assert response.context["total"] == 2
    counts = {st.value: n for st, n in response.context["by_status"]}
    assert counts == {"pending": 1, "active": 1, "completed": 0, "ended_early": 0}


def test_cohort_counts_are_scoped_for_a_liaison(client_for, host_liaison, cohort, cadre_a, cadre_b):
    response = client_for(host_liaison).get(reverse("roster:cohort_detail", args=[cohort.pk]))
    assert response.context["total"] == 1


def test_cohort_create_is_audited(client_for, programme_admin):
    data = {
        "name": "2027年第一批",
        "year": 2027,
        "start_date": "2027-03-01",
        "end_date": "2028-02-28",
    }
    response = client_for(programme_admin).post(reverse("roster:cohort_create"), data)
    cohort = Cohort.objects.get(name="2027年第一批")
    assert response.status_code == 302 and response["Location"] == cohort.get_absolute_url()
    entry = AuditRecord.objects.get(event=Event.CREATE)
    assert entry.object_id == str(cohort.pk) and entry.after["start_date"] == "2027-03-01"


def test_cohort_create_rejects_end_before_start(client_for, programme_admin):
    data = {"name": "错批次", "year": 2027, "start_date": "2027-03-01", "end_date": "2027-01-01"}
    response = client_for(programme_admin).post(reverse("roster:cohort_create"), data)
    assert "结束日期应晚于开始日期" in response.content.decode()
    assert not Cohort.objects.filter(name="错批次").exists()


def test_unit_tree_is_indented(client_for, programme_admin, units):
    response = client_for(programme_admin).get(reverse("roster:unit_list"))
    levels = {u.name: u.level for u in response.context["units"]}
    assert levels["青川市"] == 0 and levels["安平区"] == 1 and levels["石桥村"] == 3
    order = [u.name for u in response.context["units"]]
    assert order.index("石桥村") == order.index("柳溪镇") + 1  # a child right under its parent


def test_unit_create_is_audited(client_for, programme_admin, units):
    data = {
        "name": "桃源村",
        "kind": UnitKind.VILLAGE,
        "parent": units["town_a"].pk,
        "sort_order": 0,
    }
    response = client_for(programme_admin).post(reverse("roster:unit_create"), data)
    assert response.status_code == 302
    unit = Unit.objects.get(name="桃源村")
    assert unit.path == f"{units['town_a'].path}{unit.pk}/"
    assert AuditRecord.objects.get(event=Event.CREATE).after["parent"] == "柳溪镇"


def test_unit_create_rejects_duplicate_name_under_one_parent(client_for, programme_admin, units):
    data = {
        "name": "石桥村",
        "kind": UnitKind.VILLAGE,
        "parent": units["town_a"].pk,
        "sort_order": 0,
    }
    response = client_for(programme_admin).post(reverse("roster:unit_create"), data)
    assert response.status_code == 200
    assert Unit.objects.filter(name="石桥村").count() == 1
