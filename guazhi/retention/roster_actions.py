"""Moving cadres and secondments to the recycle bin and back (programme admin only).

A roster row is deleted only when nothing live hangs on it: a secondment with ledger entries,
writings, projects, contacts, assessments… is ended (提前结束), not deleted, and a cadre goes only
once their secondments have gone and no active account signs in as them. So a deleted roster
row never leaves orphans in the lists of other apps (whose `visible_to` for the admin is "all"),
and restoring it needs nothing but the row itself.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from guazhi.accounts.models import User
from guazhi.audit.log import record
from guazhi.audit.models import Event
from guazhi.retention.actions import (
    RecycleConflict,
    RecyclePermissionError,
    _lock_deleted,
    _mark_deleted,
    _mark_restored,
)
from guazhi.roster.models import Cadre, Secondment

# Caches computed from the secondment (recomputed by their own refresh): they do not keep a
# secondment alive, and are dropped with it.
DERIVED = {"ledger.SecondmentActivity", "peers.PeerProfile", "peers.PeerLink"}


def dependents(obj: Cadre | Secondment) -> list[str]:
    """Labels of the live records that hang on `obj` (empty: it may be deleted)."""
    found = []
    for relation in type(obj)._meta.related_objects:
        model: Any = relation.related_model
        if model._meta.label in DERIVED:
            continue
        rows = model._default_manager.filter(**{relation.field.name: obj})
        if model is User:
            rows = rows.filter(is_active=True)
        if rows.exists():
            found.append(str(model._meta.verbose_name_plural))
    return found


def _drop_derived(secondment: Secondment) -> None:
    from django.db.models import Q

    from guazhi.peers.models import PeerLink, PeerProfile

    PeerLink.objects.filter(Q(secondment=secondment) | Q(peer=secondment)).delete()
    PeerProfile.objects.filter(secondment=secondment).delete()


def delete_secondment(
    *, actor: User, secondment: Secondment, version: int, ip: str = ""
) -> Secondment:
    if not actor.is_programme_admin:
        raise RecyclePermissionError
    with transaction.atomic():
        locked = Secondment.objects.select_for_update().filter(pk=secondment.pk).first()
        if locked is None:
            raise RecycleConflict("这条挂职任职已被删除。")
        if locked.version != version:
            raise RecycleConflict
        if blocking := dependents(locked):
            raise RecycleConflict(
                f"这条挂职任职已有{'、'.join(blocking)}，不能删除；"
                "如挂职已提前结束，请办理“提前结束”。"
            )
        _drop_derived(locked)
        _mark_deleted(locked, actor)
        record(
            event=Event.SOFT_DELETE,
            user=actor,
            ip=ip,
            obj=locked,
            detail=f"挂职任职“{locked}”移入回收站",
            before={"状态": locked.get_status_display()},
            after={"状态": "已删除（回收站）"},
        )
    return locked


def restore_secondment(
    *, actor: User, secondment: Secondment, version: int, ip: str = ""
) -> Secondment:
    if not actor.is_programme_admin:
        raise RecyclePermissionError
    with transaction.atomic():
        locked = _lock_deleted(Secondment, secondment.pk)
        if locked.version != version:
            raise RecycleConflict
        if Cadre.all_objects.filter(pk=locked.cadre_id, deleted_at__isnull=False).exists():
            raise RecycleConflict("这名干部在回收站中，请先恢复干部。")
        if Secondment.objects.filter(cadre_id=locked.cadre_id, cohort_id=locked.cohort_id).exists():
            raise RecycleConflict("这名干部在该批次已有另一条挂职任职，这条不能恢复。")
        _mark_restored(locked)
        record(
            event=Event.UNDELETE,
            user=actor,
            ip=ip,
            obj=locked,
            detail=f"挂职任职“{locked}”从回收站恢复",
            before={"状态": "已删除（回收站）"},
            after={"状态": locked.get_status_display()},
        )
    return locked


def delete_cadre(*, actor: User, cadre: Cadre, version: int, ip: str = "") -> Cadre:
    if not actor.is_programme_admin:
        raise RecyclePermissionError
    with transaction.atomic():
        locked = Cadre.objects.select_for_update().filter(pk=cadre.pk).first()
        if locked is None:
            raise RecycleConflict("这名干部已被删除。")
        if locked.version != version:
            raise RecycleConflict
        if blocking := dependents(locked):
            raise RecycleConflict(
                f"这名干部还有{'、'.join(blocking)}，不能删除；请先删除其挂职任职"
                "（或由系统管理员停用其账号）。"
            )
        _mark_deleted(locked, actor)
        record(
            event=Event.SOFT_DELETE,
            user=actor,
            ip=ip,
            obj=locked,
            detail=f"干部“{locked.name}”移入回收站",
            after={"状态": "已删除（回收站）"},
        )
    return locked


def restore_cadre(*, actor: User, cadre: Cadre, version: int, ip: str = "") -> Cadre:
    if not actor.is_programme_admin:
        raise RecyclePermissionError
    with transaction.atomic():
        locked = Cadre.all_objects.select_for_update().filter(pk=cadre.pk).first()
        if locked is None or locked.deleted_at is None:
            raise RecycleConflict("已经恢复，无需重复操作。")
        if locked.version != version:
            raise RecycleConflict
        _mark_restored(locked)
        record(
            event=Event.UNDELETE,
            user=actor,
            ip=ip,
            obj=locked,
            detail=f"干部“{locked.name}”从回收站恢复",
            before={"状态": "已删除（回收站）"},
        )
    return locked
