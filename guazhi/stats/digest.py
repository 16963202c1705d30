"""A secondment's weekly or monthly digest (周报/月报), computed from the ledger: entries by
category, totals of figures, milestones done, problems found and resolved, days on post.

Every figure starts from the user's `visible_to` querysets, filtered to the secondment and the
period; the page and its Excel export show the same `Digest`.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from guazhi.accounts.models import User
from guazhi.attendance.months import month_rows
from guazhi.contacts.models import Problem
from guazhi.ledger.models import Entry, EntryFigure, EntryStatus
from guazhi.projects.models import Milestone, MilestoneStatus, Project
from guazhi.roster.models import Secondment

WEEK = "week"
MONTH = "month"
PERIODS = {WEEK: "周报", MONTH: "月报"}
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Period:
    kind: str  # WEEK or MONTH
    start: date
    end: date  # inclusive

    @classmethod
    def containing(cls, kind: str, day: date) -> Period:
        if kind == WEEK:
            start = day - timedelta(days=day.weekday())
            return cls(WEEK, start, start + timedelta(days=6))
        last = calendar.monthrange(day.year, day.month)[1]
        return cls(MONTH, day.replace(day=1), day.replace(day=last))

    @property
    def previous(self) -> Period:
        return Period.containing(self.kind, self.start - timedelta(days=1))

    @property
    def next(self) -> Period:
        return Period.containing(self.kind, self.end + timedelta(days=1))

    @property
    def attendance_month(self) -> tuple[int, int]:
        """The month whose days on post the digest shows: the period's own month; for a week,
        the month holding its Thursday (the ISO rule for which month a week belongs to)."""
        day = self.start + timedelta(days=3) if self.kind == WEEK else self.start
        return day.year, day.month

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return f"{self.start.year}年{self.start.month}月"
        return f"{self.start:%Y年%m月%d日}至{self.end:%m月%d日}"

    @property
    def title(self) -> str:
        return f"{self.label}{PERIODS[self.kind]}"


@dataclass
class FigureTotal:
    category: str
    label: str
    unit: str
    total: Decimal  # exact to the cent
    entries: int

    @property
    def display(self) -> str:
        text = f"{self.total:f}"
        return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass
class Digest:
    secondment: Secondment
    period: Period
    entry_count: int
    confirmed_count: int
    by_category: list[tuple[str, int, int]]  # category, entries, of which confirmed
    figures: list[FigureTotal]
    milestones_done: list[Milestone]
    problems_found: list[Problem]
    problems_resolved: list[Problem]
    days_on_post: int
    days_required: int | None
    attendance_month: tuple[int, int]

    @property
    def attendance_label(self) -> str:
        return f"{self.attendance_month[0]}年{self.attendance_month[1]}月"


def exact_total(value: Decimal | float | int | None) -> Decimal:
    """A sum of two-decimal figures, exact: SQLite sums decimals as floats (8365.80000000001),
    so the sum is rounded back to the cent it must be."""
    if value is None:
        return Decimal("0.00")
    return Decimal(str(value)).quantize(CENT)


def digest(user: User, secondment: Secondment, period: Period) -> Digest:
    within = {"date__gte": period.start, "date__lte": period.end}
    entries = Entry.objects.visible_to(user).filter(secondment=secondment, **within)
    by_category = [
        (name, n, confirmed)
        for name, _order, n, confirmed in entries.values_list(
            "category__name", "category__sort_order"
        )
        .annotate(n=Count("pk"), confirmed=Count("pk", filter=Q(status=EntryStatus.CONFIRMED)))
        .order_by("category__sort_order", "category__name")
    ]
    figures = [
        FigureTotal(category, label, unit, exact_total(total), n)
        for category, label, unit, _co, _fo, total, n in EntryFigure.objects.filter(
            entry__in=entries.values("pk")
        )
        .values_list(
            "field__category__name",
            "field__label",
            "field__unit",
            "field__category__sort_order",
            "field__sort_order",
        )
        .annotate(total=Sum("value"), n=Count("entry_id", distinct=True))
        .order_by("field__category__sort_order", "field__sort_order", "field__label")
    ]
    projects = Project.objects.visible_to(user).filter(secondment=secondment).values("pk")
    milestones_done = list(
        Milestone.objects.filter(
            project__in=projects,
            status=MilestoneStatus.DONE,
            done_date__gte=period.start,
            done_date__lte=period.end,
        )
        .select_related("project")
        .order_by("done_date", "project_id", "sort_order")
    )
    problems = Problem.objects.visible_to(user).filter(secondment=secondment)
    found = list(
        problems.filter(found_date__gte=period.start, found_date__lte=period.end).order_by(
            "found_date", "pk"
        )
    )
    resolved = list(
        problems.filter(resolved_date__gte=period.start, resolved_date__lte=period.end).order_by(
            "resolved_date", "pk"
        )
    )
    year, month = period.attendance_month
    rows = month_rows(
        Secondment.objects.visible_to(user).filter(pk=secondment.pk), year=year, month=month
    )
    row = rows[0] if rows else None
    return Digest(
        secondment=secondment,
        period=period,
        entry_count=sum(n for _c, n, _k in by_category),
        confirmed_count=sum(k for _c, _n, k in by_category),
        by_category=by_category,
        figures=figures,
        milestones_done=milestones_done,
        problems_found=found,
        problems_resolved=resolved,
        days_on_post=row.days if row else 0,
        days_required=row.required_here if row and row.required is not None else None,
        attendance_month=(year, month),
    )


# --- Excel ---------------------------------------------------------------------------------------

COLUMNS = ["分项", "内容", "数值", "单位"]


def _number(value: Decimal) -> int | float:
    """A number cell: 47, 8365.8 (the workbook writer turns a Decimal into text)."""
    return int(value) if value == value.to_integral_value() else float(value)


def digest_rows(d: Digest) -> list[list[Any]]:
    """The digest as the rows of one sheet: 分项 · 内容 · 数值 · 单位."""
    s = d.secondment
    rows: list[list[Any]] = [
        ["挂职干部", s.cadre.name, "", ""],
        ["接收单位及职务", f"{s.host_unit.name} {s.post}", "", ""],
        ["统计期间", f"{d.period.start:%Y-%m-%d} 至 {d.period.end:%Y-%m-%d}", "", ""],
        ["工作纪实", "合计", d.entry_count, "条"],
        ["工作纪实", "其中已确认", d.confirmed_count, "条"],
    ]
    rows += [["工作纪实（按类别）", name, n, "条"] for name, n, _k in d.by_category]
    rows += [["工作数据", f"{f.category}·{f.label}", _number(f.total), f.unit] for f in d.figures]
    rows += [
        ["手续节点完成", f"{m.project.name}：{m.name}", f"{m.done_date:%Y-%m-%d}", ""]
        for m in d.milestones_done
        if m.done_date
    ]
    rows += [
        ["问题清单", "新发现", len(d.problems_found), "个"],
        ["问题清单", "已解决", len(d.problems_resolved), "个"],
        ["在岗天数", d.attendance_label, d.days_on_post, "天"],
    ]
    if d.days_required is not None:
        rows.append(["在岗天数", f"{d.attendance_label}最低要求", d.days_required, "天"])
    return rows


# --- Parameters ----------------------------------------------------------------------------------


class BadPeriod(ValueError):
    """Parameters that name no period; str(error) is a Chinese explanation."""


def parse_period(kind: str | None, day: str | None, *, today: date) -> Period:
    """The period from the page's parameters: period=week|month (default month) and a date
    inside it, as YYYY-MM-DD (default today)."""
    kind = kind or MONTH
    if kind not in PERIODS:
        raise BadPeriod("统计周期只能是“周报”或“月报”。")
    if not day:
        return Period.containing(kind, today)
    try:
        parsed = date.fromisoformat(day.strip())
    except ValueError:
        raise BadPeriod(f"日期“{day[:20]}”无法识别，请按 2026-05-06 的格式填写。") from None
    if not date(2000, 1, 1) <= parsed <= date(2100, 12, 31):
        raise BadPeriod("日期超出范围，请填写 2000 年至 2100 年之间的日期。")
    return Period.containing(kind, parsed)
