"""The home page (a dashboard for each role) and the Excel export of each chart's data."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from guazhi.accounts.models import User
from guazhi.audit.exports import audited_xlsx
from guazhi.audit.log import client_ip
from guazhi.lib.xlsx import Column, Sheet, xlsx_response
from guazhi.stats.dashboard import chart_for, dashboard


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    return render(request, "stats/home.html", dashboard(user))


def chart_export(request: HttpRequest, key: str) -> FileResponse:
    """One chart's rows as a workbook (the same rows as the table under the chart)."""
    user = request.user
    if not isinstance(user, User) or not user.has_business_role:
        raise Http404
    chart = chart_for(user, key)
    if chart is None:
        raise Http404
    data = audited_xlsx(
        actor=user,
        ip=client_ip(request),
        sheet=Sheet(chart.title, [Column(c, width=18) for c in chart.columns], chart.rows),
        object_type="stats.chart",
        object_repr=chart.title,
        describe=lambda count: f"导出统计图表“{chart.title}”的数据 {count} 行",
    )
    return xlsx_response(data, f"{chart.title}_{timezone.localdate():%Y%m%d}.xlsx")
