"""Running the originality check of a submitted writing version.

`enqueue(version_id)` is called by `guazhi.writings.checks.on_submitted` once a submission has
committed: it makes the version's `Report` (status 排队中) and enqueues `tasks.check_report`.
`run_check(report_id)` is the task's body: it reads the published index (no lock: the engine's
shared store), compares the version's text with every other writing's latest submission and the
reference corpus, then publishes the version into the index under the store's writer lock (it
replaces the writing's previous submission there), and stores the ratios and passages. Progress
and failure are short UPDATEs of the report's row, read by the polling page.

What does not count as copying: the same writing's earlier versions, and the author's other
writings (a term summary may reuse the author's own quarterly summaries, as CNKI's
去除本人文献复制比 leaves self-reuse out). Both are excluded from the comparison
(`exclude_ids`); the index itself is not touched for that.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from guazhi.similarity import store
from guazhi.similarity.models import Report, ReportStatus
from guazhi.writings.models import WritingVersion

logger = logging.getLogger(__name__)

ENGINE_FAILED = "查重未能完成：比对过程中出现错误。请点击“重新查重”；如仍失败，请联系系统管理员。"
ENQUEUE_FAILED = "查重任务未能加入后台队列。请点击“重新查重”；如仍失败，请联系系统管理员。"


def enqueue(version_id: int) -> Report | None:
    """Make the report of a submitted version and start its check (once per version)."""
    version = (
        WritingVersion.objects.filter(pk=version_id, is_submission=True)
        .select_related("writing")
        .first()
    )
    if version is None:
        return None
    report, created = prepare(version)
    if created:
        start(report)
    return report


def prepare(version: WritingVersion) -> tuple[Report, bool]:
    """The version's report (queued), and whether it was made now."""
    with transaction.atomic():
        report, created = Report.objects.get_or_create(
            version=version, defaults={"writing": version.writing, "message": "排队等待查重"}
        )
        # The cohort table shows one report per writing: that of its latest submission.
        Report.objects.filter(writing=version.writing, is_current=True).exclude(
            pk=report.pk
        ).update(is_current=False)
    return report, created


def start(report: Report) -> None:
    from guazhi.similarity.tasks import check_report

    try:
        check_report.enqueue(report.pk)
    except Exception:
        logger.exception("could not enqueue the originality check of report %s", report.pk)
        report._update(status=ReportStatus.FAILED, message=ENQUEUE_FAILED)


def reset_failed(report: Report) -> bool:
    """Put a failed report back in the queue; False if it had not failed (nothing to do)."""
    reset = Report.objects.filter(pk=report.pk, status=ReportStatus.FAILED).update(
        status=ReportStatus.QUEUED, progress=0, message="排队等待查重", finished_at=None
    )
    if reset:
        report.refresh_from_db()
    return bool(reset)


def run_check(report_id: int) -> str:
    """The task's body; returns the report's final status."""
    report = (
        Report.objects.filter(pk=report_id).select_related("version__writing__secondment").first()
    )
    if report is None or report.status in (ReportStatus.DONE, ReportStatus.RUNNING):
        return report.status if report else "missing"
    report.set_progress(
        5,
        "正在打开比对库",
        status=ReportStatus.RUNNING,
        started_at=timezone.now(),
        attempts=F("attempts") + 1,
    )
    try:
        _compare(report)
    except store.StoreBusy:
        report._update(
            status=ReportStatus.FAILED, message=store.BUSY_MESSAGE, finished_at=timezone.now()
        )
    except Exception:
        logger.exception("originality check of report %s failed", report.pk)
        report._update(
            status=ReportStatus.FAILED, message=ENGINE_FAILED, finished_at=timezone.now()
        )
    return report.status


def _compare(report: Report) -> None:
    version = report.version
    cadre_id = version.writing.secondment.cadre_id
    own_versions = WritingVersion.objects.filter(
        writing__secondment__cadre_id=cadre_id, is_submission=True
    )
    own_ids = [store.version_id(pk) for pk in own_versions.values_list("pk", flat=True)]
    index = store.current_index()
    report.set_progress(30, "正在逐段比对")
    result = check_text(index, version.text, exclude_ids=own_ids)
    engine = store.engine_info(index, documents=len(index) - sum(i in index for i in own_ids))
    report.set_progress(80, "正在更新比对库")
    # The writing's latest submission replaces its earlier ones in the index, after the check:
    # an original is never reported as a copy of a later copy. (A retried check of an older
    # version puts back the latest, not itself.)
    writing_versions = own_versions.filter(writing_id=version.writing_id)
    latest = store.latest_submissions().filter(writing_id=version.writing_id)
    store.update(
        add=((store.version_id(pk), text) for pk, text in latest.values_list("pk", "text")),
        remove=[store.version_id(pk) for pk in writing_versions.values_list("pk", flat=True)],
    )
    report._update(
        status=ReportStatus.DONE,
        progress=100,
        message="",
        chars=result.chars,
        copy_ratio=result.copy_ratio,
        copy_ratio_excluding_common=result.copy_ratio_excluding_common,
        max_source_ratio=result.max_source_ratio,
        passages=[p.to_dict() for p in result.passages],
        engine=engine,
        finished_at=timezone.now(),
    )


def check_text(
    index: store.OriginalityIndex, text: str, *, exclude_ids: list[str]
) -> store.CheckResult:
    """The engine's comparison (a seam for tests that make the engine fail)."""
    return index.check(text, exclude_ids=exclude_ids)
