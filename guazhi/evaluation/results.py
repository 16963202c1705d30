"""Results of a closed round, and the one function the assessment app reads them through.

Per cadre and rater group: ballots cast and the share of each rating. A group's score is the
mean of its ratings' points (优秀 100, 称职 80, 基本称职 60, 不称职 0); the overall score is the
groups' scores weighted by their weights (renormalised over the groups shown), or, when the round
set no weights, pooled over all ballots shown (each group weighted by its number of ballots).

Nothing is shown before the round closes. A group with fewer ballots than the round's floor
(at least GUAZHI_EVALUATION_MIN_BALLOTS_FLOOR, 5) is neither shown nor counted in the overall
score: with 2 ballots, "50% 优秀" tells each rater what the other one voted. A cadre with no
group at the floor has no result at all.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count

from guazhi.evaluation.models import RATING_POINTS, RaterGroup, Rating, Round, Vote
from guazhi.roster.models import Secondment

_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")


def _q(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class GroupSummary:
    name: str
    weight: Decimal  # this group's share of the overall score, in percent (shares sum to 100)
    ballots: int
    excellent: Decimal  # percentages of the group's ballots
    competent: Decimal
    basic: Decimal
    incompetent: Decimal
    score: Decimal  # 0–100

    @property
    def percentages(self) -> dict[str, Decimal]:
        """rating label (优秀…) → percent."""
        return {
            Rating.EXCELLENT.label: self.excellent,
            Rating.COMPETENT.label: self.competent,
            Rating.BASIC.label: self.basic,
            Rating.INCOMPETENT.label: self.incompetent,
        }


@dataclass(frozen=True)
class EvaluationSummary:
    round_id: int
    round_title: str
    ballots: int  # ballots counted (groups at the floor)
    groups: tuple[GroupSummary, ...]
    excluded: tuple[tuple[str, int], ...]  # (group, ballots) below the floor: not shown
    excellent: Decimal  # weighted percentages over the groups shown
    competent: Decimal
    basic: Decimal
    incompetent: Decimal
    score: Decimal  # 0–100, weighted
    comments: tuple[str, ...] = ()  # sorted, so their order says nothing

    @property
    def percentages(self) -> dict[str, Decimal]:
        return {
            Rating.EXCELLENT.label: self.excellent,
            Rating.COMPETENT.label: self.competent,
            Rating.BASIC.label: self.basic,
            Rating.INCOMPETENT.label: self.incompetent,
        }


def _group_summary(group: RaterGroup, counts: Counter[str], weight: Decimal) -> GroupSummary:
    total = sum(counts.values())
    shares = {r: Decimal(counts[r]) * _HUNDRED / total for r in Rating.values}
    score = sum((RATING_POINTS[r] * counts[r] for r in Rating.values), Decimal(0)) / total
    return GroupSummary(
        name=group.name,
        weight=weight,
        ballots=total,
        excellent=_q(shares[Rating.EXCELLENT]),
        competent=_q(shares[Rating.COMPETENT]),
        basic=_q(shares[Rating.BASIC]),
        incompetent=_q(shares[Rating.INCOMPETENT]),
        score=_q(score),
    )


def round_results(round_: Round) -> dict[int, EvaluationSummary | None]:
    """secondment id → summary (None: no group reached the floor). Empty while open."""
    if not round_.is_closed:
        return {}
    floor = round_.effective_min_ballots()
    groups = list(round_.groups.all())
    tallies: dict[int, dict[int, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for row in (
        Vote.objects.filter(round=round_)
        .values("secondment_id", "group_id", "rating")
        .annotate(n=Count("id"))
        .order_by()
    ):
        tallies[row["secondment_id"]][row["group_id"]][row["rating"]] = row["n"]
    comments: dict[int, list[str]] = defaultdict(list)
    for secondment_id, comment in (
        Vote.objects.filter(round=round_)
        .exclude(comment="")
        .values_list("secondment_id", "comment")
    ):
        comments[secondment_id].append(comment)

    out: dict[int, EvaluationSummary | None] = {}
    for secondment_id in round_.secondments.values_list("pk", flat=True):
        by_group = tallies.get(secondment_id, {})
        shown = [g for g in groups if sum(by_group.get(g.pk, Counter()).values()) >= floor]
        excluded = tuple(
            (g.name, sum(by_group.get(g.pk, Counter()).values())) for g in groups if g not in shown
        )
        if not shown:
            out[secondment_id] = None
            continue
        raw = {
            g.pk: (
                Decimal(g.weight or 0)
                if all(x.weight is not None for x in groups)
                else Decimal(sum(by_group[g.pk].values()))
            )
            for g in shown
        }
        if not sum(raw.values()):  # every weight shown is 0: fall back to ballots
            raw = {g.pk: Decimal(sum(by_group[g.pk].values())) for g in shown}
        total_weight = sum(raw.values())
        summaries = [
            _group_summary(g, by_group[g.pk], raw[g.pk] * _HUNDRED / total_weight) for g in shown
        ]
        exact = [(raw[g.pk] / total_weight, by_group[g.pk]) for g in shown]

        def weighted(rating: str, parts: list[tuple[Decimal, Counter[str]]] = exact) -> Decimal:
            return sum(
                (w * Decimal(c[rating]) * _HUNDRED / sum(c.values()) for w, c in parts), Decimal(0)
            )

        score = sum(
            (
                w
                * sum((RATING_POINTS[r] * c[r] for r in Rating.values), Decimal(0))
                / sum(c.values())
                for w, c in exact
            ),
            Decimal(0),
        )
        out[secondment_id] = EvaluationSummary(
            round_id=round_.pk,
            round_title=round_.title,
            ballots=sum(s.ballots for s in summaries),
            groups=tuple(GroupSummary(**{**s.__dict__, "weight": _q(s.weight)}) for s in summaries),
            excluded=excluded,
            excellent=_q(weighted(Rating.EXCELLENT)),
            competent=_q(weighted(Rating.COMPETENT)),
            basic=_q(weighted(Rating.BASIC)),
            incompetent=_q(weighted(Rating.INCOMPETENT)),
            score=_q(score),
            comments=tuple(sorted(comments.get(secondment_id, []))),
        )
    return out


def summary_for(*, secondment: Secondment, period: Any | None) -> EvaluationSummary | None:
    """The democratic evaluation of a cadre's secondment in an assessment period: from the
    latest closed round of that period (any period when `period` is None) that has a result
    for them. None when there is no such round, or no rater group reached the ballot floor."""
    rounds = Round.objects.filter(status="closed", secondments=secondment)
    if period is not None:
        rounds = rounds.filter(period=period)
    for round_ in rounds.order_by("-closed_at", "-pk"):
        summary = round_results(round_).get(secondment.pk)
        if summary is not None:
            return summary
    return None
