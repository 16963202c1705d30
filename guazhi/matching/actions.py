"""Changes to needs, resources and matches. Each takes the acting user and the client address
(never a request), checks who may act, locks what it changes, refuses a stale form (the
`version` it carried), saves only the changed columns and writes the audit record in the same
short transaction. Views fetch through `guazhi.matching.access` first; the checks here are for
commands and background tasks too.

Accepting a match creates the key project (through `guazhi.projects.actions`) or the
problem-list item (through `guazhi.contacts.actions`) in the same transaction, for the cadre
on post who will push it: the project's progress log and the problem's evidence then link the
cadre's ledger entries, which is the match's trail.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from guazhi.accounts.models import User
from guazhi.audit.log import record
from guazhi.audit.models import Event
from guazhi.contacts.actions import create_problem_on_behalf
from guazhi.contacts.models import ProblemStatus
from guazhi.matching.models import (
    TOO_HIGH,
    Match,
    MatchStatus,
    Need,
    NeedStatus,
    Resource,
    ResourceStatus,
)
from guazhi.projects.actions import create_project_on_behalf
from guazhi.projects.models import MilestoneTemplate, ProjectUpdate
from guazhi.roster.actions import apply_changes, diff, snapshot
from guazhi.roster.models import Secondment, SecondmentStatus, StaleEdit, Unit

NEED_FIELDS = ("unit", "kind", "title", "description", "amount", "deadline")
RESOURCE_FIELDS = ("kind", "title", "description", "capacity", "offered_to")
DEFAULT_PROBLEM_DAYS = 90


class MatchingPermissionError(Exception):
    """The actor may not do this (views answer 404 before it gets here)."""


def _labels(obj: Any, fields: Any) -> dict[str, Any]:
    """snapshot() keyed by the fields' Chinese labels, as the audit log shows them."""
    values = snapshot(obj, fields)
    out = {}
    for name, value in values.items():
        label = str(obj._meta.get_field(name).verbose_name)
        out[label] = value.isoformat() if isinstance(value, date) else value
    return out


# --- Needs ---------------------------------------------------------------------------------------


def _check_need_unit(actor: User, unit: Unit) -> None:
    if actor.is_programme_admin:
        return
    if not (actor.is_host_liaison and actor.unit and unit.path.startswith(actor.unit.path)):
        raise MatchingPermissionError


def create_need(*, actor: User, values: Mapping[str, Any], ip: str = "") -> Need:
    """A need posted by a host liaison for their unit (or one below), or by the admin."""
    unknown = set(values) - set(NEED_FIELDS)
    assert not unknown, unknown
    _check_need_unit(actor, values["unit"])
    need = Need(created_by=actor, **values)
    need.full_clean(exclude=["created_by"])
    need.fill_terms()
    with transaction.atomic():
        need.save()
        record(event=Event.CREATE, user=actor, ip=ip, obj=need, after=_labels(need, values))
    return need


def update_need(
    *, actor: User, need: Need, version: int | None, values: Mapping[str, Any], ip: str = ""
) -> dict[str, Any]:
    unknown = set(values) - set(NEED_FIELDS)
    assert not unknown, unknown
    if "unit" in values:
        _check_need_unit(actor, values["unit"])
    with transaction.atomic():
        locked = Need.objects.select_for_update(of=("self",)).select_related("unit").get(pk=need.pk)
        if not locked.may_edit(actor):
            raise MatchingPermissionError
        if version is None or locked.version != version:
            raise StaleEdit(f"需求“{locked.title}”")
        if locked.status == NeedStatus.CLOSED:
            raise ValidationError("需求已关闭，不能再修改。")
        before = _labels(locked, values)
        changed = apply_changes(locked, values)
        if not changed:
            return {}
        locked.full_clean(exclude=["created_by"])
        locked.fill_terms()
        locked.version += 1
        locked.save(update_fields=[*changed, "terms", "version", "updated_at"])
        before, after = diff(before, _labels(locked, changed))
        record(event=Event.EDIT, user=actor, ip=ip, obj=locked, before=before, after=after)
    return after


