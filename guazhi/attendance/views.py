"""In-post attendance: the cadre's one-tap check-in, and the monthly days-on-post report."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from guazhi.accounts.models import User
from guazhi.attendance import actions
from guazhi.attendance.forms import MonthFilterForm
from guazhi.attendance.months import MonthRow, month_rows
from guazhi.audit.exports import audited_xlsx
from guazhi.audit.log import client_ip
from guazhi.lib.xlsx import Column, Sheet, xlsx_response
from guazhi.roster.models import Secondment

PAGE_SIZE = 50


def _report_viewer(request: HttpRequest) -> User:
    """The admin and the liaisons (scoped by visible_to); cadres see their own days at home."""
    user = request.user
    if not isinstance(user, User) or not user.has_business_role or user.is_cadre:
        raise Http404
    return user


@require_POST
def checkin(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User) or not user.is_cadre:
        raise Http404
    try:
        done = actions.check_in(
            actor=user, ip=client_ip(request), place=request.POST.get("place", "")
        )
    except ValidationError as e:
        messages.error(request, "".join(e.messages))
    else:
        messages.success(request, f"已打卡：{done.checked_at:%Y-%m-%d %H:%M}。")
    return redirect("home")


def _rows(request: HttpRequest, user: User) -> tuple[MonthFilterForm, list[MonthRow]]:
    data = request.GET.copy()
    if not data.get("month"):
        today = timezone.localdate()
        data["month"] = f"{today:%Y-%m}"  # shown in the month input, not an empty one
    form = MonthFilterForm(data, user=user)
    if not form.is_valid():
        return form, []
    year, month = form.cleaned_data["month"]
    secondments = Secondment.objects.visible_to(user)
    if form.cleaned_data.get("cohort"):
        secondments = secondments.filter(cohort=form.cleaned_data["cohort"])
    rows = month_rows(secondments, year=year, month=month)
    if form.cleaned_data.get("short_only"):
        rows = [r for r in rows if r.short]
    return form, rows


def month_report(request: HttpRequest) -> HttpResponse:
    user = _report_viewer(request)
    form, rows = _rows(request, user)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "attendance/month_report.html",
        {
            "form": form,
            "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            "total": len(rows),
            "short_count": sum(1 for r in rows if r.short),
            "month": form.month_value() if form.is_valid() else "",
            "query": query.urlencode(),
        },
    )


COLUMNS = [
    Column("姓名", 10),
    Column("批次", 24),
    Column("接收单位", 16),
    Column("挂任职务", 18),
    Column("在岗天数", 10),
    Column("其中有纪实", 10),
    Column("其中打卡", 10),
    Column("本月应在岗（天）", 14),
    Column("是否达标", 10),
]


def month_export(request: HttpRequest) -> FileResponse:
    user = _report_viewer(request)
    form, rows = _rows(request, user)
    month = form.month_value() if form.is_valid() else ""
    data = audited_xlsx(
        actor=user,
        ip=client_ip(request),
        sheet=Sheet(
            f"在岗天数{month}",
            COLUMNS,
            (
                [
                    r.secondment.cadre.name,
                    r.secondment.cohort.name,
                    r.secondment.host_unit.name,
                    r.secondment.post,
                    r.days,
                    r.entry_days,
                    r.checkin_days,
                    r.required_here if r.required is not None else "不作要求",
                    "未达标" if r.short else "达标",
                ]
                for r in rows
            ),
        ),
        object_type="attendance.month",
        object_repr=f"在岗天数 {month}",
        describe=lambda count: f"导出 {month} 在岗天数 {count} 行",
    )
    return xlsx_response(data, f"在岗天数_{month}.xlsx")
