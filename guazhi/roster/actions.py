"""Roster changes, callable from views, commands and background tasks alike.

Every action is keyword-only and takes the `actor` (None for the server itself, e.g. the demo
seeder) and the client address `ip`. It locks the row, refuses a stale edit (the row's `version`
moved since the form was opened), changes only what differs, saves with `update_fields`, and
writes the audit record in the same short transaction: both or neither.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from guazhi.audit.log import record
from guazhi.audit.models import Event
from guazhi.roster.models import Cadre, Cohort, Secondment, StaleEdit, Unit

if TYPE_CHECKING:
    from guazhi.accounts.models import User

# The fields an edit may change — the forms edit exactly these, and the importer updates
# existing cadres through the same list, so both audit the same before/after.
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
    "category",
    "programme",
    "sending_level",
    "in_resume",
)
# What the host unit decides about a cadre posted to it (分管工作 and the paired villages).
DUTY_FIELDS = ("duties",)
COHORT_FIELDS = (
    "name",
    "year",
    "start_date",
    "end_date",
    "description",
    "checkin_enabled",
    "min_days_per_month",
)
UNIT_FIELDS = ("name", "kind", "parent", "sort_order")
SERVER_ACTOR = "系统"  # the audit log's name for changes made by the server (commands)


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


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose values differ: (before, after), for an audit record."""
    changed = [k for k in after if before.get(k) != after[k]]
    return {k: before.get(k) for k in changed}, {k: after[k] for k in changed}


def _audit(*, actor: User | None, ip: str, event: Event, obj: models.Model, **kwargs: Any) -> None:
    record(
        event=event,
        user=actor,
        username="" if actor is not None else SERVER_ACTOR,
        ip=ip,
        obj=obj,
        **kwargs,
    )


def _concrete(obj: models.Model, name: str) -> models.Field[Any, Any]:
    field = obj._meta.get_field(name)
    assert isinstance(field, models.Field), name
    return field


def _stored(obj: models.Model, name: str) -> Any:
    """The value as stored: a related object's key, not the object."""
    return getattr(obj, _concrete(obj, name).attname)


def _given(obj: models.Model, name: str, value: Any) -> Any:
    if obj._meta.get_field(name).is_relation:
        return value.pk if isinstance(value, models.Model) else value
    return value


def apply_changes(obj: models.Model, values: Mapping[str, Any]) -> list[str]:
    """Set the values that differ from `obj`'s; return the names of the changed fields."""
    changed = []
    for name, value in values.items():
        if _stored(obj, name) != _given(obj, name, value):
            field = _concrete(obj, name)
            setattr(obj, field.attname if field.is_relation else name, _given(obj, name, value))
            changed.append(name)
    return changed


def _edit(
    *,
    actor: User | None,
    ip: str,
    model: type[models.Model],
    pk: int,
    values: Mapping[str, Any],
    version: int | None,
    what: str,
) -> dict[str, Any]:
    """Lock, check the version, change what differs, save those columns, audit. Returns the
    changed fields as people read them (empty: nothing changed, nothing written)."""
    with transaction.atomic():
        locked: Any = model._default_manager.select_for_update().get(pk=pk)
        if version is not None and locked.version != version:
            raise StaleEdit(what)
        before = snapshot(locked, values)
        changed = apply_changes(locked, values)
        if not changed:
            return {}
        locked.version += 1
        stamps = ["version"] + (["updated_at"] if hasattr(locked, "updated_at") else [])
        locked.save(update_fields=[*changed, *stamps])
        before, after = diff(before, snapshot(locked, changed))
        _audit(actor=actor, ip=ip, event=Event.EDIT, obj=locked, before=before, after=after)
        return after


