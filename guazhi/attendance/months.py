"""Days on post per month, for many secondments at once (two queries, whatever their number)."""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from guazhi.attendance.models import CheckIn
from guazhi.ledger.models import Entry
from guazhi.roster.models import Secondment, SecondmentQuerySet


@dataclass
class MonthRow:
    secondment: Secondment
    days: int  # days on post in the month
    entry_days: int  # of which with a ledger entry
    checkin_days: int  # of which with a check-in
    required: int | None  # the cohort's minimum, if any
    possible: int  # days of the month within the posting

    @property
    def short(self) -> bool:
        """Below the minimum (scaled down when the posting covers only part of the month)."""
        return self.required is not None and self.days < self.required_here

    @property
    def required_here(self) -> int:
        if self.required is None:
            return 0
        return min(self.required, self.possible)


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def month_rows(secondments: SecondmentQuerySet, *, year: int, month: int) -> list[MonthRow]:
    first, last = month_bounds(year, month)
    postings = list(
        secondments.filter(start_date__lte=last)
        .exclude(actual_end_date__lt=first)
        .select_related("cadre", "host_unit", "cohort")
        .order_by("cohort_id", "host_unit__path", "cadre__name_pinyin")
    )
    ids = [s.pk for s in postings]
    entry_days: dict[int, set[date]] = defaultdict(set)
    for sid, day in (
        Entry.objects.filter(secondment_id__in=ids, date__range=(first, last))
        .values_list("secondment_id", "date")
        .distinct()
    ):
        entry_days[sid].add(day)
    checkin_days: dict[int, set[date]] = defaultdict(set)
    for sid, day in CheckIn.objects.filter(
        secondment_id__in=ids, date__range=(first, last)
    ).values_list("secondment_id", "date"):
        checkin_days[sid].add(day)
    rows = []
    for s in postings:
        start = max(first, s.start_date)
        end = min(last, s.actual_end_date or s.planned_end_date)
        within = {d for d in entry_days[s.pk] | checkin_days[s.pk] if start <= d <= end}
        rows.append(
            MonthRow(
                secondment=s,
                days=len(within),
                entry_days=len({d for d in entry_days[s.pk] if start <= d <= end}),
                checkin_days=len({d for d in checkin_days[s.pk] if start <= d <= end}),
                required=s.cohort.min_days_per_month,
                possible=max(0, (end - start).days + 1),
            )
        )
    return rows
