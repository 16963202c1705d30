"""Writing changes. Each locks the writing, checks the version the user's page was opened on,
saves only the changed columns, and writes its `WritingVersion` / `WritingEvent` and an audit
record in the same short transaction.

Actions take the acting user (`actor`) and the client address (`ip`), never a request, so the
demo seeder and background tasks call them too. Who may act is the model's rule
(`Writing.is_editable_by`, `Writing.next_status` over `ROLE_TRANSITIONS`); a refusal raises
`WritingPermissionError` (the views answer 404 before it gets here).

Autosaves keep the working copy only: no version and no audit record (a typing session would
write hundreds). A manual save, an upload and a submission each freeze a version; the
submission's version is the one reviewers read and the originality check receives, through
`guazhi.writings.checks.on_submitted` after commit.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from guazhi.accounts.models import User
from guazhi.audit.log import record
from guazhi.audit.models import Event
from guazhi.lib.writing_text import Block, blocks_to_text, char_count, clean_blocks
from guazhi.roster.models import Secondment, SecondmentStatus
from guazhi.writings import checks
from guazhi.writings.models import (
    ROLE_TRANSITIONS,
    EventAction,
    Writing,
    WritingAction,
    WritingEvent,
    WritingKind,
    WritingRequirement,
    WritingSource,
    WritingStatus,
    WritingVersion,
)

# The mark a prompt left for the author opens with (guazhi.drafts puts them in term summaries).
PROMPT_MARK = "【请"

CONFLICT_MESSAGE = (
    "这篇材料已在其他窗口或设备上修改（或已被提交、审阅），本次修改没有保存。"
    "请先复制您正在编辑的内容，再刷新页面，在最新内容上继续修改。"
)


class WritingConflict(Exception):
    """The writing changed since the page was opened; nothing was saved."""

    def __init__(self, message: str = CONFLICT_MESSAGE) -> None:
        super().__init__(message)
        self.message = message


class WritingPermissionError(Exception):
    """The actor may not do this to this writing."""


def writing_secondment(cadre_id: int | None, cohort_id: int | None = None) -> Secondment | None:
    """The secondment a cadre writes for: the one in the cohort, else their latest that has
    begun (on post or completed: the term summary is written at the end)."""
    if cadre_id is None:
        return None
    secondments = Secondment.objects.filter(
        cadre_id=cadre_id, status__in=(SecondmentStatus.ACTIVE, SecondmentStatus.COMPLETED)
    )
    if cohort_id is not None:
        secondments = secondments.filter(cohort_id=cohort_id)
    return secondments.select_related("cohort", "host_unit").order_by("-start_date").first()


def _check_content(title: str, blocks: list[Block]) -> None:
    if not title.strip():
        raise ValidationError({"title": "请填写标题。"})
    if len(title.strip()) > 100:
        raise ValidationError({"title": "标题不能超过 100 个字。"})


def _freeze(writing: Writing, actor: User, *, is_submission: bool = False) -> WritingVersion:
    """A new immutable version from the (locked) writing's working copy."""
    last = writing.versions.aggregate(n=Max("number"))["n"] or 0
    return WritingVersion.objects.create(
        writing=writing,
        number=last + 1,
        title=writing.title,
        body=writing.body,
        text=writing.text,
        source=writing.source,
        source_name=writing.source_name,
        is_submission=is_submission,
        created_by=actor,
    )


def _event(
    writing: Writing,
    *,
    action: EventAction,
    actor: User,
    from_status: str,
    version: WritingVersion | None = None,
    comment: str = "",
) -> None:
    WritingEvent.objects.create(
        writing=writing,
        action=action,
        actor=actor,
        from_status=from_status,
        to_status=writing.status,
        version_number=version.number if version else None,
        comment=comment,
    )


def _lock(writing: Writing, version: int) -> Writing:
    locked = (
        Writing.objects.select_for_update(of=("self",))
        .select_related("secondment__host_unit", "requirement")
        .get(pk=writing.pk)
    )
    if locked.version != version:
        raise WritingConflict
    return locked


# --- Writing ---------------------------------------------------------------------------------------


