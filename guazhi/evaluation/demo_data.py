"""The demo's democratic evaluation: `seed_evaluation()`.

In the demo host town (柳溪镇) the liaison has run one round that is closed, with results, and
has a second round open with some ballots already in, so `make run` shows both sides: the
public ballot (open the round, print the slips, scan one) and the results. Ballots are cast
through the same anonymous action as the phones use. Deterministic (a seeded generator) and
idempotent (a round of the same title in the same unit is left alone).
"""

from __future__ import annotations

import random

from django.db import transaction

from guazhi.accounts.models import Role, User
from guazhi.assessment.models import Period
from guazhi.evaluation import actions, codes
from guazhi.evaluation.models import Code, Round
from guazhi.roster.models import Secondment, SecondmentStatus

SEED = 20261124
CLOSED_TITLE = "2026年度挂职干部民主测评（半年）"
OPEN_TITLE = "2026年度挂职干部民主测评"
GROUPS = (
    actions.GroupSpec("领导班子", 7, 30),
    actions.GroupSpec("干部职工", 24, 50),
    actions.GroupSpec("服务对象", 12, 20),
)
COMMENTS = (
    "深入企业走访，帮助解决融资难题，作风扎实。",
    "协调项目手续跑在前面，效率高。",
    "希望多到村里听听群众意见。",
    "信访接待耐心细致，群众满意。",
    "工作有思路，能带动年轻干部。",
    "建议进一步加强与派出单位的资源对接。",
)
# Weights of 优秀, 称职, 基本称职, 不称职 per rater group: the leadership is the most sparing.
LEANINGS = {
    "领导班子": (4, 5, 1, 0),
    "干部职工": (6, 4, 1, 0),
    "服务对象": (7, 3, 1, 0),
}


def _cast(round_: Round, secondments: list[Secondment], share: float, rng: random.Random) -> int:
    cast = 0
    for code in Code.objects.filter(round=round_).select_related("group").order_by("pk"):
        if rng.random() > share:
            continue
        choices = {}
        for s in secondments:
            rating = rng.choices(
                ["excellent", "competent", "basic", "incompetent"], LEANINGS[code.group.name]
            )[0]
            comment = rng.choice(COMMENTS) if rng.random() < 0.25 else ""
            choices[s.pk] = actions.Choice(rating, comment)
        actions.cast_ballot(round_=round_, code_text=codes.code_for(code.nonce), choices=choices)
        cast += 1
    return cast


def seed_evaluation() -> int:
    """Write the demo rounds; returns how many were created (0 on a second run)."""
    liaison = (
        User.objects.filter(role=Role.HOST_LIAISON, username="liuxi_host")
        .select_related("unit")
        .first()
    )
    if liaison is None or liaison.unit is None:
        return 0
    secondments = list(
        Secondment.objects.filter(
            host_unit__path__startswith=liaison.unit.path, status=SecondmentStatus.ACTIVE
        )
        .select_related("cadre", "host_unit", "cohort")
        .order_by("cadre__name_pinyin")[:4]
    )
    if not secondments:
        return 0
    rng = random.Random(SEED)  # noqa: S311 (demo data, not a secret)
    created = 0
    existing = set(
        Round.objects.filter(host_unit__path__startswith=liaison.unit.path).values_list(
            "title", flat=True
        )
    )
    period = _annual_period(secondments[0])
    if CLOSED_TITLE not in existing:
        with transaction.atomic():
            round_ = actions.open_round(
                actor=liaison,
                title=CLOSED_TITLE,
                secondments=secondments,
                groups=GROUPS,
                min_ballots=5,
                period=period,
                period_label="2026年度",
            )
            _cast(round_, secondments, 0.85, rng)
            round_.refresh_from_db()
            actions.close_round(actor=liaison, round_=round_, version=round_.version)
        created += 1
    if OPEN_TITLE not in existing:
        with transaction.atomic():
            round_ = actions.open_round(
                actor=liaison,
                title=OPEN_TITLE,
                secondments=secondments,
                groups=GROUPS,
                min_ballots=5,
                period_label="2026年度",
            )
            _cast(round_, secondments, 0.3, rng)
        created += 1
    return created


def _annual_period(secondment: Secondment) -> Period | None:
    return (
        Period.objects.filter(cohort=secondment.cohort, kind="annual").order_by("-end_date").first()
    )
