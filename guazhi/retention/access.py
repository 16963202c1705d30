"""Permission-checking fetches for the recycle bin: one accessor per object and access level.
Anything the user may not delete or restore answers 404, like a page that does not exist."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from guazhi.accounts.models import User
from guazhi.ledger.models import Entry
from guazhi.retention.actions import may_delete_entry, may_delete_writing, may_restore
from guazhi.roster.access import business_user, programme_admin
from guazhi.roster.models import Cadre, Secondment
from guazhi.writings.models import Writing


def recycle_user(request: HttpRequest) -> User:
    """The programme admin and cadres have a recycle bin; liaisons delete nothing."""
    user = business_user(request)
    if not (user.is_programme_admin or user.is_cadre):
        raise Http404
    return user


def get_deletable_entry(request: HttpRequest, pk: int) -> Entry:
    user = recycle_user(request)
    entry = get_object_or_404(Entry.objects.visible_to(user).select_related("secondment"), pk=pk)
    if not may_delete_entry(user, entry):
        raise Http404
    return entry


def get_restorable_entry(request: HttpRequest, pk: int) -> Entry:
    user = recycle_user(request)
    entry = get_object_or_404(
        Entry.all_objects.visible_to(user).filter(deleted_at__isnull=False), pk=pk
    )
    if not may_restore(user, entry):
        raise Http404
    return entry


def get_deletable_writing(request: HttpRequest, pk: int) -> Writing:
    user = recycle_user(request)
    writing = get_object_or_404(
        Writing.objects.visible_to(user).select_related("secondment"), pk=pk
    )
    if not may_delete_writing(user, writing):
        raise Http404
    return writing


def get_restorable_writing(request: HttpRequest, pk: int) -> Writing:
    user = recycle_user(request)
    writing = get_object_or_404(
        Writing.all_objects.visible_to(user).filter(deleted_at__isnull=False), pk=pk
    )
    if not may_restore(user, writing):
        raise Http404
    return writing


def get_deletable_cadre(request: HttpRequest, pk: int) -> Cadre:
    user = programme_admin(request)
    return get_object_or_404(Cadre.objects.visible_to(user), pk=pk)


def get_restorable_cadre(request: HttpRequest, pk: int) -> Cadre:
    user = programme_admin(request)
    return get_object_or_404(
        Cadre.all_objects.visible_to(user).filter(deleted_at__isnull=False), pk=pk
    )


def get_deletable_secondment(request: HttpRequest, pk: int) -> Secondment:
    user = programme_admin(request)
    return get_object_or_404(Secondment.objects.visible_to(user), pk=pk)


def get_restorable_secondment(request: HttpRequest, pk: int) -> Secondment:
    user = programme_admin(request)
    return get_object_or_404(
        Secondment.all_objects.visible_to(user).filter(deleted_at__isnull=False), pk=pk
    )
