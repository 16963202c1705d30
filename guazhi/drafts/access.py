"""Permission-checking fetches for the draft pages: a draft is its cadre's alone.

Anyone else — another cadre, a liaison, the admin, the IT admins — gets 404, the same as a page
that does not exist (liaisons read the writing once it is submitted, not the draft).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from guazhi.accounts.models import User
from guazhi.drafts.models import SummaryDraft
from guazhi.roster.access import business_user
from guazhi.roster.models import Secondment
from guazhi.writings.actions import writing_secondment


def cadre_user(request: HttpRequest) -> User:
    user = business_user(request)
    if not user.is_cadre:
        raise Http404
    return user


def own_secondment(request: HttpRequest) -> tuple[User, Secondment | None]:
    """The cadre and the secondment they write their term summary for (None before posting)."""
    user = cadre_user(request)
    return user, writing_secondment(user.cadre_id)


def get_own_draft(request: HttpRequest, pk: int) -> SummaryDraft:
    user = cadre_user(request)
    return get_object_or_404(
        SummaryDraft.objects.visible_to(user).select_related(
            "secondment__cadre", "secondment__host_unit", "secondment__cohort"
        ),
        pk=pk,
    )
