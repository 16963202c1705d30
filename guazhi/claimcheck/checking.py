"""Running the claims check of a submitted writing version.

`enqueue(version_id)` is called by `guazhi.writings.checks.on_submitted` once a submission has
committed: it makes the version's `ClaimCheck` (排队中) and enqueues `tasks.check_claims`. The
task's body, `run_check`, reads the ledger (no lock), matches the version's frozen text and
stores the findings in one short UPDATE. Extraction and matching take milliseconds, but they
stay out of the submit transaction all the same: the submission never waits on them or fails
because of them.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from guazhi.writings.models import WritingVersion

from .matching import check_text, summarise
from .models import CheckStatus, ClaimCheck
from .period import term_so_far, writing_period

logger = logging.getLogger(__name__)

FAILED = "数字核对未能完成。请点击“重新核对”；如仍失败，请联系系统管理员。"
ENQUEUE_FAILED = "数字核对任务未能加入后台队列。请点击“重新核对”；如仍失败，请联系系统管理员。"


def enqueue(version_id: int) -> ClaimCheck | None:
    """Make the check of a submitted version and start it (once per version)."""
    version = WritingVersion.objects.filter(pk=version_id, is_submission=True).first()
    if version is None:
        return None
    check, created = ClaimCheck.objects.get_or_create(
        version=version, defaults={"writing_id": version.writing_id}
    )
    if created:
        start(check)
    return check


def start(check: ClaimCheck) -> None:
    from .tasks import check_claims

    try:
        check_claims.enqueue(check.pk)
    except Exception:
        logger.exception("could not enqueue the claims check %s", check.pk)
        ClaimCheck.objects.filter(pk=check.pk).update(
            status=CheckStatus.FAILED, message=ENQUEUE_FAILED
        )


def run_check(check_id: int) -> str:
    """The task's body; returns the check's final status."""
    check = (
        ClaimCheck.objects.filter(pk=check_id)
        .select_related("version__writing__secondment", "version__writing__requirement")
        .first()
    )
    if check is None:
        return "missing"
    version = check.version
    try:
        start, end = writing_period(version)
        findings = check_text(
            version.text,
            secondment=version.writing.secondment,
            start=start,
            end=end,
            wider=term_so_far(version),
        )
    except Exception:
        logger.exception("claims check %s failed", check.pk)
        ClaimCheck.objects.filter(pk=check.pk).update(
            status=CheckStatus.FAILED, message=FAILED, runs=F("runs") + 1
        )
        return CheckStatus.FAILED
    summary = summarise(findings)
    with transaction.atomic():
        ClaimCheck.objects.filter(pk=check.pk).update(
            status=CheckStatus.DONE,
            message="",
            period_start=start,
            period_end=end,
            findings=[f.to_dict() for f in findings],
            total=summary.total,
            supported=summary.supported,
            unsupported=summary.unsupported,
            contradicted=summary.contradicted,
            runs=F("runs") + 1,
            checked_at=timezone.now(),
        )
    return CheckStatus.DONE
