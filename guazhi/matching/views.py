"""Needs and resources pages: lists, posting and editing, and each one's page with the ranked
suggestions from the other side and the matches so far.

Objects come through `guazhi.matching.access`; changes are `guazhi.matching.actions`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from guazhi.accounts.models import User
from guazhi.audit.log import client_ip
from guazhi.matching import actions
from guazhi.matching.access import (
    get_editable_need,
    get_editable_resource,
    get_visible_need,
    get_visible_resource,
    need_poster,
    resource_poster,
)
from guazhi.matching.forms import ListFilterForm, NeedForm, ProposeForm, ReasonForm, ResourceForm
from guazhi.matching.models import (
    Match,
    Need,
    NeedStatus,
    Resource,
    ResourceStatus,
)
from guazhi.matching.suggest import needs_for, resources_for, score_pair
from guazhi.roster.access import business_user
from guazhi.roster.forms import add_validation_errors
from guazhi.roster.models import StaleEdit

PAGE_SIZE = 20


def _may_post_need(user: User) -> bool:
    return user.is_programme_admin or (user.is_host_liaison and user.unit is not None)


def _may_post_resource(user: User) -> bool:
    return user.is_programme_admin or user.is_home_liaison or user.is_cadre


# --- Needs ---------------------------------------------------------------------------------------


def need_list(request: HttpRequest) -> HttpResponse:
    user = business_user(request)
    form = ListFilterForm(request.GET or None, statuses=NeedStatus.choices)
    needs = form.filter(Need.objects.visible_to(user)).with_related().order_by("-created_at", "-pk")
    page = Paginator(needs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "matching/need_list.html",
        {"form": form, "page": page, "can_post": _may_post_need(user)},
    )


def need_create(request: HttpRequest) -> HttpResponse:
    user = need_poster(request)
    form = NeedForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            need = actions.create_need(actor=user, values=form.values(), ip=client_ip(request))
        except ValidationError as e:
            add_validation_errors(form, e)
        else:
            messages.success(request, "需求已发布。下面是系统推荐的可对接资源。")
            return redirect(need)
    return render(request, "matching/form.html", {"form": form, "title": "发布需求"})


def need_detail(request: HttpRequest, pk: int) -> HttpResponse:
    need = get_visible_need(request, pk)
    user = business_user(request)
    matches = Match.objects.visible_to(user).filter(need=need).with_related()
    suggestions = resources_for(need, user) if need.status != NeedStatus.CLOSED else []
    return render(
        request,
        "matching/need_detail.html",
        {
            "need": need,
            "matches": matches,
            "suggestions": suggestions,
            "can_edit": need.may_edit(user) and need.status != NeedStatus.CLOSED,
            "can_propose": {
                s.obj.pk
                for s in suggestions
                if s.match is None and actions.may_propose(user, need, s.obj)  # type: ignore[arg-type]
            },
            "close_form": ReasonForm(initial={"version": need.version}),
        },
    )


def need_edit(request: HttpRequest, pk: int) -> HttpResponse:
    need = get_editable_need(request, pk)
    user = business_user(request)
    form = NeedForm(request.POST or None, instance=need, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            changed = actions.update_need(
                actor=user,
                need=Need.objects.get(pk=need.pk),
                version=form.cleaned_data.get("version"),
                values=form.values(),
                ip=client_ip(request),
            )
        except StaleEdit as e:
            form.add_error(None, str(e))
        except ValidationError as e:
            add_validation_errors(form, e)
        else:
            messages.success(request, "已保存。" if changed else "没有修改任何内容。")
            return redirect(need)
    return render(request, "matching/form.html", {"form": form, "title": "修改需求", "back": need})


@require_POST
def need_close(request: HttpRequest, pk: int) -> HttpResponse:
    need = get_editable_need(request, pk)
    user = business_user(request)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写关闭原因。")
        return redirect(need)
    try:
        actions.close_need(
            actor=user,
            need=need,
            version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
            ip=client_ip(request),
        )
    except (StaleEdit, ValidationError) as e:
        messages.error(request, _message(e))
    else:
        messages.success(request, "需求已关闭。")
    return redirect(need)


@require_POST
def need_propose(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose one of the suggested resources for this need."""
    need = get_visible_need(request, pk)
    user = business_user(request)
    form = ProposeForm(request.POST)
    resource = None
    if form.is_valid():
        resource = (
            Resource.objects.visible_to(user)
            .select_related("unit", "cadre")
            .filter(pk=form.cleaned_data["other"])
            .first()
        )
    if resource is None:
        messages.error(request, "请从推荐列表中选择要对接的资源。")
        return redirect(need)
    return _propose(request, user, need, resource, form.cleaned_data.get("note", ""), need)


