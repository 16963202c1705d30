"""The home page lists overdue milestones and problems in the user's scope: the admin all, a
liaison their units' or cadres', a cadre their own; counts, the first 10, links to each."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from guazhi.contacts.models import ProblemStatus
from guazhi.projects.models import MilestoneStatus


@pytest.fixture
def overdue(cadre_user, other_cadre_user, cadre_a, cadre_b, make_project, make_problem):
    """张建国 (柳溪镇): 2 overdue milestones, 1 done late, 1 due tomorrow; an overdue problem,
    a resolved one past its deadline. 李秀英 (东关街道): 1 overdue milestone, 1 overdue problem."""
    today = timezone.localdate()
    a, b = cadre_a.secondments.get(), cadre_b.secondments.get()
    milestones = list(make_project(a, cadre_user).milestones.order_by("sort_order"))
    for m, days in zip(milestones, (30, 5, 40, -1), strict=False):
        m.planned_date = today - timedelta(days=days)
        m.save()
    milestones[2].status, milestones[2].done_date = MilestoneStatus.DONE, today
    milestones[2].save()
    other = make_project(b, other_cadre_user, name="东关街道老旧小区改造").milestones.first()
    other.planned_date = today - timedelta(days=3)
    other.save()
    long_ago = today - timedelta(days=60)
    make_problem(a, cadre_user, found_date=long_ago, deadline=today - timedelta(days=9))
    make_problem(
        a,
        cadre_user,
        found_date=long_ago,
        deadline=today - timedelta(days=20),
        status=ProblemStatus.RESOLVED,
        resolved_date=today - timedelta(days=10),
        evidence="已解决。",
        description="已解决的问题",
    )
    make_problem(
        b,
        other_cadre_user,
        found_date=long_ago,
        deadline=today - timedelta(days=2),
        description="路灯",
    )
    return milestones


def _names(context):
    return (
        [o["milestone"].name for o in context["overdue_milestones"]],
        [o["problem"].description[:2] for o in context["overdue_problems"]],
    )


def test_admin_sees_every_overdue_item_most_overdue_first(client_for, programme_admin, overdue):
    response = client_for(programme_admin).get(reverse("home"))
    context = response.context
    assert context["overdue_milestone_total"] == 3
    assert [o["days"] for o in context["overdue_milestones"]] == [30, 5, 3]
    assert context["overdue_problem_total"] == 2
    assert [o["days"] for o in context["overdue_problems"]] == [9, 2]
    html = response.content.decode()
    assert overdue[0].project.get_absolute_url() in html
    assert context["overdue_problems"][0]["problem"].get_absolute_url() in html
    assert "30 天" in html


def test_host_liaison_sees_their_towns_items(client_for, host_liaison, overdue):
    context = client_for(host_liaison).get(reverse("home")).context
    assert context["overdue_milestone_total"] == 2
    assert _names(context) == ([overdue[0].name, overdue[1].name], ["石桥"])


def test_home_liaison_sees_their_cadres_items(client_for, home_liaison, overdue):
    context = client_for(home_liaison).get(reverse("home")).context
    assert (context["overdue_milestone_total"], context["overdue_problem_total"]) == (2, 1)


def test_cadre_sees_only_their_own(client_for, other_cadre_user, overdue):
    response = client_for(other_cadre_user).get(reverse("home"))
    context = response.context
    assert (context["overdue_milestone_total"], context["overdue_problem_total"]) == (1, 1)
    assert _names(context)[1] == ["路灯"]
    assert "我的逾期手续节点" in response.content.decode()


def test_only_the_first_ten_are_listed(
    client_for, programme_admin, cadre_user, cadre_a, make_problem
):
    today = timezone.localdate()
    for i in range(12):
        make_problem(
            cadre_a.secondments.get(),
            cadre_user,
            found_date=today - timedelta(days=60),
            deadline=today - timedelta(days=1 + i),
        )
    response = client_for(programme_admin).get(reverse("home"))
    assert response.context["overdue_problem_total"] == 12
    assert len(response.context["overdue_problems"]) == 10
    assert response.context["overdue_problems"][0]["days"] == 12
    assert "仅列出逾期最久的 10 个" in response.content.decode()


def test_nothing_overdue_says_so(client_for, cadre_user):
    response = client_for(cadre_user).get(reverse("home"))
    assert response.context["overdue_milestone_total"] == 0
    assert "没有逾期的手续节点" in response.content.decode()


def test_query_count_does_not_grow_with_overdue_items(
    client_for, host_liaison, cadre_user, cadre_a, overdue, make_project, make_problem
):
    client = client_for(host_liaison)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("home"))
    today = timezone.localdate()
    s = cadre_a.secondments.get()
    for i in range(5):
        for m in make_project(s, cadre_user, name=f"项目{i}").milestones.all():
            m.planned_date = today - timedelta(days=i + 1)
            m.save()
        make_problem(
            s,
            cadre_user,
            found_date=today - timedelta(days=30),
            deadline=today - timedelta(days=i + 1),
        )
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse("home"))
    assert response.context["overdue_milestone_total"] > 10
    assert len(large) == len(small)


def test_cadre_home_links_to_their_timeline_and_digests(client_for, cadre_user, cadre_a):
    html = client_for(cadre_user).get(reverse("home")).content.decode()
    pk = cadre_a.secondments.get().pk
    assert reverse("stats:timeline", args=[pk]) in html
    assert f"{reverse('stats:digest', args=[pk])}?period=week" in html
