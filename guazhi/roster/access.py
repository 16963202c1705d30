"""Permission-checking fetches for the roster views.

Every object is fetched through its model's `visible_to(user)`, so a page the user may not see
is a 404 — the same answer as a page that does not exist. Write views also check the role and
answer 404 to everyone else, so that nobody learns what exists by being refused.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from guazhi.accounts.models import User
from guazhi.roster.models import Cadre, Cohort, Secondment, Unit


def business_user(request: HttpRequest) -> User:
    """The user, if their role works with programme data (IT admins and unassigned accounts
    do not)."""
    user = request.user
    if not isinstance(user, User) or not user.has_business_role:
        raise Http404
    return user


def programme_admin(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.is_programme_admin:
        raise Http404
    return user


def may_reveal(user: User, cadre: Cadre) -> bool:
    """Full ID and mobile numbers: the programme admin, and a cadre for their own record."""
    return user.may_reveal_personal_data or (user.is_cadre and user.cadre_id == cadre.pk)


def get_visible_cadre(request: HttpRequest, pk: int) -> Cadre:
    user = business_user(request)
    return get_object_or_404(Cadre.objects.visible_to(user).select_related("home_unit"), pk=pk)


def get_visible_secondment(request: HttpRequest, pk: int) -> Secondment:
    user = business_user(request)
    return get_object_or_404(Secondment.objects.visible_to(user).with_related(), pk=pk)


def get_visible_cohort(request: HttpRequest, pk: int) -> Cohort:
    user = business_user(request)
    return get_object_or_404(Cohort.objects.visible_to(user), pk=pk)


def get_hosted_secondment(request: HttpRequest, pk: int) -> Secondment:
    """A secondment the user may act on as its host: the programme admin, or the host liaison
    of the host unit (or a unit above it). Everyone else gets 404."""
    user = business_user(request)
    if not (user.is_programme_admin or user.is_host_liaison):
        raise Http404
    secondment = get_visible_secondment(request, pk)
    if user.is_host_liaison and not (
        user.unit is not None and secondment.host_unit.path.startswith(user.unit.path)
    ):
        raise Http404
    return secondment


def get_editable_cohort(request: HttpRequest, pk: int) -> Cohort:
    programme_admin(request)
    return get_visible_cohort(request, pk)


def get_editable_unit(request: HttpRequest, pk: int) -> Unit:
    user = programme_admin(request)
    return get_object_or_404(Unit.objects.visible_to(user), pk=pk)


def may_see_mobile(user: User, cadre: Cadre) -> bool:
    """A host liaison may call the cadres posted to them (an audited look at the mobile)."""
    return user.is_host_liaison
