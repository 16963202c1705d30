"""The batch export page: the programme admin (or a host liaison, for the cadres posted to their
unit) picks a cohort, a kind and optionally a requirement; a background job builds the .zip and
the user is sent to its progress page (`guazhi.jobs`), which ends with a download link."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from guazhi.audit.log import client_ip
from guazhi.jobs.models import Job
from guazhi.lib import office
from guazhi.writings import batch_export
from guazhi.writings.access import reviewer
from guazhi.writings.forms_export import BatchExportForm
from guazhi.writings.tasks import export_writings

logger = logging.getLogger(__name__)


def batch_export_view(request: HttpRequest) -> HttpResponse:
    user = reviewer(request)
    form = BatchExportForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        cohort, kind, requirement = data["cohort"], data["kind"], data.get("requirement")
        count = batch_export.exportable(
            user, cohort=cohort, kind=kind, requirement=requirement
        ).count()
        if not count:
            form.add_error(None, "没有符合条件的已提交或已通过的材料，未导出。")
        elif data.get("with_pdf") and not office.libreoffice_available():
            form.add_error(
                "with_pdf",
                "服务器未安装 LibreOffice，无法生成 PDF，请取消勾选，只导出 Word 版本。",
            )
        else:
            job = Job.objects.create(
                user=user,
                kind=batch_export.JOB_KIND,
                title=batch_export.job_title(cohort, kind, requirement),
                message=f"共 {count} 篇，排队等待生成",
                params={
                    "cohort": cohort.pk,
                    "kind": kind,
                    "requirement": requirement.pk if requirement else None,
                    "pdf": bool(data.get("with_pdf")),
                    "ip": client_ip(request),
                },
            )
            try:
                export_writings.enqueue(job.pk)
            except Exception:
                # The job row stays, failed with a reason, so the user's job list explains it.
                logger.exception("could not enqueue the writings export job %s", job.pk)
                job.fail("后台任务未能启动，请稍后重试；如仍失败，请联系系统管理员。")
                messages.error(request, "后台任务未能启动，请稍后重试。")
                return redirect("writings:batch_export")
            return redirect(job)
    return render(request, "writings/batch_export.html", {"form": form})
