"""Roster pages: cadres, secondments, cohorts, units.

Every object comes through `visible_to(user)` (see `guazhi.roster.access`); write views are
the programme admin's and answer 404 to everyone else.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from guazhi.audit.log import client_ip
from guazhi.roster import actions
from guazhi.roster.access import (
    business_user,
    get_visible_cadre,
    get_visible_cohort,
    get_visible_secondment,
    may_reveal,
    may_see_mobile,
    programme_admin,
)
from guazhi.roster.forms import (
    CadreForm,
    CohortForm,
    RosterFilterForm,
    SecondmentForm,
    StatusChangeForm,
    UnitForm,
)
from guazhi.roster.models import (
    Cadre,
    Cohort,
    Secondment,
    SecondmentStatus,
    StaleEdit,
    Unit,
)

PAGE_SIZE = 30
# Moves that end a secondment ask for the date it ended.
_ENDING = {SecondmentStatus.COMPLETED, SecondmentStatus.ENDED_EARLY}


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def save_edit(
    request: HttpRequest, save: Callable[[], dict[str, Any]], *, done: Any, retry: str
) -> HttpResponse:
    """Run an edit action; on a stale form say so and reopen the form (`retry`, a URL), else
    say whether anything changed and go to `done`."""
    try:
        changed = save()
    except StaleEdit as e:
        messages.error(request, str(e))
        return redirect(retry)
    messages.success(request, "已保存。" if changed else "没有修改任何内容。")
    return redirect(done)


# --- Cadres -----------------------------------------------------------------------------------


def cadre_list(request: HttpRequest) -> HttpResponse:
    user = business_user(request)
    form = RosterFilterForm(request.GET, user=user)
    cadres = (
        form.filter(Cadre.objects.visible_to(user))
        .select_related("home_unit")
        .prefetch_related(
            Prefetch(
                "secondments",
                queryset=Secondment.objects.visible_to(user)
                .select_related("cohort", "host_unit")
                .order_by("-start_date"),
                to_attr="visible_secondments",
            )
        )
    )
    page = Paginator(cadres, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "roster/cadre_list.html",
        {"form": form, "page": page, "query": _query_without_page(request)},
    )


def _cadre_page(
    request: HttpRequest, cadre: Cadre, *, revealed: bool, mobile_revealed: bool = False
) -> HttpResponse:
    user = business_user(request)
    secondments = (
        Secondment.objects.visible_to(user)
        .filter(cadre=cadre)
        .select_related("cohort", "host_unit")
        .order_by("-start_date")
    )
    return render(
        request,
        "roster/cadre_detail.html",
        {
            "cadre": cadre,
            "secondments": secondments,
            "revealed": revealed,
            "mobile_revealed": mobile_revealed or revealed,
            "can_reveal": may_reveal(user, cadre),
            "can_see_mobile": may_see_mobile(user, cadre),
            "can_edit": user.is_programme_admin,
        },
    )


def cadre_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _cadre_page(request, get_visible_cadre(request, pk), revealed=False)


def cadre_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the full ID and mobile numbers (the host liaison: the mobile only), once, after
    writing the audit record."""
    cadre = get_visible_cadre(request, pk)
    user = business_user(request)
    if not (may_reveal(user, cadre) or may_see_mobile(user, cadre)):
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if may_reveal(user, cadre):
        actions.reveal_personal_data(actor=user, ip=client_ip(request), cadre=cadre)
        response = _cadre_page(request, cadre, revealed=True)
    else:
        actions.reveal_mobile(actor=user, ip=client_ip(request), cadre=cadre)
        response = _cadre_page(request, cadre, revealed=False, mobile_revealed=True)
    add_never_cache_headers(response)
    return response


def cadre_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = programme_admin(request)
    cadre = get_visible_cadre(request, pk)
    form = CadreForm(request.POST or None, instance=cadre)
    if request.method == "POST" and form.is_valid():
        return save_edit(
            request,
            lambda: actions.update_cadre(
                actor=user,
                ip=client_ip(request),
                cadre=cadre,
                values=form.changed_values(),
                version=form.cleaned_data["version"],
            ),
            done=cadre,
            retry=reverse("roster:cadre_edit", args=[cadre.pk]),
        )
    return render(
        request,
        "roster/form.html",
        {
            "form": form,
            "title": f"编辑干部信息：{cadre.name}",
            "back_url": cadre.get_absolute_url(),
        },
    )


