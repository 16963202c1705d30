"""Permission-checking fetches for the matching pages: one accessor per object and access
level. Everything goes through the model's `visible_to(user)`; a page the user may not use
answers 404, the same as a page that does not exist."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from guazhi.accounts.models import User
from guazhi.matching.models import Match, Need, Resource
from guazhi.roster.access import business_user


def need_poster(request: HttpRequest) -> User:
    """The admin or a host liaison: who posts needs."""
    user = business_user(request)
    if not (user.is_programme_admin or (user.is_host_liaison and user.unit is not None)):
        raise Http404
    return user


def resource_poster(request: HttpRequest) -> User:
    """The admin, a home liaison or a cadre: who posts resources."""
    user = business_user(request)
    if user.is_host_liaison:
        raise Http404
    return user


def dashboard_user(request: HttpRequest) -> User:
    """The admin and the liaisons (cadres have their needs and resources lists)."""
    user = business_user(request)
    if user.is_cadre:
        raise Http404
    return user


def get_visible_need(request: HttpRequest, pk: int) -> Need:
    user = business_user(request)
    return get_object_or_404(Need.objects.visible_to(user).with_related(), pk=pk)


def get_editable_need(request: HttpRequest, pk: int) -> Need:
    need = get_visible_need(request, pk)
    if not need.may_edit(business_user(request)):
        raise Http404
    return need


def get_visible_resource(request: HttpRequest, pk: int) -> Resource:
    user = business_user(request)
    return get_object_or_404(Resource.objects.visible_to(user).with_related(), pk=pk)


def get_editable_resource(request: HttpRequest, pk: int) -> Resource:
    resource = get_visible_resource(request, pk)
    if not resource.may_edit(business_user(request)):
        raise Http404
    return resource


def get_visible_match(request: HttpRequest, pk: int) -> Match:
    user = business_user(request)
    return get_object_or_404(Match.objects.visible_to(user).with_related(), pk=pk)


def get_decidable_match(request: HttpRequest, pk: int) -> Match:
    """A proposed match the user may accept or decline (either side's liaison, the admin)."""
    match = get_visible_match(request, pk)
    if not match.may_decide(business_user(request)):
        raise Http404
    return match
