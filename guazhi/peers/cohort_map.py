"""The cohort's 「经验地图」 for the exchange meeting: who has done what, as entries per cadre
and category (the ledger's running totals: aggregates, never an entry's text).

Rows: the programme admin and the cohort's own cadres get the whole cohort (cadres meet at the
exchange meeting and read each other's shared writings: the library's rule); a liaison gets the
secondments of the cohort in their roster scope.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from guazhi.accounts.models import User
from guazhi.ledger.models import Category, SecondmentCategoryTally
from guazhi.library.models import cohort_ids_of
from guazhi.roster.models import Cohort, Secondment, SecondmentQuerySet

CHART_ROWS = 40  # cadres drawn in the heatmap (the busiest); the table and Excel hold all
LEADERS = 3  # cadres named per category in "whom to ask"


@dataclass
class MapRow:
    secondment: Secondment
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass
class CohortMap:
    cohort: Cohort
    categories: list[Category]
    rows: list[MapRow]

    @property
    def columns(self) -> list[str]:
        return ["干部", "接收单位", *(c.name for c in self.categories), "合计"]

    def table(self) -> list[list[Any]]:
        return [
            [r.secondment.cadre.name, r.secondment.host_unit.name, *r.counts, r.total]
            for r in self.rows
        ]

    def leaders(self) -> list[tuple[str, list[tuple[Secondment, int]]]]:
        """For each category, the cadres with the most entries in it: whom to ask."""
        result = []
        for i, category in enumerate(self.categories):
            ranked = sorted(
                ((r.secondment, r.counts[i]) for r in self.rows if r.counts[i]),
                key=lambda sn: (-sn[1], sn[0].cadre.name_pinyin),
            )
            result.append((category.name, ranked[:LEADERS]))
        return result

    def heatmap(self) -> dict[str, Any]:
        """What static/peers/cohort_map.js draws: the busiest CHART_ROWS cadres × categories."""
        rows = sorted(self.rows, key=lambda r: -r.total)[:CHART_ROWS]
        return {
            "cadres": [r.secondment.cadre.name for r in rows],
            "categories": [c.name for c in self.categories],
            "cells": [[x, y, n] for y, r in enumerate(rows) for x, n in enumerate(r.counts) if n],
            "max": max((n for r in rows for n in r.counts), default=0),
        }


def map_secondments(user: User, cohort: Cohort) -> SecondmentQuerySet:
    cohort_secondments = Secondment.objects.filter(cohort=cohort)
    member = user.is_cadre and cohort_ids_of(user).filter(cohort_id=cohort.pk).exists()
    if user.is_programme_admin or member:
        return cohort_secondments
    return cohort_secondments.filter(pk__in=Secondment.objects.visible_to(user).values("pk"))


def cohort_map(user: User, cohort: Cohort) -> CohortMap:
    secondments = list(
        map_secondments(user, cohort)
        .select_related("cadre", "host_unit")
        .order_by("cadre__name_pinyin", "pk")
    )
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    for sec, cat, n in SecondmentCategoryTally.objects.filter(
        secondment__in=[s.pk for s in secondments], entries__gt=0
    ).values_list("secondment_id", "category_id", "entries"):
        counts[sec][cat] = n
    used = {c for per in counts.values() for c in per}
    categories = [c for c in Category.objects.all() if c.pk in used]
    rows = [MapRow(s, [counts[s.pk].get(c.pk, 0) for c in categories]) for s in secondments]
    return CohortMap(cohort, categories, rows)