# --- Resources -----------------------------------------------------------------------------------


def resource_list(request: HttpRequest) -> HttpResponse:
    user = business_user(request)
    form = ListFilterForm(request.GET or None, statuses=ResourceStatus.choices)
    resources = (
        form.filter(Resource.objects.visible_to(user)).with_related().order_by("-created_at", "-pk")
    )
    page = Paginator(resources, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "matching/resource_list.html",
        {"form": form, "page": page, "can_post": _may_post_resource(user)},
    )


def resource_create(request: HttpRequest) -> HttpResponse:
    user = resource_poster(request)
    form = ResourceForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            resource = actions.create_resource(
                actor=user,
                values=form.values(),
                unit=form.cleaned_data.get("unit"),
                ip=client_ip(request),
            )
        except ValidationError as e:
            add_validation_errors(form, e)
        else:
            messages.success(request, "资源已发布。下面是系统推荐的可对接需求。")
            return redirect(resource)
    return render(request, "matching/form.html", {"form": form, "title": "发布资源"})


def resource_detail(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_visible_resource(request, pk)
    user = business_user(request)
    matches = Match.objects.visible_to(user).filter(resource=resource).with_related()
    suggestions = needs_for(resource, user) if resource.status == ResourceStatus.OPEN else []
    return render(
        request,
        "matching/resource_detail.html",
        {
            "resource": resource,
            "matches": matches,
            "suggestions": suggestions,
            "can_edit": resource.may_edit(user) and resource.status == ResourceStatus.OPEN,
            "can_propose": {
                s.obj.pk
                for s in suggestions
                if s.match is None and actions.may_propose(user, s.obj, resource)  # type: ignore[arg-type]
            },
            "version": resource.version,
        },
    )


def resource_edit(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_editable_resource(request, pk)
    user = business_user(request)
    form = ResourceForm(request.POST or None, instance=resource, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            changed = actions.update_resource(
                actor=user,
                resource=Resource.objects.get(pk=resource.pk),
                version=form.cleaned_data.get("version"),
                values=form.values(),
                ip=client_ip(request),
            )
        except StaleEdit as e:
            form.add_error(None, str(e))
        except ValidationError as e:
            add_validation_errors(form, e)
        else:
            messages.success(request, "已保存。" if changed else "没有修改任何内容。")
            return redirect(resource)
    return render(
        request, "matching/form.html", {"form": form, "title": "修改资源", "back": resource}
    )


@require_POST
def resource_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_editable_resource(request, pk)
    user = business_user(request)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        actions.withdraw_resource(
            actor=user, resource=resource, version=version, ip=client_ip(request)
        )
    except (StaleEdit, ValidationError) as e:
        messages.error(request, _message(e))
    else:
        messages.success(request, "资源已撤回，不再出现在推荐中。")
    return redirect(resource)


@require_POST
def resource_propose(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose this resource for one of the suggested needs."""
    resource = get_visible_resource(request, pk)
    user = business_user(request)
    form = ProposeForm(request.POST)
    need = None
    if form.is_valid():
        need = (
            Need.objects.visible_to(user)
            .select_related("unit")
            .filter(pk=form.cleaned_data["other"])
            .first()
        )
    if need is None:
        messages.error(request, "请从推荐列表中选择要对接的需求。")
        return redirect(resource)
    return _propose(request, user, need, resource, form.cleaned_data.get("note", ""), resource)


# --- Shared --------------------------------------------------------------------------------------


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "；".join(error.messages)
    return str(error)


def _propose(
    request: HttpRequest,
    user: User,
    need: Need,
    resource: Resource,
    note: str,
    back: Need | Resource,
) -> HttpResponse:
    if not actions.may_propose(user, need, resource):
        raise Http404
    ranked = score_pair(need, resource)
    try:
        match = actions.propose_match(
            actor=user,
            need=need,
            resource=resource,
            score=ranked.score if ranked else 0.0,
            reasons=ranked.reasons if ranked else {},
            note=note,
            ip=client_ip(request),
        )
    except ValidationError as e:
        messages.error(request, _message(e))
        return redirect(back)
    messages.success(request, "已发起对接，等待对方联络员确认。")
    return redirect(match)
