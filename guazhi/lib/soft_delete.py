"""Soft deletion: a row with `deleted_at` set sits in the recycle bin (回收站).

The models' default manager (`objects`) leaves such rows out, so every list, export, count,
dashboard and related manager built on it stops seeing them without each one remembering a
filter; `all_objects` reaches the bin for the recycle page and the restore action. Forward
foreign keys (problem.entry) use the base manager and still resolve, which keeps old links and
audit records intact; the pages behind them answer 404.
"""

from __future__ import annotations

from typing import Any

from django.db import models


class LiveManager(models.Manager[Any]):
    """Rows not in the recycle bin. Build with `LiveManager.from_queryset(SomeQuerySet)()`."""

    def get_queryset(self) -> Any:
        return super().get_queryset().filter(deleted_at__isnull=True)


def has_soft_delete(model: Any) -> bool:
    """Whether `model` (possibly a migration's historical model) has the deleted_at column yet."""
    return any(f.name == "deleted_at" for f in model._meta.get_fields())
