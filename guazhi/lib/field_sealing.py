"""Whole-table passes over encrypted columns, in raw SQL so that they never depend on the
model classes of the day: the migrations that encrypt existing rows (and decrypt them back),
and `manage.py rotate_field_key`. Imports no app.

A column is described by its name, the context bound into its tokens and its blind indexes
(digest column, tail length; 0 for the whole value). A JSON column is sealed as its text.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from guazhi.lib.field_crypto import Keyring, index_context, is_token, token_key_id


@dataclass(frozen=True)
class Column:
    name: str
    context: str
    digests: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    batch: int = field(default=500, compare=False)


def _digest(ring: Keyring, plain: str, context: str, tail: int) -> str | None:
    if not plain:
        return None
    return ring.index(plain[-tail:] if tail else plain, index_context(context, tail))


def _rows_after(
    connection: BaseDatabaseWrapper, table: Table, last_id: int, *, lock: bool
) -> list[tuple[Any, ...]]:
    q = connection.ops.quote_name
    names = ", ".join(q(c.name) for c in table.columns)
    # Table and column names come from the code (migrations, model fields), quoted.
    sql = (
        f"SELECT {q('id')}, {names} FROM {q(table.name)} WHERE {q('id')} > %s "  # noqa: S608
        f"ORDER BY {q('id')} LIMIT %s"
    )
    if lock and connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    with connection.cursor() as cursor:
        cursor.execute(sql, [last_id, table.batch])
        return list(cursor.fetchall())


def _update(
    connection: BaseDatabaseWrapper, table: Table, row_id: int, values: dict[str, Any]
) -> None:
    q = connection.ops.quote_name
    sets = ", ".join(f"{q(name)} = %s" for name in values)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {q(table.name)} SET {sets} WHERE {q('id')} = %s",  # noqa: S608
            [*values.values(), row_id],
        )


def _as_text(value: Any) -> str:
    """A JSON column reads back as text on SQLite and as a Python value on PostgreSQL."""
    if value is None or isinstance(value, str):
        return value or ""
    return json.dumps(value, ensure_ascii=False)


def _pass(
    connection: BaseDatabaseWrapper,
    table: Table,
    ring: Keyring,
    change: Callable[[Column, str], tuple[str, str] | None],
    *,
    on_batch: Callable[[int, int], None] | None = None,
) -> int:
    """Walk the table in batches of ids, each batch in its own short transaction (a stopped
    run keeps what it did, and a rerun skips it). `change(column, stored)` gives (new stored
    value, plain value) or None to leave the column alone. Returns the rows changed."""
    changed_rows, last_id = 0, 0
    while True:
        with transaction.atomic(using=connection.alias):
            rows = _rows_after(connection, table, last_id, lock=True)
            if not rows:
                return changed_rows
            for row in rows:
                row_id, stored = row[0], row[1:]
                values: dict[str, Any] = {}
                for column, value in zip(table.columns, stored, strict=True):
                    outcome = change(column, _as_text(value))
                    if outcome is None:
                        continue
                    values[column.name], plain = outcome
                    for digest_column, tail in column.digests:
                        values[digest_column] = _digest(ring, plain, column.context, tail)
                if values:
                    _update(connection, table, row_id, values)
                    changed_rows += 1
            last_id = rows[-1][0]
        if on_batch is not None:
            on_batch(last_id, changed_rows)


def seal_tables(connection: BaseDatabaseWrapper, tables: Sequence[Table], ring: Keyring) -> int:
    """Encrypt plain values and fill their blind indexes (tokens already there are left)."""

    def seal(column: Column, stored: str) -> tuple[str, str] | None:
        if not stored or is_token(stored):
            return None
        return ring.encrypt(stored, column.context), stored

    return sum(_pass(connection, t, ring, seal) for t in tables)


def open_tables(connection: BaseDatabaseWrapper, tables: Sequence[Table], ring: Keyring) -> int:
    """The reverse: decrypt back to plain values and clear the blind indexes."""

    def unseal(column: Column, stored: str) -> tuple[str, str] | None:
        if not stored or not is_token(stored):
            return None
        return ring.decrypt(stored, column.context), ""

    return sum(_pass(connection, t, ring, unseal) for t in tables)


def rotate_table(
    connection: BaseDatabaseWrapper,
    table: Table,
    ring: Keyring,
    *,
    on_batch: Callable[[int, int], None] | None = None,
) -> int:
    """Re-seal every token not under the current key and recompute its blind indexes."""

    def reseal(column: Column, stored: str) -> tuple[str, str] | None:
        if not stored or token_key_id(stored) == ring.current_id:
            return None
        plain = ring.decrypt(stored, column.context)
        return ring.encrypt(plain, column.context), plain

    return _pass(connection, table, ring, reseal, on_batch=on_batch)


def count_stale(connection: BaseDatabaseWrapper, table: Table, ring: Keyring) -> int:
    """Rows holding a token under another key than the current one (or a plain value)."""
    q = connection.ops.quote_name
    prefix = f"gf1${ring.current_id}$"
    conditions = " OR ".join(
        f"({q(c.name)} <> '' AND {q(c.name)} NOT LIKE %s)" for c in table.columns
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {q(table.name)} WHERE {conditions}",  # noqa: S608
            [prefix + "%"] * len(table.columns),
        )
        return int(cursor.fetchone()[0])


def vacuum_sqlite(connection: BaseDatabaseWrapper) -> None:
    """Rewrite a SQLite file so the plain values just replaced leave no trace in free pages or
    in the write-ahead log. Outside any transaction; a no-op elsewhere."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
