"""The democratic evaluation's result for one cadre and period, as this app uses it.

The evaluation itself (anonymous ballots by rater groups) is the `guazhi.evaluation` app; it
answers `guazhi.evaluation.results.summary_for(secondment=…, period=…)` with a summary (per
rater group: name, weight, ballots cast and the share of each rating; an overall score 0–100
weighted by the groups' weights), or None when no closed round has enough ballots. This module
is the one place that calls it, and turns a summary into plain data (`Summary`) that is frozen
into a published result and printed on the appraisal form.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from guazhi.assessment.scoring import RATINGS, round2


@dataclass(frozen=True)
class GroupSummary:
    name: str
    weight: Decimal | None
    ballots: int
    shares: dict[str, Decimal]  # rating → percentage of the group's ballots


@dataclass(frozen=True)
class Summary:
    score: Decimal
    groups: tuple[GroupSummary, ...]

    @property
    def ballots(self) -> int:
        return sum(g.ballots for g in self.groups)

    def as_json(self) -> dict[str, Any]:
        return {
            "score": str(self.score),
            "groups": [
                {
                    "name": g.name,
                    "weight": None if g.weight is None else str(g.weight),
                    "ballots": g.ballots,
                    "shares": {k: str(v) for k, v in g.shares.items()},
                }
                for g in self.groups
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Summary | None:
        if not data:
            return None
        return cls(
            Decimal(data["score"]),
            tuple(
                GroupSummary(
                    g["name"],
                    None if g.get("weight") is None else Decimal(g["weight"]),
                    int(g["ballots"]),
                    {k: Decimal(v) for k, v in g.get("shares", {}).items()},
                )
                for g in data.get("groups", [])
            ),
        )

    def lines(self) -> list[str]:
        """Sentences for the page and the appraisal form."""
        out = []
        for g in self.groups:
            shares = "，".join(f"{r} {_pct(g.shares.get(r, Decimal(0)))}" for r in RATINGS)
            weight = f"，权重 {_pct(g.weight)}" if g.weight is not None else ""
            out.append(f"{g.name}（{g.ballots} 票{weight}）：{shares}")
        out.append(f"民主测评得分 {self.score} 分（共 {self.ballots} 票）。")
        return out


def _pct(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{round2(value):f}".rstrip("0").rstrip(".")
    return f"{text}%"


def _number(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _first(obj: Any, *names: str) -> Any:
    for name in names:
        value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
        if value is not None:
            return value
    return None


def _shares(group: Any) -> dict[str, Decimal]:
    raw = _first(group, "percentages", "shares", "percent", "ratios")
    shares: dict[str, Decimal] = {}
    # A mapping of rating → percent, or pairs.
    items: list[tuple[Any, Any]] = list(raw.items()) if isinstance(raw, dict) else list(raw or ())
    for key, value in items:
        label = str(getattr(key, "label", key))
        number = _number(value)
        if label in RATINGS and number is not None:
            shares[label] = number
    return shares


def adapt(summary: Any) -> Summary | None:
    """The evaluation app's summary as a `Summary` (None when there is no usable score)."""
    if summary is None:
        return None
    score = _number(_first(summary, "overall_score", "overall", "score"))
    if score is None:
        return None
    groups = []
    for group in _first(summary, "groups", "rater_groups") or ():
        groups.append(
            GroupSummary(
                str(_first(group, "name", "label") or ""),
                _number(_first(group, "weight")),
                int(_first(group, "ballots", "ballots_cast", "cast", "count") or 0),
                _shares(group),
            )
        )
    return Summary(round2(score), tuple(groups))


def summary_for(*, secondment: Any, period: Any) -> Summary | None:
    """The evaluation result for the cadre's secondment in the period, or None (no evaluation
    app installed, no closed round, too few ballots)."""
    try:
        from guazhi.evaluation.results import summary_for as evaluation_summary_for
    except ImportError:
        return None
    return adapt(evaluation_summary_for(secondment=secondment, period=period))