def update_cadre(
    *,
    actor: User | None,
    ip: str = "",
    cadre: Cadre,
    values: Mapping[str, Any],
    version: int | None,
) -> dict[str, Any]:
    """Save an edit of a cadre (values validated by CadreForm). ID and mobile numbers are
    masked by the audit log."""
    unknown = set(values) - set(CADRE_FIELDS)
    assert not unknown, unknown
    return _edit(
        actor=actor,
        ip=ip,
        model=Cadre,
        pk=cadre.pk,
        values=values,
        version=version,
        what=f"干部“{cadre.name}”的信息",
    )


def update_secondment(
    *,
    actor: User | None,
    ip: str = "",
    secondment: Secondment,
    values: Mapping[str, Any],
    version: int | None,
) -> dict[str, Any]:
    unknown = set(values) - set(SECONDMENT_FIELDS)
    assert not unknown, unknown
    return _edit(
        actor=actor,
        ip=ip,
        model=Secondment,
        pk=secondment.pk,
        values=values,
        version=version,
        what="这条挂职任职",
    )


def update_cohort(
    *,
    actor: User | None,
    ip: str = "",
    cohort: Cohort,
    values: Mapping[str, Any],
    version: int | None,
) -> dict[str, Any]:
    return _edit(
        actor=actor,
        ip=ip,
        model=Cohort,
        pk=cohort.pk,
        values={k: values[k] for k in COHORT_FIELDS if k in values},
        version=version,
        what=f"批次“{cohort.name}”",
    )


def reveal_personal_data(*, actor: User, ip: str = "", cadre: Cadre) -> None:
    """Audit a reveal of the full ID and mobile numbers; call before showing them."""
    with transaction.atomic():
        _audit(actor=actor, ip=ip, event=Event.REVEAL, obj=cadre, detail="查看完整身份证号和手机号")


def change_secondment_status(
    *,
    actor: User | None,
    ip: str = "",
    secondment: Secondment,
    status: str,
    on: date,
    reason: str = "",
) -> Secondment:
    """待报到 → 在岗 → 期满 / 提前结束 (with a reason). Raises ValidationError (Chinese) on any
    other move."""
    with transaction.atomic():
        locked = Secondment.objects.select_for_update().get(pk=secondment.pk)
        fields = ("status", "actual_end_date", "end_reason")
        before = snapshot(locked, fields)
        locked.move_to(status, on=on, reason=reason)
        locked.version += 1
        locked.save(update_fields=[*fields, "version", "updated_at"])
        before, after = diff(before, snapshot(locked, fields))
        _audit(
            actor=actor,
            ip=ip,
            event=Event.STATUS_CHANGE,
            obj=locked,
            before=before,
            after=after,
        )
        return locked


def create_cohort(*, actor: User | None, ip: str = "", cohort: Cohort) -> Cohort:
    with transaction.atomic():
        cohort.save()
        _audit(
            actor=actor,
            ip=ip,
            event=Event.CREATE,
            obj=cohort,
            after=snapshot(cohort, COHORT_FIELDS),
        )
    return cohort


def create_unit(*, actor: User | None, ip: str = "", unit: Unit) -> Unit:
    with transaction.atomic():
        unit.save()
        _audit(actor=actor, ip=ip, event=Event.CREATE, obj=unit, after=snapshot(unit, UNIT_FIELDS))
    return unit


def create_cadre(*, actor: User | None, ip: str = "", cadre: Cadre) -> Cadre:
    """Save a new cadre (validated: `full_clean` runs here too, so commands get the same
    checks as forms)."""
    cadre.full_clean()
    with transaction.atomic():
        cadre.save()
        _audit(
            actor=actor, ip=ip, event=Event.CREATE, obj=cadre, after=snapshot(cadre, CADRE_FIELDS)
        )
    return cadre


def create_secondment(*, actor: User | None, ip: str = "", secondment: Secondment) -> Secondment:
    secondment.full_clean()
    with transaction.atomic():
        secondment.save()
        _audit(
            actor=actor,
            ip=ip,
            event=Event.CREATE,
            obj=secondment,
            after=snapshot(secondment, (*SECONDMENT_FIELDS, "cohort", "status")),
        )
    return secondment


