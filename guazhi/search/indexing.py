"""Writing the whole index again from the ledger and the shared library: `manage.py search_index
--rebuild`, the data migration, and the benchmark's generator. The actions keep it current
after that; a rebuild is for a new installation, a restore, or entries inserted by hand.

Batches of `batch` rows, each in its own short transaction (on SQLite a write transaction
locks the database: a rebuild of millions of rows must not stop the site for minutes). While it
runs, search may miss what was not written yet.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction

from guazhi.lib import search_index

BATCH = 5000


def index_entries(
    entry_model: Any, *, batch: int = BATCH, progress: Callable[[int], None] | None = None
) -> int:
    """Every ledger entry of `entry_model` (the model, or a migration's historical model)."""
    done, last = 0, 0
    fields = ("pk", "secondment_id", "category_id", "date", "title", "text", "tags")
    while True:
        chunk = list(entry_model.objects.filter(pk__gt=last).order_by("pk").only(*fields)[:batch])
        if not chunk:
            return done
        with transaction.atomic():
            search_index.index_entries(chunk)
        done += len(chunk)
        last = chunk[-1].pk
        if progress is not None:
            progress(done)


def index_shares(share_model: Any, *, batch: int = BATCH) -> int:
    """Every writing shared now (withdrawn shares are not searchable)."""
    done, last = 0, 0
    while True:
        chunk = list(
            share_model.objects.filter(is_active=True, pk__gt=last)
            .select_related("writing")
            .order_by("pk")[:batch]
        )
        if not chunk:
            return done
        rows = [search_index.writing_row(s.writing, s.shared_at.date()) for s in chunk]
        with transaction.atomic():
            search_index.write(rows)
        done += len(chunk)
        last = chunk[-1].pk


def rebuild(*, progress: Callable[[int], None] | None = None) -> dict[str, int]:
    from guazhi.ledger.models import Entry
    from guazhi.library.models import Share

    with transaction.atomic():
        search_index.clear()
    entries = index_entries(Entry, progress=progress)
    shares = index_shares(Share)
    search_index.optimize()
    return {"entries": entries, "writings": shares}
