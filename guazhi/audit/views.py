from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from guazhi.accounts.models import Role, User
from guazhi.audit.exports import AUDIT_COLUMNS, audit_rows, audited_xlsx
from guazhi.audit.forms import AuditFilterForm
from guazhi.audit.log import client_ip
from guazhi.audit.models import AuditQuerySet, AuditRecord
from guazhi.lib.xlsx import Sheet, xlsx_response


def _visible_records(request: HttpRequest) -> AuditQuerySet:
    user = request.user
    if not isinstance(user, User) or not user.is_audit_admin:
        raise Http404
    return AuditRecord.objects.visible_to(user)


def record_list(request: HttpRequest) -> HttpResponse:
    records = _visible_records(request)
    form = AuditFilterForm(request.GET or None)
    filtered = form.filter(records) if request.GET else records
    page = Paginator(filtered.select_related(None), 50).get_page(request.GET.get("page"))
    # The record keeps the role's code (as it was at the time); show its name.
    labels = dict(Role.choices)
    for entry in page:
        entry.role_label = labels.get(entry.role, entry.role)  # type: ignore[attr-defined]
    return render(request, "audit/record_list.html", {"form": form, "page": page})


def record_export(request: HttpRequest) -> FileResponse:
    records = _visible_records(request)
    form = AuditFilterForm(request.GET or None)
    filtered = form.filter(records) if request.GET else records
    conditions = form.describe() or "全部"
    data = audited_xlsx(
        actor=request.user,
        ip=client_ip(request),
        sheet=Sheet("审计日志", AUDIT_COLUMNS, audit_rows(filtered.order_by("seq"))),
        object_type="audit.auditrecord",
        object_repr="审计日志",
        describe=lambda count: f"导出 {count} 条；条件：{conditions}",
    )
    filename = f"审计日志_{timezone.localtime():%Y%m%d_%H%M%S}.xlsx"
    return xlsx_response(data, filename)
