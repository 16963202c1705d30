"""Changes to paired contacts, their contact log and the problem list.

Each takes the acting user and the client address (never a request), checks who may act (the
cadre of the secondment writes; nobody else does), locks what it changes, refuses a stale edit
(the `version` the form carried), saves only the changed columns and writes the audit record
in the same short transaction. Phone and ID numbers reach the audit log masked (see
`guazhi.audit.log.mask_personal_data`: the labels 手机号 and 身份证号 are masked).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from guazhi.accounts.models import User
from guazhi.audit.log import record
from guazhi.audit.models import Event
from guazhi.contacts.models import Contact, ContactVisit, Problem
from guazhi.ledger.models import Entry
from guazhi.roster.actions import apply_changes, diff
from guazhi.roster.models import Secondment, SecondmentStatus, StaleEdit

CONTACT_FIELDS = ("kind", "name", "phone", "id_number", "unit", "address", "note")
PROBLEM_FIELDS = (
    "found_date",
    "visit",
    "entry",
    "description",
    "owner",
    "action_taken",
    "deadline",
    "status",
    "resolved_date",
    "evidence",
    "evidence_entry",
)


class FieldworkPermissionError(Exception):
    """The actor may not do this (views answer 404 before it gets here)."""


def _readable(obj: models.Model, fields: Any) -> dict[str, Any]:
    """Values as people read them, keyed by the field's Chinese label (so that the audit log
    masks 手机号 and 身份证号)."""
    out: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        label = str(getattr(field, "verbose_name", name))
        if field.is_relation:
            related = getattr(obj, name)
            out[label] = str(related) if related is not None else None
        elif getattr(field, "choices", None):
            out[label] = getattr(obj, f"get_{name}_display")()
        else:
            value = getattr(obj, name)
            out[label] = value.isoformat() if isinstance(value, date) else value
    return out


def _check_writer(actor: User, secondment: Secondment) -> None:
    if not (actor.is_cadre and actor.cadre_id == secondment.cadre_id):
        raise FieldworkPermissionError


def _check_links(actor: User, values: Mapping[str, Any]) -> None:
    """Linked entries and visits must be the cadre's own."""
    for name in ("entry", "evidence_entry"):
        entry = values.get(name)
        if isinstance(entry, Entry) and entry.secondment.cadre_id != actor.cadre_id:
            raise ValidationError({name: "只能关联自己的工作纪实。"})
    visit = values.get("visit")
    if isinstance(visit, ContactVisit) and visit.contact.secondment.cadre_id != actor.cadre_id:
        raise ValidationError({"visit": "只能关联自己的联系记录。"})


def _create(
    *,
    actor: User,
    secondment: Secondment,
    model: type[Any],
    fields: Any,
    values: Mapping[str, Any],
    ip: str,
) -> Any:
    _check_writer(actor, secondment)
    if secondment.status != SecondmentStatus.ACTIVE:
        raise ValidationError("只能在在岗期间登记。")
    unknown = set(values) - set(fields)
    assert not unknown, unknown
    _check_links(actor, values)
    obj = model(secondment=secondment, created_by=actor, **values)
    obj.full_clean(exclude=["secondment", "created_by"])
    with transaction.atomic():
        obj.save()
        record(event=Event.CREATE, user=actor, ip=ip, obj=obj, after=_readable(obj, values))
    return obj


def _update(
    *,
    actor: User,
    model: type[Any],
    pk: int,
    fields: Any,
    values: Mapping[str, Any],
    version: int | None,
    what: str,
    ip: str,
) -> dict[str, Any]:
    unknown = set(values) - set(fields)
    assert not unknown, unknown
    _check_links(actor, values)
    with transaction.atomic():
        locked = model.objects.select_for_update().select_related("secondment").get(pk=pk)
        _check_writer(actor, locked.secondment)
        if version is None or locked.version != version:
            raise StaleEdit(what)
        before = _readable(locked, values)
        changed = apply_changes(locked, values)
        if not changed:
            return {}
        locked.full_clean(exclude=["secondment", "created_by"])
        locked.version += 1
        locked.save(update_fields=[*changed, "version", "updated_at"])
        before, after = diff(before, _readable(locked, changed))
        record(event=Event.EDIT, user=actor, ip=ip, obj=locked, before=before, after=after)
    return after


