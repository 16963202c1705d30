"""Pruning audit records past their retention period (GUAZHI_AUDIT_RETENTION_DAYS).

The chain stays verifiable from an anchor: the prune first appends an AUDIT_PRUNE record that
names the last record it removes (its seq and hash), then deletes every record up to that one.
`walk_chain` starts from the anchor: the first record kept must link to the anchor's hash, and
the anchor itself is covered by the keyed chain, so someone without the key can neither forge a
prune nor cut more records off the front than a prune removed.

This is the one sanctioned path that deletes audit records (raw SQL, as `audit_rekey` is for
updates); the ORM's delete paths stay refused. It refuses to prune a chain that does not verify,
so a prune can never erase the evidence of tampering.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from guazhi.audit import head
from guazhi.audit.log import chain_start, lock_chain, record, walk_chain
from guazhi.audit.models import AuditRecord, Event

# 等保 2.0 (GB/T 22239-2019 8.1.4.3 with 《网络安全法》第二十一条): logs kept six months at least.
MIN_RETENTION_DAYS = 184


class PruneRefused(Exception):
    """The chain cannot be pruned as it is (message in Chinese); nothing was deleted."""


@dataclass
class Pruned:
    removed: int  # records deleted by this run (including a finished earlier run)
    through_seq: int  # the anchor: the last record removed
    through_hash: str
    cutoff: datetime
    export_problem: str | None = None


def retention_days() -> int:
    return int(getattr(settings, "GUAZHI_AUDIT_RETENTION_DAYS", 365))


def prune_audit(
    *, operator: str, now: datetime | None = None, batch_size: int = 5000
) -> Pruned | None:
    """Remove records older than the retention period; None when none are due."""
    days = retention_days()
    if days < MIN_RETENTION_DAYS:
        raise PruneRefused(
            f"审计日志保存期限 {days} 天低于 {MIN_RETENTION_DAYS} 天（六个月），不予清理。"
        )
    cutoff = (now or timezone.now()) - timedelta(days=days)
    report = walk_chain()
    problem = report.problem
    if problem is None:
        try:
            exported = head.last_exported()
        except head.HeadFileError as e:
            problem = str(e)
        else:
            problem = head.compare_with_exported(exported) if exported else None
    if problem:
        raise PruneRefused(f"审计日志校验未通过，不予清理（以免抹去篡改的痕迹）：{problem}")

    with transaction.atomic():
        lock_chain()
        # The first record still inside the retention period: everything before it goes, even
        # if a clock step left an older time further on (that one is kept, never the reverse).
        first_kept = (
            AuditRecord.objects.filter(time__gte=cutoff)
            .order_by("seq")
            .values_list("seq", flat=True)
            .first()
        )
        last = AuditRecord.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        through = (first_kept - 1) if first_kept is not None else last
        first, _link, (anchor_seq, anchor_hash) = chain_start()
        if through <= anchor_seq:
            through, through_hash = anchor_seq, anchor_hash  # finish an interrupted prune
        else:
            through_hash = AuditRecord.objects.values_list("hash", flat=True).get(seq=through)
            record(
                event=Event.AUDIT_PRUNE,
                username=operator,
                object_type="audit.chain",
                object_repr="审计日志哈希链",
                detail=(
                    f"按保存期限 {days} 天清理 {timezone.localtime(cutoff):%Y-%m-%d %H:%M} "
                    f"之前的审计记录：第 {first} 至 {through} 条；锚点 第 {through} 条 "
                    f"{through_hash}"
                ),
                before={"first_seq": first},
                after={
                    "through_seq": through,
                    "through_hash": through_hash,
                    "retention_days": days,
                    "cutoff": cutoff.isoformat(timespec="seconds"),
                },
            )
    if first > through:
        return None
    removed = _delete_through(first, through, batch_size=batch_size)
    newest = AuditRecord.objects.order_by("-seq").only("seq", "hash").first()
    assert newest is not None  # the prune record itself
    export_problem = None
    try:
        head.export_head(
            seq=newest.seq, hash=newest.hash, kind="prune", note=f"anchor {through} {through_hash}"
        )
    except head.HeadFileError as e:
        export_problem = str(e)  # pruned; only the export is missing
    return Pruned(removed, through, through_hash, cutoff, export_problem)


def _delete_through(first: int, through: int, *, batch_size: int) -> int:
    """Delete seq first..through in short transactions, oldest first, so the site keeps
    writing meanwhile (SQLite locks the whole database per write transaction) and an interrupted
    run leaves a prefix removed, which `walk_chain` accepts and the next run finishes."""
    table = connection.ops.quote_name(AuditRecord._meta.db_table)
    removed = 0
    low = first
    while low <= through:
        high = min(low + batch_size - 1, through)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {table} WHERE seq >= %s AND seq <= %s",  # noqa: S608
                [low, high],
            )
            removed += max(cursor.rowcount, 0)
        low = high + 1
    return removed
