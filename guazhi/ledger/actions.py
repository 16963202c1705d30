"""Ledger changes. Each locks what it changes, saves only the changed columns, and writes an
`EntryRevision` and an audit record in the same short transaction: all or nothing.

Actions take the acting user (`actor`) and the client address (`ip`), never a request, so the
demo seeder and background tasks can call them too. They check who may act (a cadre edits only
their own entries; the host liaison of the unit or the programme admin confirms), raising
`LedgerPermissionError`; the views fetch through the permission-checking accessors first.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date as date_type
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from guazhi.accounts.models import User
from guazhi.audit.log import record
from guazhi.audit.models import Event
from guazhi.ledger import tallies
from guazhi.ledger.files import PreparedFile
from guazhi.ledger.models import (
    Attachment,
    Category,
    Entry,
    EntryFigure,
    EntryRevision,
    EntryStatus,
    FigureField,
    RevisionAction,
)
from guazhi.lib import search_index
from guazhi.roster.models import Secondment, SecondmentStatus, Unit

CONFLICT_MESSAGE = "这条纪实已被他人修改（或已被确认、退回）。请刷新页面，查看最新内容后再操作。"


class EntryConflict(Exception):
    """The entry changed since the form was opened; nothing was saved."""

    def __init__(self, message: str = CONFLICT_MESSAGE) -> None:
        super().__init__(message)
        self.message = message


class LedgerPermissionError(Exception):
    """The actor may not do this to this entry (views answer 404 before it gets here)."""


@dataclass(frozen=True)
class EntryData:
    """What the cadre writes: the form's cleaned data, or an offline resend's."""

    date: date_type
    category: Category
    title: str
    text: str
    place_unit: Unit | None = None
    place_text: str = ""
    tags: str = ""
    figures: Mapping[FigureField, Decimal] | None = None


def _snapshot(entry: Entry, figures: Mapping[str, str]) -> dict[str, Any]:
    """Field values as people read them (for the history and the audit log)."""
    return {
        "日期": entry.date.isoformat(),
        "类别": entry.category.name,
        "地点": entry.place,
        "标题": entry.title,
        "工作内容": entry.text,
        "标签": entry.tags,
        "数据": dict(figures),
    }


def _figures_display(figures: Mapping[FigureField, Decimal]) -> dict[str, str]:
    out = {}
    for field, value in sorted(figures.items(), key=lambda kv: (kv[0].sort_order, kv[0].pk)):
        text = f"{value:f}"
        text = text.rstrip("0").rstrip(".") if "." in text else text
        out[field.label] = f"{text}{field.unit}"
    return out


def _stored_figures(entry: Entry) -> dict[FigureField, Decimal]:
    return {f.field: f.value for f in entry.figures.select_related("field")}


def _checked_figures(data: EntryData) -> dict[FigureField, Decimal]:
    """Every figure must be a field of the entry's category, a number ≥ 0; zero is dropped."""
    figures: dict[FigureField, Decimal] = {}
    errors = []
    for field, value in (data.figures or {}).items():
        if field.category_id != data.category.pk:
            errors.append(f"“{field.label}”不是“{data.category.name}”类别的数据项。")
            continue
        try:
            number = field.clean_value(value)
        except ValidationError as e:
            errors.extend(e.messages)
            continue
        if number:
            figures[field] = number
    if errors:
        raise ValidationError(errors)
    return figures


def _check_entry_data(data: EntryData, secondment: Secondment) -> None:
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if data.date > today:
        errors["date"] = "日期不能晚于今天。"
    elif data.date < secondment.start_date:
        errors["date"] = f"日期不能早于挂职开始日期（{secondment.start_date:%Y-%m-%d}）。"
    if not data.title.strip():
        errors["title"] = "请填写标题。"
    if not data.text.strip():
        errors["text"] = "请填写工作内容。"
    if data.place_unit is not None and data.place_text.strip():
        errors["place_text"] = "地点请在单位和其他地点中二选一。"
    if data.place_unit is not None and not data.place_unit.path.startswith(
        secondment.host_unit.path
    ):
        errors["place_unit"] = "地点只能选择接收单位及其所辖村、社区。"
    if not data.category.is_active:
        errors["category"] = "该类别已停用，请选择其他类别。"
    if errors:
        raise ValidationError(errors)


