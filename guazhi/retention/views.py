"""The recycle bin (回收站): what the user deleted (the admin: everything deleted that it sees),
with restore; and the delete buttons' targets. Changes go through `guazhi.retention.actions`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from guazhi.audit.log import client_ip
from guazhi.ledger.models import Entry
from guazhi.retention import access, actions, roster_actions
from guazhi.roster.models import Cadre, Secondment
from guazhi.writings.models import Writing

SHOWN = 200  # the newest deleted of each kind; older ones stay restorable by the admin


def recycle_bin(request: HttpRequest) -> HttpResponse:
    user = access.recycle_user(request)
    entries = list(
        Entry.all_objects.visible_to(user)
        .filter(deleted_at__isnull=False)
        .select_related("secondment__cadre", "category", "deleted_by")
        .order_by("-deleted_at", "-pk")[:SHOWN]
    )
    writings = list(
        Writing.all_objects.visible_to(user)
        .filter(deleted_at__isnull=False)
        .select_related("secondment__cadre", "deleted_by")
        .order_by("-deleted_at", "-pk")[:SHOWN]
    )
    items: list[Entry | Writing] = [*entries, *writings]
    for item in items:
        item.may_restore = actions.may_restore(user, item)  # type: ignore[union-attr]
    context: dict[str, Any] = {"entries": entries, "writings": writings}
    if user.is_programme_admin:
        context["cadres"] = list(
            Cadre.all_objects.filter(deleted_at__isnull=False)
            .select_related("home_unit", "deleted_by")
            .order_by("-deleted_at", "-pk")[:SHOWN]
        )
        context["secondments"] = list(
            Secondment.all_objects.filter(deleted_at__isnull=False)
            .select_related("cadre", "cohort", "host_unit", "deleted_by")
            .order_by("-deleted_at", "-pk")[:SHOWN]
        )
    return render(request, "retention/recycle_bin.html", context)


def _version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1  # a form without its version is treated as stale


def _run(request: HttpRequest, change: Callable[[], Any], done: str) -> bool:
    try:
        change()
    except actions.RecycleConflict as e:
        messages.error(request, e.message)
        return False
    messages.success(request, done)
    return True


@require_POST
def entry_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry = access.get_deletable_entry(request, pk)
    user = access.recycle_user(request)
    if _run(
        request,
        lambda: actions.delete_entry(
            actor=user, entry=entry, version=_version(request), ip=client_ip(request)
        ),
        f"工作纪实“{entry.title}”已移入回收站，可在回收站恢复。",
    ):
        return redirect("retention:recycle_bin")
    return redirect(entry)


@require_POST
def entry_restore(request: HttpRequest, pk: int) -> HttpResponse:
    entry = access.get_restorable_entry(request, pk)
    user = access.recycle_user(request)
    if _run(
        request,
        lambda: actions.restore_entry(
            actor=user, entry=entry, version=_version(request), ip=client_ip(request)
        ),
        f"工作纪实“{entry.title}”已恢复。",
    ):
        return redirect(entry)
    return redirect("retention:recycle_bin")


@require_POST
def writing_delete(request: HttpRequest, pk: int) -> HttpResponse:
    writing = access.get_deletable_writing(request, pk)
    user = access.recycle_user(request)
    if _run(
        request,
        lambda: actions.delete_writing(
            actor=user, writing=writing, version=_version(request), ip=client_ip(request)
        ),
        f"材料“{writing.title}”已移入回收站，可在回收站恢复。",
    ):
        return redirect("retention:recycle_bin")
    return redirect(writing)


@require_POST
def writing_restore(request: HttpRequest, pk: int) -> HttpResponse:
    writing = access.get_restorable_writing(request, pk)
    user = access.recycle_user(request)
    if _run(
        request,
        lambda: actions.restore_writing(
            actor=user, writing=writing, version=_version(request), ip=client_ip(request)
        ),
        f"材料“{writing.title}”已恢复。",
    ):
        return redirect(writing)
    return redirect("retention:recycle_bin")


@require_POST
def cadre_delete(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = access.get_deletable_cadre(request, pk)
    user = access.recycle_user(request)
    if _run(
        request,
        lambda: roster_actions.delete_cadre(
            actor=user, cadre=cadre, version=_version(request), ip=client_ip(request)
        ),
        f"干部“{cadre.name}”已移入回收站，可在回收站恢复。",
    ):
        return redirect("retention:recycle_bin")
    return redirect(cadre)


@require_POST
def cadre_restore(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = access.get_restorable_cadre(request, pk)
    user = access.recycle_user(request)
    if _run(
        request,
        lambda: roster_actions.restore_cadre(
            actor=user, cadre=cadre, version=_version(request), ip=client_ip(request)
        ),
        f"干部“{cadre.name}”已恢复。",
    ):
        return redirect(cadre)
    return redirect("retention:recycle_bin")


@require_POST
def secondment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    secondment = access.get_deletable_secondment(request, pk)
    user = access.recycle_user(request)
    if _run(
        request,
        lambda: roster_actions.delete_secondment(
            actor=user, secondment=secondment, version=_version(request), ip=client_ip(request)
        ),
        f"挂职任职“{secondment}”已移入回收站，可在回收站恢复。",
    ):
        return redirect("retention:recycle_bin")
    return redirect(secondment)


@require_POST
def secondment_restore(request: HttpRequest, pk: int) -> HttpResponse:
    secondment = access.get_restorable_secondment(request, pk)
    user = access.recycle_user(request)
    if _run(
        request,
        lambda: roster_actions.restore_secondment(
            actor=user, secondment=secondment, version=_version(request), ip=client_ip(request)
        ),
        f"挂职任职“{secondment}”已恢复。",
    ):
        return redirect(secondment)
    return redirect("retention:recycle_bin")
