"""Permission-checking fetches for the writings views: one accessor per access level.

Everything goes through `Writing.objects.visible_to(user)`; a page the user may not use answers
404, the same as a page that does not exist, so nothing is learnt from the refusal.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from guazhi.accounts.models import User
from guazhi.roster.access import business_user, programme_admin
from guazhi.writings.models import Writing, WritingRequirement, WritingVersion


def cadre_user(request: HttpRequest) -> User:
    """The user, if they are a cadre (the only role that writes)."""
    user = business_user(request)
    if not user.is_cadre:
        raise Http404
    return user


def reviewer(request: HttpRequest) -> User:
    """The user, if their role decides on writings: the host liaison and the programme admin."""
    user = business_user(request)
    if not (user.is_host_liaison or user.is_programme_admin):
        raise Http404
    return user


def reader(request: HttpRequest) -> User:
    """The user, if their role reads other people's writings (not cadres)."""
    user = business_user(request)
    if user.is_cadre:
        raise Http404
    return user


def get_visible_writing(request: HttpRequest, pk: int) -> Writing:
    user = business_user(request)
    return get_object_or_404(Writing.objects.visible_to(user).with_related(), pk=pk)


def get_own_writing(request: HttpRequest, pk: int) -> Writing:
    """The cadre's own writing, in any state (the view says when it cannot be edited)."""
    user = cadre_user(request)
    return get_object_or_404(
        Writing.objects.filter(secondment__cadre_id=user.cadre_id or 0).with_related(), pk=pk
    )


def get_decidable_writing(request: HttpRequest, pk: int) -> Writing:
    """A writing the host liaison of its unit (or the admin) may return or accept."""
    user = reviewer(request)
    writing = get_object_or_404(Writing.objects.visible_to(user).with_related(), pk=pk)
    if not writing.is_reviewer(user):
        raise Http404
    return writing


def get_visible_version(request: HttpRequest, pk: int) -> WritingVersion:
    user = business_user(request)
    return get_object_or_404(
        WritingVersion.objects.visible_to(user).select_related(
            "writing__secondment__cadre", "created_by"
        ),
        pk=pk,
    )


def get_editable_requirement(request: HttpRequest, pk: int) -> WritingRequirement:
    programme_admin(request)
    return get_object_or_404(WritingRequirement.objects.select_related("cohort"), pk=pk)
