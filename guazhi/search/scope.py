"""What a viewer may find, as SQL conditions on the index row `d` (see guazhi.lib.search_index),
built from the same QuerySets the pages use, so search and pages never disagree:

- ledger entries: `Entry.objects.visible_to(user)` — the secondments of
  `Secondment.objects.visible_to(user)` (the cadre: their own);
- shared writings: `Share.objects.visible_to(user)` — a cadre, those of their cohorts; a liaison,
  those whose author's secondment they see; the programme admin, all. Only shared writings are
  in the index (withdrawing removes the row).

The page then reads the hits through those QuerySets again: a row that slipped through is
dropped, never shown.

A narrow scope also names its scope tokens (`Scope.within`, see `guazhi.lib.search_index`): a
cadre's own secondments and cohorts, a liaison's secondments when there are at most `NARROW` of
them. The index then reads only those documents' postings instead of walking every match in the
province newest first; the SQL conditions still decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from guazhi.accounts.models import User
from guazhi.lib.search_index import (
    ENTRY,
    WRITING,
    WRITINGS_TOKEN,
    category_token,
    cohort_token,
    kind_token,
    secondment_token,
)
from guazhi.roster.models import Secondment

Clause = tuple[str, list[Any]]
# Above this many secondments a liaison's search walks the matches newest first: an OR of more
# scope tokens costs more per step than the walk saves (a county sees a tenth of a province).
NARROW = 200


@dataclass(frozen=True)
class Scope:
    where: list[Clause]
    within: list[list[str]]  # groups of scope tokens for a narrow scope, none for a wide one


def as_sql(queryset: QuerySet[Any, Any]) -> Clause:
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


def _ids_sql(ids: list[int]) -> str:
    return ", ".join(str(int(i)) for i in ids) or "NULL"


def scope(user: User) -> Scope:
    if user.is_programme_admin:
        return Scope([], [])
    if not user.has_business_role:
        return Scope([("1 = 0", [])], [[]])
    if user.is_cadre:
        # Own entries; the cohorts' shared writings (Share.objects.visible_to: by cohort).
        own = list(
            Secondment.objects.filter(cadre_id=user.cadre_id or 0).values_list("pk", "cohort_id")
        )
        if not own:
            return Scope([("1 = 0", [])], [[]])
        cohorts = sorted({cohort for _, cohort in own})
        mates, params = as_sql(
            Secondment.objects.filter(cohort_id__in=cohorts).order_by().values("pk")
        )
        return Scope(
            [
                (
                    f"(d.source = {ENTRY} AND d.secondment_id IN ({_ids_sql([s for s, _ in own])}))"
                    f" OR (d.source = {WRITING} AND d.secondment_id IN ({mates}))",
                    params,
                )
            ],
            [[secondment_token(s) for s, _ in own] + [cohort_token(c) for c in cohorts]],
        )
    visible = Secondment.objects.visible_to(user).order_by()
    sql, params = as_sql(visible.values("pk"))
    few = list(visible.order_by("pk").values_list("pk", flat=True)[: NARROW + 1])
    within = [[secondment_token(s) for s in few]] if len(few) <= NARROW else []
    return Scope([(f"d.secondment_id IN ({sql})", params)], within)


def filters(data: dict[str, Any]) -> Scope:
    """The search form's cleaned filters as conditions, and as scope tokens where they narrow
    the index (a kind, a category, shared writings; a ledger entry carries no source token:
    entries are nearly all of the index)."""
    clauses: list[Clause] = []
    within: list[list[str]] = []
    if data.get("source") == "entry":
        clauses.append((f"d.source = {ENTRY}", []))
    elif data.get("source") == "writing":
        clauses.append((f"d.source = {WRITING}", []))
        within.append([WRITINGS_TOKEN])
    if data.get("cohort"):
        sql, params = as_sql(
            Secondment.objects.filter(cohort=data["cohort"]).order_by().values("pk")
        )
        clauses.append((f"d.secondment_id IN ({sql})", params))
    if data.get("kind"):
        clauses.append((f"d.source = {WRITING} AND d.kind = %s", [data["kind"]]))
        within.append([kind_token(data["kind"])])
    if data.get("category"):
        clauses.append((f"d.source = {ENTRY} AND d.category_id = %s", [data["category"].pk]))
        within.append([category_token(data["category"].pk)])
    return Scope(clauses, within)