def close_need(*, actor: User, need: Need, version: int | None, reason: str, ip: str = "") -> None:
    """Close an open need nobody will answer any more (solved otherwise, withdrawn); needs a
    reason."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "请填写关闭原因。"})
    with transaction.atomic():
        locked = Need.objects.select_for_update(of=("self",)).select_related("unit").get(pk=need.pk)
        if not locked.may_edit(actor):
            raise MatchingPermissionError
        if version is None or locked.version != version:
            raise StaleEdit(f"需求“{locked.title}”")
        if locked.status == NeedStatus.CLOSED:
            raise ValidationError("需求已经关闭。")
        if locked.status == NeedStatus.MATCHED:
            # Its result is tracked as a project or a problem: closing would hide it.
            raise ValidationError("需求已对接，进展在生成的重点项目或问题清单中跟踪，不需要关闭。")
        before = locked.get_status_display()
        locked.status = NeedStatus.CLOSED
        locked.close_reason = reason[:200]
        locked.version += 1
        locked.save(update_fields=["status", "close_reason", "version", "updated_at"])
        record(
            event=Event.EDIT,
            user=actor,
            ip=ip,
            obj=locked,
            detail="关闭需求",
            before={"状态": before},
            after={"状态": locked.get_status_display(), "关闭原因": locked.close_reason},
        )


# --- Resources -----------------------------------------------------------------------------------


def create_resource(
    *, actor: User, values: Mapping[str, Any], unit: Unit | None = None, ip: str = ""
) -> Resource:
    """A resource posted by a cadre (for their home unit), a home liaison (for `unit`, theirs or
    one below) or the admin (for any `unit`)."""
    unknown = set(values) - set(RESOURCE_FIELDS)
    assert not unknown, unknown
    cadre = None
    if actor.is_cadre and actor.cadre is not None:
        cadre = actor.cadre
        unit = cadre.home_unit
    elif actor.is_home_liaison and actor.unit is not None:
        if unit is None or not unit.path.startswith(actor.unit.path):
            raise MatchingPermissionError
    elif not actor.is_programme_admin:
        raise MatchingPermissionError
    if unit is None:
        raise ValidationError({"unit": "请选择提供单位。"})
    resource = Resource(unit=unit, cadre=cadre, created_by=actor, **values)
    resource.full_clean(exclude=["created_by"])
    resource.fill_terms()
    with transaction.atomic():
        resource.save()
        after = {"提供单位": str(unit), **_labels(resource, values)}
        if cadre is not None:
            after["提供干部"] = str(cadre)
        record(event=Event.CREATE, user=actor, ip=ip, obj=resource, after=after)
    return resource


def update_resource(
    *, actor: User, resource: Resource, version: int | None, values: Mapping[str, Any], ip: str = ""
) -> dict[str, Any]:
    unknown = set(values) - set(RESOURCE_FIELDS)
    assert not unknown, unknown
    with transaction.atomic():
        locked = (
            Resource.objects.select_for_update(of=("self",))
            .select_related("unit")
            .get(pk=resource.pk)
        )
        if not locked.may_edit(actor):
            raise MatchingPermissionError
        if version is None or locked.version != version:
            raise StaleEdit(f"资源“{locked.title}”")
        before = _labels(locked, values)
        changed = apply_changes(locked, values)
        if not changed:
            return {}
        locked.full_clean(exclude=["created_by"])
        locked.fill_terms()
        locked.version += 1
        locked.save(update_fields=[*changed, "terms", "version", "updated_at"])
        before, after = diff(before, _labels(locked, changed))
        record(event=Event.EDIT, user=actor, ip=ip, obj=locked, before=before, after=after)
    return after


def withdraw_resource(
    *, actor: User, resource: Resource, version: int | None, ip: str = ""
) -> None:
    with transaction.atomic():
        locked = (
            Resource.objects.select_for_update(of=("self",))
            .select_related("unit")
            .get(pk=resource.pk)
        )
        if not locked.may_edit(actor):
            raise MatchingPermissionError
        if version is None or locked.version != version:
            raise StaleEdit(f"资源“{locked.title}”")
        if locked.status == ResourceStatus.WITHDRAWN:
            raise ValidationError("资源已经撤回。")
        locked.status = ResourceStatus.WITHDRAWN
        locked.version += 1
        locked.save(update_fields=["status", "version", "updated_at"])
        record(
            event=Event.EDIT,
            user=actor,
            ip=ip,
            obj=locked,
            detail="撤回资源",
            before={"状态": ResourceStatus.OPEN.label},
            after={"状态": ResourceStatus.WITHDRAWN.label},
        )


# --- Matches -------------------------------------------------------------------------------------


def may_propose(actor: User, need: Need, resource: Resource) -> bool:
    """The admin; a host liaison for their need; a home liaison or the cadre for their resource.
    (That the actor may see the other side is the view's business: it fetched it scoped.)"""
    return actor.is_programme_admin or need.may_edit(actor) or resource.may_edit(actor)


def propose_match(
    *,
    actor: User,
    need: Need,
    resource: Resource,
    score: float = 0.0,
    reasons: Mapping[str, Any] | None = None,
    note: str = "",
    ip: str = "",
) -> Match:
    """Propose that `resource` answers `need`; the other side (or the admin) decides."""
    if not may_propose(actor, need, resource):
        raise MatchingPermissionError
    if need.status == NeedStatus.CLOSED:
        raise ValidationError("需求已关闭，不能再发起对接。")
    if resource.status != ResourceStatus.OPEN:
        raise ValidationError("资源已撤回，不能再发起对接。")
    match = Match(
        need=need,
        resource=resource,
        score=score,
        reasons=dict(reasons or {}),
        note=note.strip()[:500],
        proposed_by=actor,
    )
    try:
        with transaction.atomic():
            match.save()
            record(
                event=Event.CREATE,
                user=actor,
                ip=ip,
                obj=match,
                detail="发起项目资源对接",
                after={
                    "需求": need.title,
                    "资源": resource.title,
                    "匹配度": round(score, 2),
                    "对接说明": match.note,
                },
            )
    except IntegrityError:
        raise ValidationError("这项需求和这项资源已经发起过对接。") from None
    return match


def responsible_secondments(need: Need, actor: User) -> QuerySet[Secondment]:
    """Secondments that may push what the need becomes: on post at the need's unit, a unit
    above it (below the city) or one below it — and visible to the actor."""
    return (
        Secondment.objects.visible_to(actor)
        .filter(status=SecondmentStatus.ACTIVE)
        .filter(
            Q(host_unit__path__in=_paths_up(need.unit.path))
            | Q(host_unit__path__startswith=need.unit.path)
        )
        .exclude(host_unit__kind__in=TOO_HIGH)
        .select_related("cadre", "host_unit")
        .order_by("cadre__name_pinyin", "pk")
    )


def _paths_up(path: str) -> list[str]:
    parts = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def accept_match(
    *,
    actor: User,
    match: Match,
    version: int | None,
    secondment: Secondment,
    values: Mapping[str, Any],
    ip: str = "",
) -> Match:
    """Accept a proposed match: the need becomes 已对接 and a key project (资金, 项目) or a
    problem-list item (the other kinds) is created for `secondment`'s cadre to push, in one
    transaction with the match's audit record.

    `values` for a project: name, investment (万元), target_date, target; for a problem:
    owner, action_taken, deadline."""
    with transaction.atomic():
        locked = (
            Match.objects.select_for_update(of=("self",))
            .select_related("need__unit", "resource__unit", "resource__cadre")
            .get(pk=match.pk)
        )
        if not locked.may_decide(actor):
            if locked.status != MatchStatus.PROPOSED:
                raise ValidationError(f"这项对接已{locked.get_status_display()}。")
            raise MatchingPermissionError
        if version is None or locked.version != version:
            raise StaleEdit("这项对接")
        need = Need.objects.select_for_update().get(pk=locked.need_id)
        if need.status == NeedStatus.CLOSED:
            raise ValidationError("需求已关闭，不能再达成对接。")
        if not responsible_secondments(need, actor).filter(pk=secondment.pk).exists():
            raise ValidationError({"secondment": "请选择在需求所在地在岗的挂职干部。"})
        detail = f"项目资源对接达成：{need.title} ↔ {locked.resource.title}"
        created: dict[str, Any] = {"负责干部": str(secondment.cadre)}
        if need.becomes_project:
            project = create_project_on_behalf(
                actor=actor,
                secondment=secondment,
                values={
                    "name": values.get("name") or need.title,
                    "investment": values.get("investment") or need.amount or Decimal(0),
                    "owner_unit": need.unit,
                    "target_date": values.get("target_date") or need.deadline,
                    "target": values.get("target", ""),
                    "description": _origin_text(locked),
                },
                template=MilestoneTemplate.objects.filter(is_default=True).first(),
                detail=detail,
                ip=ip,
            )
            update = ProjectUpdate.objects.create(
                project=project,
                date=timezone.localdate(),
                text=f"经项目资源对接，{locked.resource.unit}提供“{locked.resource.title}”，"
                f"由{actor.display_name}确认达成。",
                created_by=actor,
            )
            record(event=Event.CREATE, user=actor, ip=ip, obj=update, detail=detail)
            locked.project = project
            created["重点项目"] = project.name
        else:
            today = timezone.localdate()
            deadline = values.get("deadline") or need.deadline
            if deadline is None or deadline < today:
                deadline = today + timedelta(days=DEFAULT_PROBLEM_DAYS)
            problem = create_problem_on_behalf(
                actor=actor,
                secondment=secondment,
                values={
                    "found_date": today,
                    "description": f"{need.title}：{need.description}"[:2000],
                    "owner": (values.get("owner") or str(locked.resource.unit))[:100],
                    "action_taken": values.get("action_taken") or _origin_text(locked),
                    "deadline": deadline,
                    "status": ProblemStatus.IN_PROGRESS,
                },
                detail=detail,
                ip=ip,
            )
            locked.problem = problem
            created["问题清单事项"] = str(problem)
        locked.status = MatchStatus.ACCEPTED
        locked.secondment = secondment
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.version += 1
        locked.save(
            update_fields=[
                "status",
                "secondment",
                "project",
                "problem",
                "decided_by",
                "decided_at",
                "version",
            ]
        )
        need_before = need.get_status_display()
        if need.status != NeedStatus.MATCHED:
            need.status = NeedStatus.MATCHED
            need.version += 1
            need.save(update_fields=["status", "version", "updated_at"])
        record(
            event=Event.EDIT,
            user=actor,
            ip=ip,
            obj=locked,
            detail=detail,
            before={"状态": MatchStatus.PROPOSED.label, "需求状态": need_before},
            after={
                "状态": MatchStatus.ACCEPTED.label,
                "需求状态": need.get_status_display(),
                **created,
            },
        )
    match.refresh_from_db()
    return match


def _origin_text(match: Match) -> str:
    resource = match.resource
    text = (
        f"来源：项目资源对接。需求：{match.need.title}（{match.need.unit}）。"
        f"资源：{resource.title}（{resource.unit}"
        f"{'，' + resource.capacity if resource.capacity else ''}）。"
    )
    return (text + (f"说明：{match.note}" if match.note else ""))[:2000]


def decline_match(
    *, actor: User, match: Match, version: int | None, reason: str, ip: str = ""
) -> None:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "请填写婉拒原因，便于对方了解情况。"})
    with transaction.atomic():
        locked = (
            Match.objects.select_for_update(of=("self",))
            .select_related("need__unit", "resource__unit")
            .get(pk=match.pk)
        )
        if not locked.may_decide(actor):
            if locked.status != MatchStatus.PROPOSED:
                raise ValidationError(f"这项对接已{locked.get_status_display()}。")
            raise MatchingPermissionError
        if version is None or locked.version != version:
            raise StaleEdit("这项对接")
        locked.status = MatchStatus.DECLINED
        locked.decline_reason = reason[:200]
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.version += 1
        locked.save(
            update_fields=["status", "decline_reason", "decided_by", "decided_at", "version"]
        )
        record(
            event=Event.EDIT,
            user=actor,
            ip=ip,
            obj=locked,
            detail="婉拒项目资源对接",
            before={"状态": MatchStatus.PROPOSED.label},
            after={"状态": MatchStatus.DECLINED.label, "婉拒原因": locked.decline_reason},
        )
