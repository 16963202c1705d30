"""A problem whose deadline has passed and which is not resolved is overdue: it stands out,
is counted, and the list filters by status and by overdue."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from guazhi.contacts.models import Problem, ProblemStatus


@pytest.mark.django_db
def test_overdue_is_deadline_passed_and_not_resolved() -> None:
    today = timezone.localdate()
    p = Problem(found_date=today - timedelta(days=30), deadline=today - timedelta(days=1))
    assert p.is_overdue() and p.overdue_days == 1
    p.status = ProblemStatus.IN_PROGRESS
    assert p.is_overdue()
    p.status = ProblemStatus.RESOLVED
    assert not p.is_overdue()
    assert not Problem(status="open", deadline=today).is_overdue()  # due today: not yet


@pytest.mark.django_db
def test_list_marks_counts_and_filters(
    cadre_user, cadre_a, host_liaison, client_for, make_problem
) -> None:
    today = timezone.localdate()
    secondment = cadre_a.secondments.get()
    late = make_problem(
        secondment,
        cadre_user,
        description="村道塌方未修复",
        deadline=today - timedelta(days=3),
        found_date=today - timedelta(days=20),
    )
    make_problem(
        secondment,
        cadre_user,
        description="路灯不亮",
        deadline=today + timedelta(days=5),
        found_date=today - timedelta(days=1),
    )
    make_problem(
        secondment,
        cadre_user,
        description="已修好的水管",
        status="resolved",
        found_date=today - timedelta(days=20),
        deadline=today - timedelta(days=10),
        resolved_date=today - timedelta(days=12),
        evidence="已修复",
    )
    client = client_for(host_liaison)
    response = client.get(reverse("contacts:problem_list"))
    page = response.content.decode()
    assert page.count('data-testid="problem-overdue"') == 1
    assert "逾期 3 天" in page
    assert 'data-testid="overdue-count">1<' in page
    overdue = client.get(reverse("contacts:problem_list"), {"overdue": "on"})
    assert [p.pk for p in overdue.context["page"]] == [late.pk]
    resolved = client.get(reverse("contacts:problem_list"), {"status": "resolved"})
    assert [p.description for p in resolved.context["page"]] == ["已修好的水管"]
    bad = client.get(reverse("contacts:problem_list"), {"status": "nonsense"})
    assert list(bad.context["page"]) == []


@pytest.mark.django_db
def test_the_host_liaison_sees_only_their_units_problems(
    problem_a, problem_b, host_liaison, home_liaison, client_for
) -> None:
    for viewer in (host_liaison, home_liaison):
        listed = client_for(viewer).get(reverse("contacts:problem_list")).context["page"]
        assert [p.pk for p in listed] == [problem_a.pk]
