"""The reviewer's 「重新核对」: the ledger may have been confirmed or completed since the
submission, so the host liaison or the programme admin runs the check again. Audited."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction

from guazhi.audit.log import record
from guazhi.audit.models import Event

from . import checking
from .models import CheckStatus, ClaimCheck

if TYPE_CHECKING:
    from guazhi.accounts.models import User


def may_recheck(user: User, check: ClaimCheck) -> bool:
    """Reviewers: the programme admin and the host liaison who decides the writing."""
    return check.writing.is_reviewer(user)


def recheck(*, actor: User, check: ClaimCheck, ip: str = "") -> ClaimCheck:
    """Queue the check again; the audit record keeps the counts it had before."""
    if not may_recheck(actor, check):
        raise PermissionDenied
    with transaction.atomic():
        before = check.counts()
        ClaimCheck.objects.filter(pk=check.pk).update(status=CheckStatus.QUEUED, message="")
        record(
            event=Event.STATUS_CHANGE,
            user=actor,
            ip=ip,
            obj=check,
            detail=f"重新核对《{check.writing.title}》第 {check.version.number} 版的数字",
            before={"状态": check.get_status_display(), **before},
            after={"状态": CheckStatus.QUEUED.label},
        )
    # Enqueued once committed: the worker finds the queued row, and a failure to enqueue
    # cannot undo the audit record of the request.
    checking.start(check)
    check.refresh_from_db()
    return check