def _write_figures(entry: Entry, figures: Mapping[FigureField, Decimal]) -> None:
    entry.figures.all().delete()
    EntryFigure.objects.bulk_create(
        EntryFigure(entry=entry, field=field, value=value) for field, value in figures.items()
    )


def _count_status_change(entry: Entry, new_status: str) -> None:
    """Only the 待确认 count depends on the status: figures are left out of both sides."""
    before = tallies.contribution(entry, {})
    tallies.record_change(before, replace(before, pending=new_status == EntryStatus.PENDING))


def _revision(
    *,
    entry: Entry,
    action: RevisionAction,
    actor: User,
    changes: Mapping[str, Any] | None = None,
    comment: str = "",
) -> None:
    EntryRevision.objects.create(
        entry=entry,
        action=action,
        actor=actor,
        version=entry.version,
        changes=dict(changes or {}),
        comment=comment,
    )


# --- Writing and editing --------------------------------------------------------------------------


def writable_secondment(cadre_id: int | None) -> Secondment | None:
    """The secondment a cadre writes entries for: their current one on post."""
    if cadre_id is None:
        return None
    return (
        Secondment.objects.filter(cadre_id=cadre_id, status=SecondmentStatus.ACTIVE)
        .select_related("host_unit", "cohort")
        .order_by("-start_date")
        .first()
    )


def create_entry(
    *,
    actor: User,
    secondment: Secondment,
    data: EntryData,
    client_uuid: uuid.UUID | None = None,
    ip: str = "",
) -> tuple[Entry, bool]:
    """Write a new entry (待确认). Returns (entry, created).

    Idempotent on `client_uuid`: a resend of an entry already received (a phone that lost its
    connection after posting, a double tap) returns the existing entry and creates nothing."""
    if not (actor.is_cadre and actor.cadre_id == secondment.cadre_id):
        raise LedgerPermissionError
    client_uuid = client_uuid or uuid.uuid4()
    existing = _existing(client_uuid, actor)
    if existing is not None:
        return existing, False
    if secondment.status != SecondmentStatus.ACTIVE:
        raise ValidationError("只能为在岗期间的挂职任职填写工作纪实。")
    _check_entry_data(data, secondment)
    figures = _checked_figures(data)
    try:
        with transaction.atomic():
            entry = Entry.objects.create(
                secondment=secondment,
                date=data.date,
                category=data.category,
                place_unit=data.place_unit,
                place_text=data.place_text.strip(),
                title=data.title.strip(),
                text=data.text.strip(),
                tags=data.tags.strip(),
                client_uuid=client_uuid,
                created_by=actor,
            )
            _write_figures(entry, figures)
            tallies.record_change(None, tallies.contribution(entry, figures))
            search_index.index_entries([entry])
            after = _snapshot(entry, _figures_display(figures))
            _revision(entry=entry, action=RevisionAction.CREATE, actor=actor, changes=after)
            record(event=Event.CREATE, user=actor, ip=ip, obj=entry, after=after)
    except IntegrityError:
        # Two copies of one resend raced: the other one won; answer with it.
        existing = _existing(client_uuid, actor)
        if existing is None:
            raise
        return existing, False
    return entry, True


def _existing(client_uuid: uuid.UUID, actor: User) -> Entry | None:
    entry = Entry.objects.filter(client_uuid=client_uuid).select_related("secondment").first()
    if entry is not None and entry.secondment.cadre_id != actor.cadre_id:
        # Someone else's identifier: refuse rather than reveal or overwrite.
        raise LedgerPermissionError
    return entry


