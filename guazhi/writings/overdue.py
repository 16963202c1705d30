"""Who owes which writing: the cadre's own list of requirements (我的材料) and the admin's
overdue table per cohort.

A secondment owes a requirement when it had begun by the due date and did not end before it
(pending and early-ended postings owe nothing after they stop). A requirement is met once its
writing has been submitted (已提交 or 已通过); a draft or a returned writing past the due date is
overdue like a missing one, and the table says which.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from guazhi.roster.models import Cohort, Secondment, SecondmentStatus
from guazhi.writings.models import Writing, WritingRequirement, WritingStatus

MET = (WritingStatus.SUBMITTED, WritingStatus.ACCEPTED)
DUE_SOON_DAYS = 14


@dataclass
class Slot:
    """One requirement as one secondment stands with it."""

    requirement: WritingRequirement
    writing: Writing | None
    today: date

    @property
    def is_met(self) -> bool:
        return self.writing is not None and self.writing.status in MET

    @property
    def is_overdue(self) -> bool:
        return not self.is_met and self.requirement.due_date < self.today

    @property
    def days_overdue(self) -> int:
        return (self.today - self.requirement.due_date).days

    @property
    def days_left(self) -> int:
        return (self.requirement.due_date - self.today).days

    @property
    def is_due_soon(self) -> bool:
        return not self.is_met and 0 <= self.days_left <= DUE_SOON_DAYS

    @property
    def state(self) -> str:
        if self.writing is None:
            return "未开始"
        return self.writing.get_status_display()


def owes(secondment: Secondment, due: date) -> bool:
    if secondment.status not in (SecondmentStatus.ACTIVE, SecondmentStatus.COMPLETED):
        return False
    if secondment.start_date > due:
        return False
    return not (secondment.actual_end_date and secondment.actual_end_date < due)


def slots_for(secondment: Secondment, *, today: date) -> list[Slot]:
    """The secondment's requirements (by due date) with its writing for each."""
    writings = {
        w.requirement_id: w
        for w in Writing.objects.filter(secondment=secondment, requirement__isnull=False)
    }
    return [
        Slot(requirement=r, writing=writings.get(r.pk), today=today)
        for r in WritingRequirement.objects.filter(cohort_id=secondment.cohort_id)
        if owes(secondment, r.due_date) or r.pk in writings
    ]


@dataclass
class OverdueRow:
    secondment: Secondment
    slot: Slot


def overdue_rows(
    *, cohort: Cohort, today: date, kind: str = "", q: str = ""
) -> tuple[list[OverdueRow], list[tuple[WritingRequirement, int, int]]]:
    """(rows, summary): every overdue (secondment, requirement) of the cohort, by due date then
    roster order; and per past-due requirement (requirement, met, owed)."""
    requirements = list(
        WritingRequirement.objects.filter(cohort=cohort, due_date__lt=today).order_by(
            "due_date", "pk"
        )
    )
    if kind:
        requirements = [r for r in requirements if r.kind == kind]
    scoped = (
        Secondment.objects.filter(
            cohort=cohort, status__in=(SecondmentStatus.ACTIVE, SecondmentStatus.COMPLETED)
        )
        .select_related("cadre", "cadre__home_unit", "host_unit")
        .order_by("cadre__name_pinyin", "pk")
    )
    if q:
        scoped = scoped.filter(Q(cadre__name__contains=q) | Q(host_unit__name__contains=q))
    secondments = list(scoped)
    writings = {
        (w.secondment_id, w.requirement_id): w
        for w in Writing.objects.filter(
            secondment__cohort=cohort, requirement__in=[r.pk for r in requirements]
        ).only("pk", "secondment_id", "requirement_id", "status", "title")
    }
    rows: list[OverdueRow] = []
    summary = []
    for requirement in requirements:
        met = owed = 0
        for secondment in secondments:
            if not owes(secondment, requirement.due_date):
                continue
            owed += 1
            slot = Slot(requirement, writings.get((secondment.pk, requirement.pk)), today)
            if slot.is_met:
                met += 1
            else:
                rows.append(OverdueRow(secondment, slot))
        summary.append((requirement, met, owed))
    return rows, summary
