"""同届经验 pages: the index (a cadre's postings, the cohorts' maps, the admin's refresh), a
secondment's peers, a cohort's 经验地图 and its Excel export.

Objects come through `guazhi.peers.access`; what is shown of each peer is decided in
`guazhi.peers.experience`, the map's rows in `guazhi.peers.cohort_map`.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from guazhi.audit.exports import audited_xlsx
from guazhi.audit.log import client_ip
from guazhi.jobs.models import Job, JobStatus
from guazhi.lib.xlsx import Column, Sheet, xlsx_response
from guazhi.peers.access import (
    business_user,
    get_visible_cohort,
    get_visible_secondment,
    programme_admin,
)
from guazhi.peers.cohort_map import cohort_map
from guazhi.peers.experience import peer_cards
from guazhi.peers.refresh import last_computed
from guazhi.peers.tasks import JOB_KIND, refresh_peers
from guazhi.roster.models import Cohort, Secondment

logger = logging.getLogger(__name__)


def index(request: HttpRequest) -> HttpResponse:
    user = business_user(request)
    secondments = (
        Secondment.objects.visible_to(user).filter(cadre_id=user.cadre_id or 0).with_related()
        if user.is_cadre
        else Secondment.objects.none()
    )
    running = (
        Job.objects.filter(kind=JOB_KIND, status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
        .order_by("-created_at")
        .first()
        if user.is_programme_admin
        else None
    )
    return render(
        request,
        "peers/index.html",
        {
            "secondments": secondments.order_by("-start_date"),
            "cohorts": Cohort.objects.visible_to(user).order_by("-start_date", "name"),
            "computed_at": last_computed(),
            "running": running,
        },
    )


def secondment_peers(request: HttpRequest, pk: int) -> HttpResponse:
    user = business_user(request)
    secondment = get_visible_secondment(request, pk)
    context = peer_cards(user, secondment)
    context["secondment"] = secondment
    context["own"] = user.is_cadre and secondment.cadre_id == user.cadre_id
    return render(request, "peers/secondment_peers.html", context)


def cohort_map_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = business_user(request)
    cohort = get_visible_cohort(request, pk)
    data = cohort_map(user, cohort)
    return render(
        request,
        "peers/cohort_map.html",
        {
            "map": data,
            "table": data.table(),
            "leaders": data.leaders(),
            "heatmap": data.heatmap(),
            "visible_ids": set(
                Secondment.objects.visible_to(user)
                .filter(cohort=cohort)
                .values_list("pk", flat=True)
            ),
        },
    )


def cohort_map_export(request: HttpRequest, pk: int) -> FileResponse:
    user = business_user(request)
    cohort = get_visible_cohort(request, pk)
    data = cohort_map(user, cohort)
    title = f"{cohort.name}经验地图"
    workbook = audited_xlsx(
        actor=user,
        ip=client_ip(request),
        sheet=Sheet(
            "经验地图",
            [Column("干部", width=12), Column("接收单位", width=22)]
            + [Column(c, width=10) for c in data.columns[2:]],
            data.table(),
        ),
        object_type="peers.cohort_map",
        object_repr=title[:255],
        describe=lambda count: f"导出“{title}”（各干部各类别纪实条数）{count} 行",
    )
    return xlsx_response(workbook, f"{title}_{timezone.localdate():%Y%m%d}.xlsx")


@require_POST
def refresh_view(request: HttpRequest) -> HttpResponse:
    """The admin starts a refresh now (it also runs daily); the progress page follows it."""
    user = programme_admin(request)
    running = Job.objects.filter(
        kind=JOB_KIND, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
    ).first()
    if running is not None:
        messages.info(request, "同届经验正在重新计算，请稍候。")
        return redirect("peers:index")
    job = Job.objects.create(
        user=user,
        kind=JOB_KIND,
        title="重新计算同届经验（相似干部）",
        message="排队等待计算",
        params={"ip": client_ip(request)},
    )
    try:
        refresh_peers.enqueue(job.pk)
    except Exception:
        logger.exception("could not enqueue the peers refresh job %s", job.pk)
        job.fail("后台任务未能启动，请稍后重试；如仍失败，请联系系统管理员。")
        messages.error(request, "后台任务未能启动，请稍后重试。")
        return redirect("peers:index")
    return redirect(job)
