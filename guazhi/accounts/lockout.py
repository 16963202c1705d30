"""Login lockout (django-axes), with two limits:

- per username *and* client address (AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]):
  five wrong passwords lock that pair for 30 minutes, so an outsider guessing from another
  address cannot lock the programme admin out of their own office;
- per address, whatever the usernames (GUAZHI_LOGIN_ADDRESS_FAILURE_LIMIT, generous because a
  whole office sits behind one NAT address): password spraying across many accounts.

A locked attempt is answered exactly like a wrong password (views.locked_out), so the lock tells
a guesser nothing about the account.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def address_failures(ip_address: str, request: Any = None) -> int:
    """Failed logins from this address within the cool-off period, over all usernames."""
    if not ip_address:
        return 0
    attempts = AccessAttempt.objects.filter(ip_address=ip_address)
    if settings.AXES_COOLOFF_TIME is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    total = attempts.aggregate(total=Sum("failures_since_start"))["total"]
    return int(total or 0)


class LockoutHandler(AxesDatabaseHandler):
    def is_locked(self, request: Any, credentials: dict[str, Any] | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        limit = settings.GUAZHI_LOGIN_ADDRESS_FAILURE_LIMIT
        ip_address = getattr(request, "axes_ip_address", "")
        return bool(limit) and address_failures(ip_address, request) >= limit
