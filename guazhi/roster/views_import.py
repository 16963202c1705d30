"""Roster Excel import (two phases: validate, then commit) and export. Programme admin only;
every other role gets 404, like any page it may not see."""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guazhi.audit.log import record
from guazhi.audit.models import Event, Result
from guazhi.lib.identity import mask_id_number
from guazhi.lib.xlsx import UnsafeWorkbook, check_upload, xlsx_response
from guazhi.roster import exporting, importing
from guazhi.roster.access import programme_admin
from guazhi.roster.forms import BootstrapMixin
from guazhi.roster.models import Cohort, RosterImport, RosterImportStatus

FILTER_PARAMS = ("cohort", "status", "host_unit", "home_unit", "q")
REPORT_ON_PAGE = 500  # the downloadable report has every item


def _safe_filename(text: str) -> str:
    return "".join(ch for ch in text if ch not in '\\/:*?"<>|\r\n\t').strip() or "名册"


# --- Upload (phase 1) ---------------------------------------------------------------------------


class ImportUploadForm(BootstrapMixin, forms.Form):
    cohort = forms.ModelChoiceField(
        label="导入到批次", queryset=Cohort.objects.none(), empty_label="请选择批次"
    )
    file = forms.FileField(
        label="名册文件",
        help_text="Excel 工作簿（.xlsx）。请使用导入模板，或列标题与模板一致的名册。",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = Cohort.objects.visible_to(user)  # type: ignore[attr-defined]
        self.fields["file"].widget.attrs["accept"] = (
            ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
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
        previous = importing.committed_duplicate(self.sha256)
        if previous is not None:
            raise forms.ValidationError(importing.duplicate_message(previous))
        return upload


@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    user = programme_admin(request)
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES, user=user)
        if form.is_valid():
            cohort = form.cleaned_data["cohort"]
            result = importing.validate_roster(form.content, cohort=cohort)
            ok = result.ok
            roster_import = RosterImport.objects.create(
                cohort=cohort,
                file_name=form.cleaned_data["file"].name[:255],
                sha256=form.sha256,
                # A rejected file is not kept: it holds personal data and cannot be committed.
                content=form.content if ok else b"",
                uploaded_by=user,
                status=RosterImportStatus.VALIDATED if ok else RosterImportStatus.REJECTED,
                row_count=result.data_rows,
                error_count=len(result.errors),
                report=result.report(),
            )
            return redirect("roster:import_detail", pk=roster_import.pk)
        if form.refused_reason:
            # Possible attacks (zip bombs, traversal, entities) leave a trace in the audit log.
            upload = request.FILES.get("file")
            record(
                event=Event.IMPORT,
                request=request,
                object_type="roster.rosterimport",
                object_repr=((upload.name or "") if upload else "")[:255],
                result=Result.FAILURE,
                detail=f"拒绝上传的名册文件：{form.refused_reason}",
            )
    else:
        form = ImportUploadForm(user=user, initial={"cohort": request.GET.get("cohort")})
    recent = RosterImport.objects.select_related("cohort", "uploaded_by").defer("content")[:10]
    return render(
        request,
        "roster/import_upload.html",
        {
            "form": form,
            "recent": recent,
            "max_mb": settings.GUAZHI_MAX_UPLOAD_MB,
            "fields": importing.ROSTER_FIELDS,
        },
    )


@require_GET
def import_template(request: HttpRequest) -> FileResponse:
    programme_admin(request)
    return xlsx_response(exporting.build_template(), "干部名册导入模板.xlsx")


# --- Report -------------------------------------------------------------------------------------


def _get_import(request: HttpRequest, pk: int) -> RosterImport:
    programme_admin(request)
    return get_object_or_404(RosterImport.objects.select_related("cohort", "uploaded_by"), pk=pk)


def _preview(roster_import: RosterImport) -> list[dict[str, Any]]:
    """The rows that the commit will save, ID masked (validated imports only)."""
    if roster_import.status != RosterImportStatus.VALIDATED or not roster_import.content:
        return []
    result = importing.validate_roster(bytes(roster_import.content), cohort=roster_import.cohort)
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
            "existing": p.existing_cadre is not None,
        }
        for p in result.rows
    ]


@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    roster_import = _get_import(request, pk)
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
            "can_commit": roster_import.status == RosterImportStatus.VALIDATED,
        },
    )


@require_GET
def import_report(request: HttpRequest, pk: int) -> FileResponse:
    roster_import = _get_import(request, pk)
    stem = roster_import.file_name.rsplit(".", 1)[0]
    return xlsx_response(
        exporting.build_report(roster_import), _safe_filename(f"校验报告_{stem}") + ".xlsx"
    )


# --- Commit (phase 2) ---------------------------------------------------------------------------


@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    roster_import = _get_import(request, pk)
    try:
        counts = importing.commit_import(roster_import=roster_import, request=request)
    except importing.ImportNoLongerValid as e:
        # Nothing was saved; keep the new report so the admin sees what changed.
        RosterImport.objects.filter(pk=roster_import.pk).update(
            status=RosterImportStatus.REJECTED,
            report=e.result.report(),
            error_count=len(e.result.errors),
            content=b"",
        )
        messages.error(request, str(e))
    except importing.ImportRefused as e:
        messages.error(request, str(e))
    except IntegrityError:
        messages.error(
            request,
            "导入时与其他操作冲突（可能同一文件或同一干部刚被导入），未导入任何数据，请刷新后重试。",
        )
    else:
        messages.success(
            request,
            f"导入成功：新增干部 {counts.cadres_created} 人，更新干部 {counts.cadres_updated} 人，"
            f"新增挂职记录 {counts.secondments_created} 条。",
        )
    return redirect("roster:import_detail", pk=roster_import.pk)
