"""Ranked suggestions for a need (resources) or a resource (needs), among what the viewer may
see: the Django side of `guazhi.matching.ranking`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from guazhi.accounts.models import User
from guazhi.matching.models import (
    COUNTY_KINDS,
    Match,
    Need,
    NeedStatus,
    Resource,
    ResourceStatus,
)
from guazhi.matching.ranking import Doc, Ranked, Region, mark_spans, rank
from guazhi.roster.models import Unit, UnitKind

LIMIT = 8
# Ranking reads every open candidate the viewer may see; past this many, the newest.
MAX_CANDIDATES = 3000


@dataclass
class Suggestion:
    obj: Need | Resource
    ranked: Ranked
    match: Match | None  # an existing match of the pair, if any

    @property
    def highlighted(self) -> SafeString:
        return highlight(self.obj.description, self.ranked.words)


def highlight(text: str, words: Iterable[str]) -> SafeString:
    """`text` escaped, with the shared key words in <mark>."""
    out: list[str] = []
    last = 0
    for start, end in mark_spans(text, words):
        out.append(escape(text[last:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        last = end
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 — every piece of text above is escaped


def _regions(units: Sequence[Unit]) -> dict[int, Region]:
    """Region of each unit (by pk): its county or district and its city, from the tree path."""
    ids = {int(i) for u in units for i in u.path.strip("/").split("/") if i}
    kinds = dict(Unit.objects.filter(pk__in=ids).values_list("pk", "kind"))
    out = {}
    for u in units:
        chain = [int(i) for i in u.path.strip("/").split("/") if i]
        county = next((i for i in reversed(chain) if kinds.get(i) in COUNTY_KINDS), None)
        city = next((i for i in reversed(chain) if kinds.get(i) == UnitKind.CITY), None)
        out[u.pk] = Region(county=county, city=city, path=u.path, offered_to_path="")
    return out


def _doc(obj: Need | Resource, region: Region) -> Doc:
    offered = ""
    if isinstance(obj, Resource) and obj.offered_to is not None:
        offered = obj.offered_to.path
    return Doc(
        key=obj.pk,
        kind=obj.kind,
        text=obj.text,
        region=Region(region.county, region.city, region.path, offered),
        terms=tuple(obj.terms.split()) if obj.terms else None,
    )


def _rank(query: Need | Resource, candidates: list[Any], user: User) -> list[Suggestion]:
    units = [query.unit, *(c.unit for c in candidates)]
    regions = _regions(units)
    ranked = rank(
        _doc(query, regions[query.unit.pk]),
        [_doc(c, regions[c.unit.pk]) for c in candidates],
        limit=len(candidates),
    )
    # A pair with no word in common is no suggestion, however well kind and place agree.
    ranked = [r for r in ranked if r.text_score > 0][:LIMIT]
    by_pk = {c.pk: c for c in candidates}
    if isinstance(query, Need):
        matches = {
            m.resource_id: m
            for m in Match.objects.visible_to(user).filter(
                need=query, resource_id__in=[r.key for r in ranked]
            )
        }
    else:
        matches = {
            m.need_id: m
            for m in Match.objects.visible_to(user).filter(
                resource=query, need_id__in=[r.key for r in ranked]
            )
        }
    return [Suggestion(by_pk[r.key], r, matches.get(r.key)) for r in ranked]


def resources_for(need: Need, user: User) -> list[Suggestion]:
    """Open resources the user may see, best for `need` first."""
    candidates = list(
        Resource.objects.visible_to(user)
        .filter(status=ResourceStatus.OPEN)
        .select_related("unit", "offered_to", "cadre")
        .order_by("-created_at")[:MAX_CANDIDATES]
    )
    return _rank(need, candidates, user)


def needs_for(resource: Resource, user: User) -> list[Suggestion]:
    """Open needs the user may see, best for `resource` first."""
    candidates = list(
        Need.objects.visible_to(user)
        .filter(status=NeedStatus.OPEN)
        .select_related("unit")
        .order_by("-created_at")[:MAX_CANDIDATES]
    )
    return _rank(resource, candidates, user)


def score_pair(need: Need, resource: Resource) -> Ranked | None:
    """The pair's score and reasons, ranked among the resources open to all (for a proposal
    whose candidate list the server does not keep)."""
    others = list(
        Resource.objects.filter(status=ResourceStatus.OPEN)
        .exclude(pk=resource.pk)
        .select_related("unit", "offered_to")
        .order_by("-created_at")[: MAX_CANDIDATES - 1]
    )
    regions = _regions([need.unit, resource.unit, *(o.unit for o in others)])
    docs = [_doc(resource, regions[resource.unit.pk])] + [
        _doc(o, regions[o.unit.pk]) for o in others
    ]
    ranked = rank(_doc(need, regions[need.unit.pk]), docs, limit=len(docs))
    return next((r for r in ranked if r.key == resource.pk), None)
