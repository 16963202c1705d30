"""Demo assessments: a scheme for each demo cohort that has cadres on post or back home, and
periods at work:

* 2025年第一批 (back home): 期满考核, every form self-assessed, scored with evidence, commented
  by the home unit and published, with a 10% cap on 优秀 that demotes some of them;
* 2025年第二批 (on post): 2025年度考核 published; 2026年度考核 open, half way through — some
  cadres have written their self-assessment, some have been scored, and the demo cadre and the
  demo host town have work left to do.

Everything goes through the actions (validated, audited). Scores are drawn per cadre around a
level of their own, so ranks and ratings spread the way real ones do. Runs once: nothing is
added when any scheme exists.

The evaluation's demo rounds count towards published results only if they exist when the
results are published: call `seed_assessment(actor=…, publish=False)`, then the evaluation's
demo (its rounds name these periods), then `publish_demo(actor=…)`.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from django.db import transaction

from guazhi.accounts.models import Role, User
from guazhi.assessment import actions, scheme_actions
from guazhi.assessment.models import Assessment, Period, PeriodKind, Scheme
from guazhi.ledger.models import Entry
from guazhi.roster.models import Cohort, Secondment, SecondmentStatus
from guazhi.writings.models import Writing, WritingStatus

SEED = 20260901
DEMO_CADRE_USERNAME = "chensiyuan"

HOST_COMMENTS = {
    "high": (
        "该同志政治立场坚定，工作思路清晰，敢于担当，在分管领域推动了一批难点问题的解决，"
        "群众和企业评价高。",
        "该同志深入基层、作风扎实，善于协调各方资源，牵头的重点工作按期推进，成效明显。",
    ),
    "mid": (
        "该同志服从安排，能较好完成分管工作，注重学习基层工作方法，与干部群众关系融洽。",
        "该同志工作认真负责，按要求在岗履职，工作纪实及时，今后宜在统筹协调方面进一步加强。",
    ),
    "low": ("该同志能完成交办任务，但主动性不足，深入一线的次数偏少，希望今后加强。",),
}
HOME_COMMENTS = (
    "同意接收单位鉴定意见。该同志挂职期间与单位保持联系，按时报告思想和工作情况。",
    "同意接收单位意见，挂职期间表现良好。",
    "同意。希望该同志把挂职期间积累的基层经验带回本职工作。",
)


def _level(rng: random.Random) -> Decimal:
    return Decimal(min(97, max(64, round(rng.gauss(84, 6)))))


def _self_text(secondment: Secondment, entries: list[Entry]) -> str:
    duties = "、".join(secondment.duty_list) or "分管工作"
    titles = "；".join(e.title for e in entries[:3])
    done = f"主要做了以下工作：{titles}。" if titles else ""
    return (
        f"挂职期间，我在{secondment.host_unit.name}任{secondment.post}，分管{duties}。"
        f"共填写工作纪实 {len(entries)} 条，{done}\n"
        "通过挂职，我对基层治理和群众工作有了更深的体会，也看到了自己在统筹协调、"
        "应对复杂局面方面的不足，今后将继续加强学习，把基层经验转化为推动工作的能力。"
    )


def _host_actor(secondment: Secondment, liaisons: list[User], admin: User) -> User:
    path = secondment.host_unit.path
    mine = [u for u in liaisons if u.unit is not None and path.startswith(u.unit.path)]
    return max(mine, key=lambda u: len(u.unit.path) if u.unit else 0, default=admin)


def _home_actor(secondment: Secondment, liaisons: list[User]) -> User | None:
    path = secondment.cadre.home_unit.path
    mine = [u for u in liaisons if u.unit is not None and path.startswith(u.unit.path)]
    return mine[0] if mine else None


class _Seeder:
    def __init__(self, admin: User, rng: random.Random) -> None:
        self.admin = admin
        self.rng = rng
        self.hosts = list(User.objects.filter(role=Role.HOST_LIAISON).select_related("unit"))
        self.homes = list(User.objects.filter(role=Role.HOME_LIAISON).select_related("unit"))
        self.levels: dict[int, Decimal] = {}

    def level(self, secondment_id: int) -> Decimal:
        if secondment_id not in self.levels:
            self.levels[secondment_id] = _level(self.rng)
        return self.levels[secondment_id]

    def fill(self, assessment: Assessment, *, self_assess: bool, score: bool, home: bool) -> None:
        period = assessment.period
        secondment = assessment.secondment
        scheme = period.scheme
        entries = list(
            Entry.objects.filter(
                secondment=secondment,
                date__gte=period.start_date,
                date__lte=period.end_date,
            ).order_by("date")
        )
        writings = list(
            Writing.objects.filter(secondment=secondment, status=WritingStatus.ACCEPTED).order_by(
                "pk"
            )
        )
        leaves = [leaf for _p, leaf in _leaves(scheme)]
        level = self.level(secondment.pk)
        cadre_user = User.objects.filter(role=Role.CADRE, cadre_id=secondment.cadre_id).first()
        if self_assess and cadre_user is not None:
            actions.save_self_assessment(
                actor=cadre_user,
                assessment=assessment,
                version=assessment.self_version,
                text=_self_text(secondment, entries),
                scores={
                    pk: min(Decimal(100), level + 4 + self.rng.randint(-2, 3)) for pk in leaves
                },
            )
        if score:
            items = {}
            for i, pk in enumerate(leaves):
                value = min(Decimal(100), max(Decimal(50), level + self.rng.randint(-4, 4)))
                cited = self.rng.sample(entries, min(len(entries), 2)) if i % 4 == 0 else []
                items[pk] = actions.HostItem(
                    value,
                    comment="",
                    entry_ids=[e.pk for e in cited],
                    writing_ids=[writings[0].pk] if writings and i == len(leaves) - 1 else [],
                )
            band = "high" if level >= 88 else "mid" if level >= 72 else "low"
            actions.save_host_scoring(
                actor=_host_actor(secondment, self.hosts, self.admin),
                assessment=assessment,
                version=assessment.host_version,
                comment=self.rng.choice(HOST_COMMENTS[band]),
                items=items,
            )
        home_actor = _home_actor(secondment, self.homes)
        if home and home_actor is not None:
            actions.save_home_comment(
                actor=home_actor,
                assessment=assessment,
                version=assessment.home_version,
                comment=self.rng.choice(HOME_COMMENTS),
            )


def _leaves(scheme: Scheme) -> list[tuple[int | None, int]]:
    indicators = list(scheme.indicators.all())
    parents = {i.parent_id for i in indicators if i.parent_id}
    return [(i.parent_id, i.pk) for i in indicators if i.pk not in parents]


def _period(admin: User, scheme: Scheme, kind: str, title: str, start: date, end: date) -> Period:
    return actions.create_period(
        actor=admin, scheme=scheme, kind=kind, title=title, start_date=start, end_date=end
    )


def seed_assessment(*, actor: User, publish: bool = True, rng_seed: int = SEED) -> int:
    """Write the demo schemes, periods and forms; returns how many forms (0 on a second run)."""
    if Scheme.objects.exists():
        return 0
    rng = random.Random(rng_seed)
    seeder = _Seeder(actor, rng)
    count = 0
    with transaction.atomic():
        for cohort in Cohort.objects.order_by("start_date"):
            on_post = Secondment.objects.filter(cohort=cohort).exclude(
                status=SecondmentStatus.PENDING
            )
            if not on_post.exists():
                continue
            scheme = scheme_actions.create_scheme(actor=actor, cohort=cohort)
            scheme_actions.update_scheme(
                actor=actor,
                scheme=scheme,
                version=scheme.version,
                values={"excellent_cap": 10},
            )
            finished = not on_post.filter(status=SecondmentStatus.ACTIVE).exists()
            if finished:
                period = _period(
                    actor,
                    scheme,
                    PeriodKind.FINAL,
                    "期满考核",
                    cohort.start_date,
                    cohort.end_date,
                )
                for a in period.assessments.select_related("secondment__cadre__home_unit"):
                    seeder.fill(a, self_assess=True, score=True, home=True)
                    count += 1
                continue
            first_year = date(cohort.start_date.year, 12, 31)
            annual = _period(
                actor,
                scheme,
                PeriodKind.ANNUAL,
                f"{cohort.start_date.year}年度考核",
                cohort.start_date,
                first_year,
            )
            for a in annual.assessments.select_related("secondment__cadre__home_unit"):
                seeder.fill(a, self_assess=True, score=True, home=True)
                count += 1
            current = _period(
                actor,
                scheme,
                PeriodKind.ANNUAL,
                f"{cohort.start_date.year + 1}年度考核",
                date(cohort.start_date.year + 1, 1, 1),
                date(cohort.start_date.year + 1, 12, 31),
            )
            for i, a in enumerate(
                current.assessments.select_related(
                    "secondment__cadre__home_unit", "secondment__host_unit"
                )
            ):
                demo = User.objects.filter(
                    username=DEMO_CADRE_USERNAME, cadre_id=a.secondment.cadre_id
                ).exists()
                # Half way through: the demo cadre and every third form still to do.
                self_assess = not demo and i % 3 != 0
                seeder.fill(
                    a, self_assess=self_assess, score=self_assess and i % 2 == 0, home=False
                )
                count += 1
        if publish:
            publish_demo(actor=actor)
    return count


def publish_demo(*, actor: User) -> int:
    """Publish every demo period whose forms are all scored; returns how many."""
    published = 0
    for period in Period.objects.filter(status="open").order_by("pk"):
        if period.assessments.filter(host_score__isnull=True).exists():
            continue
        actions.publish_period(actor=actor, period=period, version=period.version)
        published += 1
    return published
