"""A background job's page (progress bar, polled), its status as JSON, and the download of its
result. Only the user who started a job sees it: for everyone else it does not exist (404)."""

from __future__ import annotations

import mimetypes

from django.conf import settings
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from guazhi.audit.log import client_ip, record
from guazhi.audit.models import Event
from guazhi.jobs.models import Job
from guazhi.lib.xlsx import XLSX_CONTENT_TYPE


def get_own_job(request: HttpRequest, pk: int) -> Job:
    return get_object_or_404(Job.objects.owned_by(request.user), pk=pk)


@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    """The user's own recent jobs (a large export can be fetched later from here)."""
    jobs = Job.objects.owned_by(request.user).defer("params")[:50]
    return render(
        request,
        "jobs/job_list.html",
        {"jobs": jobs, "retention_days": settings.GUAZHI_JOB_RETENTION_DAYS},
    )


@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_own_job(request, pk)
    if job.page:
        return redirect(job.page)
    return render(
        request,
        "jobs/job_detail.html",
        {"job": job, "retention_days": settings.GUAZHI_JOB_RETENTION_DAYS},
    )


@require_GET
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    """Polled by the page while the job runs (a read, nothing written)."""
    job = get_own_job(request, pk)
    response = JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "progress": job.progress,
            "message": job.message,
            "finished": job.is_finished,
        }
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    """The result file, to its owner only; every download is audited with its row count."""
    job = get_own_job(request, pk)
    path = job.result_path
    if not job.downloadable or path is None:
        raise Http404
    with transaction.atomic():
        record(
            event=Event.EXPORT,
            user=request.user,
            ip=client_ip(request),
            obj=job,
            detail=f"下载后台导出文件“{job.result_name}”（{job.row_count or 0} 行）",
            after={"job": job.pk, "kind": job.kind, "rows": job.row_count or 0},
        )
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=job.result_name,
        # Most results are workbooks; batch exports of documents are .zip files.
        content_type=mimetypes.guess_type(job.result_name)[0] or XLSX_CONTENT_TYPE,
    )
    response["Cache-Control"] = "no-store"
    return response
