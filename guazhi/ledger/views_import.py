"""Ledger Excel import, two phases: upload (validated outside any transaction, the rows kept
in a job of the uploader's) and commit (all or nothing). Programme admin only; every other role
gets 404. An import is seen only by the admin who uploaded it."""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guazhi.audit.log import client_ip
from guazhi.jobs.models import Job
from guazhi.ledger import import_actions, import_workbooks, importing
from guazhi.ledger.exporting import BASE_COLUMNS, EXPORT_ONLY
from guazhi.ledger.models import Category, FigureField
from guazhi.lib.xlsx import UnsafeWorkbook, check_upload, xlsx_response
from guazhi.roster.access import programme_admin
from guazhi.roster.forms import BootstrapMixin
from guazhi.roster.models import Secondment, Unit

REPORT_ON_PAGE = 500
PREVIEW_ON_PAGE = 200


class LedgerUploadForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label="工作纪实文件",
        help_text="Excel 工作簿（.xlsx，或旧版 .xls、WPS 表格 .et）。请使用导入模板，或本系统导出的台账。",
        error_messages={"required": "请选择要上传的文件。"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = (
            ".xlsx,.xls,.et,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
            "application/vnd.ms-excel"
        )
        self.content = b""
        self.sha256 = ""

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        max_bytes = settings.GUAZHI_MAX_UPLOAD_MB * 1024 * 1024
        if upload.size > max_bytes:  # refuse before reading it into memory
            raise forms.ValidationError(
                f"文件大小为 {upload.size / 1024 / 1024:.1f} MB，超过了 "
                f"{settings.GUAZHI_MAX_UPLOAD_MB} MB 的上限。"
            )
        data = upload.read(max_bytes + 1)
        try:
            check_upload(upload.name, data, max_bytes=max_bytes)
        except UnsafeWorkbook as e:
            raise forms.ValidationError(str(e)) from None
        self.content = data
        self.sha256 = hashlib.sha256(data).hexdigest()
        previous = import_actions.committed_before(self.sha256)
        if previous is not None:
            raise forms.ValidationError(
                f"这个文件已于 {previous.created_at:%Y-%m-%d %H:%M} 导入过，没有重复导入。"
            )
        return upload


def _recent(user: Any) -> Any:
    return Job.objects.owned_by(user).filter(kind=importing.KIND).defer("params")[:10]


@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    user = programme_admin(request)
    if request.method == "POST":
        form = LedgerUploadForm(request.POST, request.FILES)
    else:
        form = LedgerUploadForm()
    if form.is_bound and form.is_valid():
        name = form.cleaned_data["file"].name or "工作纪实.xlsx"
        try:
            # Parsed here, outside any transaction (the database is only read).
            outcome = importing.validate_ledger(form.content)
        except UnsafeWorkbook as e:
            form.add_error("file", str(e))
        else:
            job = import_actions.record_upload(
                actor=user,
                ip=client_ip(request),
                file_name=name,
                sha256=form.sha256,
                outcome=outcome,
            )
            return redirect("ledger:import_detail", pk=job.pk)
    return render(
        request,
        "ledger/import_upload.html",
        {
            "form": form,
            "recent": _recent(user),
            "max_mb": settings.GUAZHI_MAX_UPLOAD_MB,
            "columns": [c for c in BASE_COLUMNS if c.key not in EXPORT_ONLY],
            "max_rows": importing.MAX_ROWS,
        },
    )


@require_GET
def import_template(request: HttpRequest) -> FileResponse:
    programme_admin(request)
    return xlsx_response(import_workbooks.build_template(), "工作纪实导入模板.xlsx")


def get_ledger_import(request: HttpRequest, pk: int) -> Job:
    """An import of this admin's (404 for everyone else, and for other admins' imports)."""
    user = programme_admin(request)
    return get_object_or_404(Job.objects.owned_by(user).filter(kind=importing.KIND), pk=pk)


def _preview(job: Job) -> list[dict[str, Any]]:
    rows = (job.params.get("rows") or [])[:PREVIEW_ON_PAGE]
    categories = dict(Category.objects.values_list("pk", "name"))
    fields = {str(f.pk): f for f in FigureField.objects.all()}
    secondments = Secondment.objects.select_related("host_unit").in_bulk(
        {r["secondment"] for r in rows}
    )
    units = Unit.objects.in_bulk({r["place_unit"] for r in rows if r["place_unit"]})
    preview = []
    for r in rows:
        s = secondments.get(r["secondment"])
        preview.append(
            {
                "row": r["row"],
                "date": r["date"],
                "cadre": r["cadre"],
                "host": s.host_unit.name if s else "",
                "category": categories.get(r["category"], ""),
                "title": r["title"],
                "place": units[r["place_unit"]].name
                if r["place_unit"] in units
                else r["place_text"],
                "figures": "，".join(
                    f"{fields[k].label} {v.rstrip('0').rstrip('.') if '.' in v else v}{fields[k].unit}"
                    for k, v in r["figures"].items()
                    if k in fields
                ),
            }
        )
    return preview


@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_ledger_import(request, pk)
    report = job.params.get("report") or []
    errors = [i for i in report if i["level"] == "error"]
    state = job.params.get("state")
    return render(
        request,
        "ledger/import_detail.html",
        {
            "job": job,
            "state": state,
            "file_name": job.params.get("file_name", ""),
            "report": report[:REPORT_ON_PAGE],
            "report_total": len(report),
            "report_truncated": len(report) > REPORT_ON_PAGE,
            "error_count": len(errors),
            "error_rows": len({i["row"] for i in errors}),
            "entry_count": len(job.params.get("rows") or []),
            "committed": job.params.get("committed", 0),
            "preview": _preview(job) if state == "validated" else [],
            "preview_truncated": len(job.params.get("rows") or []) > PREVIEW_ON_PAGE,
        },
    )


@require_GET
def import_report(request: HttpRequest, pk: int) -> FileResponse:
    job = get_ledger_import(request, pk)
    stem = job.params.get("file_name", "").rsplit(".", 1)[0]
    safe = "".join(ch for ch in stem if ch not in '\\/:*?"<>|\r\n\t').strip() or "工作纪实"
    return xlsx_response(import_workbooks.build_report(job), f"校验报告_{safe}.xlsx")


@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_ledger_import(request, pk)
    try:
        count = import_actions.commit_ledger_import(
            actor=programme_admin(request), ip=client_ip(request), job=job
        )
    except importing.ImportRefused as e:
        messages.error(request, str(e))
    else:
        messages.success(request, f"导入成功：新增工作纪实 {count:,} 条，等待接收单位确认。")
    return redirect("ledger:import_detail", pk=job.pk)
