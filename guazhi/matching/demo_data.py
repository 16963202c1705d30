"""Demo needs and resources (项目资源对接) for the demo programme: `seed_matching(admin=...)`.

Posts the labelled catalogue (guazhi/matching/catalogue.py) through the actions — needs by
the host liaison of the unit where there is one (柳溪镇's liuxi_host), resources by the home
liaison of the department (发改委's fgw_home) and one by the demo cadre 陈思远, the rest by the
admin — then proposes the right resource for most needs: some accepted (a key project or a
problem-list item for a cadre on post there), some declined, some waiting, and a few needs left
without any proposal, posted long enough ago to show as stale on the dashboard. Idempotent: does
nothing when any need exists.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from guazhi.accounts.models import Role, User
from guazhi.matching import actions
from guazhi.matching.catalogue import NEEDS, RESOURCES, NeedItem
from guazhi.matching.models import Match, Need, Resource
from guazhi.matching.suggest import score_pair
from guazhi.roster.demo_data import CITY, DEMO_CADRE_NAME, PROVINCE
from guazhi.roster.models import Unit

SEED = 20261125
ACCEPTED = ("n02", "n05", "n06", "n11", "n14", "n17")
DECLINED = (("n03", "r27", "地质灾害评估需要地质专业人员，养老保险政策咨询不对口。"),)
PROPOSED = ("n01", "n04", "n07", "n09", "n10", "n13", "n15", "n19")
# The rest stay open with no proposal; these were posted long ago (stale on the dashboard).
OLD = ("n08", "n12", "n16", "n18", "n20", "n03")


def _unit(path: tuple[str, ...]) -> Unit | None:
    unit = Unit.objects.filter(name=PROVINCE, parent=None).first()
    for name in (CITY, *path):
        if unit is None:
            return None
        unit = Unit.objects.filter(parent=unit, name=name).first()
    return unit


def _liaison(role: str, unit: Unit) -> User | None:
    """A liaison of `role` whose unit is `unit` or above it."""
    for user in User.objects.filter(role=role, is_active=True).select_related("unit"):
        if user.unit is not None and unit.path.startswith(user.unit.path):
            return user
    return None


def seed_matching(*, admin: User, today: datetime | None = None) -> int:
    """Post the demo needs, resources and matches; return how many needs were posted."""
    if Need.objects.exists():
        return 0
    rng = random.Random(SEED)
    now = today or timezone.now()
    with transaction.atomic():
        needs = _post_needs(admin, rng, now)
        resources = _post_resources(admin, rng, now)
        _match(admin, needs, resources)
    return len(needs)


def _post_needs(admin: User, rng: random.Random, now: datetime) -> dict[str, Need]:
    needs: dict[str, Need] = {}
    for item in NEEDS:
        unit = _unit(item.unit)
        if unit is None:
            continue
        actor = _liaison(Role.HOST_LIAISON, unit) or admin
        need = actions.create_need(
            actor=actor,
            values={
                "unit": unit,
                "kind": item.kind,
                "title": item.title,
                "description": item.description,
                "amount": Decimal(item.amount) if item.amount else None,
                "deadline": (now + timedelta(days=rng.randrange(60, 240))).date(),
            },
        )
        days = rng.randrange(40, 120) if item.key in OLD else rng.randrange(3, 25)
        Need.objects.filter(pk=need.pk).update(created_at=now - timedelta(days=days))
        needs[item.key] = need
    return needs


def _post_resources(admin: User, rng: random.Random, now: datetime) -> dict[str, Resource]:
    cadre_user = User.objects.filter(role=Role.CADRE, cadre__name=DEMO_CADRE_NAME).first()
    resources: dict[str, Resource] = {}
    for item in RESOURCES:
        unit = _unit((item.department,))
        if unit is None:
            continue
        values = {
            "kind": item.kind,
            "title": item.title,
            "description": item.description,
            "capacity": item.capacity,
            "offered_to": _unit(item.offered_to) if item.offered_to else None,
        }
        if (
            item.key == "r11"
            and cadre_user is not None
            and cadre_user.cadre is not None
            and cadre_user.cadre.home_unit_id == unit.pk
        ):
            actor = cadre_user  # 陈思远 brings her department's bank contacts to 柳溪镇
        else:
            actor = _liaison(Role.HOME_LIAISON, unit) or admin
        resource = actions.create_resource(actor=actor, values=values, unit=unit)
        Resource.objects.filter(pk=resource.pk).update(
            created_at=now - timedelta(days=rng.randrange(30, 150))
        )
        resources[item.key] = resource
    return resources


def _propose(admin: User, need: Need, resource: Resource) -> Match:
    ranked = score_pair(need, resource)
    proposer = (
        resource.created_by
        if resource.cadre_id and resource.created_by is not None
        else _liaison(Role.HOME_LIAISON, resource.unit) or admin
    )
    return actions.propose_match(
        actor=proposer,
        need=need,
        resource=resource,
        score=ranked.score if ranked else 0.0,
        reasons=ranked.reasons if ranked else {},
        note=f"{resource.unit}可提供：{resource.capacity}。" if resource.capacity else "",
    )


def _match(admin: User, needs: dict[str, Need], resources: dict[str, Resource]) -> None:
    items: dict[str, NeedItem] = {n.key: n for n in NEEDS}
    for key in (*ACCEPTED, *PROPOSED):
        need, resource = needs.get(key), resources.get(items[key].answer)
        if need is None or resource is None:
            continue
        match = _propose(admin, need, resource)
        if key not in ACCEPTED:
            continue
        decider = _liaison(Role.HOST_LIAISON, need.unit) or admin
        candidates = actions.responsible_secondments(need, decider)
        secondment = candidates.filter(cadre__home_unit=resource.unit).first() or candidates.first()
        if secondment is None:
            continue  # nobody on post there: the proposal waits
        actions.accept_match(
            actor=decider,
            match=match,
            version=match.version,
            secondment=secondment,
            values={
                "name": need.title.replace("缺少启动资金", "").replace("资金缺口", "")
                or need.title,
                "investment": need.amount or Decimal(0),
                "target": "年内完成对接落地",
                "owner": str(resource.unit),
                "action_taken": f"对接{resource.unit}“{resource.title}”，{resource.capacity}。",
            },
        )
    for key, resource_key, reason in DECLINED:
        need, resource = needs.get(key), resources.get(resource_key)
        if need is None or resource is None:
            continue
        match = _propose(admin, need, resource)
        decider = _liaison(Role.HOST_LIAISON, need.unit) or admin
        actions.decline_match(actor=decider, match=match, version=match.version, reason=reason)
