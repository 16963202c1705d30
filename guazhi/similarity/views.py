"""Report pages: progress while the check runs, then the ratios, the highlighted text with each
passage's source (hidden where the viewer may not see it), a side-by-side view and Word / PDF
downloads; the programme admin's table of a cohort's ratios and its Excel export.

Objects come through `guazhi.similarity.access`; the source-hiding rule is `sources.resolve`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from guazhi.audit.exports import audited_xlsx
from guazhi.audit.log import client_ip, record
from guazhi.audit.models import Event
from guazhi.lib.office import OfficeError
from guazhi.lib.official_docx import render_docx, render_pdf
from guazhi.lib.xlsx import Sheet, xlsx_response
from guazhi.roster.access import business_user, programme_admin
from guazhi.similarity import actions, cohort_table, highlight, presentation
from guazhi.similarity.access import get_version_report, get_visible_report
from guazhi.similarity.documents import report_document
from guazhi.similarity.models import Report

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PAGE_SIZE = 50


@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_visible_report(request, pk)
    user = business_user(request)
    context: dict[str, object] = {"report": report, "thresholds": presentation.thresholds()}
    if report.status == "done":
        views = presentation.passages(report, user)
        context.update(
            passages=views,
            sources=presentation.by_source(views),
            lines=highlight.lines(report.version.text, report.passages or []),
            ratios=[
                ("总文字复制比", presentation.percent(report.copy_ratio)),
                (
                    "去除引用和常用语后的复制比",
                    presentation.percent(report.copy_ratio_excluding_common),
                ),
                ("单篇最大复制比", presentation.percent(report.max_source_ratio)),
            ],
        )
    return render(request, "similarity/report_detail.html", context)


@require_GET
def report_status(request: HttpRequest, pk: int) -> JsonResponse:
    """Polled by the report page while the check runs (a read, nothing written)."""
    report = get_visible_report(request, pk)
    response = JsonResponse(
        {
            "status": report.status,
            "status_label": report.get_status_display(),
            "progress": report.progress,
            "message": report.message,
            "finished": report.is_finished,
        }
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def report_retry(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_visible_report(request, pk)
    user = business_user(request)
    if actions.retry_check(actor=user, report=report, ip=client_ip(request)):
        messages.info(request, "已重新开始查重。")
    else:
        messages.info(request, "这份报告没有失败，无需重新查重。")
    return redirect(report)


@require_GET
def report_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """One passage beside its source passage (`?p=` the passage's number)."""
    report = get_visible_report(request, pk)
    user = business_user(request)
    if report.status != "done":
        raise Http404
    views = presentation.passages(report, user)
    try:
        number = int(request.GET.get("p", "1"))
    except ValueError:
        raise Http404 from None
    if not 1 <= number <= len(views):
        raise Http404
    passage = views[number - 1]
    text = report.version.text
    source_text = passage.source.text
    return render(
        request,
        "similarity/report_compare.html",
        {
            "report": report,
            "passage": passage,
            "mine": highlight.excerpt(text, passage.start, passage.end),
            "theirs": highlight.excerpt(source_text, passage.source_start, passage.source_end)
            if source_text
            else None,
            "previous": number - 1 if number > 1 else None,
            "next": number + 1 if number < len(views) else None,
            "count": len(views),
        },
    )


def _finished(request: HttpRequest, pk: int) -> Report:
    report = get_visible_report(request, pk)
    if report.status != "done":
        raise Http404
    return report


def _audit_download(request: HttpRequest, report: Report, kind: str) -> None:
    with transaction.atomic():
        record(
            event=Event.EXPORT,
            user=request.user,
            ip=client_ip(request),
            obj=report,
            detail=f"下载查重报告（{kind}）：《{report.version.title}》第 {report.version.number} 版",
        )


def _file_name(report: Report, suffix: str) -> str:
    return f"查重报告-{report.version.title[:40]}-第{report.version.number}版.{suffix}"


def _attachment(data: bytes, name: str, content_type: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def report_docx(request: HttpRequest, pk: int) -> HttpResponse:
    report = _finished(request, pk)
    data = render_docx(report_document(report, business_user(request)))
    _audit_download(request, report, "Word")
    return _attachment(data, _file_name(report, "docx"), DOCX_TYPE)


@require_GET
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    report = _finished(request, pk)
    try:
        data = render_pdf(report_document(report, business_user(request)))
    except OfficeError as e:
        messages.error(request, str(e))
        return redirect(report)
    _audit_download(request, report, "PDF")
    return _attachment(data, _file_name(report, "pdf"), "application/pdf")


@require_GET
def version_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The report of a writing version (for links from the writing's pages). A version the
    viewer may read that has no report (a draft, or a check that could not even be queued)
    leads back to the version, with a word why."""
    version, report = get_version_report(request, pk)
    if report is None:
        messages.info(request, "这一版没有查重报告：只有提交的版本才会查重。")
        return redirect(version)
    return redirect(report)


# --- The cohort table (programme admin) ----------------------------------------------------


@require_GET
def cohort_list(request: HttpRequest) -> HttpResponse:
    programme_admin(request)
    form = cohort_table.CohortTableForm(request.GET or None)
    reports = form.filtered() if form.is_bound else cohort_table.CohortTableForm({}).filtered()
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    return render(
        request,
        "similarity/cohort_table.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "sort_query": sort_query.urlencode(),
            "headers": cohort_table.headers(form.sort_key()),
            "thresholds": presentation.thresholds(),
        },
    )


@require_GET
def cohort_export(request: HttpRequest) -> FileResponse:
    user = programme_admin(request)
    form = cohort_table.CohortTableForm(request.GET or {})
    reports = form.filtered()
    data = audited_xlsx(
        actor=user,
        ip=client_ip(request),
        sheet=Sheet("查重结果", cohort_table.EXPORT_COLUMNS, cohort_table.export_rows(reports)),
        object_type="similarity.report",
        object_repr="材料查重结果",
        describe=lambda n: f"导出材料查重结果 {n} 行",
        after={"筛选": {k: v for k, v in request.GET.items() if v}},
    )
    return xlsx_response(data, "材料查重结果.xlsx")
