"""A cohort's writing requirements: the default set, and the programme admin's changes.

The default set follows the cohort's dates: a reflection one month in (初到岗位心得体会) and one at
mid-term, the exchange speech at mid-term, a quarterly summary ten days after each full quarter
of the term, and the term summary on the last day. `ensure_plan(cohort)` creates it the first
time the cohort's writings are looked at (once: a `WritingPlan` row records it, so a cohort whose
admin removed every requirement is left as it is). The admin then adds, edits and removes rows.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from guazhi.accounts.models import User
from guazhi.audit.log import record
from guazhi.audit.models import Event
from guazhi.roster.actions import diff
from guazhi.roster.models import Cohort, StaleEdit
from guazhi.writings.models import WritingKind, WritingPlan, WritingRequirement

QUARTER_NAMES = "一二三四五六七八"


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_requirements(cohort: Cohort) -> list[tuple[str, str, date]]:
    """(kind, title, due date) of the default set for the cohort's term."""
    start, end = cohort.start_date, cohort.end_date
    middle = start + (end - start) / 2
    items: list[tuple[str, str, date]] = [
        (WritingKind.REFLECTION, "初到岗位心得体会", min(add_months(start, 1), end)),
        (WritingKind.REFLECTION, "中期心得体会", middle),
        (WritingKind.SPEECH, "批次交流会发言", middle + timedelta(days=14)),
    ]
    quarter = 1
    while quarter <= len(QUARTER_NAMES):
        quarter_end = add_months(start, 3 * quarter) - timedelta(days=1)
        if quarter_end > end:
            break
        title = f"第{QUARTER_NAMES[quarter - 1]}季度小结"
        items.append((WritingKind.QUARTERLY, title, quarter_end + timedelta(days=10)))
        quarter += 1
    items.append((WritingKind.TERM_SUMMARY, "挂职总结", end))
    return sorted(items, key=lambda item: item[2])


def ensure_plan(cohort: Cohort) -> None:
    """Give the cohort its default requirements, once. Cheap when already done (one query)."""
    if WritingPlan.objects.filter(cohort=cohort).exists():
        return
    try:
        with transaction.atomic():
            WritingPlan.objects.create(cohort=cohort)
            WritingRequirement.objects.bulk_create(
                WritingRequirement(cohort=cohort, kind=kind, title=title, due_date=due)
                for kind, title, due in default_requirements(cohort)
            )
    except IntegrityError:
        pass  # another request set it up at the same moment


@dataclass(frozen=True)
class RequirementData:
    kind: str
    title: str
    due_date: date
    note: str = ""


def _snapshot(requirement: WritingRequirement) -> dict[str, Any]:
    return {
        "材料类型": WritingKind(requirement.kind).label,
        "名称": requirement.title,
        "截止日期": requirement.due_date.isoformat(),
        "说明": requirement.note,
    }


def _check(data: RequirementData, cohort: Cohort, exclude_pk: int | None = None) -> None:
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = "请填写名称，如“第一季度小结”。"
    elif (
        WritingRequirement.objects.filter(cohort=cohort, title=data.title.strip())
        .exclude(pk=exclude_pk or 0)
        .exists()
    ):
        errors["title"] = "本批次已有同名的材料要求。"
    if data.due_date < cohort.start_date:
        errors["due_date"] = f"截止日期不能早于批次开始日期（{cohort.start_date:%Y-%m-%d}）。"
    elif data.due_date > add_months(cohort.end_date, 3):
        errors["due_date"] = "截止日期不能晚于批次结束后三个月。"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_requirement(
    *, actor: User, cohort: Cohort, data: RequirementData, ip: str = ""
) -> WritingRequirement:
    if not actor.is_programme_admin:
        raise PermissionError
    _check(data, cohort)
    WritingPlan.objects.get_or_create(cohort=cohort)
    requirement = WritingRequirement.objects.create(
        cohort=cohort,
        kind=data.kind,
        title=data.title.strip(),
        due_date=data.due_date,
        note=data.note.strip(),
    )
    record(
        event=Event.CREATE,
        user=actor,
        ip=ip,
        obj=requirement,
        detail=f"批次“{cohort.name}”新增材料要求",
        after=_snapshot(requirement),
    )
    return requirement


@transaction.atomic
def update_requirement(
    *,
    actor: User,
    requirement: WritingRequirement,
    version: int,
    data: RequirementData,
    ip: str = "",
) -> bool:
    """Save the admin's edit, opened at `version`. Returns whether anything changed."""
    if not actor.is_programme_admin:
        raise PermissionError
    locked = WritingRequirement.objects.select_for_update().get(pk=requirement.pk)
    if locked.version != version:
        raise StaleEdit("这项材料要求")
    _check(data, locked.cohort, exclude_pk=locked.pk)
    if data.kind != locked.kind and locked.writings.exists():
        raise ValidationError({"kind": "已有干部按这项要求撰写了材料，不能再改材料类型。"})
    before = _snapshot(locked)
    locked.kind, locked.title = data.kind, data.title.strip()
    locked.due_date, locked.note = data.due_date, data.note.strip()
    old, new = diff(before, _snapshot(locked))
    if not new:
        return False
    locked.version += 1
    locked.save(update_fields=["kind", "title", "due_date", "note", "version"])
    record(event=Event.EDIT, user=actor, ip=ip, obj=locked, before=old, after=new)
    return True


@transaction.atomic
def delete_requirement(*, actor: User, requirement: WritingRequirement, ip: str = "") -> None:
    if not actor.is_programme_admin:
        raise PermissionError
    locked = WritingRequirement.objects.select_for_update().get(pk=requirement.pk)
    if locked.writings.exists():
        raise ValidationError("已有干部按这项要求撰写了材料，不能删除；如需调整，请修改截止日期。")
    record(
        event=Event.DELETE,
        user=actor,
        ip=ip,
        obj=locked,
        detail=f"批次“{locked.cohort.name}”删除材料要求",
        before=_snapshot(locked),
    )
    locked.delete()
