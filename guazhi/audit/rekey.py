"""Re-keying the chain: once from the plain SHA-256 of older versions, and whenever the key is
rotated. The old chain is checked first (a tampered chain is refused, not laundered), every
hash is recomputed under the current key in one transaction, and the change is recorded in the
chain itself, with the old head, so earlier printouts of the head can still be matched."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction

from guazhi.audit import head
from guazhi.audit.chain import ALGORITHM, chain_key, chain_key_id, key_from_secret
from guazhi.audit.log import chain_start, lock_chain, record
from guazhi.audit.models import GENESIS_HASH, AuditRecord, Event

LEGACY, OLD, CURRENT = 0, 1, 2
_NAMES = {LEGACY: "sha256", OLD: ALGORITHM, CURRENT: ALGORITHM}


class RekeyRefused(Exception):
    """The chain cannot be re-keyed as it is (message in Chinese); nothing was changed."""


@dataclass
class Rekeyed:
    records: int  # records whose hash was recomputed (the whole chain)
    old_head_seq: int
    old_head_hash: str
    new_head_hash: str
    export_problem: str | None = None


def rekey_chain(
    *, old_secret: bytes | None, operator: str, batch_size: int = 2000
) -> Rekeyed | None:
    """Recompute the chain under the current key; None when it already uses that key."""
    new_key = chain_key()
    old_key = key_from_secret(old_secret) if old_secret else None
    with transaction.atomic():
        lock_chain()
        exported = _exported_head(old_key)
        legacy_allowed = exported is None and not (
            AuditRecord.objects.filter(event__in=[Event.AUDIT_REKEY, Event.AUDIT_PRUNE]).exists()
        )
        schemes, old_head_seq, old_head_hash = _walk(
            new_key, old_key, legacy_allowed=legacy_allowed, batch_size=batch_size
        )
        if exported is not None and (problem := head.compare_with_exported(exported)):
            raise RekeyRefused(problem)
        if not schemes or schemes == {CURRENT}:
            return None
        new_head = _rewrite(new_key, batch_size=batch_size)
        old_name = _NAMES[min(schemes)]
        record(
            event=Event.AUDIT_REKEY,
            username=operator,
            object_type="audit.chain",
            object_repr="审计日志哈希链",
            detail=(
                f"审计链改用密钥 {chain_key_id()} 的 HMAC-SHA256：第 1 至 {old_head_seq} 条记录"
                f"重新计算；原链头 第 {old_head_seq} 条 {old_head_hash}（{old_name}）"
            ),
            before={"algorithm": old_name, "head_seq": old_head_seq, "head_hash": old_head_hash},
            after={"algorithm": ALGORITHM, "key_id": chain_key_id(), "head_hash": new_head},
        )
    last = AuditRecord.objects.order_by("-seq").first()
    assert last is not None
    export_problem = None
    try:
        head.export_head(
            seq=last.seq,
            hash=last.hash,
            kind="rekey",
            note=f"old head {old_head_seq} {old_head_hash}",
        )
    except head.HeadFileError as e:
        export_problem = str(e)  # the chain is re-keyed; only the export is missing
    return Rekeyed(old_head_seq, old_head_seq, old_head_hash, new_head, export_problem)


def _exported_head(old_key: bytes | None) -> dict[str, object] | None:
    try:
        return head.last_exported(extra_keys=(old_key,) if old_key else ())
    except head.HeadFileError as e:
        raise RekeyRefused(str(e)) from None


def _walk(
    new_key: bytes, old_key: bytes | None, *, legacy_allowed: bool, batch_size: int
) -> tuple[set[int], int, str]:
    """Check the chain under the schemes it may be in, oldest first; return the schemes seen."""
    seen: set[int] = set()
    expected, start_hash, _anchor = chain_start()
    if start_hash is None:
        raise RekeyRefused(
            "上次按保存期限清理审计日志没有完成：请先运行 manage.py retention_run，审计链未作改动。"
        )
    prev_hash, rank = start_hash, LEGACY
    last_seq = -1
    while batch := list(AuditRecord.objects.filter(seq__gt=last_seq).order_by("seq")[:batch_size]):
        for entry in batch:
            if entry.seq != expected or entry.prev_hash != prev_hash:
                raise RekeyRefused(
                    f"第 {entry.seq} 条记录的序号或链接不符（有记录被删除或插入），"
                    "请先查明原因；审计链未作改动。"
                )
            candidates = [(CURRENT, entry.compute_hash(new_key))]
            if old_key:
                candidates.append((OLD, entry.compute_hash(old_key)))
            if legacy_allowed:
                candidates.append((LEGACY, entry.compute_legacy_hash()))
            matches = [scheme for scheme, value in candidates if value == entry.hash]
            if not matches or max(matches) < rank:
                raise RekeyRefused(
                    f"第 {entry.seq} 条记录的内容与其哈希不符（被篡改，或旧密钥不对），"
                    "审计链未作改动。"
                )
            rank = max(m for m in matches if m >= rank)
            seen.add(rank)
            prev_hash, expected, last_seq = entry.hash, expected + 1, entry.seq
    return seen, expected - 1, prev_hash


def _rewrite(new_key: bytes, *, batch_size: int) -> str:
    """Recompute every hash in order (the one sanctioned raw write to the table)."""
    table = connection.ops.quote_name(AuditRecord._meta.db_table)
    # Records a retention prune removed cannot be recomputed: the first one kept still links to
    # the anchor the prune record names (`_walk` checked that).
    _first, start_hash, _anchor = chain_start()
    prev_hash, last_seq = start_hash or GENESIS_HASH, -1
    while batch := list(AuditRecord.objects.filter(seq__gt=last_seq).order_by("seq")[:batch_size]):
        rows = []
        for entry in batch:
            entry.prev_hash = prev_hash
            entry.hash = entry.compute_hash(new_key)
            rows.append((entry.prev_hash, entry.hash, entry.pk))
            prev_hash, last_seq = entry.hash, entry.seq
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET prev_hash = %s, hash = %s WHERE id = %s",  # noqa: S608
                rows,
            )
    return prev_hash
