"""Writing the whole index again from the ledger and the shared library: `manage.py search_index
--rebuild`, the data migration, and the benchmark's generator. The actions keep it current
after that; a rebuild is for a new installation, a restore, or entries inserted by hand.

Batches of `batch` source rows by id range, each in its own short transaction (on SQLite a write
transaction locks the database: a rebuild of millions of rows must not stop the site for
minutes), each one INSERT … SELECT (SQLite) or COPY (PostgreSQL) through
`search_index.fill`. While it runs, search may miss what was not written yet; on PostgreSQL
the GIN index is dropped for the fill and built again at the end (`begin_bulk` / `end_bulk`).

The functions take the models (or a migration's historical models) and read their tables by
name, so the data migration can use them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from guazhi.lib import search_index
from guazhi.lib.soft_delete import has_soft_delete

BATCH = 5000


def _table(model: Any) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


def _in_batches(
    select: str,
    table: str,
    *,
    params: tuple[Any, ...] = (),
    batch: int,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Fill from `select` (`params`, then the id range's two ends) over the ids of `table`."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT min(id), max(id) FROM {table}")  # noqa: S608
        low, high = cursor.fetchone()
    if low is None:
        return 0
    done = 0
    for start in range(low, high + 1, batch):
        with transaction.atomic():
            done += search_index.fill(select, [*params, start, start + batch])
        if progress is not None:
            progress(done)
    return done


def index_entries(
    entry_model: Any, *, batch: int = BATCH, progress: Callable[[int], None] | None = None
) -> int:
    """Every ledger entry of `entry_model` (the model, or a migration's historical model)."""
    entries = _table(entry_model)
    select = (
        f"SELECT e.id AS oid, {search_index.ENTRY} AS source, e.secondment_id,"  # noqa: S608
        " e.category_id, '' AS kind, e.date, NULL AS cohort_id, e.title, e.text, e.tags"
        f" FROM {entries} e WHERE e.id >= %s AND e.id < %s"
    )
    if has_soft_delete(entry_model):
        select += " AND e.deleted_at IS NULL"  # the recycle bin is not searchable
    return _in_batches(select, entries, batch=batch, progress=progress)


def index_shares(share_model: Any, *, batch: int = BATCH) -> int:
    """Every writing shared now (withdrawn shares are not searchable), dated by its sharing."""
    shares = _table(share_model)
    writings = _table(share_model._meta.get_field("writing").related_model)
    # The share's day in the site's time zone, as the share action dates it.
    day, day_params = connection.ops.datetime_cast_date_sql(
        "s.shared_at", (), timezone.get_current_timezone_name()
    )
    select = (
        f"SELECT w.id AS oid, {search_index.WRITING} AS source, w.secondment_id,"  # noqa: S608
        f" NULL AS category_id, w.kind, {day} AS date, s.cohort_id, w.title, w.text,"
        f" '' AS tags FROM {shares} s JOIN {writings} w ON w.id = s.writing_id"
        " WHERE s.is_active AND s.id >= %s AND s.id < %s"
    )
    if has_soft_delete(share_model._meta.get_field("writing").related_model):
        select += " AND w.deleted_at IS NULL"
    return _in_batches(select, shares, params=tuple(day_params), batch=batch)


def rebuild(*, progress: Callable[[int], None] | None = None) -> dict[str, int]:
    from guazhi.ledger.models import Entry
    from guazhi.library.models import Share

    with transaction.atomic():
        search_index.clear()
    search_index.begin_bulk()
    entries = index_entries(Entry, progress=progress)
    shares = index_shares(Share)
    search_index.end_bulk()
    return {"entries": entries, "writings": shares}
