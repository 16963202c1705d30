"""Permission-checking fetches for the ledger views: one accessor per access level.

Everything goes through `Entry.objects.visible_to(user)`; a page the user may not use answers
404, the same as a page that does not exist, so nothing is learnt from the refusal.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from guazhi.accounts.models import User
from guazhi.ledger.models import Attachment, Entry
from guazhi.roster.access import business_user


def cadre_user(request: HttpRequest) -> User:
    """The user, if they are a cadre (the only role that writes entries)."""
    user = business_user(request)
    if not user.is_cadre:
        raise Http404
    return user


def reviewer(request: HttpRequest) -> User:
    """The user, if their role confirms entries: the host liaison and the programme admin."""
    user = business_user(request)
    if not (user.is_host_liaison or user.is_programme_admin):
        raise Http404
    return user


def get_visible_entry(request: HttpRequest, pk: int) -> Entry:
    user = business_user(request)
    return get_object_or_404(Entry.objects.visible_to(user).with_related(), pk=pk)


def get_editable_entry(request: HttpRequest, pk: int) -> Entry:
    """The cadre's own entry; 404 to everyone else."""
    user = cadre_user(request)
    return get_object_or_404(
        Entry.objects.visible_to(user)
        .filter(secondment__cadre_id=user.cadre_id or 0)
        .with_related(),
        pk=pk,
    )


def get_confirmable_entry(request: HttpRequest, pk: int) -> Entry:
    """An entry the host liaison of its unit (or the admin) may confirm or return."""
    user = reviewer(request)
    entry = get_object_or_404(Entry.objects.visible_to(user).with_related(), pk=pk)
    if not entry.is_confirmable_by(user):
        raise Http404
    return entry


def get_visible_attachment(request: HttpRequest, pk: int) -> Attachment:
    user = business_user(request)
    return get_object_or_404(
        Attachment.objects.filter(entry__in=Entry.objects.visible_to(user).values("pk")), pk=pk
    )


def get_editable_attachment(request: HttpRequest, pk: int) -> Attachment:
    user = cadre_user(request)
    return get_object_or_404(
        Attachment.objects.filter(entry__secondment__cadre_id=user.cadre_id or 0).select_related(
            "entry"
        ),
        pk=pk,
    )
