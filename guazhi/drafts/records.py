"""Gathering a cadre's records into plain dataclasses, the only Django part of composing.

`gather(secondment, today=…)` reads the secondment's ledger entries (confirmed and pending: a
returned entry is not evidence), key projects with their milestones, problems and paired
contacts over the term, and totals the figures per figure field, per category and across
categories that share a label and unit (走访企业 is recorded under 企业帮扶 and under 走访调研).
`guazhi.drafts.compose` turns the result into sentences without touching the database.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from guazhi.contacts.models import Contact, ContactVisit, Problem, ProblemStatus
from guazhi.ledger.models import Entry, EntryFigure, EntryStatus
from guazhi.projects.models import MilestoneStatus, Project, ProjectUpdate
from guazhi.roster.models import Secondment

# Entries that count as evidence: what the host confirmed and what waits for confirmation.
EVIDENCE_STATUSES = (EntryStatus.CONFIRMED, EntryStatus.PENDING)


@dataclass(frozen=True)
class FigureTotal:
    """One measure (label and unit) totalled over the entries that recorded it."""

    label: str
    unit: str
    total: Decimal
    entry_ids: tuple[int, ...]
    key: str = ""
    sort_order: int = 0


@dataclass(frozen=True)
class CategoryWork:
    """The entries of one category with the figures they recorded."""

    name: str
    entry_ids: tuple[int, ...]
    titles: tuple[tuple[int, str], ...]  # (entry id, title), most frequent work first
    places: tuple[str, ...]
    figures: tuple[FigureTotal, ...]
    first: date
    last: date

    @property
    def count(self) -> int:
        return len(self.entry_ids)


@dataclass(frozen=True)
class ProjectRecord:
    id: int
    name: str
    investment: Decimal  # 万元
    target: str
    target_date: date | None
    done: tuple[str, ...]  # milestones done, in order
    in_progress: tuple[str, ...]
    blocked: tuple[str, ...]
    remaining: tuple[str, ...]
    update_entry_ids: tuple[int, ...]
    updates: int


@dataclass(frozen=True)
class ProblemRecord:
    id: int
    description: str
    owner: str
    status: str  # ProblemStatus value
    action_taken: str
    resolved_date: date | None
    evidence_entry_id: int | None


@dataclass(frozen=True)
class ContactGroup:
    kind: str  # ContactKind value
    kind_label: str
    contact_ids: tuple[int, ...]
    names: tuple[str, ...]  # only for villages and enterprises: households are personal data
    visits: int


@dataclass(frozen=True)
class Records:
    secondment_id: int
    cadre_name: str
    cohort_name: str
    host_unit: str
    post: str
    duties: tuple[str, ...]
    start: date
    end: date
    categories: tuple[CategoryWork, ...]  # most entries first
    figures: tuple[FigureTotal, ...]  # across categories, by label and unit
    projects: tuple[ProjectRecord, ...] = ()
    problems: tuple[ProblemRecord, ...] = ()
    contacts: tuple[ContactGroup, ...] = ()
    entry_ids: tuple[int, ...] = field(default=())

    @property
    def entry_count(self) -> int:
        return len(self.entry_ids)


def split_duties(text: str) -> tuple[str, ...]:
    """分管工作 as typed: one a line, or separated by 、，；."""
    for sep in ("、", "，", ",", "；", ";"):
        text = text.replace(sep, "\n")
    return tuple(dict.fromkeys(d.strip() for d in text.splitlines() if d.strip()))


def term_end(secondment: Secondment, today: date) -> date:
    """The last day a draft covers: the end of the posting, or today while it runs."""
    return min(today, secondment.actual_end_date or secondment.planned_end_date)


def gather(secondment: Secondment, *, today: date) -> Records:
    start, end = secondment.start_date, term_end(secondment, today)
    entries = list(
        Entry.objects.filter(
            secondment=secondment,
            status__in=EVIDENCE_STATUSES,
            date__gte=start,
            date__lte=end,
        )
        .select_related("category", "place_unit")
        .order_by("date", "pk")
    )
    figures = list(
        EntryFigure.objects.filter(entry__in=[e.pk for e in entries])
        .select_related("field")
        .order_by("entry_id", "field__sort_order")
    )
    return Records(
        secondment_id=secondment.pk,
        cadre_name=secondment.cadre.name,
        cohort_name=secondment.cohort.name,
        host_unit=secondment.host_unit.name,
        post=secondment.post,
        duties=split_duties(secondment.duties),
        start=start,
        end=end,
        categories=_categories(entries, figures),
        figures=_figure_totals(figures),
        projects=_projects(secondment, end),
        problems=_problems(secondment, start, end),
        contacts=_contacts(secondment, start, end),
        entry_ids=tuple(e.pk for e in entries),
    )


def _figure_totals(figures: list[EntryFigure], sort: bool = True) -> tuple[FigureTotal, ...]:
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    ids: dict[tuple[str, str], list[int]] = defaultdict(list)
    meta: dict[tuple[str, str], tuple[str, int]] = {}
    for f in figures:
        if f.value <= 0:
            continue
        measure = (f.field.label, f.field.unit)
        totals[measure] += f.value
        ids[measure].append(f.entry_id)
        meta.setdefault(measure, (f.field.key, f.field.sort_order))
    rows = [
        FigureTotal(
            label=label,
            unit=unit,
            total=totals[(label, unit)],
            entry_ids=tuple(dict.fromkeys(ids[(label, unit)])),
            key=meta[(label, unit)][0],
            sort_order=meta[(label, unit)][1],
        )
        for (label, unit) in totals
    ]
    if sort:
        rows.sort(key=lambda r: (-len(r.entry_ids), r.sort_order, r.label))
    return tuple(rows)


def _categories(entries: list[Entry], figures: list[EntryFigure]) -> tuple[CategoryWork, ...]:
    by_category: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        by_category[e.category.name].append(e)
    figures_by_entry: dict[int, list[EntryFigure]] = defaultdict(list)
    for f in figures:
        figures_by_entry[f.entry_id].append(f)
    works = []
    for name, rows in by_category.items():
        # Titles repeat (a weekly checkpoint duty): the most frequent kinds of work first.
        title_count: dict[str, int] = defaultdict(int)
        title_entry: dict[str, int] = {}
        for e in rows:
            title_count[e.title] += 1
            title_entry.setdefault(e.title, e.pk)
        titles = sorted(title_count, key=lambda t: (-title_count[t], title_entry[t]))
        places = [e.place for e in rows if e.place]
        works.append(
            CategoryWork(
                name=name,
                entry_ids=tuple(e.pk for e in rows),
                titles=tuple((title_entry[t], t) for t in titles),
                places=tuple(dict.fromkeys(places)),
                figures=_figure_totals(
                    [f for e in rows for f in figures_by_entry[e.pk]], sort=False
                ),
                first=rows[0].date,
                last=rows[-1].date,
            )
        )
    works.sort(key=lambda w: (-w.count, w.name))
    return tuple(works)


def _projects(secondment: Secondment, end: date) -> tuple[ProjectRecord, ...]:
    # Projects and contacts are standing work: those taken on by the end of the term count
    # (the claims check reads them the same way).
    projects = list(
        Project.objects.filter(secondment=secondment, created_at__date__lte=end)
        .prefetch_related("milestones")
        .order_by("created_at", "pk")
    )
    updates: dict[int, list[int | None]] = defaultdict(list)
    for project_id, entry_id in ProjectUpdate.objects.filter(
        project__in=[p.pk for p in projects]
    ).values_list("project_id", "entry_id"):
        updates[project_id].append(entry_id)
    records = []
    for p in projects:
        steps = list(p.milestones.all())

        def names(status: str, steps: list = steps) -> tuple[str, ...]:  # type: ignore[type-arg]
            return tuple(m.name for m in steps if m.status == status)

        records.append(
            ProjectRecord(
                id=p.pk,
                name=p.name,
                investment=p.investment,
                target=p.target,
                target_date=p.target_date,
                done=names(MilestoneStatus.DONE),
                in_progress=names(MilestoneStatus.IN_PROGRESS),
                blocked=names(MilestoneStatus.BLOCKED),
                remaining=names(MilestoneStatus.NOT_STARTED),
                update_entry_ids=tuple(
                    dict.fromkeys(e for e in updates.get(p.pk, []) if e is not None)
                ),
                updates=len(updates.get(p.pk, [])),
            )
        )
    return tuple(records)


def _problems(secondment: Secondment, start: date, end: date) -> tuple[ProblemRecord, ...]:
    rows = Problem.objects.filter(
        secondment=secondment, found_date__gte=start, found_date__lte=end
    ).order_by("found_date", "pk")
    return tuple(
        ProblemRecord(
            id=p.pk,
            description=p.description,
            owner=p.owner,
            status=p.status,
            action_taken=p.action_taken,
            resolved_date=p.resolved_date if p.status == ProblemStatus.RESOLVED else None,
            evidence_entry_id=p.evidence_entry_id,
        )
        for p in rows
    )


def _contacts(secondment: Secondment, start: date, end: date) -> tuple[ContactGroup, ...]:
    contacts = list(
        Contact.objects.filter(secondment=secondment, created_at__date__lte=end).order_by(
            "kind", "name", "pk"
        )
    )
    visits: dict[int, int] = defaultdict(int)
    for contact_id in ContactVisit.objects.filter(
        contact__in=[c.pk for c in contacts], date__gte=start, date__lte=end
    ).values_list("contact_id", flat=True):
        visits[contact_id] += 1
    groups: dict[str, list[Contact]] = defaultdict(list)
    for c in contacts:
        groups[c.kind].append(c)
    return tuple(
        ContactGroup(
            kind=kind,
            kind_label=rows[0].get_kind_display(),
            contact_ids=tuple(c.pk for c in rows),
            names=tuple(c.name for c in rows) if kind in ("village", "enterprise") else (),
            visits=sum(visits[c.pk] for c in rows),
        )
        for kind, rows in groups.items()
    )
