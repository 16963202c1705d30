"""A secondment's timeline: ledger entries, milestones, project updates, contact visits and
problems in one stream, newest first, grouped by month.

Each kind of item comes from a `Source`: a queryset (starting from the user's `visible_to`) and
the date it is placed at. A problem is two sources (found, resolved), a milestone two (planned
and not done yet, done). The page is cut from a month index (one grouped count per source):
whole months, newest first, until a page would pass `PAGE_SIZE` items; a month with more items
than that is cut into pages of `PAGE_SIZE`. A page's items are fetched with one query per
source for the page's date window and merged in Python, so the number of queries does not
depend on how much work the cadre has recorded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from guazhi.accounts.models import User
from guazhi.contacts.models import Contact, ContactVisit, Problem, ProblemStatus
from guazhi.ledger.models import Entry
from guazhi.projects.models import Milestone, MilestoneStatus, Project, ProjectUpdate
from guazhi.roster.models import Secondment

PAGE_SIZE = 50

# The filter's kinds, in the order the filter lists them.
KINDS: dict[str, str] = {
    "entry": "工作纪实",
    "milestone": "手续节点",
    "update": "项目进展",
    "visit": "联系记录",
    "problem": "问题清单",
}


@dataclass
class Item:
    """One line of the timeline."""

    kind: str  # a key of KINDS
    label: str  # what happened, in words: 填写纪实, 节点完成, 计划完成, 发现问题…
    day: date
    title: str
    detail: str
    url: str
    overdue_days: int = 0  # > 0: overdue, by this many days
    order: int = 0  # the source's place, to break ties between items of one day
    pk: int = 0

    @property
    def sort_key(self) -> tuple[date, int, int]:
        return (self.day, -self.order, self.pk)


@dataclass
class Source:
    kind: str
    date_field: str
    queryset: QuerySet[Any]
    to_item: Callable[[Any], Item]


@dataclass
class Month:
    start: date  # the first day
    items: list[Item] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.start.year}年{self.start.month}月"


@dataclass
class Window:
    """One page: whole months from `first` to `last` (first of month dates, last ≥ first), and
    which of their merged items it shows."""

    first: date
    last: date
    skip: int
    take: int

    @property
    def end(self) -> date:
        return _next_month(self.last)


@dataclass
class Timeline:
    months: list[Month]
    page: int
    page_count: int
    total: int
    kind: str

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.page_count


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def _as_date(value: date | datetime) -> date:
    # TruncMonth gives a date on some databases and a datetime on others.
    return value.date() if isinstance(value, datetime) else value


def _clip(text: str, n: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


# --- Sources -------------------------------------------------------------------------------------


def sources(user: User, secondment: Secondment, *, today: date) -> list[Source]:
    """Every kind of item of this secondment the user may see, each from its `visible_to`."""
    entries = Entry.objects.visible_to(user).filter(secondment=secondment)
    projects = Project.objects.visible_to(user).filter(secondment=secondment).values("pk")
    milestones = Milestone.objects.filter(project__in=projects).select_related("project")
    contacts = Contact.objects.visible_to(user).filter(secondment=secondment).values("pk")
    problems = Problem.objects.visible_to(user).filter(secondment=secondment)

    def entry(e: Entry) -> Item:
        return Item(
            "entry",
            "填写纪实",
            e.date,
            e.title,
            f"{e.category.name} · {e.get_status_display()}",
            e.get_absolute_url(),
        )

    def planned(m: Milestone) -> Item:
        assert m.planned_date is not None
        overdue = (today - m.planned_date).days if m.is_overdue(today) else 0
        return Item(
            "milestone",
            "节点计划完成",
            m.planned_date,
            f"{m.project.name}：{m.name}",
            f"当前状态：{m.get_status_display()}",
            m.project.get_absolute_url(),
            overdue_days=overdue,
        )

    def done(m: Milestone) -> Item:
        assert m.done_date is not None
        late = ""
        if m.planned_date and m.done_date > m.planned_date:
            late = f"（比计划晚 {(m.done_date - m.planned_date).days} 天）"
        return Item(
            "milestone",
            "节点完成",
            m.done_date,
            f"{m.project.name}：{m.name}",
            f"已完成{late}",
            m.project.get_absolute_url(),
        )

    def update(u: ProjectUpdate) -> Item:
        return Item(
            "update",
            "项目进展",
            u.date,
            u.project.name,
            _clip(u.text),
            u.project.get_absolute_url(),
        )

    def visit(v: ContactVisit) -> Item:
        return Item(
            "visit",
            f"{v.get_method_display()}联系",
            v.date,
            str(v.contact),
            _clip(v.text),
            v.contact.get_absolute_url(),
        )

    def found(p: Problem) -> Item:
        overdue = (today - p.deadline).days if p.is_overdue(today) else 0
        return Item(
            "problem",
            "发现问题",
            p.found_date,
            _clip(p.description, 60),
            f"责任：{p.owner} · 办结时限 {p.deadline:%Y-%m-%d} · {p.get_status_display()}",
            p.get_absolute_url(),
            overdue_days=overdue,
        )

    def resolved(p: Problem) -> Item:
        return Item(
            "problem",
            "问题解决",
            p.resolved_date or p.found_date,
            _clip(p.description, 60),
            _clip(p.evidence),
            p.get_absolute_url(),
        )

    return [
        Source("entry", "date", entries.select_related("category"), entry),
        Source(
            "milestone",
            "planned_date",
            milestones.exclude(status=MilestoneStatus.DONE).filter(planned_date__isnull=False),
            planned,
        ),
        Source(
            "milestone",
            "done_date",
            milestones.filter(status=MilestoneStatus.DONE, done_date__isnull=False),
            done,
        ),
        Source(
            "update",
            "date",
            ProjectUpdate.objects.filter(project__in=projects).select_related("project"),
            update,
        ),
        Source(
            "visit",
            "date",
            ContactVisit.objects.filter(contact__in=contacts).select_related("contact"),
            visit,
        ),
        Source("problem", "found_date", problems, found),
        Source(
            "problem",
            "resolved_date",
            problems.filter(status=ProblemStatus.RESOLVED, resolved_date__isnull=False),
            resolved,
        ),
    ]


# --- Paging --------------------------------------------------------------------------------------


def month_index(chosen: Sequence[Source]) -> list[tuple[date, int]]:
    """(first day of month, number of items) for every month with items, newest first: one
    grouped count per source."""
    counts: Counter[date] = Counter()
    for source in chosen:
        rows = (
            source.queryset.annotate(month=TruncMonth(source.date_field))
            .values_list("month")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for month, n in rows:
            counts[_as_date(month)] += n
    return sorted(counts.items(), reverse=True)


def windows(index: Sequence[tuple[date, int]], size: int = PAGE_SIZE) -> list[Window]:
    """Cut the month index into pages: whole months newest first while they fit in `size`
    items; a month of more than `size` items is cut into pages of `size`, its rest sharing a
    page with the older months that fit."""
    pages: list[Window] = []
    current: Window | None = None
    for month, n in index:
        if n > size:
            if current:
                pages.append(current)
            full, rest = divmod(n, size)
            pages.extend(Window(month, month, i * size, size) for i in range(full))
            # The rest of the month opens the next page, which older months may join.
            current = Window(month, month, full * size, rest) if rest else None
        elif current and current.take + n <= size:
            current.first = month
            current.take += n
        else:
            if current:
                pages.append(current)
            current = Window(month, month, 0, n)
    if current:
        pages.append(current)
    return pages


def fetch(chosen: Sequence[Source], window: Window) -> list[Item]:
    """The window's items, newest first: one query per source, each cut to what the page can
    show (the merged stream's first skip+take items come from each source's first skip+take)."""
    limit = window.skip + window.take
    items: list[Item] = []
    for order, source in enumerate(chosen):
        rows = source.queryset.filter(
            **{f"{source.date_field}__gte": window.first, f"{source.date_field}__lt": window.end}
        ).order_by(f"-{source.date_field}", "-pk")[:limit]
        for row in rows:
            item = source.to_item(row)
            item.order, item.pk = order, row.pk
            items.append(item)
    items.sort(key=lambda i: i.sort_key, reverse=True)
    return items[window.skip : limit]


def timeline(
    user: User, secondment: Secondment, *, kind: str = "", page: int = 1, today: date | None = None
) -> Timeline:
    """One page of the secondment's timeline; `kind` (a key of KINDS, or "" for all) filters."""
    today = today or timezone.localdate()
    chosen = [s for s in sources(user, secondment, today=today) if not kind or s.kind == kind]
    index = month_index(chosen)
    pages = windows(index)
    page = min(max(page, 1), max(len(pages), 1))
    months: list[Month] = []
    if pages:
        for item in fetch(chosen, pages[page - 1]):
            start = item.day.replace(day=1)
            if not months or months[-1].start != start:
                months.append(Month(start))
            months[-1].items.append(item)
    return Timeline(
        months=months,
        page=page,
        page_count=len(pages),
        total=sum(n for _m, n in index),
        kind=kind,
    )
