"""The home page's dashboards, one per role, aggregated from the roster and the ledger.

Every figure starts from a `visible_to(user)` queryset, so a host liaison's dashboard counts
only their units' cadres and a cadre's only their own work. Each chart is a `Chart`: the page
draws it with ECharts and shows the same rows as a table, and the Excel export writes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from guazhi.accounts.models import User
from guazhi.attendance.models import CheckIn
from guazhi.attendance.months import month_rows
from guazhi.contacts.models import Problem
from guazhi.ledger import tallies
from guazhi.ledger.models import (
    Category,
    FigureField,
)
from guazhi.projects.models import Milestone
from guazhi.roster.models import Cadre, Cohort, Secondment, SecondmentStatus

WEEKS = 12
QUIET_DAYS = 14  # an on-post cadre with no entry for this long is listed to act on


@dataclass
class Chart:
    """One chart and its data: `columns` head the table; `rows` are its lines."""

    key: str
    title: str
    kind: str  # "bar" (categories × series), "hbar", "line", "pie"
    columns: list[str]
    rows: list[list[Any]]
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def as_echarts(self) -> dict[str, Any]:
        """What static/stats/dashboard.js needs: categories and one list per series."""
        return {
            "key": self.key,
            "kind": self.kind,
            "categories": [str(r[0]) for r in self.rows],
            "series": [
                {"name": name, "data": [_number(r[i]) for r in self.rows]}
                for i, name in enumerate(self.columns[1:], start=1)
            ],
        }


def _number(value: Any) -> float | int:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value if isinstance(value, (int, float)) else 0


def _fmt(value: Decimal | float | int | None) -> str:
    """A total as people write it: 121120.6, not 121120.60 or 8365.80000000001 (SQLite sums
    decimals as floats)."""
    if value is None:
        return "0"
    text = f"{Decimal(str(value)).quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- Figures --------------------------------------------------------------------------------


def roster_charts(user: User) -> tuple[dict[str, Any], list[Chart]]:
    secondments = Secondment.objects.visible_to(user)
    by_status = dict(secondments.values_list("status").annotate(n=Count("pk")).order_by())
    cohorts = list(Cohort.objects.visible_to(user).order_by("start_date"))
    per_cohort = {
        (cohort_id, status): n
        for cohort_id, status, n in secondments.values_list("cohort_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    }
    cards = {
        "cadre_count": Cadre.objects.visible_to(user).count(),
        "cohort_count": len(cohorts),
        "status_counts": [(s.label, by_status.get(s.value, 0), s.value) for s in SecondmentStatus],
    }
    chart = Chart(
        key="cohorts",
        title="各批次挂职任职情况",
        kind="hbar",
        columns=["批次", *(s.label for s in SecondmentStatus)],
        rows=[
            [c.name, *(per_cohort.get((c.pk, s.value), 0) for s in SecondmentStatus)]
            for c in cohorts
        ],
    )
    host_rows = (
        secondments.filter(status=SecondmentStatus.ACTIVE)
        .values_list("host_unit__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "host_unit__name")[:15]
    )
    hosts = Chart(
        key="hosts",
        title="在岗干部最多的接收单位",
        kind="hbar",
        columns=["接收单位", "在岗人数"],
        rows=[[name, n] for name, n in host_rows],
        note="前 15 个单位",
    )
    return cards, [chart, hosts]


def ledger_counts(user: User) -> tuple[int, int]:
    """(entries the user may see, of which 待确认). A home liaison only reads: no queue."""
    _weeks, categories, _figures = tallies.scoped(user)
    totals = categories.aggregate(n=Sum("entries"), pending=Sum("pending"))
    return totals["n"] or 0, 0 if user.is_home_liaison else totals["pending"] or 0


def ledger_charts(user: User, *, today: date) -> list[Chart]:
    weeks_tally, categories_tally, figures_tally = tallies.scoped(user)
    first_week = today - timedelta(days=today.weekday() + 7 * (WEEKS - 1))
    weekly = dict(
        weeks_tally.filter(week__gte=first_week)
        .values_list("week")
        .annotate(n=Sum("entries"))
        .order_by()
    )
    weeks = [first_week + timedelta(weeks=i) for i in range(WEEKS)]
    activity = Chart(
        key="weekly",
        title=f"近 {WEEKS} 周工作纪实条数",
        kind="line",
        columns=["周（起始日）", "纪实条数"],
        rows=[[f"{w:%m-%d}", weekly.get(w, 0)] for w in weeks],
        note="最后一周截至今天，尚未过完。",
    )
    # Grouped by id, named from the (short) category list: a join here leads SQLite to walk
    # the tallies category by category.
    per_category = dict(
        categories_tally.values_list("category_id").annotate(n=Sum("entries")).order_by()
    )
    mix = Chart(
        key="categories",
        title="工作类别构成",
        kind="pie",
        columns=["类别", "纪实条数"],
        rows=[
            [c.name, per_category[c.pk]] for c in Category.objects.all() if per_category.get(c.pk)
        ],
    )
    per_field = {
        pk: (total, n)
        for pk, total, n in figures_tally.values_list("field_id")
        .annotate(total=Sum("total_cents"), n=Sum("entries"))
        .order_by()
    }
    fields = FigureField.objects.filter(pk__in=per_field).select_related("category")
    totals = Chart(
        key="figures",
        title="工作数据累计",
        kind="table",
        columns=["类别", "数据项", "单位", "合计", "涉及纪实条数"],
        rows=[
            [f.category.name, f.label, f.unit, _fmt(Decimal(per_field[f.pk][0]) / 100), n]
            for f in sorted(fields, key=lambda f: (f.category.sort_order, f.sort_order, f.pk))
            if (n := per_field[f.pk][1])
        ],
        note="已确认和待确认的纪实都计入；已退回的也计入，便于发现问题。",
    )
    return [activity, mix, totals]


def quiet_cadres(user: User, *, today: date, limit: int = 50) -> tuple[int, list[dict[str, Any]]]:
    """On-post secondments with no ledger entry in QUIET_DAYS days, longest silence first: a
    list to act on. Returns the total and the first `limit`.

    The latest entry date of each secondment is kept by the ledger (`SecondmentActivity`), so
    this reads one row per cadre on post instead of probing the ledger for each."""
    since = today - timedelta(days=QUIET_DAYS)
    quiet = (
        Secondment.objects.visible_to(user)
        .filter(status=SecondmentStatus.ACTIVE)
        .filter(
            Q(ledger_activity__isnull=True)
            | Q(ledger_activity__last_entry_date__isnull=True)
            | Q(ledger_activity__last_entry_date__lt=since)
        )
    )
    total = quiet.count()
    rows = []
    for s in (
        quiet.annotate(last_entry=F("ledger_activity__last_entry_date"))
        .select_related("cadre", "host_unit")
        .order_by(F("last_entry").asc(nulls_first=True), "cadre__name_pinyin")[:limit]
    ):
        last_date = s.last_entry  # type: ignore[attr-defined]
        days = (today - last_date).days if last_date else None
        rows.append({"secondment": s, "last_entry": last_date, "days": days})
    return total, rows


def my_secondments(user: User, *, today: date) -> list[dict[str, Any]]:
    """The cadre's postings, newest first, with days since the start, days on post this month
    (and the cohort's minimum), and whether they checked in today."""
    postings = (
        Secondment.objects.visible_to(user)
        .select_related("cohort", "host_unit")
        .annotate(entries=Count("ledger_entries"))
        .order_by("-start_date")
    )
    this_month = {
        r.secondment.pk: r
        for r in month_rows(Secondment.objects.visible_to(user), year=today.year, month=today.month)
    }
    checked_in = set(
        CheckIn.objects.visible_to(user).filter(date=today).values_list("secondment_id", flat=True)
    )
    rows = []
    for s in postings:
        end = min(today, s.actual_end_date or s.planned_end_date)
        month = this_month.get(s.pk)
        rows.append(
            {
                "secondment": s,
                "days": max(0, (end - s.start_date).days + 1) if s.start_date <= today else 0,
                "entries": s.entries,  # type: ignore[attr-defined]
                "month_days": month.days if month else 0,
                "month_required": month.required_here if month and month.required else None,
                "can_check_in": s.status == SecondmentStatus.ACTIVE and s.cohort.checkin_enabled,
                "checked_in_today": s.pk in checked_in,
            }
        )
    return rows


def overdue_items(user: User, *, today: date, limit: int = 10) -> dict[str, Any]:
    """Overdue milestones and problems in the user's scope (a cadre: their own), most overdue
    first: the totals and the first `limit` of each, four queries whatever their number."""
    milestones = Milestone.objects.visible_to(user).overdue(today)
    problems = Problem.objects.visible_to(user).overdue(today)
    return {
        "overdue_milestone_total": milestones.count(),
        "overdue_milestones": [
            {"milestone": m, "days": (today - m.planned_date).days if m.planned_date else 0}
            for m in milestones.select_related("project__secondment__cadre").order_by(
                "planned_date", "pk"
            )[:limit]
        ],
        "overdue_problem_total": problems.count(),
        "overdue_problems": [
            {"problem": p, "days": (today - p.deadline).days}
            for p in problems.select_related("secondment__cadre").order_by("deadline", "pk")[:limit]
        ],
    }


def charts_for(user: User, *, today: date) -> tuple[dict[str, Any], list[Chart]]:
    """The user's cards and charts: a cadre's own posting, or the programme's roster figures,
    then the ledger charts of what the user may see."""
    if user.is_cadre:
        # A cadre's own posting instead of programme-wide roster figures.
        cards: dict[str, Any] = {"my_secondments": my_secondments(user, today=today)}
        charts: list[Chart] = []
    else:
        cards, charts = roster_charts(user)
    return cards, charts + ledger_charts(user, today=today)


def dashboard(user: User) -> dict[str, Any]:
    """Everything the home page shows for this user."""
    if not user.has_business_role:
        return {"business": False}
    today = timezone.localdate()
    cards, charts = charts_for(user, today=today)
    context: dict[str, Any] = {
        "business": True,
        **cards,
        "charts": charts,
        "chart_data": [c.as_echarts() for c in charts if c.kind != "table"],
    }
    context["entry_count"], context["pending_count"] = ledger_counts(user)
    context.update(overdue_items(user, today=today))
    if not user.is_cadre:
        context["quiet_total"], context["quiet"] = quiet_cadres(user, today=today)
        context["quiet_days"] = QUIET_DAYS
    return context


def chart_for(user: User, key: str) -> Chart | None:
    """One chart, for its Excel export (without the rest of the home page's queries)."""
    if not user.has_business_role:
        return None
    _cards, charts = charts_for(user, today=timezone.localdate())
    return next((c for c in charts if c.key == key), None)
