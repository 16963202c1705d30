"""The matching dashboard: needs matched, pending (open with a proposal), waiting (open with
none) and stale (open for more than STALE_DAYS days: no accepted match, since an accepted match
makes the need 已对接), counted over the needs the user may see. Charts are
`guazhi.stats.dashboard.Chart`s, drawn by the stats page's script, shown as a table and
exported to Excel like the home page's."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from guazhi.accounts.models import User
from guazhi.matching.models import (
    COUNTY_KINDS,
    Kind,
    Match,
    MatchStatus,
    Need,
    NeedQuerySet,
    NeedStatus,
    Resource,
    ResourceStatus,
)
from guazhi.roster.models import Unit
from guazhi.stats.dashboard import Chart

STALE_DAYS = 30
STALE_LIMIT = 50
PHASES = ("已对接", "对接中", "待对接", "已关闭")


def _with_phase(needs: NeedQuerySet) -> NeedQuerySet:
    proposed = Match.objects.filter(need=OuterRef("pk"), status=MatchStatus.PROPOSED)
    return needs.annotate(has_proposal=Exists(proposed))


def _phase(status: str, has_proposal: bool) -> str:
    if status == NeedStatus.MATCHED:
        return "已对接"
    if status == NeedStatus.CLOSED:
        return "已关闭"
    return "对接中" if has_proposal else "待对接"


def stale_needs(user: User, *, days: int = STALE_DAYS) -> NeedQuerySet:
    """Open needs posted more than `days` days ago (an open need has no accepted match)."""
    cutoff = timezone.now() - timedelta(days=days)
    return Need.objects.visible_to(user).filter(status=NeedStatus.OPEN, created_at__lt=cutoff)


def _county_names(unit_paths: set[str]) -> dict[str, str]:
    """For each unit path, the name of its county or district ("其他" above any)."""
    ids = {int(i) for p in unit_paths for i in p.strip("/").split("/") if i}
    counties = dict(
        Unit.objects.filter(pk__in=ids, kind__in=COUNTY_KINDS).values_list("pk", "name")
    )
    out = {}
    for p in unit_paths:
        chain = [int(i) for i in p.strip("/").split("/") if i]
        out[p] = next((counties[i] for i in reversed(chain) if i in counties), "其他")
    return out


def charts(user: User) -> list[Chart]:
    rows = list(
        _with_phase(Need.objects.visible_to(user))
        .values_list("kind", "status", "has_proposal", "unit__path")  # type: ignore[misc]
        .order_by()
    )
    by_kind: dict[str, dict[str, int]] = {k.value: dict.fromkeys(PHASES, 0) for k in Kind}
    counties = _county_names({r[3] for r in rows})
    by_county: dict[str, dict[str, int]] = {}
    for kind, status, has_proposal, path in rows:
        phase = _phase(status, has_proposal)
        by_kind[kind][phase] += 1
        by_county.setdefault(counties[path], dict.fromkeys(PHASES, 0))[phase] += 1
    kinds = Chart(
        key="kinds",
        title="各类需求对接情况",
        kind="hbar",
        columns=["需求类别", *PHASES],
        rows=[
            [Kind(k).label, *(counts[p] for p in PHASES)]
            for k, counts in by_kind.items()
            if any(counts.values())
        ],
        note="对接中：已有对接提议、尚待确认；待对接：还没有任何提议。",
    )
    places = Chart(
        key="counties",
        title="各县（区）需求对接情况",
        kind="hbar",
        columns=["县（区）", *PHASES],
        rows=[[name, *(c[p] for p in PHASES)] for name, c in sorted(by_county.items())],
    )
    return [kinds, places]


def dashboard(user: User) -> dict[str, Any]:
    needs = _with_phase(Need.objects.visible_to(user))
    totals = needs.aggregate(
        total=Count("pk"),
        matched=Count("pk", filter=Q(status=NeedStatus.MATCHED)),
        pending=Count("pk", filter=Q(status=NeedStatus.OPEN, has_proposal=True)),
        waiting=Count("pk", filter=Q(status=NeedStatus.OPEN, has_proposal=False)),
    )
    stale = stale_needs(user)
    stale_rows = [
        {"need": n, "days": n.open_days(), "proposals": n.proposals}  # type: ignore[attr-defined]
        for n in stale.select_related("unit")
        .annotate(proposals=Count("matches", filter=Q(matches__status=MatchStatus.PROPOSED)))
        .order_by("created_at", "pk")[:STALE_LIMIT]
    ]
    all_charts = charts(user)
    return {
        "totals": totals,
        "stale_total": stale.count(),
        "stale": stale_rows,
        "stale_days": STALE_DAYS,
        "resource_count": Resource.objects.visible_to(user)
        .filter(status=ResourceStatus.OPEN)
        .count(),
        "accepted_count": Match.objects.visible_to(user)
        .filter(status=MatchStatus.ACCEPTED)
        .count(),
        "charts": all_charts,
        "chart_data": [c.as_echarts() for c in all_charts],
    }


def chart_for(user: User, key: str) -> Chart | None:
    return next((c for c in charts(user) if c.key == key), None)
