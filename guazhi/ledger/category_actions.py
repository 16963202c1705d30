"""Changes to the managed list of categories and their figure fields (the programme admin's).

Categories are never deleted (entries point at them): a category no longer used is switched
off, and it stops being offered on the entry form. A figure field's kind (整数/小数) can change
only while no value has been recorded with it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from guazhi.accounts.models import User
from guazhi.audit.log import record
from guazhi.audit.models import Event
from guazhi.ledger.models import Category, EntryFigure, FigureField

CATEGORY_FIELDS = ("name", "sort_order", "is_active")
FIGURE_FIELDS = ("label", "unit", "kind", "sort_order")


def _require_admin(actor: User) -> None:
    if not actor.is_programme_admin:
        raise PermissionError("只有组织部管理员可以维护纪实类别。")


def _changes(obj: Any, values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    before = {k: getattr(obj, k) for k, v in values.items() if getattr(obj, k) != v}
    after = {k: values[k] for k in before}
    return before, after


@transaction.atomic
def create_category(*, actor: User, name: str, sort_order: int = 0, ip: str = "") -> Category:
    _require_admin(actor)
    name = name.strip()
    if Category.objects.filter(name=name).exists():
        raise ValidationError({"name": f"类别“{name}”已存在。"})
    category = Category.objects.create(name=name, sort_order=sort_order)
    record(
        event=Event.CREATE,
        user=actor,
        ip=ip,
        obj=category,
        after={"名称": name, "排序": sort_order},
    )
    return category


@transaction.atomic
def update_category(
    *, actor: User, category: Category, values: dict[str, Any], ip: str = ""
) -> dict[str, Any]:
    """Apply `values` (some of name, sort_order, is_active); returns the changed ones."""
    _require_admin(actor)
    locked = Category.objects.select_for_update().get(pk=category.pk)
    wanted = {k: values[k] for k in CATEGORY_FIELDS if k in values}
    if "name" in wanted:
        wanted["name"] = wanted["name"].strip()
        if Category.objects.filter(name=wanted["name"]).exclude(pk=locked.pk).exists():
            raise ValidationError({"name": f"类别“{wanted['name']}”已存在。"})
    before, after = _changes(locked, wanted)
    if not after:
        return {}
    for key, value in after.items():
        setattr(locked, key, value)
    locked.save(update_fields=list(after))
    record(event=Event.EDIT, user=actor, ip=ip, obj=locked, before=before, after=after)
    return after


@transaction.atomic
def create_figure_field(
    *,
    actor: User,
    category: Category,
    label: str,
    unit: str,
    kind: str,
    sort_order: int = 0,
    ip: str = "",
) -> FigureField:
    _require_admin(actor)
    label = label.strip()
    if category.figure_fields.filter(label=label).exists():
        raise ValidationError({"label": f"“{category.name}”已有数据项“{label}”。"})
    # A stable code for exports and imports; the label may change later, the key does not.
    number = FigureField.objects.filter(category=category).count() + 1
    key = f"item{number}"
    while category.figure_fields.filter(key=key).exists():
        number += 1
        key = f"item{number}"
    field = FigureField.objects.create(
        category=category, key=key, label=label, unit=unit.strip(), kind=kind, sort_order=sort_order
    )
    record(
        event=Event.CREATE,
        user=actor,
        ip=ip,
        obj=field,
        detail=f"为类别“{category.name}”添加数据项",
        after={"名称": label, "单位": field.unit, "数值类型": field.get_kind_display()},
    )
    return field


@transaction.atomic
def update_figure_field(
    *, actor: User, field: FigureField, values: dict[str, Any], ip: str = ""
) -> dict[str, Any]:
    _require_admin(actor)
    locked = FigureField.objects.select_for_update().get(pk=field.pk)
    wanted = {k: values[k] for k in FIGURE_FIELDS if k in values}
    before, after = _changes(locked, wanted)
    if not after:
        return {}
    if "kind" in after and EntryFigure.objects.filter(field=locked).exists():
        raise ValidationError({"kind": "该数据项已有填报数值，不能再改变数值类型。"})
    if "label" in after and (
        FigureField.objects.filter(category_id=locked.category_id, label=after["label"])
        .exclude(pk=locked.pk)
        .exists()
    ):
        raise ValidationError({"label": f"该类别已有数据项“{after['label']}”。"})
    for key, value in after.items():
        setattr(locked, key, value)
    locked.save(update_fields=list(after))
    record(event=Event.EDIT, user=actor, ip=ip, obj=locked, before=before, after=after)
    return after
