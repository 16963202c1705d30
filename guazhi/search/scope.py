"""What a viewer may find, as SQL conditions on the index row `d` (see guazhi.lib.search_index),
built from the same QuerySets the pages use, so search and pages never disagree:

- ledger entries: `Entry.objects.visible_to(user)` — the secondments of
  `Secondment.objects.visible_to(user)` (the cadre: their own);
- shared writings: `Share.objects.visible_to(user)` — a cadre, those of their cohorts; a liaison,
  those whose author's secondment they see; the programme admin, all. Only shared writings are
  in the index (withdrawing removes the row).

The page then reads the hits through those QuerySets again: a row that slipped through is
dropped, never shown.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from guazhi.accounts.models import User
from guazhi.lib.search_index import ENTRY, WRITING
from guazhi.library.models import cohort_ids_of
from guazhi.roster.models import Secondment

Clause = tuple[str, list[Any]]


def as_sql(queryset: QuerySet[Any, Any]) -> Clause:
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


def scope(user: User) -> list[Clause]:
    if user.is_programme_admin:
        return []
    if not user.has_business_role:
        return [("1 = 0", [])]
    if user.is_cadre:
        own, own_params = as_sql(
            Secondment.objects.filter(cadre_id=user.cadre_id or 0).order_by().values("pk")
        )
        cohorts, cohort_params = as_sql(
            Secondment.objects.filter(cohort_id__in=cohort_ids_of(user)).order_by().values("pk")
        )
        return [
            (
                f"(d.source = {ENTRY} AND d.secondment_id IN ({own}))"
                f" OR (d.source = {WRITING} AND d.secondment_id IN ({cohorts}))",
                own_params + cohort_params,
            )
        ]
    visible, params = as_sql(Secondment.objects.visible_to(user).order_by().values("pk"))
    return [(f"d.secondment_id IN ({visible})", params)]


def filters(data: dict[str, Any]) -> list[Clause]:
    """The search form's cleaned filters as conditions."""
    clauses: list[Clause] = []
    if data.get("source") == "entry":
        clauses.append((f"d.source = {ENTRY}", []))
    elif data.get("source") == "writing":
        clauses.append((f"d.source = {WRITING}", []))
    if data.get("cohort"):
        sql, params = as_sql(
            Secondment.objects.filter(cohort=data["cohort"]).order_by().values("pk")
        )
        clauses.append((f"d.secondment_id IN ({sql})", params))
    if data.get("kind"):
        clauses.append((f"d.source = {WRITING} AND d.kind = %s", [data["kind"]]))
    if data.get("category"):
        clauses.append((f"d.source = {ENTRY} AND d.category_id = %s", [data["category"].pk]))
    return clauses
