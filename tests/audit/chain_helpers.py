"""Helpers for tests that attack the audit chain the way an insider with database access would:
raw SQL, bypassing the application."""

from __future__ import annotations

import hashlib
import hmac

from django.db import connection

from guazhi.audit.log import record
from guazhi.audit.models import GENESIS_HASH, AuditRecord, Event

TABLE = AuditRecord._meta.db_table


def raw(sql: str, params: list | tuple = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))


def make_chain(n: int = 5) -> list[AuditRecord]:
    for i in range(1, n + 1):
        record(
            event=Event.EDIT,
            username=f"user{i}",
            ip="10.0.0.1",
            object_type="roster.cadre",
            object_id=str(i),
            object_repr=f"对象{i}",
            detail=f"第{i}次修改",
            before={"name": "旧"},
            after={"name": f"新{i}"},
        )
    return list(AuditRecord.objects.order_by("seq"))


def rewrite_chain(hasher) -> None:  # type: ignore[no-untyped-def]
    """Recompute every hash in order with `hasher(canonical bytes)` and write it back with raw
    SQL: what an insider does after changing a record."""
    prev = GENESIS_HASH
    for entry in AuditRecord.objects.order_by("seq"):
        entry.prev_hash = prev
        entry.hash = hasher(entry.canonical())
        raw(
            f"UPDATE {TABLE} SET prev_hash = %s, hash = %s WHERE id = %s",
            [prev, entry.hash, entry.pk],
        )
        prev = entry.hash


def plain_sha256(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def hmac_with(key: bytes):  # type: ignore[no-untyped-def]
    return lambda payload: hmac.new(key, payload, hashlib.sha256).hexdigest()
