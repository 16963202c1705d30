"""Bad input on contacts, visits and problems gets a clear Chinese error and saves nothing;
a stale edit is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from guazhi.contacts import actions
from guazhi.contacts.models import Contact, ContactVisit, Problem
from guazhi.roster.models import StaleEdit


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"kind": "household", "name": "王德福", "id_number": "110105196003150031"},
            "校验码不正确",
        ),
        ({"kind": "household", "name": "王德福", "phone": "2345"}, "格式不正确"),
        (
            {"kind": "enterprise", "name": "柳溪茶业", "phone": "13911112222"},
            "只有农户和信访人登记手机号",
        ),
        ({"kind": "", "name": "王德福"}, "此项为必填项。"),
    ],
)
def test_contact_errors(cadre_user, client_for, data, message) -> None:
    response = client_for(cadre_user).post(reverse("contacts:contact_create"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Contact.objects.exists()


@pytest.mark.django_db
def test_a_visit_cannot_be_in_the_future_and_needs_text(contact_a, cadre_user, client_for) -> None:
    url = reverse("contacts:visit_add", args=[contact_a.pk])
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    client = client_for(cadre_user)
    client.post(url, {"date": tomorrow, "method": "visit", "text": "入户走访"})
    response = client.post(url, {"date": "2026-05-06", "method": "visit", "text": ""}, follow=True)
    page = response.content.decode()
    assert "联系情况：此项为必填项。" in page
    assert not ContactVisit.objects.exists()
    client.post(url, {"date": "2026-05-06", "method": "phone", "text": "电话了解春耕用工"})
    assert contact_a.visits.get().get_method_display() == "电话"


@pytest.mark.django_db
def test_visit_in_the_future_is_refused_by_the_action(contact_a, cadre_user) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        actions.add_visit(
            actor=cadre_user,
            contact=contact_a,
            on=timezone.localdate() + timedelta(days=1),
            method="visit",
            text="入户",
        )
    assert caught.value.message_dict == {"date": ["联系日期不能晚于今天。"]}


def _problem(**overrides):  # type: ignore[no-untyped-def]
    data = {
        "found_date": "2026-05-06",
        "description": "灌溉渠漏水",
        "owner": "镇农业农村办",
        "action_taken": "",
        "deadline": "2026-06-30",
        "status": "open",
        "resolved_date": "",
        "evidence": "",
    }
    return {**data, **overrides}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"deadline": "2026-05-01"}, "办结时限不能早于发现日期。"),
        (
            {"status": "resolved", "resolved_date": "2026-06-01"},
            "标记为“已解决”时，请写明解决情况和佐证。",
        ),
        ({"status": "resolved", "evidence": "已修复"}, "标记为“已解决”时，请填写解决日期。"),
        ({"resolved_date": "2026-06-01"}, "问题尚未解决，请不要填写解决日期。"),
        (
            {"status": "resolved", "resolved_date": "2026-05-01", "evidence": "已修复"},
            "解决日期不能早于发现日期。",
        ),
        ({"found_date": "2099-01-01", "deadline": "2099-02-01"}, "发现日期不能晚于今天。"),
        ({"owner": ""}, "此项为必填项。"),
        ({"deadline": "6月30日"}, "请填写正确的日期。"),
    ],
)
def test_problem_errors(cadre_user, client_for, overrides, message) -> None:
    response = client_for(cadre_user).post(
        reverse("contacts:problem_create"), _problem(**overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Problem.objects.exists()


@pytest.mark.django_db
def test_a_problem_links_only_own_visits_and_entries(
    cadre_user, contact_b, entry_b, other_cadre_user, client_for
) -> None:
    visit_b = ContactVisit.objects.create(
        contact=contact_b,
        date="2026-05-06",
        method="visit",
        text="来访",
        created_by=other_cadre_user,
    )
    client = client_for(cadre_user)
    for field, value in (
        ("visit", visit_b.pk),
        ("entry", entry_b.pk),
        ("evidence_entry", entry_b.pk),
    ):
        response = client.post(reverse("contacts:problem_create"), _problem(**{field: value}))
        assert "请选择自己的" in response.content.decode()
    assert not Problem.objects.exists()


@pytest.mark.django_db
def test_resolving_with_evidence_is_saved_and_audited(
    problem_a, cadre_user, entry_a, client_for
) -> None:
    from guazhi.audit.models import AuditRecord

    url = reverse("contacts:problem_edit", args=[problem_a.pk])
    response = client_for(cadre_user).post(
        url,
        _problem(
            status="resolved",
            resolved_date="2026-06-20",
            evidence="协调水利站维修渠道 300 米，验收合格。",
            evidence_entry=entry_a.pk,
            version=1,
        ),
    )
    assert response.status_code == 302
    problem_a.refresh_from_db()
    assert (problem_a.status, problem_a.evidence_entry, problem_a.version) == (
        "resolved",
        entry_a,
        2,
    )
    record = AuditRecord.objects.get(event="edit")
    assert record.after["状态"] == "已解决"


@pytest.mark.django_db
def test_a_stale_problem_edit_is_refused(problem_a, cadre_user, client_for) -> None:
    actions.update_problem(
        actor=cadre_user, problem=problem_a, version=1, values={"status": "in_progress"}
    )
    url = reverse("contacts:problem_edit", args=[problem_a.pk])
    response = client_for(cadre_user).post(url, _problem(owner="区水利局", version=1))
    assert "已被他人修改" in response.content.decode()
    assert Problem.objects.get(pk=problem_a.pk).owner == "镇农业农村办"


@pytest.mark.django_db
def test_a_stale_contact_edit_is_refused(contact_a, cadre_user) -> None:
    actions.update_contact(
        actor=cadre_user, contact=contact_a, version=1, values={"address": "三组"}
    )
    with pytest.raises(StaleEdit):
        actions.update_contact(
            actor=cadre_user, contact=contact_a, version=1, values={"address": "四组"}
        )
    assert Contact.objects.get(pk=contact_a.pk).address == "三组"


@pytest.mark.django_db
def test_only_the_paired_cadre_writes(
    contact_a, problem_a, other_cadre_user, programme_admin
) -> None:
    for actor in (other_cadre_user, programme_admin):
        with pytest.raises(actions.FieldworkPermissionError):
            actions.update_contact(
                actor=actor, contact=contact_a, version=1, values={"address": "x"}
            )
        with pytest.raises(actions.FieldworkPermissionError):
            actions.update_problem(actor=actor, problem=problem_a, version=1, values={"owner": "x"})
