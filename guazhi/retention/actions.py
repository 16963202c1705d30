"""Moving ledger entries and writings to the recycle bin (回收站) and back.

Who may: the programme admin, anything it sees; the cadre, their own entry not yet confirmed
and their own draft writing — and restore what they themselves deleted. Deleting takes the row
out of every list, export, count and dashboard (the models' default manager), out of the
running totals (`tallies.record_change`) and the search index; restoring puts it back in all of
them. Each change is one short transaction with its audit record. Hard deletion is not offered
here: rows leave the database only through retention.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from guazhi.accounts.models import User
from guazhi.audit.log import record
from guazhi.audit.models import Event
from guazhi.ledger import tallies
from guazhi.ledger.models import Entry, EntryStatus
from guazhi.lib import search_index
from guazhi.writings.models import Writing, WritingStatus


class RecyclePermissionError(Exception):
    """Not this user's to delete or restore (the views answer 404)."""


class RecycleConflict(Exception):
    def __init__(self, message: str = "内容已被他人修改，请刷新页面后再操作。") -> None:
        super().__init__(message)
        self.message = message


# --- Rules ---------------------------------------------------------------------------------------


def may_delete_entry(user: User, entry: Entry) -> bool:
    if user.is_programme_admin:
        return True
    # A confirmed entry is the host's word too: only the admin takes it back.
    return entry.is_editable_by(user) and entry.status != EntryStatus.CONFIRMED


def may_delete_writing(user: User, writing: Writing) -> bool:
    if user.is_programme_admin:
        return True
    return writing.is_author(user) and writing.status == WritingStatus.DRAFT


def may_restore(user: User, obj: Entry | Writing) -> bool:
    """The admin restores anything it sees; others what they deleted themselves."""
    return bool(user.is_programme_admin or (obj.deleted_by_id == user.pk and user.is_cadre))


# --- Ledger entries --------------------------------------------------------------------------------


def delete_entry(*, actor: User, entry: Entry, version: int, ip: str = "") -> Entry:
    with transaction.atomic():
        locked = (
            Entry.objects.select_for_update(of=("self",))
            .select_related("secondment")
            .filter(pk=entry.pk)
            .first()
        )
        if locked is None:
            raise RecycleConflict("这条纪实已被删除。")
        if not may_delete_entry(actor, locked):
            raise RecyclePermissionError
        if locked.version != version:
            raise RecycleConflict
        counted = tallies.contribution(locked)
        _mark_deleted(locked, actor)
        tallies.record_change(counted, None)
        search_index.remove(search_index.ENTRY, [locked.pk])
        record(
            event=Event.SOFT_DELETE,
            user=actor,
            ip=ip,
            obj=locked,
            detail=f"工作纪实“{locked.title}”移入回收站",
            before={"状态": locked.get_status_display()},
            after={"状态": "已删除（回收站）"},
        )
    return locked


def restore_entry(*, actor: User, entry: Entry, version: int, ip: str = "") -> Entry:
    with transaction.atomic():
        locked = _lock_deleted(Entry, entry.pk)
        if not may_restore(actor, locked):
            raise RecyclePermissionError
        if locked.version != version:
            raise RecycleConflict
        _mark_restored(locked)
        tallies.record_change(None, tallies.contribution(locked))
        search_index.index_entries([locked])
        record(
            event=Event.UNDELETE,
            user=actor,
            ip=ip,
            obj=locked,
            detail=f"工作纪实“{locked.title}”从回收站恢复",
            before={"状态": "已删除（回收站）"},
            after={"状态": locked.get_status_display()},
        )
    return locked


# --- Writings --------------------------------------------------------------------------------------


def delete_writing(*, actor: User, writing: Writing, version: int, ip: str = "") -> Writing:
    with transaction.atomic():
        locked = (
            Writing.objects.select_for_update(of=("self",))
            .select_related("secondment__host_unit")
            .filter(pk=writing.pk)
            .first()
        )
        if locked is None:
            raise RecycleConflict("这篇材料已被删除。")
        if not may_delete_writing(actor, locked):
            raise RecyclePermissionError
        if locked.version != version:
            raise RecycleConflict
        _mark_deleted(locked, actor)
        # Out of the search index; its share (if any) drops out of the library by itself.
        search_index.remove(search_index.WRITING, [locked.pk])
        record(
            event=Event.SOFT_DELETE,
            user=actor,
            ip=ip,
            obj=locked,
            detail=f"材料“{locked.title}”移入回收站",
            before={"状态": locked.get_status_display()},
            after={"状态": "已删除（回收站）"},
        )
    return locked


def restore_writing(*, actor: User, writing: Writing, version: int, ip: str = "") -> Writing:
    from guazhi.library.models import Share

    with transaction.atomic():
        locked = _lock_deleted(Writing, writing.pk)
        if not may_restore(actor, locked):
            raise RecyclePermissionError
        if locked.version != version:
            raise RecycleConflict
        if (
            locked.requirement_id is not None
            and Writing.objects.filter(
                secondment_id=locked.secondment_id, requirement_id=locked.requirement_id
            ).exists()
        ):
            raise RecycleConflict(
                f"“{locked.requirement}”已有另一篇材料，这篇不能恢复；请先删除另一篇。"
            )
        _mark_restored(locked)
        share = Share.objects.filter(writing=locked, is_active=True).first()
        if share is not None:
            search_index.index_share(share, timezone.localdate(share.shared_at))
        record(
            event=Event.UNDELETE,
            user=actor,
            ip=ip,
            obj=locked,
            detail=f"材料“{locked.title}”从回收站恢复",
            before={"状态": "已删除（回收站）"},
            after={"状态": locked.get_status_display()},
        )
    return locked


# --- Shared steps ----------------------------------------------------------------------------------


def _lock_deleted(model: Any, pk: int) -> Any:
    rows = model.all_objects.select_for_update(of=("self",))
    if any(f.name == "secondment" for f in model._meta.get_fields()):
        rows = rows.select_related("secondment")
    locked = rows.filter(pk=pk, deleted_at__isnull=False).first()
    if locked is None:
        raise RecycleConflict("已经恢复，无需重复操作。")
    secondment = getattr(locked, "secondment", None)
    if secondment is not None and secondment.deleted_at is not None:
        raise RecycleConflict("所属的挂职任职在回收站中，请先恢复挂职任职。")
    return locked


def _mark_deleted(obj: Any, actor: User) -> None:
    obj.deleted_at = timezone.now()
    obj.deleted_by = actor
    obj.version += 1
    obj.save(update_fields=["deleted_at", "deleted_by", "version", "updated_at"])


def _mark_restored(obj: Any) -> None:
    obj.deleted_at = None
    obj.deleted_by = None
    obj.version += 1
    obj.save(update_fields=["deleted_at", "deleted_by", "version", "updated_at"])