@transaction.atomic
def update_entry(
    *, actor: User, entry: Entry, version: int, data: EntryData, ip: str = ""
) -> dict[str, Any]:
    """Save the cadre's edit of their entry, opened at `version`. Returns the changed fields.

    A stale version raises `EntryConflict` and saves nothing. An edit of a confirmed (or
    returned) entry sends it back to 待确认: the host confirms what was changed."""
    locked = Entry.objects.select_for_update().select_related("secondment").get(pk=entry.pk)
    if not locked.is_editable_by(actor):
        raise LedgerPermissionError
    if locked.version != version:
        raise EntryConflict
    _check_entry_data(data, locked.secondment)
    figures = _checked_figures(data)
    old_figures = _stored_figures(locked)
    before = _snapshot(locked, _figures_display(old_figures))

    new_values = {
        "date": data.date,
        "category": data.category,
        "place_unit": data.place_unit,
        "place_text": data.place_text.strip(),
        "title": data.title.strip(),
        "text": data.text.strip(),
        "tags": data.tags.strip(),
    }
    changed = [name for name, value in new_values.items() if getattr(locked, name) != value]
    figures_changed = old_figures != figures
    if not changed and not figures_changed:
        return {}
    counted_before = tallies.contribution(locked, old_figures)
    for name in changed:
        setattr(locked, name, new_values[name])
    if figures_changed:
        _write_figures(locked, figures)
    update_fields = [*changed, "version", "updated_at"]
    previous_status = locked.status
    if locked.status != EntryStatus.PENDING:
        locked.status = EntryStatus.PENDING
        locked.confirmed_by = None
        locked.confirmed_at = None
        update_fields += ["status", "confirmed_by", "confirmed_at"]
    locked.version += 1
    locked.save(update_fields=update_fields)
    tallies.record_change(counted_before, tallies.contribution(locked, figures))
    search_index.index_entries([locked])

    after = _snapshot(locked, _figures_display(figures))
    diff = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if previous_status != EntryStatus.PENDING:
        diff["状态"] = [EntryStatus(previous_status).label, EntryStatus.PENDING.label]
    _revision(entry=locked, action=RevisionAction.EDIT, actor=actor, changes=diff)
    record(
        event=Event.EDIT,
        user=actor,
        ip=ip,
        obj=locked,
        before={k: v[0] for k, v in diff.items()},
        after={k: v[1] for k, v in diff.items()},
    )
    entry.refresh_from_db()
    return diff


# --- Confirming and returning ---------------------------------------------------------------------


def _lock_for_review(*, actor: User, entry: Entry, version: int) -> Entry:
    locked = (
        Entry.objects.select_for_update().select_related("secondment__host_unit").get(pk=entry.pk)
    )
    if not locked.is_confirmable_by(actor):
        raise LedgerPermissionError
    if locked.version != version:
        raise EntryConflict
    if locked.status != EntryStatus.PENDING:
        raise EntryConflict(f"这条纪实已{locked.get_status_display()}，无需重复操作。")
    return locked


@transaction.atomic
def confirm_entry(*, actor: User, entry: Entry, version: int, ip: str = "") -> Entry:
    """The host liaison (or the admin) confirms what they saw at `version`."""
    locked = _lock_for_review(actor=actor, entry=entry, version=version)
    _count_status_change(locked, EntryStatus.CONFIRMED)
    locked.status = EntryStatus.CONFIRMED
    locked.confirmed_by = actor
    locked.confirmed_at = timezone.now()
    locked.return_comment = ""
    locked.version += 1
    locked.save(
        update_fields=[
            "status",
            "confirmed_by",
            "confirmed_at",
            "return_comment",
            "version",
            "updated_at",
        ]
    )
    _revision(entry=locked, action=RevisionAction.CONFIRM, actor=actor)
    record(
        event=Event.STATUS_CHANGE,
        user=actor,
        ip=ip,
        obj=locked,
        detail="确认工作纪实",
        before={"状态": EntryStatus.PENDING.label},
        after={"状态": EntryStatus.CONFIRMED.label},
    )
    return locked


