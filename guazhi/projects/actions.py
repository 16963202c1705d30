"""Key-project changes. Each takes the acting user and the client address (never a request),
checks who may act, locks what it changes, refuses a stale edit (the `version` the form
carried), saves only the changed columns and writes the audit record in the same short
transaction. Views fetch through `guazhi.projects.access` first; the checks here are for
commands and background tasks, which have no view in front of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from guazhi.accounts.models import User
from guazhi.audit.log import record
from guazhi.audit.models import Event
from guazhi.ledger.models import Entry
from guazhi.projects.models import (
    Milestone,
    MilestoneTemplate,
    MilestoneTemplateStep,
    Project,
    ProjectUpdate,
)
from guazhi.roster.actions import apply_changes, diff, snapshot
from guazhi.roster.models import Secondment, SecondmentStatus, StaleEdit

PROJECT_FIELDS = ("name", "investment", "owner_unit", "target_date", "target", "description")
MILESTONE_FIELDS = ("status", "planned_date", "done_date", "note")
MAX_STEPS = 30


class ProjectPermissionError(Exception):
    """The actor may not do this (views answer 404 before it gets here)."""


def _check_own_entry(actor: User, entry: Entry | None) -> None:
    if entry is not None and entry.secondment.cadre_id != actor.cadre_id:
        raise ValidationError({"entry": "只能关联自己的工作纪实。"})


# --- Projects ------------------------------------------------------------------------------------


def create_project(
    *,
    actor: User,
    secondment: Secondment,
    values: Mapping[str, Any],
    template: MilestoneTemplate | None,
    ip: str = "",
) -> Project:
    """Create a project for the cadre's secondment, with the template's steps copied into its
    milestones (each 未开始, no dates yet)."""
    if not (actor.is_cadre and actor.cadre_id == secondment.cadre_id):
        raise ProjectPermissionError
    return create_project_on_behalf(
        actor=actor, secondment=secondment, values=values, template=template, ip=ip
    )


def create_project_on_behalf(
    *,
    actor: User,
    secondment: Secondment,
    values: Mapping[str, Any],
    template: MilestoneTemplate | None,
    detail: str = "",
    ip: str = "",
) -> Project:
    """`create_project` without its "the cadre themselves" check, for another app's action that
    has checked the actor's right (a liaison accepting a needs ↔ resources match). The project
    is still the cadre's to push: only they edit it afterwards. Call inside the caller's
    transaction to keep both changes atomic."""
    if secondment.status != SecondmentStatus.ACTIVE:
        raise ValidationError("只能为在岗期间的挂职任职登记重点项目。")
    unknown = set(values) - set(PROJECT_FIELDS)
    assert not unknown, unknown
    project = Project(secondment=secondment, template=template, created_by=actor, **values)
    project.full_clean(exclude=["secondment", "template", "created_by"])
    steps = list(template.steps.all()) if template is not None else []
    with transaction.atomic():
        project.save()
        Milestone.objects.bulk_create(
            Milestone(project=project, name=step.name, sort_order=i)
            for i, step in enumerate(steps, start=1)
        )
        after = snapshot(project, PROJECT_FIELDS)
        after["手续节点"] = "、".join(step.name for step in steps)
        record(event=Event.CREATE, user=actor, ip=ip, obj=project, detail=detail, after=after)
    return project


def update_project(
    *, actor: User, project: Project, version: int | None, values: Mapping[str, Any], ip: str = ""
) -> dict[str, Any]:
    """Save the cadre's edit, opened at `version`. Returns the changed fields (as people read
    them); a stale version raises `StaleEdit` and saves nothing."""
    unknown = set(values) - set(PROJECT_FIELDS)
    assert not unknown, unknown
    with transaction.atomic():
        locked = Project.objects.select_for_update().select_related("secondment").get(pk=project.pk)
        if not locked.is_editable_by(actor):
            raise ProjectPermissionError
        if version is None or locked.version != version:
            raise StaleEdit(f"项目“{locked.name}”")
        before = snapshot(locked, values)
        changed = apply_changes(locked, values)
        if not changed:
            return {}
        locked.full_clean(exclude=["secondment", "template", "created_by"])
        locked.version += 1
        locked.save(update_fields=[*changed, "version", "updated_at"])
        before, after = diff(before, snapshot(locked, changed))
        record(event=Event.EDIT, user=actor, ip=ip, obj=locked, before=before, after=after)
    project.refresh_from_db()
    return after


def update_milestone(
    *,
    actor: User,
    milestone: Milestone,
    version: int | None,
    values: Mapping[str, Any],
    ip: str = "",
) -> dict[str, Any]:
    """Change a milestone's status, dates or note (the cadre of the project only)."""
    unknown = set(values) - set(MILESTONE_FIELDS)
    assert not unknown, unknown
    with transaction.atomic():
        locked = (
            Milestone.objects.select_for_update()
            .select_related("project__secondment")
            .get(pk=milestone.pk)
        )
        if not locked.project.is_editable_by(actor):
            raise ProjectPermissionError
        if version is None or locked.version != version:
            raise StaleEdit(f"节点“{locked.name}”")
        before = snapshot(locked, values)
        changed = apply_changes(locked, values)
        if not changed:
            return {}
        locked.clean()
        locked.version += 1
        locked.save(update_fields=[*changed, "version", "updated_at"])
        before, after = diff(before, snapshot(locked, changed))
        record(
            event=Event.EDIT,
            user=actor,
            ip=ip,
            obj=locked,
            detail=f"重点项目“{locked.project.name}”的手续节点“{locked.name}”",
            before=before,
            after=after,
        )
    milestone.refresh_from_db()
    return after


