"""Permission-checking fetches for the evaluation pages: one accessor per access level.

Staff pages go through `Round.objects.visible_to(user)` (the programme admin; the host liaison
of the round's unit); everyone else gets 404, the same as for a page that does not exist. The
ballot pages are public: a round is found by its public key, and what a rater may do is decided
by the code they type.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from guazhi.accounts.models import User
from guazhi.evaluation.models import Round
from guazhi.roster.access import business_user


def runner(request: HttpRequest) -> User:
    """The user, if their role runs evaluations: the programme admin and host liaisons."""
    user = business_user(request)
    if not (user.is_programme_admin or user.is_host_liaison):
        raise Http404
    return user


def get_visible_round(request: HttpRequest, pk: int) -> Round:
    user = runner(request)
    return get_object_or_404(
        Round.objects.visible_to(user).select_related("host_unit", "period"), pk=pk
    )


def get_open_round(request: HttpRequest, pk: int) -> Round:
    """A round the user runs that still takes votes; 404 otherwise."""
    round_ = get_visible_round(request, pk)
    if not round_.is_open:
        raise Http404
    return round_


def get_public_round(key: str) -> Round:
    return get_object_or_404(Round.objects.all(), key=key.upper())