# --- Secondments ------------------------------------------------------------------------------


def secondment_list(request: HttpRequest) -> HttpResponse:
    user = business_user(request)
    form = RosterFilterForm(request.GET, user=user)
    secondments = form.filter_secondments(
        Secondment.objects.visible_to(user).with_related()
    ).order_by("-cohort_id", "pk")  # served by the index secondment_list_order
    page = Paginator(secondments, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "roster/secondment_list.html",
        {"form": form, "page": page, "query": _query_without_page(request)},
    )


def _is_host(user: Any, secondment: Secondment) -> bool:
    return bool(
        user.is_host_liaison
        and user.unit is not None
        and secondment.host_unit.path.startswith(user.unit.path)
    )


def _allowed_transitions(user: Any, secondment: Secondment) -> list[SecondmentStatus]:
    """The admin moves a posting along its whole life; the host liaison confirms arrival
    (报到: 待报到 → 在岗) of cadres posted to their unit."""
    if user.is_programme_admin:
        return secondment.allowed_next_statuses()
    if _is_host(user, secondment):
        return [s for s in secondment.allowed_next_statuses() if s == SecondmentStatus.ACTIVE]
    return []


def secondment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    secondment = get_visible_secondment(request, pk)
    user = business_user(request)
    transitions = [
        {
            "value": s.value,
            "label": "确认报到" if s == SecondmentStatus.ACTIVE else f"变更为“{s.label}”",
            "needs_date": s in _ENDING,
            "needs_reason": s == SecondmentStatus.ENDED_EARLY,
        }
        for s in _allowed_transitions(user, secondment)
    ]
    return render(
        request,
        "roster/secondment_detail.html",
        {
            "s": secondment,
            "transitions": transitions,
            "can_edit": user.is_programme_admin,
            "can_assign_duties": user.is_programme_admin or _is_host(user, secondment),
            "paired_units": secondment.paired_units.order_by("path"),
        },
    )


