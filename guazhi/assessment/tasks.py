"""Background tasks of the assessment (django-tasks; `manage.py db_worker` runs them, tests run
them at once). A task takes ids, never objects.

The batch export renders one appraisal form per cadre of a period into a .zip, reporting its
progress to the job's page after each form (`guazhi.lib.zipdocs`).
"""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from guazhi.accounts.models import User
from guazhi.assessment import appraisal, appraisal_docx
from guazhi.assessment.models import Assessment, Period
from guazhi.audit.log import record
from guazhi.audit.models import Event
from guazhi.jobs.models import Job, JobStatus
from guazhi.lib.office import OfficeError
from guazhi.lib.zipdocs import zip_documents

FORMATS = {"docx": "Word", "pdf": "PDF"}


def forms_job_title(period: Period, fmt: str) -> str:
    return f"批量导出鉴定表（{FORMATS[fmt]}）：{period.title}"


def run_forms_job(job: Job) -> None:
    job.start()
    relative, path = job.new_result_path(".zip")
    user = User.objects.get(pk=job.user_id)
    fmt = job.params.get("format", "docx")
    try:
        period = (
            Period.objects.visible_to(user)
            .select_related("scheme", "cohort")
            .get(pk=job.params["period"])
        )
        assessments = [
            a
            for a in Assessment.objects.visible_to(user).filter(period=period).with_related()
            if a.shows_result_to(user)
        ]
        render = appraisal_docx.render_pdf if fmt == "pdf" else appraisal_docx.render_docx

        def content(a: Assessment) -> bytes:
            return render(appraisal.build_form(a, user))

        def progress(done: int, total: int) -> None:
            job.set_progress(done * 100 // max(total, 1), f"已生成 {done} / {total} 份")

        result = zip_documents(
            (
                (appraisal.file_name(a, fmt), lambda a=a: content(a))  # type: ignore[misc]
                for a in assessments
            ),
            path,
            total=len(assessments),
            progress=progress,
        )
    except OfficeError as error:
        path.unlink(missing_ok=True)
        job.fail(str(error))
        return
    except Exception:
        path.unlink(missing_ok=True)
        job.fail("生成鉴定表时出错，请稍后重试；如仍失败，请联系系统管理员。")
        raise
    with transaction.atomic():
        record(
            event=Event.EXPORT,
            user=user,
            ip=job.params.get("ip", ""),
            obj=period,
            detail=f"批量导出鉴定表（{FORMATS[fmt]}）{result.written} 份",
            after={"period": period.pk, "forms": result.written, "failed": len(result.failures)},
        )
    failed = f"，{len(result.failures)} 份未能生成（见压缩包内说明）" if result.failures else ""
    job.finish(
        result_file=relative,
        result_name=f"{period.cohort.name}-{period.title}-鉴定表.zip",
        row_count=result.written,
        message=f"共 {result.written} 份{failed}",
    )


@task()
def export_forms(job_id: int) -> int:
    """Build the .zip of a period's appraisal forms for the job; returns how many forms."""
    job = Job.objects.get(pk=job_id)
    if job.status != JobStatus.QUEUED:  # already run (a retried or duplicated task)
        return job.row_count or 0
    run_forms_job(job)
    return job.row_count or 0
