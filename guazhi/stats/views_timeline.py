"""A secondment's timeline and its weekly or monthly digest (page and Excel), for whoever may
see the secondment: the cadre (their own), its host and home liaisons, the programme admin."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from guazhi.audit.exports import audited_xlsx
from guazhi.audit.log import client_ip
from guazhi.lib.xlsx import Column, Sheet, xlsx_response
from guazhi.roster.access import business_user, get_visible_secondment
from guazhi.stats.digest import (
    COLUMNS,
    PERIODS,
    BadPeriod,
    Period,
    digest,
    digest_rows,
    parse_period,
)
from guazhi.stats.timeline import KINDS, timeline


def _page_number(value: str | None) -> int:
    try:
        return int(value or 1)
    except ValueError:
        return 1


def secondment_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    user = business_user(request)
    secondment = get_visible_secondment(request, pk)
    kind = request.GET.get("kind", "")
    if kind not in KINDS:
        kind = ""
    result = timeline(user, secondment, kind=kind, page=_page_number(request.GET.get("page")))
    return render(
        request,
        "stats/timeline.html",
        {"s": secondment, "timeline": result, "kinds": KINDS},
    )


def _period(request: HttpRequest) -> tuple[Period | None, str]:
    try:
        period = parse_period(
            request.GET.get("period"), request.GET.get("date"), today=timezone.localdate()
        )
    except BadPeriod as e:
        return None, str(e)
    return period, ""


def secondment_digest(request: HttpRequest, pk: int) -> HttpResponse:
    user = business_user(request)
    secondment = get_visible_secondment(request, pk)
    period, error = _period(request)
    context: dict[str, object] = {"s": secondment, "error": error}
    if period is None:
        return render(request, "stats/digest.html", context, status=400)
    context.update(
        period=period,
        digest=digest(user, secondment, period),
        today=timezone.localdate(),
    )
    return render(request, "stats/digest.html", context)


def secondment_digest_export(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    user = business_user(request)
    secondment = get_visible_secondment(request, pk)
    period, error = _period(request)
    if period is None:
        return render(request, "stats/digest.html", {"s": secondment, "error": error}, status=400)
    result = digest(user, secondment, period)
    title = f"{secondment.cadre.name}{period.title}"
    data = audited_xlsx(
        actor=user,
        ip=client_ip(request),
        sheet=Sheet(
            PERIODS[period.kind],
            [Column(c, width=w) for c, w in zip(COLUMNS, (18, 40, 14, 8), strict=True)],
            digest_rows(result),
        ),
        object_type="stats.digest",
        object_repr=title,
        describe=lambda count: f"导出{title} {count} 行",
        after={"secondment": secondment.pk, "period": period.kind, "start": f"{period.start}"},
    )
    return xlsx_response(data, f"{title}.xlsx")