def create_writing(
    *,
    actor: User,
    secondment: Secondment,
    kind: str,
    requirement: WritingRequirement | None = None,
    title: str,
    blocks: list[Block] | None = None,
    source: str = WritingSource.EDITOR,
    source_name: str = "",
    ip: str = "",
) -> Writing:
    """A new draft of the cadre's (from the editor, or an uploaded file's content, which is
    then frozen as version 1)."""
    if not (actor.is_cadre and actor.cadre_id == secondment.cadre_id):
        raise WritingPermissionError
    if requirement is not None:
        if requirement.cohort_id != secondment.cohort_id:
            raise ValidationError({"requirement": "这项材料要求不属于您所在的批次。"})
        kind = requirement.kind
        if Writing.objects.filter(secondment=secondment, requirement=requirement).exists():
            raise ValidationError(
                {
                    "requirement": f"“{requirement.title}”已经建立过，请在“我的材料”中打开它继续撰写。"
                }
            )
    if kind not in WritingKind.values:
        raise ValidationError({"kind": "请选择材料类型。"})
    blocks = clean_blocks(blocks or [])
    title = (title.strip() or (requirement.title if requirement else ""))[:100]
    _check_content(title, blocks)
    with transaction.atomic():
        writing = Writing.objects.create(
            secondment=secondment,
            kind=kind,
            requirement=requirement,
            title=title,
            body=blocks,
            text=blocks_to_text(blocks),
            source=source,
            source_name=source_name[:200],
            created_by=actor,
        )
        version = None
        if source != WritingSource.EDITOR:
            version = _freeze(writing, actor)
        _event(
            writing,
            action=EventAction.UPLOAD if version else EventAction.CREATE,
            actor=actor,
            from_status=WritingStatus.DRAFT,
            version=version,
            comment=source_name,
        )
        record(
            event=Event.CREATE,
            user=actor,
            ip=ip,
            obj=writing,
            detail=f"新建{WritingKind(kind).label}"
            + (f"（上传“{source_name}”）" if version else ""),
            after={"标题": title, "字数": char_count(blocks)},
        )
    return writing


@transaction.atomic
def save_writing(
    *,
    actor: User,
    writing: Writing,
    version: int,
    title: str,
    blocks: list[Block],
    autosave: bool = False,
    ip: str = "",
) -> Writing:
    """Save the author's edit of the working copy opened at `version`.

    A stale version raises `WritingConflict` and saves nothing. A manual save (not `autosave`)
    also freezes a version, unless nothing changed since the last one."""
    locked = _lock(writing, version)
    if not locked.is_editable_by(actor):
        raise WritingPermissionError
    blocks = clean_blocks(blocks)
    title = title.strip()[:100]
    if not autosave:
        _check_content(title, blocks)
    elif not title:
        title = locked.title  # an autosave while the title box is being retyped
    changed = (title, blocks) != (locked.title, locked.body)
    if changed:
        locked.title, locked.body, locked.text = title, blocks, blocks_to_text(blocks)
        locked.source, locked.source_name = WritingSource.EDITOR, ""
        locked.version += 1
        locked.save(
            update_fields=[
                "title",
                "body",
                "text",
                "source",
                "source_name",
                "version",
                "updated_at",
            ]
        )
    if autosave:
        return locked
    last = locked.versions.order_by("-number").first()
    if last is not None and (last.title, last.body) == (locked.title, locked.body):
        return locked
    frozen = _freeze(locked, actor)
    _event(locked, action=EventAction.SAVE, actor=actor, from_status=locked.status, version=frozen)
    record(
        event=Event.EDIT,
        user=actor,
        ip=ip,
        obj=locked,
        detail=f"保存材料（第 {frozen.number} 版）",
        after={"标题": locked.title, "字数": char_count(blocks)},
    )
    return locked


@transaction.atomic
def replace_with_upload(
    *,
    actor: User,
    writing: Writing,
    version: int,
    title: str,
    blocks: list[Block],
    source: str,
    source_name: str,
    ip: str = "",
) -> Writing:
    """The working copy becomes an uploaded file's content (frozen as a new version)."""
    locked = _lock(writing, version)
    if not locked.is_editable_by(actor):
        raise WritingPermissionError
    blocks = clean_blocks(blocks)
    locked.title = (title.strip() or locked.title)[:100]
    locked.body, locked.text = blocks, blocks_to_text(blocks)
    locked.source, locked.source_name = source, source_name[:200]
    locked.version += 1
    locked.save(
        update_fields=["title", "body", "text", "source", "source_name", "version", "updated_at"]
    )
    frozen = _freeze(locked, actor)
    _event(
        locked,
        action=EventAction.UPLOAD,
        actor=actor,
        from_status=locked.status,
        version=frozen,
        comment=source_name,
    )
    record(
        event=Event.EDIT,
        user=actor,
        ip=ip,
        obj=locked,
        detail=f"上传“{source_name}”替换材料内容（第 {frozen.number} 版）"[:500],
        after={"标题": locked.title, "字数": char_count(blocks)},
    )
    return locked