def secondment_status(request: HttpRequest, pk: int) -> HttpResponse:
    user = business_user(request)
    secondment = get_visible_secondment(request, pk)
    if not _allowed_transitions(user, secondment) and not user.is_programme_admin:
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = StatusChangeForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "；".join(str(e) for errors in form.errors.values() for e in errors)
        )
        return redirect(secondment)
    # The admin's invalid moves get the model's own explanation below.
    if not user.is_programme_admin and form.cleaned_data["status"] not in _allowed_transitions(
        user, secondment
    ):
        messages.error(request, "您不能进行这项状态变更。")
        return redirect(secondment)
    try:
        changed = actions.change_secondment_status(
            actor=user,
            ip=client_ip(request),
            secondment=secondment,
            status=form.cleaned_data["status"],
            on=form.cleaned_data["on"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as e:
        messages.error(request, "".join(e.messages))
    else:
        messages.success(request, f"状态已变更为“{changed.get_status_display()}”。")
    return redirect(secondment)


def secondment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = programme_admin(request)
    secondment = get_visible_secondment(request, pk)
    form = SecondmentForm(request.POST or None, instance=secondment)
    if request.method == "POST" and form.is_valid():
        return save_edit(
            request,
            lambda: actions.update_secondment(
                actor=user,
                ip=client_ip(request),
                secondment=secondment,
                values=form.changed_values(),
                version=form.cleaned_data["version"],
            ),
            done=secondment,
            retry=reverse("roster:secondment_edit", args=[secondment.pk]),
        )
    return render(
        request,
        "roster/form.html",
        {
            "form": form,
            "title": f"编辑挂职任职：{secondment.cadre.name}",
            "back_url": secondment.get_absolute_url(),
        },
    )


# --- Cohorts ----------------------------------------------------------------------------------


def _status_counts(secondments: Any) -> dict[Any, dict[str, int]]:
    """{cohort_id: {status: n}} in one query."""
    counts: dict[Any, dict[str, int]] = defaultdict(dict)
    rows = secondments.values_list("cohort_id", "status").annotate(n=Count("pk")).order_by()
    for cohort_id, status, n in rows:
        counts[cohort_id][status] = n
    return counts


def cohort_list(request: HttpRequest) -> HttpResponse:
    user = business_user(request)
    cohorts = list(Cohort.objects.visible_to(user))
    counts = _status_counts(Secondment.objects.visible_to(user))
    rows = [
        {
            "cohort": c,
            "total": sum(counts[c.pk].values()),
            "by_status": [(s, counts[c.pk].get(s.value, 0)) for s in SecondmentStatus],
        }
        for c in cohorts
    ]
    return render(
        request,
        "roster/cohort_list.html",
        {"rows": rows, "statuses": list(SecondmentStatus), "can_create": user.is_programme_admin},
    )


def cohort_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = get_visible_cohort(request, pk)
    user = business_user(request)
    secondments = Secondment.objects.visible_to(user).filter(cohort=cohort)
    counts = _status_counts(secondments)[cohort.pk]
    by_status = [(s, counts.get(s.value, 0)) for s in SecondmentStatus]
    by_host = (
        secondments.values("host_unit_id", "host_unit__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "host_unit__name")
    )
    return render(
        request,
        "roster/cohort_detail.html",
        {
            "cohort": cohort,
            "total": sum(counts.values()),
            "by_status": by_status,
            "by_host": by_host,
        },
    )


def cohort_create(request: HttpRequest) -> HttpResponse:
    user = programme_admin(request)
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cohort = actions.create_cohort(actor=user, ip=client_ip(request), cohort=form.instance)
        messages.success(request, f"已新建批次“{cohort.name}”。")
        return redirect(cohort)
    return render(
        request,
        "roster/form.html",
        {"form": form, "title": "新建批次", "back_url": reverse("roster:cohort_list")},
    )


# --- Units ------------------------------------------------------------------------------------


def _tree(units: list[Unit]) -> list[Unit]:
    """Depth-first order, siblings by sort order then name."""
    children: dict[int | None, list[Unit]] = defaultdict(list)
    for unit in units:
        children[unit.parent_id].append(unit)
    ordered: list[Unit] = []
    ids = {u.pk for u in units}

    def walk(parent_id: int | None, level: int) -> None:
        for unit in sorted(children.get(parent_id, []), key=lambda u: (u.sort_order, u.name)):
            unit.level = level  # type: ignore[attr-defined]
            unit.indent = "\u3000\u3000" * level  # type: ignore[attr-defined]
            ordered.append(unit)
            walk(unit.pk, level + 1)

    walk(None, 0)
    # Units whose parent is not in the list (not expected for the admin) still appear.
    for parent_id in [p for p in children if p is not None and p not in ids]:
        walk(parent_id, 0)
    return ordered


def unit_list(request: HttpRequest) -> HttpResponse:
    user = programme_admin(request)
    # Two correlated counts: a COUNT(DISTINCT) over both joins multiplies rows (221 ms at
    # province scale against 1.6 ms this way).
    hosted = (
        Secondment.objects.filter(host_unit=OuterRef("pk"))
        .order_by()
        .values("host_unit")
        .annotate(n=Count("pk"))
        .values("n")
    )
    sent = (
        Cadre.objects.filter(home_unit=OuterRef("pk"))
        .order_by()
        .values("home_unit")
        .annotate(n=Count("pk"))
        .values("n")
    )
    units = Unit.objects.visible_to(user).annotate(
        hosted=Coalesce(Subquery(hosted, output_field=IntegerField()), 0),
        sent=Coalesce(Subquery(sent, output_field=IntegerField()), 0),
    )
    return render(request, "roster/unit_list.html", {"units": _tree(list(units))})


def unit_create(request: HttpRequest) -> HttpResponse:
    user = programme_admin(request)
    initial = {}
    parent = request.GET.get("parent", "")
    if parent.isdigit():
        initial["parent"] = Unit.objects.filter(pk=int(parent)).first()
    form = UnitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        unit = actions.create_unit(actor=user, ip=client_ip(request), unit=form.instance)
        messages.success(request, f"已新建单位“{unit.name}”。")
        return redirect("roster:unit_list")
    return render(
        request,
        "roster/form.html",
        {"form": form, "title": "新建单位", "back_url": reverse("roster:unit_list")},
    )
