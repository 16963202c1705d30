"""A secondment's timeline: entries, milestones, project updates, contact visits and problems in
one stream, newest first, grouped by month, cut into pages of whole months or 50 items."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from guazhi.contacts.models import ContactVisit, ProblemStatus
from guazhi.projects.models import MilestoneStatus, ProjectUpdate
from guazhi.stats.timeline import PAGE_SIZE, Window, timeline, windows
from tests.conftest import ledger_entry

TODAY = date(2026, 6, 15)


@pytest.fixture
def work(cadre_user, cadre_a, make_project, make_contact, make_problem):
    """张建国's work over April to June 2026, one of each kind."""
    s = cadre_a.secondments.get()
    ledger_entry(s, cadre_user, date=date(2026, 6, 10), title="六月走访企业")
    ledger_entry(s, cadre_user, date=date(2026, 4, 2), title="四月接待来访")
    project = make_project(s, cadre_user)
    first, second, *_rest = project.milestones.order_by("sort_order")
    first.status, first.planned_date, first.done_date = (
        MilestoneStatus.DONE,
        date(2026, 5, 1),
        date(2026, 5, 20),
    )
    first.save()
    second.planned_date = date(2026, 6, 1)  # not done: overdue by TODAY
    second.save()
    ProjectUpdate.objects.create(
        project=project,
        date=date(2026, 6, 10),
        text="完成用地预审材料报送。",
        created_by=cadre_user,
    )
    contact = make_contact(s, cadre_user)
    ContactVisit.objects.create(
        contact=contact, date=date(2026, 5, 8), method="visit", text="入户了解灌溉用水困难。"
    )
    make_problem(
        s,
        cadre_user,
        found_date=date(2026, 4, 10),
        deadline=date(2026, 5, 10),
        status=ProblemStatus.RESOLVED,
        resolved_date=date(2026, 5, 9),
        evidence="水渠已修复，附验收照片。",
    )
    make_problem(s, cadre_user, found_date=date(2026, 5, 8), deadline=date(2026, 6, 5))
    return s


def _stream(result):
    return [(m.label, [(i.day, i.label) for i in m.items]) for m in result.months]


def test_merges_every_kind_newest_first_grouped_by_month(cadre_user, work):
    result = timeline(cadre_user, work, today=TODAY)
    assert result.total == 9
    assert result.page_count == 1
    assert _stream(result) == [
        (
            "2026年6月",
            [
                # Same day: the ledger entry before the project update (the sources' order).
                (date(2026, 6, 10), "填写纪实"),
                (date(2026, 6, 10), "项目进展"),
                (date(2026, 6, 1), "节点计划完成"),
            ],
        ),
        (
            "2026年5月",
            [
                (date(2026, 5, 20), "节点完成"),
                (date(2026, 5, 9), "问题解决"),
                (date(2026, 5, 8), "走访联系"),
                (date(2026, 5, 8), "发现问题"),
            ],
        ),
        ("2026年4月", [(date(2026, 4, 10), "发现问题"), (date(2026, 4, 2), "填写纪实")]),
    ]


def test_overdue_items_are_marked_with_their_days(cadre_user, work):
    items = [i for m in timeline(cadre_user, work, today=TODAY).months for i in m.items]
    overdue = {(i.label, i.title[:6]): i.overdue_days for i in items if i.overdue_days}
    # The milestone planned for June 1st (14 days) and the problem due June 5th (10 days);
    # the problem resolved in time is not overdue.
    assert sorted(overdue.values()) == [10, 14]
    assert all(i.url for i in items)