def move_unit(*, actor: User | None, ip: str = "", unit: Unit, parent: Unit | None) -> Unit:
    """Put a unit (and everything below it) under another parent, rewriting the subtree's
    materialised paths in the same transaction."""
    with transaction.atomic():
        locked = Unit.objects.select_for_update().get(pk=unit.pk)
        if parent is not None:
            parent = Unit.objects.get(pk=parent.pk)
            if parent.path.startswith(locked.path):
                raise ValidationError({"parent": "上级单位不能是本单位或其下级单位。"})
        if locked.parent_id == (parent.pk if parent else None):
            return locked
        before = snapshot(locked, ["parent"])
        old_path = locked.path
        new_path = f"{parent.path if parent else '/'}{locked.pk}/"
        locked.parent = parent
        locked.path = new_path
        locked.save(update_fields=["parent", "path"])
        below = list(Unit.objects.filter(path__startswith=old_path).exclude(pk=locked.pk))
        for child in below:
            child.path = new_path + child.path[len(old_path) :]
        Unit.objects.bulk_update(below, ["path"], batch_size=500)
        _audit(
            actor=actor,
            ip=ip,
            event=Event.EDIT,
            obj=locked,
            before=before,
            after=snapshot(locked, ["parent"]),
            detail=f"移动单位（含 {len(below)} 个下级单位）",
        )
        return locked


def set_duties(
    *,
    actor: User,
    ip: str = "",
    secondment: Secondment,
    duties: str,
    paired_units: list[Unit],
    version: int | None,
) -> dict[str, Any]:
    """The host unit assigns duties (分管工作) and paired villages or enterprises (包联)."""
    with transaction.atomic():
        locked = Secondment.objects.select_for_update().get(pk=secondment.pk)
        if version is not None and locked.version != version:
            raise StaleEdit("这条挂职任职")
        old_units = sorted(str(u) for u in locked.paired_units.all())
        new_units = sorted(str(u) for u in paired_units)
        before, after = {}, {}
        if locked.duties != duties:
            before["duties"], after["duties"] = locked.duties, duties
            locked.duties = duties
        if old_units != new_units:
            before["paired_units"], after["paired_units"] = (
                "、".join(old_units),
                "、".join(new_units),
            )
            locked.paired_units.set(paired_units)
        if not after:
            return {}
        locked.version += 1
        locked.save(update_fields=["duties", "version", "updated_at"])
        _audit(actor=actor, ip=ip, event=Event.EDIT, obj=locked, before=before, after=after)
        return after


def reveal_mobile(*, actor: User, ip: str = "", cadre: Cadre) -> None:
    """Audit a host liaison's look at the mobile number of a cadre posted to them."""
    with transaction.atomic():
        _audit(actor=actor, ip=ip, event=Event.REVEAL, obj=cadre, detail="查看手机号")


def update_unit(
    *, actor: User | None, ip: str = "", unit: Unit, values: Mapping[str, Any]
) -> dict[str, Any]:
    """Rename a unit, change its kind or order; a new parent goes through move_unit (the
    subtree's paths change with it)."""
    # Compare with the stored row: a bound form has already changed `unit` in memory.
    stored_parent_id = Unit.objects.filter(pk=unit.pk).values_list("parent_id", flat=True).get()
    parent = values.get("parent")
    moved = {}
    if "parent" in values and (parent.pk if parent else None) != stored_parent_id:
        moved = {"parent": str(parent) if parent else None}
        move_unit(actor=actor, ip=ip, unit=unit, parent=parent)
    with transaction.atomic():
        locked = Unit.objects.select_for_update().get(pk=unit.pk)
        own = {k: v for k, v in values.items() if k in ("name", "kind", "sort_order")}
        before = snapshot(locked, own)
        changed = apply_changes(locked, own)
        if not changed:
            return moved
        locked.save(update_fields=changed)
        before, after = diff(before, snapshot(locked, changed))
        _audit(actor=actor, ip=ip, event=Event.EDIT, obj=locked, before=before, after=after)
        return {**moved, **after}
