"""Rounds for the tests: opened and closed through the actions, votes cast through them too."""

from __future__ import annotations

from guazhi.accounts.models import User
from guazhi.evaluation import actions, codes
from guazhi.evaluation.actions import Choice, GroupSpec
from guazhi.evaluation.models import Code, Round
from guazhi.roster.models import Cadre, Secondment

WALK_KEY = "WALK23"  # the public key of the permission walk's open round


def open_round(
    actor: User,
    secondments: list[Secondment],
    groups: tuple[tuple[str, int, int | None], ...] = (("干部职工", 8, None),),
    *,
    min_ballots: int = 5,
    title: str = "2026年度挂职干部民主测评",
) -> Round:
    return actions.open_round(
        actor=actor,
        title=title,
        secondments=secondments,
        groups=[GroupSpec(name, size, weight) for name, size, weight in groups],
        min_ballots=min_ballots,
    )


def codes_of(round_: Round, group_name: str | None = None) -> list[str]:
    """The plain codes of a round (what the slips print), in issue order."""
    rows = Code.objects.filter(round=round_).select_related("group").order_by("pk")
    if group_name is not None:
        rows = rows.filter(group__name=group_name)
    return [codes.code_for(row.nonce) for row in rows]


def vote(round_: Round, code: str, rating: str = "excellent", comment: str = "") -> None:
    """Cast one ballot giving every cadre of the round the same rating."""
    actions.cast_ballot(
        round_=round_,
        code_text=code,
        choices={
            pk: Choice(rating, comment) for pk in round_.secondments.values_list("pk", flat=True)
        },
    )


def close(round_: Round, actor: User) -> Round:
    round_.refresh_from_db()
    actions.close_round(actor=actor, round_=round_, version=round_.version)
    round_.refresh_from_db()
    return round_


def walk_targets(admin: User, cadre_a: Cadre, cadre_b: Cadre) -> dict[str, int]:
    """An open round of cadre_a (柳溪镇) with the known public key, one of cadre_b (东关街道),
    and a closed one of cadre_a."""
    secondment_a, secondment_b = cadre_a.secondments.get(), cadre_b.secondments.get()
    round_a = open_round(admin, [secondment_a])
    Round.objects.filter(pk=round_a.pk).update(key=WALK_KEY)
    round_b = open_round(admin, [secondment_b])
    closed_a = close(open_round(admin, [secondment_a], title="期中测评"), admin)
    return {"round_a": round_a.pk, "round_b": round_b.pk, "round_closed_a": closed_a.pk}
