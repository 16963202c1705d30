"""The period a writing covers, whose ledger its figures are set against (docs/claimcheck.md).

- A quarterly summary (季度小结): the last quarter of the term (three months counted from the
  secondment's start, as the cohort's default requirements count them) that ended by its
  requirement's due date, or without a requirement by the submission date; before the first
  quarter has ended, the term so far.
- A term summary (挂职总结) and every other writing: the secondment's start up to the submission.

The end is never after the submission date: later work cannot back what was written before it.
A figure its quarter does not support is also set against the term so far (`term_so_far`):
quarterly summaries often give cumulative figures (挂职以来…).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from guazhi.writings.models import WritingKind, WritingVersion
from guazhi.writings.plan import add_months


def term_so_far(version: WritingVersion) -> tuple[date, date]:
    """The secondment's start up to the submission (the day it started, if submitted before)."""
    start = version.writing.secondment.start_date
    return start, max(timezone.localdate(version.created_at), start)


def writing_period(version: WritingVersion) -> tuple[date, date]:
    writing = version.writing
    start, end = term_so_far(version)
    submitted = timezone.localdate(version.created_at)
    if writing.kind != WritingKind.QUARTERLY:
        return start, end
    limit = writing.requirement.due_date if writing.requirement else submitted
    limit = min(limit, submitted)
    quarter = 0
    while add_months(start, 3 * (quarter + 1)) - timedelta(days=1) <= limit:
        quarter += 1
    if quarter == 0:
        return start, end
    quarter_start = add_months(start, 3 * (quarter - 1))
    quarter_end = add_months(start, 3 * quarter) - timedelta(days=1)
    return quarter_start, min(quarter_end, end)
