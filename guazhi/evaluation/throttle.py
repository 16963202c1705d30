"""Rate limiting of code entry: wrong codes per client address and per round, per window.

Only wrong codes count (a used or voided code is a real code, not a guess), so a meeting room
behind one address where everyone types their own code is never held up by the others. The
address is kept only as a keyed hash inside the bucket name, and only for failed entries; a
ballot never touches this table.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from guazhi.evaluation.codes import evaluation_key
from guazhi.evaluation.models import Round, Throttle


def _window() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "GUAZHI_EVALUATION_WINDOW_MINUTES", 15)))


def window_minutes() -> int:
    return int(_window().total_seconds() // 60)


def _buckets(ip: str, round_: Round) -> dict[str, int]:
    """bucket name → the number of failures it allows per window."""
    address = hmac.new(evaluation_key(), b"address:" + ip.encode(), hashlib.sha256).hexdigest()
    return {
        f"addr:{address[:40]}": int(
            getattr(settings, "GUAZHI_EVALUATION_FAILURES_PER_ADDRESS", 20)
        ),
        f"round:{round_.pk}": int(getattr(settings, "GUAZHI_EVALUATION_FAILURES_PER_ROUND", 100)),
    }


def is_blocked(*, ip: str, round_: Round) -> bool:
    """Whether this address, or this round, has used up its wrong codes for the window."""
    limits = _buckets(ip, round_)
    since = timezone.now() - _window()
    rows = Throttle.objects.filter(bucket__in=limits, window_start__gt=since)
    return any(row.failures >= limits[row.bucket] for row in rows)


def record_failure(*, ip: str, round_: Round) -> None:
    now = timezone.now()
    since = now - _window()
    with transaction.atomic():
        for bucket in _buckets(ip, round_):
            row, _ = Throttle.objects.select_for_update().get_or_create(
                bucket=bucket, defaults={"window_start": now, "failures": 0}
            )
            if row.window_start <= since:
                row.window_start, row.failures = now, 0
            row.failures += 1
            row.save(update_fields=["window_start", "failures"])