def test_each_item_links_to_its_own_page(client_for, cadre_user, work):
    response = client_for(cadre_user).get(reverse("stats:timeline", args=[work.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    entry = work.ledger_entries.get(title="六月走访企业")
    assert entry.get_absolute_url() in html
    assert work.projects.get().get_absolute_url() in html
    assert work.contacts.get().get_absolute_url() in html
    for problem in work.problems.all():
        assert problem.get_absolute_url() in html
    assert "逾期" in html


def test_kind_filter(cadre_user, work):
    result = timeline(cadre_user, work, kind="problem", today=TODAY)
    assert [i.label for m in result.months for i in m.items] == ["问题解决", "发现问题", "发现问题"]
    assert result.total == 3


def test_unknown_kind_shows_everything(client_for, cadre_user, work):
    response = client_for(cadre_user).get(reverse("stats:timeline", args=[work.pk]), {"kind": "x"})
    assert response.context["timeline"].total == 9


def test_pages_hold_whole_months_up_to_fifty_items():
    may, apr, mar, feb = (date(2026, m, 1) for m in (5, 4, 3, 2))
    assert windows([(may, 30), (apr, 20), (mar, 1)]) == [
        Window(apr, may, 0, 50),
        Window(mar, mar, 0, 1),
    ]
    # A month of more than 50 items is cut into pages of 50; its rest shares the next page
    # with the older months that fit.
    assert windows([(may, 10), (apr, 120), (mar, 5), (feb, 40)]) == [
        Window(may, may, 0, 10),
        Window(apr, apr, 0, 50),
        Window(apr, apr, 50, 50),
        Window(mar, apr, 100, 25),
        Window(feb, feb, 0, 40),
    ]
    assert windows([(may, 100), (apr, 1)]) == [
        Window(may, may, 0, 50),
        Window(may, may, 50, 50),
        Window(apr, apr, 0, 1),
    ]
    assert windows([]) == []


def test_a_month_split_over_pages_shows_each_item_once(cadre_user, cadre_a):
    s = cadre_a.secondments.get()
    for i in range(PAGE_SIZE + 5):
        ledger_entry(s, cadre_user, date=date(2026, 5, 1 + i % 28), title=f"纪实{i}")
    ledger_entry(s, cadre_user, date=date(2026, 4, 30), title="四月")
    first = timeline(cadre_user, s, page=1, today=TODAY)
    second = timeline(cadre_user, s, page=2, today=TODAY)
    assert first.page_count == 2
    shown = [i for t in (first, second) for m in t.months for i in m.items]
    assert len(shown) == PAGE_SIZE + 6
    assert len({i.pk for i in shown}) == PAGE_SIZE + 6
    assert [i.day for i in shown] == sorted((i.day for i in shown), reverse=True)
    assert [m.label for m in second.months] == ["2026年5月", "2026年4月"]


def test_page_out_of_range_shows_the_last_page(client_for, cadre_user, work):
    client = client_for(cadre_user)
    response = client.get(reverse("stats:timeline", args=[work.pk]), {"page": "99"})
    assert response.context["timeline"].page == 1
    response = client.get(reverse("stats:timeline", args=[work.pk]), {"page": "abc"})
    assert response.status_code == 200


def test_liaisons_and_admin_see_the_cadres_timeline(
    client_for, programme_admin, host_liaison, home_liaison, work
):
    for user in (programme_admin, host_liaison, home_liaison):
        response = client_for(user).get(reverse("stats:timeline", args=[work.pk]))
        assert response.status_code == 200
        assert response.context["timeline"].total == 9


def test_other_cadre_gets_404(client_for, other_cadre_user, work):
    response = client_for(other_cadre_user).get(reverse("stats:timeline", args=[work.pk]))
    assert response.status_code == 404


def test_secondment_page_links_to_the_timeline(client_for, cadre_user, cadre_a):
    s = cadre_a.secondments.get()
    response = client_for(cadre_user).get(s.get_absolute_url())
    assert reverse("stats:timeline", args=[s.pk]) in response.content.decode()


def test_query_count_does_not_grow_with_the_work(
    client_for, host_liaison, cadre_user, work, make_problem
):
    client = client_for(host_liaison)
    url = reverse("stats:timeline", args=[work.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    today = timezone.localdate()
    project = work.projects.get()
    for i in range(40):
        day = today - timedelta(days=i)
        ledger_entry(work, cadre_user, date=day)
        ProjectUpdate.objects.create(project=project, date=day, text=f"进展{i}")
        make_problem(work, cadre_user, found_date=day, deadline=day)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.context["timeline"].total == 129
    assert len(large) == len(small)
