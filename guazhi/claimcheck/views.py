"""The claims check of a writing version: the text with each figure marked by outcome, what the
ledger holds for it and the evidence the viewer may open; a status answer for the polling page;
the reviewers' 「重新核对」."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from guazhi.audit.log import client_ip
from guazhi.roster.access import business_user

from . import actions, checking
from .access import get_recheckable_version, get_version_check
from .models import CheckStatus, ClaimCheck
from .presentation import show_findings, text_runs


@require_GET
def version_check(request: HttpRequest, pk: int) -> HttpResponse:
    version, check = get_version_check(request, pk)
    user = business_user(request)
    shown = show_findings(check.finding_list(), user) if check and check.is_done else []
    return render(
        request,
        "claimcheck/version_check.html",
        {
            "version": version,
            "writing": version.writing,
            "check": check,
            "shown": shown,
            "runs": text_runs(version.text, shown) if shown else [],
            "can_recheck": version.writing.is_reviewer(user),
        },
    )


@require_GET
def version_status(request: HttpRequest, pk: int) -> JsonResponse:
    _, check = get_version_check(request, pk)
    status = check.status if check else ""
    return JsonResponse(
        {"status": status, "finished": bool(check) and status != CheckStatus.QUEUED}
    )


@require_POST
def version_recheck(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_recheckable_version(request, pk)
    check = ClaimCheck.objects.filter(version=version).first()
    if check is None:
        # Submitted before the claims check existed: the first check is made now.
        checking.enqueue(version.pk)
    else:
        actions.recheck(actor=business_user(request), check=check, ip=client_ip(request))
    messages.success(request, "已重新核对文中数字。")
    return redirect("claimcheck:version_check", version.pk)
