"""Roster Excel import, two phases: the upload is validated (outside any transaction) and kept as
parsed rows; the commit saves them. Programme admin only; every other role gets 404, like any
page it may not see."""

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
from guazhi.lib.identity import mask_id_number
from guazhi.lib.xlsx import UnsafeWorkbook, check_upload, xlsx_response
from guazhi.roster import exporting, import_actions
from guazhi.roster.access import programme_admin
from guazhi.roster.columns import ROSTER_FIELDS
from guazhi.roster.forms import BootstrapMixin
from guazhi.roster.import_report import ImportRefused, ParsedRow
from guazhi.roster.import_validation import validate_roster
from guazhi.roster.models import Cohort, RosterImport, RosterImportStatus, Unit
from guazhi.roster.views_export import safe_filename

REPORT_ON_PAGE = 500  # the downloadable report has every item
PREVIEW_ON_PAGE = 500


# --- Upload (phase 1) ---------------------------------------------------------------------------


class ImportUploadForm(BootstrapMixin, forms.Form):
    cohort = forms.ModelChoiceField(
        label="导入到批次", queryset=Cohort.objects.none(), empty_label="请选择批次"
    )
    file = forms.FileField(
        label="名册文件",
        help_text="Excel 工作簿（.xlsx，或旧版 .xls、WPS 表格 .et）。请使用导入模板，或列标题与模板一致的名册。",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = Cohort.objects.visible_to(user)  # type: ignore[attr-defined]
        self.fields["file"].widget.attrs["accept"] = (
            ".xlsx,.xls,.et,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
            "application/vnd.ms-excel"
        )
        self.content = b""
        self.sha256 = ""
        self.refused_reason = ""  # set when the file failed a safety check

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
            self.refused_reason = str(e)
            raise forms.ValidationError(str(e)) from None
        self.content = data
        self.sha256 = hashlib.sha256(data).hexdigest()
        previous = import_actions.committed_duplicate(self.sha256)
        if previous is not None:
            raise forms.ValidationError(import_actions.duplicate_message(previous))
        return upload


@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    user = programme_admin(request)
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES, user=user)
        if form.is_valid():
            cohort = form.cleaned_data["cohort"]
            # Parsed once, here, outside any transaction (the database is only read).
            result = validate_roster(form.content, cohort=cohort)
            roster_import = import_actions.record_upload(
                actor=user,
                ip=client_ip(request),
                cohort=cohort,
                file_name=form.cleaned_data["file"].name,
                sha256=form.sha256,
                result=result,
            )
            return redirect("roster:import_detail", pk=roster_import.pk)
        if form.refused_reason:
            upload = request.FILES.get("file")
            import_actions.record_refused_upload(
                actor=user,
                ip=client_ip(request),
                file_name=(upload.name or "") if upload else "",
                reason=form.refused_reason,
            )
    else:
        form = ImportUploadForm(user=user, initial={"cohort": request.GET.get("cohort")})
    recent = RosterImport.objects.select_related("cohort", "uploaded_by").defer("parsed")[:10]
    return render(
        request,
        "roster/import_upload.html",
        {
            "form": form,
            "recent": recent,
            "max_mb": settings.GUAZHI_MAX_UPLOAD_MB,
            "fields": ROSTER_FIELDS,
        },
    )


@require_GET
def import_template(request: HttpRequest) -> FileResponse:
    programme_admin(request)
    return xlsx_response(exporting.build_template(), "干部名册导入模板.xlsx")


# --- Report -------------------------------------------------------------------------------------


def get_roster_import(request: HttpRequest, pk: int) -> RosterImport:
    """An import, for the programme admin only (404 for everyone else)."""
    programme_admin(request)
    return get_object_or_404(RosterImport.objects.select_related("cohort", "uploaded_by"), pk=pk)


def _preview(roster_import: RosterImport) -> list[dict[str, Any]]:
    """The rows that the commit will save, ID masked, from the rows cached at upload."""
    if roster_import.status != RosterImportStatus.VALIDATED:
        return []
    data = (roster_import.parsed or {}).get("rows", [])[:PREVIEW_ON_PAGE]
    unit_ids = {r["values"][k] for r in data for k in ("home_unit", "host_unit")} - {None}
    units = Unit.objects.in_bulk(unit_ids)
    rows = [ParsedRow.from_json(r, units) for r in data]
    existing = {r["row"] for r in data if r.get("existing")}
    return [
        {
            "row": p.row,
            "name": p.values["name"],
            "id_number": mask_id_number(p.values["id_number"]),
            "home_unit": p.values["home_unit"],
            "host_unit": p.values["host_unit"],
            "post": p.values["post"],
            "start_date": p.values["start_date"],
            "planned_end_date": p.values["planned_end_date"],
            "existing": p.row in existing,
        }
        for p in rows
    ]


@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    roster_import = get_roster_import(request, pk)
    report = roster_import.report
    error_rows = sorted({item["row"] for item in report if item.get("level") == "error"})
    return render(
        request,
        "roster/import_detail.html",
        {
            "ri": roster_import,
            "report": report[:REPORT_ON_PAGE],
            "report_truncated": len(report) > REPORT_ON_PAGE,
            "report_total": len(report),
            "errors": [i for i in report if i.get("level") == "error"],
            "notes": [i for i in report if i.get("level") != "error"],
            "error_rows": error_rows,
            "preview": _preview(roster_import),
            "preview_truncated": roster_import.row_count > PREVIEW_ON_PAGE,
            "can_commit": roster_import.status == RosterImportStatus.VALIDATED,
        },
    )


@require_GET
def import_report(request: HttpRequest, pk: int) -> FileResponse:
    roster_import = get_roster_import(request, pk)
    stem = roster_import.file_name.rsplit(".", 1)[0]
    data = exporting.build_report(roster_import)
    import_actions.record_report_download(
        actor=programme_admin(request), ip=client_ip(request), roster_import=roster_import
    )
    return xlsx_response(data, safe_filename(f"校验报告_{stem}") + ".xlsx")


# --- Commit (phase 2) ---------------------------------------------------------------------------


@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    roster_import = get_roster_import(request, pk)
    try:
        counts = import_actions.commit_import(
            actor=programme_admin(request), ip=client_ip(request), roster_import=roster_import
        )
    except ImportRefused as e:
        messages.error(request, str(e))
    else:
        messages.success(
            request,
            f"导入成功：新增干部 {counts.cadres_created} 人，更新干部 {counts.cadres_updated} 人，"
            f"新增挂职记录 {counts.secondments_created} 条。",
        )
    return redirect("roster:import_detail", pk=roster_import.pk)