def add_milestone(
    *, actor: User, project: Project, name: str, planned_date: date | None = None, ip: str = ""
) -> Milestone:
    """Add a step after the project's last one (a step its template did not have)."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "请填写节点名称。"})
    if len(name) > 30:
        raise ValidationError({"name": "节点名称不能超过 30 个字。"})
    with transaction.atomic():
        locked = Project.objects.select_for_update().select_related("secondment").get(pk=project.pk)
        if not locked.is_editable_by(actor):
            raise ProjectPermissionError
        if locked.milestones.filter(name=name).exists():
            raise ValidationError({"name": f"本项目已有“{name}”节点。"})
        last = locked.milestones.order_by("-sort_order").values_list("sort_order", flat=True)
        milestone = Milestone.objects.create(
            project=locked,
            name=name,
            sort_order=(last.first() or 0) + 1,
            planned_date=planned_date,
        )
        record(
            event=Event.CREATE,
            user=actor,
            ip=ip,
            obj=milestone,
            detail=f"为重点项目“{locked.name}”添加手续节点",
            after={
                "节点名称": name,
                "计划完成日期": planned_date.isoformat() if planned_date else None,
            },
        )
    return milestone


def add_update(
    *,
    actor: User,
    project: Project,
    on: date,
    text: str,
    entry: Entry | None = None,
    ip: str = "",
) -> ProjectUpdate:
    """Add a line to the progress log, optionally linked to one of the cadre's entries."""
    if not project.is_editable_by(actor):
        raise ProjectPermissionError
    text = text.strip()
    errors: dict[str, str] = {}
    if not text:
        errors["text"] = "请填写进展情况。"
    if on > timezone.localdate():
        errors["date"] = "进展日期不能晚于今天。"
    if errors:
        raise ValidationError(errors)
    _check_own_entry(actor, entry)
    with transaction.atomic():
        update = ProjectUpdate.objects.create(
            project=project, date=on, text=text, entry=entry, created_by=actor
        )
        record(
            event=Event.CREATE,
            user=actor,
            ip=ip,
            obj=update,
            detail=f"重点项目“{project.name}”的进展",
            after={
                "日期": on.isoformat(),
                "进展情况": text,
                "关联工作纪实": str(entry) if entry else None,
            },
        )
    return update


# --- Templates (programme admin) -----------------------------------------------------------------


def clean_steps(lines: Sequence[str]) -> list[str]:
    """Step names, one per line, without blanks and duplicates; Chinese errors otherwise."""
    steps = list(dict.fromkeys(s.strip() for s in lines if s.strip()))
    if not steps:
        raise ValidationError({"steps": "请至少填写一个节点，每行一个。"})
    if len(steps) > MAX_STEPS:
        raise ValidationError({"steps": f"节点不能超过 {MAX_STEPS} 个。"})
    too_long = [s for s in steps if len(s) > 30]
    if too_long:
        raise ValidationError({"steps": f"节点名称不能超过 30 个字：{too_long[0]}"})
    return steps


def save_template(
    *,
    actor: User,
    template: MilestoneTemplate | None,
    name: str,
    steps: Sequence[str],
    is_default: bool,
    version: int | None = None,
    ip: str = "",
) -> MilestoneTemplate:
    """Create a template (`template` None) or replace an existing one's name and steps.
    Projects created before keep their own milestones: a template is copied, not linked."""
    if not actor.is_programme_admin:
        raise ProjectPermissionError
    name = name.strip()
    if not name:
        raise ValidationError({"name": "请填写模板名称。"})
    names = clean_steps(steps)
    with transaction.atomic():
        clash = MilestoneTemplate.objects.filter(name=name)
        if template is not None:
            clash = clash.exclude(pk=template.pk)
        if clash.exists():
            raise ValidationError({"name": "已有同名模板，请换一个名称。"})
        if template is None:
            locked = MilestoneTemplate.objects.create(name=name, is_default=is_default)
            before: dict[str, Any] | None = None
            event = Event.CREATE
        else:
            locked = MilestoneTemplate.objects.select_for_update().get(pk=template.pk)
            if version is None or locked.version != version:
                raise StaleEdit(f"模板“{locked.name}”")
            before = {
                "模板名称": locked.name,
                "默认模板": locked.is_default,
                "节点": "、".join(locked.steps.values_list("name", flat=True)),
            }
            locked.name = name
            locked.is_default = is_default
            locked.version += 1
            locked.save(update_fields=["name", "is_default", "version", "updated_at"])
            locked.steps.all().delete()
            event = Event.EDIT
        MilestoneTemplateStep.objects.bulk_create(
            MilestoneTemplateStep(template=locked, name=step, sort_order=i)
            for i, step in enumerate(names, start=1)
        )
        if is_default:
            MilestoneTemplate.objects.exclude(pk=locked.pk).filter(is_default=True).update(
                is_default=False
            )
        after = {"模板名称": name, "默认模板": is_default, "节点": "、".join(names)}
        if before is not None:
            before, after = diff(before, after)
        record(event=event, user=actor, ip=ip, obj=locked, before=before, after=after)
    return locked