# --- Contacts ------------------------------------------------------------------------------------


def create_contact(
    *, actor: User, secondment: Secondment, values: Mapping[str, Any], ip: str = ""
) -> Contact:
    contact: Contact = _create(
        actor=actor,
        secondment=secondment,
        model=Contact,
        fields=CONTACT_FIELDS,
        values=values,
        ip=ip,
    )
    return contact


def update_contact(
    *, actor: User, contact: Contact, version: int | None, values: Mapping[str, Any], ip: str = ""
) -> dict[str, Any]:
    return _update(
        actor=actor,
        model=Contact,
        pk=contact.pk,
        fields=CONTACT_FIELDS,
        values=values,
        version=version,
        what=f"包联对象“{contact.name}”",
        ip=ip,
    )


def reveal_contact(*, actor: User, contact: Contact, ip: str = "") -> None:
    """Audit a reveal of a household's or petitioner's full phone and ID numbers; call before
    showing them. Only the paired cadre and the programme admin may."""
    if not contact.may_reveal(actor):
        raise FieldworkPermissionError
    with transaction.atomic():
        record(
            event=Event.REVEAL,
            user=actor,
            ip=ip,
            obj=contact,
            detail=f"查看包联对象“{contact.name}”的完整手机号和身份证号",
        )


def add_visit(
    *,
    actor: User,
    contact: Contact,
    on: date,
    method: str,
    text: str,
    entry: Entry | None = None,
    ip: str = "",
) -> ContactVisit:
    """Add a line to the contact log."""
    if not contact.is_editable_by(actor):
        raise FieldworkPermissionError
    text = text.strip()
    errors: dict[str, str] = {}
    if not text:
        errors["text"] = "请填写联系情况。"
    if on > timezone.localdate():
        errors["date"] = "联系日期不能晚于今天。"
    if errors:
        raise ValidationError(errors)
    _check_links(actor, {"entry": entry})
    visit = ContactVisit(
        contact=contact, date=on, method=method, text=text, entry=entry, created_by=actor
    )
    visit.full_clean(exclude=["contact", "created_by", "entry"])
    with transaction.atomic():
        visit.save()
        record(
            event=Event.CREATE,
            user=actor,
            ip=ip,
            obj=visit,
            after={
                "日期": on.isoformat(),
                "方式": visit.get_method_display(),
                "联系情况": text,
                "关联工作纪实": str(entry) if entry else None,
            },
        )
    return visit


# --- Problems ------------------------------------------------------------------------------------


def create_problem(
    *, actor: User, secondment: Secondment, values: Mapping[str, Any], ip: str = ""
) -> Problem:
    problem: Problem = _create(
        actor=actor,
        secondment=secondment,
        model=Problem,
        fields=PROBLEM_FIELDS,
        values=values,
        ip=ip,
    )
    return problem


def create_problem_on_behalf(
    *,
    actor: User,
    secondment: Secondment,
    values: Mapping[str, Any],
    detail: str = "",
    ip: str = "",
) -> Problem:
    """A problem-list item for the cadre's secondment, made by another app's action that has
    checked the actor's right (a liaison accepting a needs ↔ resources match). Only the cadre
    edits it afterwards. Call inside the caller's transaction to keep both changes atomic."""
    if secondment.status != SecondmentStatus.ACTIVE:
        raise ValidationError("只能为在岗期间的挂职任职登记问题。")
    unknown = set(values) - set(PROBLEM_FIELDS)
    assert not unknown, unknown
    problem = Problem(secondment=secondment, created_by=actor, **values)
    problem.full_clean(exclude=["secondment", "created_by"])
    with transaction.atomic():
        problem.save()
        record(
            event=Event.CREATE,
            user=actor,
            ip=ip,
            obj=problem,
            detail=detail,
            after=_readable(problem, values),
        )
    return problem


def update_problem(
    *, actor: User, problem: Problem, version: int | None, values: Mapping[str, Any], ip: str = ""
) -> dict[str, Any]:
    return _update(
        actor=actor,
        model=Problem,
        pk=problem.pk,
        fields=PROBLEM_FIELDS,
        values=values,
        version=version,
        what="这个问题",
        ip=ip,
    )
