"""A secondment's weekly and monthly digest: entries by category, exact totals of figures,
milestones done, problems found and resolved, days on post; the Excel export is audited."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from guazhi.attendance.models import CheckIn
from guazhi.audit.models import AuditRecord, Event
from guazhi.contacts.models import ProblemStatus
from guazhi.ledger.models import Category, EntryFigure, EntryStatus, FigureField
from guazhi.projects.models import MilestoneStatus
from guazhi.stats.digest import MONTH, WEEK, BadPeriod, Period, digest, parse_period
from tests.conftest import ledger_entry

# Loans of 0.1, 0.2 and 1.1 万元: 1.4 in all (1.4000000000000001 as floats; see the last test).
LOANS = [Decimal("0.1"), Decimal("0.2"), Decimal("1.1")]


@pytest.fixture
def may(cadre_user, cadre_a, make_project, make_problem):
    """张建国's May 2026: three enterprise entries with loans (one confirmed), a petition, a
    check-in on a day without entries, a milestone done, a problem found and one resolved."""
    s = cadre_a.secondments.get()
    s.cohort.min_days_per_month = 20
    s.cohort.save()
    enterprise = Category.objects.get(name="企业帮扶")
    loans = FigureField.objects.get(category=enterprise, key="loans")
    visited = FigureField.objects.get(category=enterprise, key="enterprises_visited")
    for day, amount in zip((4, 6, 6), LOANS, strict=True):
        entry = ledger_entry(s, cadre_user, date=date(2026, 5, day), category=enterprise)
        EntryFigure.objects.create(entry=entry, field=loans, value=amount)
        EntryFigure.objects.create(entry=entry, field=visited, value=Decimal(12))
    entry.status = EntryStatus.CONFIRMED
    entry.save()
    ledger_entry(
        s, cadre_user, date=date(2026, 5, 11), category=Category.objects.get(name="信访接待")
    )
    ledger_entry(s, cadre_user, date=date(2026, 6, 1), title="六月的纪实")  # another month
    CheckIn.objects.create(secondment=s, date=date(2026, 5, 20))
    project = make_project(s, cadre_user)
    done = project.milestones.order_by("sort_order").first()
    done.status, done.done_date = MilestoneStatus.DONE, date(2026, 5, 7)
    done.save()
    make_problem(s, cadre_user, found_date=date(2026, 5, 6), deadline=date(2026, 6, 30))
    make_problem(
        s,
        cadre_user,
        found_date=date(2026, 4, 1),
        deadline=date(2026, 5, 31),
        status=ProblemStatus.RESOLVED,
        resolved_date=date(2026, 5, 15),
        evidence="已协调解决。",
    )
    return s


def test_monthly_digest(cadre_user, may):
    d = digest(cadre_user, may, Period.containing(MONTH, date(2026, 5, 17)))
    assert (d.period.start, d.period.end) == (date(2026, 5, 1), date(2026, 5, 31))
    assert d.by_category == [("企业帮扶", 3, 1), ("信访接待", 1, 0)]
    assert (d.entry_count, d.confirmed_count) == (4, 1)
    totals = {f.label: (f.total, f.display, f.unit, f.entries) for f in d.figures}
    assert totals == {
        "走访企业": (Decimal("36.00"), "36", "家", 3),
        "协调贷款": (Decimal("1.40"), "1.4", "万元", 3),
    }
    assert [m.name for m in d.milestones_done] == [may.projects.get().milestones.first().name]
    assert [p.found_date for p in d.problems_found] == [date(2026, 5, 6)]
    assert [p.resolved_date for p in d.problems_resolved] == [date(2026, 5, 15)]
    # Days with an entry (4th, 6th, 11th) or a check-in (20th).
    assert (d.days_on_post, d.days_required) == (4, 20)


def test_weekly_digest_covers_monday_to_sunday(cadre_user, may):
    d = digest(cadre_user, may, Period.containing(WEEK, date(2026, 5, 6)))
    assert (d.period.start, d.period.end) == (date(2026, 5, 4), date(2026, 5, 10))
    assert d.by_category == [("企业帮扶", 3, 1)]
    assert [m.done_date for m in d.milestones_done] == [date(2026, 5, 7)]
    assert d.problems_resolved == []
    assert d.attendance_label == "2026年5月"


def test_periods_step_back_and_forth():
    week = Period.containing(WEEK, date(2026, 1, 1))
    assert (week.start, week.end) == (date(2025, 12, 29), date(2026, 1, 4))
    assert week.attendance_month == (2026, 1)  # its Thursday is January 1st
    assert week.previous.start == date(2025, 12, 22)
    assert week.next.start == date(2026, 1, 5)
    month = Period.containing(MONTH, date(2026, 12, 9))
    assert (month.previous.start, month.next.start) == (date(2026, 11, 1), date(2027, 1, 1))
    assert month.title == "2026年12月月报"


@pytest.mark.parametrize(
    ("kind", "day", "message"),
    [
        ("year", "2026-05-01", "统计周期只能是"),
        ("month", "2026-13-01", "无法识别"),
        ("week", "五月", "无法识别"),
        ("week", "1900-01-01", "超出范围"),
    ],
)
def test_bad_parameters_are_explained(kind, day, message):
    with pytest.raises(BadPeriod, match=message):
        parse_period(kind, day, today=date(2026, 5, 6))


def test_defaults_to_this_month():
    assert parse_period(None, None, today=date(2026, 5, 6)) == Period(
        MONTH, date(2026, 5, 1), date(2026, 5, 31)
    )


def test_page_shows_the_digest_with_period_links(client_for, host_liaison, may):
    url = reverse("stats:digest", args=[may.pk])
    response = client_for(host_liaison).get(url, {"period": "month", "date": "2026-05-17"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "张建国2026年5月月报" in html
    assert "1.4" in html and "1.4000" not in html
    assert "date=2026-04-01" in html and "date=2026-06-01" in html
    assert reverse("stats:digest_export", args=[may.pk]) in html


def test_page_explains_bad_parameters(client_for, cadre_user, may):
    url = reverse("stats:digest", args=[may.pk])
    response = client_for(cadre_user).get(url, {"period": "week", "date": "2026/05/40"})
    assert response.status_code == 400
    assert "无法识别" in response.content.decode()


def test_export_has_the_digest_rows_and_is_audited(client_for, home_liaison, may):
    url = reverse("stats:digest_export", args=[may.pk])
    response = client_for(home_liaison).get(url, {"period": "month", "date": "2026-05-01"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["分项", "内容", "数值", "单位"]
    assert ["工作纪实", "合计", 4, "条"] in rows
    assert ["工作数据", "企业帮扶·协调贷款", 1.4, "万元"] in rows
    assert ["问题清单", "已解决", 1, "个"] in rows
    assert ["在岗天数", "2026年5月", 4, "天"] in rows
    audit = AuditRecord.objects.get(event=Event.EXPORT)
    assert audit.object_type == "stats.digest"
    assert audit.after["rows"] == len(rows) - 1


def test_other_cadre_gets_404(client_for, other_cadre_user, may):
    for name in ("stats:digest", "stats:digest_export"):
        response = client_for(other_cadre_user).get(reverse(name, args=[may.pk]))
        assert response.status_code == 404


def test_query_count_does_not_grow_with_the_ledger(client_for, programme_admin, cadre_user, may):
    client = client_for(programme_admin)
    url = reverse("stats:digest", args=[may.pk])
    params = {"period": "month", "date": "2026-05-01"}
    client.get(url, params)
    with CaptureQueriesContext(connection) as small:
        client.get(url, params)
    field = FigureField.objects.get(key="loans", category__name="企业帮扶")
    for day in range(1, 29):
        entry = ledger_entry(may, cadre_user, date=date(2026, 5, day))
        EntryFigure.objects.create(entry=entry, field=field, value=Decimal("0.01"))
    with CaptureQueriesContext(connection) as large:
        response = client.get(url, params)
    assert response.context["digest"].entry_count == 32
    assert len(large) == len(small)


def test_figure_totals_are_exact_to_the_cent(cadre_user, cadre_a):
    """28 loans of 3.3 万元: SQLite sums them as floats (92.3999999999999); the digest says
    92.4."""
    s = cadre_a.secondments.get()
    field = FigureField.objects.get(key="loans", category__name="企业帮扶")
    for day in range(1, 29):
        entry = ledger_entry(s, cadre_user, date=date(2026, 5, day), category=field.category)
        EntryFigure.objects.create(entry=entry, field=field, value=Decimal("3.3"))
    raw = EntryFigure.objects.aggregate(t=Sum("value"))["t"]
    if connection.vendor == "sqlite":
        assert raw != Decimal("92.4")  # the float error the digest must not show
    (total,) = digest(cadre_user, s, Period.containing(MONTH, date(2026, 5, 1))).figures
    assert (total.total, total.display, total.entries) == (Decimal("92.40"), "92.4", 28)
