"""Writing audit records. Call `record(...)` inside the transaction of the change it records,
so that either both are saved or neither is."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from guazhi.audit.models import GENESIS_HASH, AuditRecord, Event, Result, appending
from guazhi.lib.client_address import request_client_address
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
    # X-Forwarded-For counts only when it comes through GUAZHI_TRUSTED_PROXIES: a forged
    # header must not hide the real address in the audit log (the lockout reads it the same way).
    return request_client_address(request)


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
        lock_chain()
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
        token = appending.set(True)
        try:
            entry.save(force_insert=True)
        finally:
            appending.reset(token)
    return entry


def lock_chain() -> None:
    """Serialise appends (and re-keying) so the chain never forks. Call inside a transaction.
    On SQLite the IMMEDIATE transaction already holds the database's write lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])


@dataclass
class ChainReport:
    checked: int
    problem: str | None  # in Chinese; None when the chain is whole
    head_seq: int  # the last record checked (0: empty chain)
    head_hash: str
    pruned_through: int = 0  # records up to this one were pruned by retention (0: none)


def pruned_through() -> tuple[int, str]:
    """The anchor of the last retention prune: (seq, hash) of the last record it removed, as the
    prune record in the chain states it; (0, genesis) when nothing was ever pruned.

    The anchor lives in the chain itself (an AUDIT_PRUNE record, keyed like every other), so
    someone without the key can neither forge one nor move it; deleting the prune record
    leaves a gap the walk reports."""
    last = (
        AuditRecord.objects.filter(event=Event.AUDIT_PRUNE, result=Result.SUCCESS)
        .order_by("-seq")
        .only("seq", "after")
        .first()
    )
    after = last.after if last is not None and isinstance(last.after, dict) else {}
    try:
        return int(after["through_seq"]), str(after["through_hash"])
    except (KeyError, TypeError, ValueError):
        return 0, GENESIS_HASH


def chain_start() -> tuple[int, str | None, tuple[int, str]]:
    """Where a walk starts: (first seq present, the prev_hash it must carry or None when a
    prune was interrupted and the link is unknown, the prune anchor)."""
    anchor = pruned_through()
    first = AuditRecord.objects.order_by("seq").values_list("seq", flat=True).first()
    through_seq, through_hash = anchor
    if first is None or through_seq == 0 or first <= 1:
        return 1, GENESIS_HASH, anchor
    if first == through_seq + 1:
        return first, through_hash, anchor
    if first <= through_seq:
        # A prune deletes in short batches; one cut short leaves a prefix of what it removes.
        return first, None, anchor
    return through_seq + 1, through_hash, anchor


def walk_chain(*, batch_size: int = 2000, key: bytes | None = None) -> ChainReport:
    """Walk the chain in order from record 1 (or the retention anchor), stop at the first
    problem."""
    expected_seq, start_hash, (through_seq, through_hash) = chain_start()
    prev_hash: str | None = start_hash
    checked = 0
    last_seq: int | None = None

    def report(problem: str | None) -> ChainReport:
        return ChainReport(checked, problem, expected_seq - 1, prev_hash or "", through_seq)

    ordered = AuditRecord.objects.order_by("seq")
    while True:
        page = ordered if last_seq is None else ordered.filter(seq__gt=last_seq)
        batch = list(page[:batch_size])
        if not batch:
            break
        for entry in batch:
            if entry.seq < expected_seq:
                # Only possible before the first record: seq 0 sorts ahead of 1.
                return report(f"第 {entry.seq} 条记录的序号不合法：序号从 1 开始（被插入）。")
            if entry.seq > expected_seq:
                return report(f"第 {expected_seq} 条至第 {entry.seq - 1} 条记录缺失（被删除）。")
            if prev_hash is not None and entry.prev_hash != prev_hash:
                return report(
                    f"第 {entry.seq} 条记录与上一条的链接不符（其前有记录被删除或插入）。"
                )
            if entry.compute_hash(key) != entry.hash:
                if entry.compute_legacy_hash() == entry.hash:
                    if checked == 0 and not _rekeyed_before():
                        return report(
                            f"第 {entry.seq} 条记录的哈希是旧版不带密钥的 SHA-256：请运行一次 "
                            "manage.py audit_rekey，把审计链改为带密钥的哈希。"
                        )
                    return report(
                        f"第 {entry.seq} 条记录的哈希被人用不带密钥的 SHA-256 重新计算过"
                        "（审计链被改写）。"
                    )
                return report(
                    f"第 {entry.seq} 条记录的内容与其哈希不符（被篡改，或配置的审计密钥不是"
                    "写入时的密钥）。"
                )
            if entry.seq == through_seq and entry.hash != through_hash:
                return report(f"第 {entry.seq} 条记录与审计日志清理记录中的锚点不符（被改写）。")
            prev_hash = entry.hash
            expected_seq += 1
            last_seq = entry.seq
            checked += 1
    if last_seq is None and through_seq:
        # Nothing left at all, though a prune record must outlive the records it removed.
        return report(f"第 {through_seq + 1} 条之后的审计记录全部缺失（被删除）。")
    return report(None)


def _rekeyed_before() -> bool:
    # A pruned chain was keyed when pruned (retention refuses a legacy chain).
    return AuditRecord.objects.filter(event__in=[Event.AUDIT_REKEY, Event.AUDIT_PRUNE]).exists()


def verify_chain(*, batch_size: int = 2000) -> tuple[int, str | None]:
    """Walk the chain in order. Return (records checked, first problem in Chinese or None)."""
    result = walk_chain(batch_size=batch_size)
    return result.checked, result.problem
