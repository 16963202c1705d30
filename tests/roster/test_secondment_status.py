"""Secondment status: 待报到 → 在岗 → 期满 / 提前结束 by the programme admin (the host liaison
confirms arrival only: test_host_unit_part.py), audited."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from guazhi.audit.models import AuditRecord, Event
from guazhi.roster.models import ALLOWED_TRANSITIONS, Secondment, SecondmentStatus

pytestmark = pytest.mark.django_db

ALL_MOVES = [(a, b) for a in SecondmentStatus for b in SecondmentStatus if a != b]


def _post(client, secondment: Secondment, status: str, on: str = ""):
    url = reverse("roster:secondment_status", args=[secondment.pk])
    # Ending early needs a reason (tests/roster/test_host_unit_part.py checks its absence).
    return client.post(url, {"status": status, "on": on, "reason": "工作需要"}, follow=True)


@pytest.mark.parametrize(("current", "target"), ALL_MOVES)
def test_only_allowed_transitions_work(client_for, programme_admin, cadre_a, current, target):
    s = cadre_a.secondments.get()
    Secondment.objects.filter(pk=s.pk).update(status=current)
    response = _post(client_for(programme_admin), s, target, "2026-10-31")
    assert response.status_code == 200  # redirected back to the detail page, never a 500
    s.refresh_from_db()
    messages = [str(m) for m in response.context["messages"]]
    if target in ALLOWED_TRANSITIONS[current]:
        assert s.status == target
        assert messages == [f"状态已变更为“{SecondmentStatus(target).label}”。"]
        entry = AuditRecord.objects.get(event=Event.STATUS_CHANGE)
        assert entry.before["status"] == SecondmentStatus(current).label
        assert entry.after["status"] == SecondmentStatus(target).label
    else:
        assert s.status == current
        assert messages == [
            f"状态不能从“{SecondmentStatus(current).label}”变为“{SecondmentStatus(target).label}”。"
        ]
        assert not AuditRecord.objects.filter(event=Event.STATUS_CHANGE).exists()


def test_ending_sets_the_actual_end_date(client_for, programme_admin, cadre_a):
    s = cadre_a.secondments.get()
    _post(client_for(programme_admin), s, SecondmentStatus.ENDED_EARLY, "2026-09-30")
    s.refresh_from_db()
    assert s.status == SecondmentStatus.ENDED_EARLY
    assert s.actual_end_date == date(2026, 9, 30)
    entry = AuditRecord.objects.get(event=Event.STATUS_CHANGE)
    assert entry.after == {
        "status": "提前结束",
        "actual_end_date": "2026-09-30",
        "end_reason": "工作需要",
    }


def test_end_date_before_start_is_refused(client_for, programme_admin, cadre_a):
    s = cadre_a.secondments.get()
    response = _post(client_for(programme_admin), s, SecondmentStatus.COMPLETED, "2025-01-01")
    assert [str(m) for m in response.context["messages"]] == ["结束日期不能早于开始日期。"]
    s.refresh_from_db()
    assert s.status == SecondmentStatus.ACTIVE and s.actual_end_date is None


def test_unknown_status_is_a_message_not_a_500(client_for, programme_admin, cadre_a):
    s = cadre_a.secondments.get()
    response = _post(client_for(programme_admin), s, "promoted")
    assert [str(m) for m in response.context["messages"]] == ["无效的状态。"]


def test_detail_offers_only_the_allowed_transitions(client_for, programme_admin, cadre_a, cadre_b):
    client = client_for(programme_admin)
    pending = cadre_b.secondments.get()
    html = client.get(reverse("roster:secondment_detail", args=[pending.pk])).content.decode()
    assert 'data-testid="to-active"' in html
    assert 'data-testid="to-completed"' not in html
    active = cadre_a.secondments.get()
    html = client.get(reverse("roster:secondment_detail", args=[active.pk])).content.decode()
    assert 'data-testid="to-completed"' in html and 'data-testid="to-ended_early"' in html
    assert 'data-testid="to-active"' not in html


def test_status_change_needs_post(client_for, programme_admin, cadre_b):
    s = cadre_b.secondments.get()
    url = reverse("roster:secondment_status", args=[s.pk])
    assert client_for(programme_admin).get(url, {"status": "active"}).status_code == 405
    s.refresh_from_db()
    assert s.status == SecondmentStatus.PENDING


@pytest.mark.parametrize("role", ["host_liaison", "home_liaison", "cadre_user", "system_admin"])
def test_others_cannot_change_status(request, client_for, role, cadre_a):
    s = cadre_a.secondments.get()
    client = client_for(request.getfixturevalue(role))
    url = reverse("roster:secondment_status", args=[s.pk])
    assert client.post(url, {"status": SecondmentStatus.COMPLETED}).status_code == 404
    s.refresh_from_db()
    assert s.status == SecondmentStatus.ACTIVE
