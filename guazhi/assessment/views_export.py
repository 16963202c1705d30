"""Documents: one cadre's appraisal form as Word or PDF, a period's forms as a .zip (a
background job with a progress bar), and a period's results workbook. Every export is
audited."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from guazhi.accounts.models import User
from guazhi.assessment import appraisal, appraisal_docx, results, workbook
from guazhi.assessment.access import business_user, get_managed_period, get_result_assessment
from guazhi.assessment.models import Assessment
from guazhi.assessment.tasks import FORMATS, export_forms, forms_job_title
from guazhi.audit.log import client_ip, record
from guazhi.audit.models import Event
from guazhi.jobs.models import Job
from guazhi.lib.office import OfficeError
from guazhi.lib.xlsx import xlsx_response

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _download(data: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response["Cache-Control"] = "no-store"
    return response


def _audit_export(request: HttpRequest, obj: object, detail: str) -> None:
    with transaction.atomic():
        record(event=Event.EXPORT, user=request.user, ip=client_ip(request), obj=obj, detail=detail)


def _form(request: HttpRequest, pk: int) -> tuple[Assessment, User, appraisal_docx.AppraisalForm]:
    assessment = get_result_assessment(request, pk)
    user = business_user(request)
    return assessment, user, appraisal.build_form(assessment, user)


@require_GET
def appraisal_word(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, _user, form = _form(request, pk)
    data = appraisal_docx.render_docx(form)
    _audit_export(request, assessment, f"下载{assessment.period.form_title}（Word）")
    return _download(data, appraisal.file_name(assessment, "docx"), DOCX_TYPE)


@require_GET
def appraisal_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, _user, form = _form(request, pk)
    try:
        data = appraisal_docx.render_pdf(form)
    except OfficeError as error:
        messages.error(request, str(error))
        return redirect(assessment)
    _audit_export(request, assessment, f"下载{assessment.period.form_title}（PDF）")
    return _download(data, appraisal.file_name(assessment, "pdf"), "application/pdf")


@require_GET
def period_workbook(request: HttpRequest, pk: int) -> HttpResponseBase:
    period = get_managed_period(request, pk)
    assessments = Assessment.objects.filter(period=period).with_related()
    rows = results.rows_for(period, assessments)
    data = workbook.build_workbook(period, rows)
    _audit_export(request, period, f"导出考核结果汇总表（{len(rows)} 人）")
    return xlsx_response(data, workbook.workbook_name(period))


@require_POST
def period_forms(request: HttpRequest, pk: int) -> HttpResponse:
    """Start the batch export; the user is sent to the job's progress page."""
    period = get_managed_period(request, pk)
    fmt = request.POST.get("format", "docx")
    if fmt not in FORMATS:
        fmt = "docx"
    job = Job.objects.create(
        user=business_user(request),
        kind="assessment_forms",
        title=forms_job_title(period, fmt),
        message="排队等待生成",
        params={"period": period.pk, "format": fmt, "ip": client_ip(request)},
    )
    export_forms.enqueue(job.pk)
    return redirect(job)
