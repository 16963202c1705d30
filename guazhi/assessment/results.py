"""A period's results: each cadre's host score combined with the democratic evaluation, rated by
the scheme's bands, ranked within the period, with the cap on 优秀 applied.

Before publication the results are a preview computed from the current scores (the programme
admin's and the host unit's view); `publish_period` freezes them on the assessments, and from
then on everybody reads the frozen values, so a result once announced never moves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from guazhi.assessment import evaluation_link, scoring
from guazhi.assessment.models import Assessment, Period


@dataclass
class ResultRow:
    assessment: Assessment
    host_score: Decimal | None
    evaluation: evaluation_link.Summary | None
    final_score: Decimal | None
    rating: str  # "" while unscored
    rank: int | None
    notes: list[str] = field(default_factory=list)
    capped: bool = False

    @property
    def evaluation_score(self) -> Decimal | None:
        return self.evaluation.score if self.evaluation else None

    @property
    def note(self) -> str:
        return "\n".join(self.notes)


def compute(period: Period) -> dict[int, ResultRow]:
    """Results for every assessment of the period from the current scores, by assessment id."""
    scheme = period.scheme
    assessments = list(Assessment.objects.filter(period=period).with_related())
    combined: dict[int, scoring.Combined] = {}
    summaries: dict[int, evaluation_link.Summary | None] = {}
    for a in assessments:
        summaries[a.pk] = evaluation_link.summary_for(secondment=a.secondment, period=period)
        if a.host_score is None:
            continue
        summary = summaries[a.pk]
        combined[a.pk] = scoring.combine(
            a.host_score,
            summary.score if summary else None,
            host_weight=scheme.host_weight,
            evaluation_weight=scheme.evaluation_weight,
        )
    outcomes = scoring.rank_and_rate(
        (scoring.Candidate(pk, c.score) for pk, c in combined.items()),
        scheme.bands,
        scheme.excellent_cap,
    )
    rows = {}
    for a in assessments:
        outcome = outcomes.get(a.pk)
        c = combined.get(a.pk)
        notes = ([c.note] if c and c.note else []) + (outcome.notes if outcome else [])
        rows[a.pk] = ResultRow(
            assessment=a,
            host_score=a.host_score,
            evaluation=summaries[a.pk],
            final_score=outcome.score if outcome else None,
            rating=outcome.rating if outcome else "",
            rank=outcome.rank if outcome else None,
            notes=notes,
            capped=bool(outcome and outcome.capped),
        )
    return rows


def frozen(assessment: Assessment) -> ResultRow:
    """The result as published."""
    return ResultRow(
        assessment=assessment,
        host_score=assessment.host_score,
        evaluation=evaluation_link.Summary.from_json(assessment.evaluation_summary),
        final_score=assessment.final_score,
        rating=assessment.rating,
        rank=assessment.rank,
        notes=[n for n in assessment.result_note.split("\n") if n],
        capped="按称职确定" in assessment.result_note,
    )


def rows_for(period: Period, assessments: Iterable[Assessment]) -> list[ResultRow]:
    """Result rows for these assessments of the period (already scoped by the caller), in rank
    order, unscored last. Ranks and the cap are always those of the whole period."""
    chosen = list(assessments)
    if period.is_published:
        rows = [frozen(a) for a in chosen]
    else:
        everything = compute(period)
        rows = [everything[a.pk] for a in chosen if a.pk in everything]
    return sorted(
        rows,
        key=lambda r: (r.rank is None, r.rank or 0, r.assessment.secondment.cadre.name_pinyin),
    )


def result_for(assessment: Assessment) -> ResultRow:
    if assessment.period.is_published:
        return frozen(assessment)
    return compute(assessment.period)[assessment.pk]
