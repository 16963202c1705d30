"""Needs, resources and matches for the matching tests and the permission walk."""

from __future__ import annotations

from typing import Any

from guazhi.accounts.models import User
from guazhi.matching import actions
from guazhi.matching.models import Match, Need, Resource
from guazhi.roster.models import Unit


def make_need(actor: User, unit: Unit, **fields: Any) -> Need:
    values = {
        "unit": unit,
        "kind": "market",
        "title": "柳溪镇高山茶叶销路不畅",
        "description": "今年春茶产量约 12 万斤，急需拓展线上销售渠道和企业食堂、商超订单。",
        "amount": None,
        "deadline": None,
        **fields,
    }
    return actions.create_need(actor=actor, values=values)


def make_resource(actor: User, unit: Unit | None = None, **fields: Any) -> Resource:
    values = {
        "kind": "market",
        "title": "机关食堂和商超农产品采购对接",
        "description": "联系全市大型商超和市直机关食堂，可组织茶叶等农产品产销对接会。",
        "capacity": "每季度一场",
        "offered_to": None,
        **fields,
    }
    return actions.create_resource(actor=actor, values=values, unit=unit)


def walk_targets(admin: User, host: User, home: User) -> dict[str, int]:
    """need_a (柳溪镇, the host liaison's) and need_b (东关街道); resource_a (发改委, the home
    liaison's, open to all) and resource_b (财政局, offered to 东关街道 only); match_a proposed
    between need_a and resource_a. Units are the conftest's."""
    units = {
        "town_a": host.unit,
        "dept_a": home.unit,
        "town_b": Unit.objects.get(name="东关街道"),
        "dept_b": Unit.objects.get(name="市财政局"),
    }
    need_a = make_need(host, units["town_a"])
    need_b = make_need(
        admin,
        units["town_b"],
        kind="training",
        title="东关街道网格员业务培训",
        description="新招录网格员 40 余名，需要系统培训。",
    )
    resource_a = make_resource(home, units["dept_a"])
    resource_b = make_resource(
        admin,
        units["dept_b"],
        kind="funding",
        title="社区服务设施补助资金",
        description="支持街道社区服务设施改造。",
        offered_to=units["town_b"],
    )
    match_a = actions.propose_match(actor=host, need=need_a, resource=resource_a, score=0.8)
    assert isinstance(match_a, Match)
    return {
        "need_a": need_a.pk,
        "need_b": need_b.pk,
        "resource_a": resource_a.pk,
        "resource_b": resource_b.pk,
        "match_a": match_a.pk,
    }