# --- The workflow ----------------------------------------------------------------------------------


def _transition(locked: Writing, actor: User, action: WritingAction) -> tuple[str, str]:
    """(current, next) status, or an error: `WritingPermissionError` when the actor's role never
    takes this action on this writing, `WritingConflict` when it could but not from this state
    (a page opened before someone else decided)."""
    target = locked.next_status(actor, action)
    if target is not None:
        return locked.status, target
    role_actions = {a for (_, a) in ROLE_TRANSITIONS.get(actor.role, {})}
    in_scope = locked.is_author(actor) if actor.is_cadre else locked.is_reviewer(actor)
    if action not in role_actions or not in_scope:
        raise WritingPermissionError
    raise WritingConflict(
        f"这篇材料当前状态为“{locked.get_status_display()}”，不能{action.label}。"
        "请刷新页面查看最新状态。"
    )


def submit_writing(*, actor: User, writing: Writing, version: int, ip: str = "") -> WritingVersion:
    """The author submits: the working copy is frozen as the submitted version."""
    with transaction.atomic():
        locked = _lock(writing, version)
        before, target = _transition(locked, actor, WritingAction.SUBMIT)
        _check_content(locked.title, locked.body)
        if not locked.text.strip():
            raise ValidationError("正文是空的，请先撰写或上传材料内容再提交。")
        # A generated term-summary draft leaves 【请…】 prompts for the cadre's own words.
        if PROMPT_MARK in locked.text:
            raise ValidationError(
                "正文中还有“【请……】”提示没有改写。请把这些提示换成您自己的内容后再提交。"
            )
        frozen = _freeze(locked, actor, is_submission=True)
        locked.status = target
        locked.submitted_at = timezone.now()
        locked.decided_by, locked.decided_at = None, None
        locked.version += 1
        locked.save(
            update_fields=[
                "status",
                "submitted_at",
                "decided_by",
                "decided_at",
                "version",
                "updated_at",
            ]
        )
        _event(locked, action=EventAction.SUBMIT, actor=actor, from_status=before, version=frozen)
        _audit_status(locked, actor, ip, before, f"提交材料（第 {frozen.number} 版）")
    frozen_id = frozen.pk
    transaction.on_commit(lambda: checks.on_submitted(frozen_id))
    return frozen


@transaction.atomic
def return_writing(
    *, actor: User, writing: Writing, version: int, comment: str, ip: str = ""
) -> Writing:
    """The reviewer sends it back with a comment saying what to revise."""
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": "退回时请填写退回意见，说明需要修改什么。"})
    locked = _lock(writing, version)
    before, target = _transition(locked, actor, WritingAction.RETURN)
    _decide(locked, actor, target, comment=comment[:2000])
    _event(locked, action=EventAction.RETURN, actor=actor, from_status=before, comment=comment)
    _audit_status(locked, actor, ip, before, f"退回材料：{comment}"[:500])
    return locked


@transaction.atomic
def accept_writing(
    *, actor: User, writing: Writing, version: int, comment: str = "", ip: str = ""
) -> Writing:
    locked = _lock(writing, version)
    before, target = _transition(locked, actor, WritingAction.ACCEPT)
    _decide(locked, actor, target, comment="")
    _event(
        locked, action=EventAction.ACCEPT, actor=actor, from_status=before, comment=comment.strip()
    )
    _audit_status(locked, actor, ip, before, "审阅通过材料")
    return locked


def _decide(locked: Writing, actor: User, target: str, *, comment: str) -> None:
    locked.status = target
    locked.decided_by, locked.decided_at = actor, timezone.now()
    locked.return_comment = comment
    locked.version += 1
    locked.save(
        update_fields=[
            "status",
            "decided_by",
            "decided_at",
            "return_comment",
            "version",
            "updated_at",
        ]
    )


def _audit_status(locked: Writing, actor: User, ip: str, before: str, detail: str) -> None:
    after: dict[str, Any] = {"状态": WritingStatus(locked.status).label}
    record(
        event=Event.STATUS_CHANGE,
        user=actor,
        ip=ip,
        obj=locked,
        detail=detail,
        before={"状态": WritingStatus(before).label},
        after=after,
    )
