"""Writing audit records. Call `record(...)` inside the transaction of the change it records,
so that either both are saved or neither is."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from guazhi.audit.models import GENESIS_HASH, AuditRecord, Event, Result
from guazhi.lib.identity import mask_id_number, mask_mobile

# Field names whose values are personal data: stored masked in before/after.
_MASKERS = {
    "id_number": mask_id_number,
    "身份证号": mask_id_number,
    "mobile": mask_mobile,
    "手机号": mask_mobile,
}
_SECRET_FIELDS = {"password"}
_ADVISORY_LOCK_KEY = 7_410_942  # arbitrary, constant: serialises chain appends on PostgreSQL


def mask_personal_data(data: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if data is None:
        return None
    masked: dict[str, Any] = {}
    for key, value in data.items():
        if key in _SECRET_FIELDS:
            masked[key] = "******"
        elif key in _MASKERS and value:
            masked[key] = _MASKERS[key](str(value))
        elif isinstance(value, Mapping):
            masked[key] = mask_personal_data(value)
        else:
            masked[key] = value if isinstance(value, (int, float, bool, type(None))) else str(value)
    return masked


def client_ip(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    # Behind the department's reverse proxy set GUAZHI_TRUST_X_FORWARDED_FOR? Not by default:
    # a forged header must not hide the real address in the audit log.
    return request.META.get("REMOTE_ADDR", "")


def record(
    *,
    event: Event | str,
    request: HttpRequest | None = None,
    user: Any = None,
    ip: str | None = None,
    username: str = "",
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    result: Result | str = Result.SUCCESS,
    detail: str = "",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> AuditRecord:
    """Append one record to the chain, in the caller's transaction.

    Actions pass `user` (the actor) and `ip` (the client address) rather than a request, so
    that commands and background tasks can call them too; views may still pass `request`."""
    request_user = getattr(request, "user", None) if request is not None else None
    if user is None and request_user is not None and request_user.is_authenticated:
        user = request_user
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:255]
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
        # On SQLite the IMMEDIATE transaction already holds the database's write lock.
        last = AuditRecord.objects.order_by("-seq").only("seq", "hash").first()
        entry = AuditRecord(
            seq=(last.seq + 1) if last else 1,
            time=timezone.now(),
            user=user if user is not None and user.pk else None,
            username=(user.username if user is not None else username)[:150],
            role=(getattr(user, "role", "") or "") if user is not None else "",
            ip=ip if ip is not None else client_ip(request),
            event=str(event),
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr[:255],
            result=str(result),
            detail=detail[:500],
            before=mask_personal_data(before),
            after=mask_personal_data(after),
            prev_hash=last.hash if last else GENESIS_HASH,
        )
        entry.hash = entry.compute_hash()
        entry.save(force_insert=True)
    return entry


def verify_chain(*, batch_size: int = 2000) -> tuple[int, str | None]:
    """Walk the chain in order. Return (records checked, first problem in Chinese or None)."""
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    last_seq = 0
    while True:
        batch = list(AuditRecord.objects.filter(seq__gt=last_seq).order_by("seq")[:batch_size])
        if not batch:
            return checked, None
        for entry in batch:
            if entry.seq != expected_seq:
                if entry.seq > expected_seq:
                    return checked, (
                        f"第 {expected_seq} 条至第 {entry.seq - 1} 条记录缺失（被删除）。"
                    )
                return checked, f"第 {entry.seq} 条记录序号重复（被插入）。"
            if entry.prev_hash != prev_hash:
                return (
                    checked,
                    f"第 {entry.seq} 条记录与上一条的链接不符（其前有记录被删除或插入）。",
                )
            if entry.compute_hash() != entry.hash:
                return checked, f"第 {entry.seq} 条记录的内容与其哈希不符（被篡改）。"
            prev_hash = entry.hash
            expected_seq += 1
            last_seq = entry.seq
            checked += 1