@transaction.atomic
def return_entry(*, actor: User, entry: Entry, version: int, comment: str, ip: str = "") -> Entry:
    """Send the entry back to the cadre with a comment saying what to fix."""
    comment = comment.strip()
    if not comment:
        raise ValidationError("退回时请填写退回意见，说明需要修改什么。")
    locked = _lock_for_review(actor=actor, entry=entry, version=version)
    _count_status_change(locked, EntryStatus.RETURNED)
    locked.status = EntryStatus.RETURNED
    locked.return_comment = comment[:1000]
    locked.version += 1
    locked.save(update_fields=["status", "return_comment", "version", "updated_at"])
    _revision(entry=locked, action=RevisionAction.RETURN, actor=actor, comment=comment[:1000])
    record(
        event=Event.STATUS_CHANGE,
        user=actor,
        ip=ip,
        obj=locked,
        detail=f"退回工作纪实：{comment}"[:500],
        before={"状态": EntryStatus.PENDING.label},
        after={"状态": EntryStatus.RETURNED.label},
    )
    return locked


# --- Attachments ----------------------------------------------------------------------------------


def add_attachment(
    *, actor: User, entry: Entry, prepared: PreparedFile, ip: str = ""
) -> Attachment:
    """Store a checked file (see `guazhi.ledger.files.prepare`, run before this, outside any
    transaction) and attach it. The files are written first; the rows in a short transaction."""
    if not entry.is_editable_by(actor):
        raise LedgerPermissionError
    stem = f"ledger/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}"
    path = default_storage.save(f"{stem}.{prepared.extension}", ContentFile(prepared.content))
    thumb_path = ""
    if prepared.thumbnail:
        thumb_path = default_storage.save(f"{stem}-thumb.jpg", ContentFile(prepared.thumbnail))
    exif_time = None
    if prepared.exif_time is not None:
        exif_time = timezone.make_aware(prepared.exif_time)
    try:
        with transaction.atomic():
            locked = Entry.objects.select_for_update().get(pk=entry.pk)
            attachment = Attachment.objects.create(
                entry=locked,
                file=path,
                kind=prepared.kind,
                content_type=prepared.content_type,
                original_name=prepared.original_name,
                size=len(prepared.content),
                sha256=prepared.sha256,
                thumbnail=thumb_path,
                exif_time=exif_time,
                gps_kept=prepared.gps_kept,
                uploaded_by=actor,
            )
            _after_evidence_change(locked, actor)
            changes = {"附件": prepared.original_name}
            _revision(entry=locked, action=RevisionAction.ATTACH, actor=actor, changes=changes)
            record(
                event=Event.CREATE,
                user=actor,
                ip=ip,
                obj=attachment,
                detail=f"为工作纪实“{locked.title}”添加附件",
                after={
                    "文件名": prepared.original_name,
                    "大小": len(prepared.content),
                    "sha256": prepared.sha256,
                },
            )
    except Exception:
        default_storage.delete(path)
        if thumb_path:
            default_storage.delete(thumb_path)
        raise
    return attachment


@transaction.atomic
def remove_attachment(*, actor: User, attachment: Attachment, ip: str = "") -> None:
    """Remove an attachment; its files are deleted once the transaction has committed."""
    locked = (
        Entry.objects.select_for_update().select_related("secondment").get(pk=attachment.entry_id)
    )
    if not locked.is_editable_by(actor):
        raise LedgerPermissionError
    paths = [p for p in (attachment.file.name, attachment.thumbnail.name) if p]
    name = attachment.original_name
    record(
        event=Event.DELETE,
        user=actor,
        ip=ip,
        obj=attachment,
        detail=f"删除工作纪实“{locked.title}”的附件",
        before={"文件名": name, "sha256": attachment.sha256},
    )
    attachment.delete()
    _after_evidence_change(locked, actor)
    _revision(entry=locked, action=RevisionAction.DETACH, actor=actor, changes={"附件": name})
    transaction.on_commit(lambda: _delete_files(paths))


def _delete_files(paths: list[str]) -> None:
    for path in paths:
        default_storage.delete(path)


def _after_evidence_change(locked: Entry, actor: User) -> None:
    """Evidence changed: a new version, and a confirmed entry needs confirming again."""
    fields = ["version", "updated_at"]
    if locked.status != EntryStatus.PENDING:
        _count_status_change(locked, EntryStatus.PENDING)
        locked.status = EntryStatus.PENDING
        locked.confirmed_by = None
        locked.confirmed_at = None
        fields += ["status", "confirmed_by", "confirmed_at"]
    locked.version += 1
    locked.save(update_fields=fields)
