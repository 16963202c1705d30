"""Roster changes. Each saves and writes its audit record in one transaction: both or neither."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import models, transaction
from django.http import HttpRequest

from guazhi.audit.log import record
from guazhi.audit.models import Event
from guazhi.roster.models import Cadre, Cohort, Secondment, Unit

CADRE_FIELDS = (
    "name",
    "gender",
    "birth_date",
    "id_number",
    "mobile",
    "ethnicity",
    "political_status",
    "education",
    "home_unit",
    "original_post",
    "rank",
)
SECONDMENT_FIELDS = (
    "host_unit",
    "post",
    "duties",
    "start_date",
    "planned_end_date",
    "actual_end_date",
)
COHORT_FIELDS = ("name", "year", "start_date", "end_date", "description")
UNIT_FIELDS = ("name", "kind", "parent", "sort_order")


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Field values as people read them: choice labels, related objects by name."""
    values: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.is_relation:
            related = getattr(obj, name)
            values[name] = str(related) if related is not None else None
        elif getattr(field, "choices", None):
            values[name] = getattr(obj, f"get_{name}_display")()
        else:
            values[name] = getattr(obj, name)
    return values


def _diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    changed = [k for k in after if before.get(k) != after[k]]
    return {k: before.get(k) for k in changed}, {k: after[k] for k in changed}


def _save_edit(
    *, request: HttpRequest, obj: models.Model, fields: tuple[str, ...]
) -> dict[str, Any]:
    """Save `obj` (already changed in memory) and audit the changed fields. Returns them."""
    original = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    before, after = _diff(snapshot(original, fields), snapshot(obj, fields))
    if not after:
        return {}
    obj.save()
    record(event=Event.EDIT, request=request, obj=obj, before=before, after=after)
    return after


@transaction.atomic
def update_cadre(*, request: HttpRequest, cadre: Cadre) -> dict[str, Any]:
    """Save an edited cadre (validated by CadreForm); audit the changed fields (ID and mobile
    are masked by the audit log)."""
    return _save_edit(request=request, obj=cadre, fields=CADRE_FIELDS)


@transaction.atomic
def update_secondment(*, request: HttpRequest, secondment: Secondment) -> dict[str, Any]:
    return _save_edit(request=request, obj=secondment, fields=SECONDMENT_FIELDS)


@transaction.atomic
def reveal_personal_data(*, request: HttpRequest, cadre: Cadre) -> None:
    """Audit a reveal of the full ID and mobile numbers; call before showing them."""
    record(
        event=Event.REVEAL,
        request=request,
        obj=cadre,
        detail="查看完整身份证号和手机号",
    )


@transaction.atomic
def change_secondment_status(
    *, request: HttpRequest, secondment: Secondment, status: str, on: date
) -> Secondment:
    """待报到 → 在岗 → 期满 / 提前结束. Raises ValidationError (Chinese) on any other move."""
    locked = Secondment.objects.select_for_update().get(pk=secondment.pk)
    fields = ("status", "actual_end_date")
    before = snapshot(locked, fields)
    locked.move_to(status, on=on)
    locked.save(update_fields=["status", "actual_end_date", "updated_at"])
    before, after = _diff(before, snapshot(locked, fields))
    record(event=Event.STATUS_CHANGE, request=request, obj=locked, before=before, after=after)
    return locked


@transaction.atomic
def create_cohort(*, request: HttpRequest, cohort: Cohort) -> Cohort:
    cohort.save()
    record(event=Event.CREATE, request=request, obj=cohort, after=snapshot(cohort, COHORT_FIELDS))
    return cohort


@transaction.atomic
def create_unit(*, request: HttpRequest, unit: Unit) -> Unit:
    unit.save()
    record(event=Event.CREATE, request=request, obj=unit, after=snapshot(unit, UNIT_FIELDS))
    return unit
