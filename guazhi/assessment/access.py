"""Permission-checking fetches for the assessment views: one accessor per object and access
level. Everything goes through the models' `visible_to(user)`; a page the user may not use
answers 404, the same as a page that does not exist.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from guazhi.accounts.models import User
from guazhi.assessment.models import Assessment, Period, Scheme
from guazhi.roster.access import business_user, programme_admin

__all__ = [
    "business_user",
    "get_commentable_assessment",
    "get_editable_scheme",
    "get_managed_period",
    "get_result_assessment",
    "get_scorable_assessment",
    "get_self_assessable",
    "get_visible_assessment",
    "get_visible_period",
    "liaison_or_admin",
    "programme_admin",
]


def liaison_or_admin(request: HttpRequest) -> User:
    """Roles that look at a whole period's list: the admin and both liaisons."""
    user = business_user(request)
    if user.is_cadre:
        raise Http404
    return user


def get_editable_scheme(request: HttpRequest, pk: int) -> Scheme:
    user = programme_admin(request)
    return get_object_or_404(Scheme.objects.visible_to(user).select_related("cohort"), pk=pk)


def get_visible_period(request: HttpRequest, pk: int) -> Period:
    """A period's page: the admin and the liaisons whose units have cadres in its cohort."""
    user = liaison_or_admin(request)
    return get_object_or_404(
        Period.objects.visible_to(user).select_related("scheme", "cohort"), pk=pk
    )


def get_managed_period(request: HttpRequest, pk: int) -> Period:
    """A period the programme admin runs (publish, exports of the whole cohort)."""
    user = programme_admin(request)
    return get_object_or_404(
        Period.objects.visible_to(user).select_related("scheme", "cohort"), pk=pk
    )


def get_visible_assessment(request: HttpRequest, pk: int) -> Assessment:
    user = business_user(request)
    return get_object_or_404(Assessment.objects.visible_to(user).with_related(), pk=pk)


def get_self_assessable(request: HttpRequest, pk: int) -> Assessment:
    """The cadre's own form, while the period is open."""
    assessment = get_visible_assessment(request, pk)
    if not assessment.may_self_assess(business_user(request)):
        raise Http404
    return assessment


def get_scorable_assessment(request: HttpRequest, pk: int) -> Assessment:
    """A form the host liaison of the cadre's unit (or the admin) scores, while open."""
    assessment = get_visible_assessment(request, pk)
    if not assessment.may_score(business_user(request)):
        raise Http404
    return assessment


def get_commentable_assessment(request: HttpRequest, pk: int) -> Assessment:
    """A form the home liaison of the cadre's home unit comments on, while open."""
    assessment = get_visible_assessment(request, pk)
    if not assessment.may_comment_home(business_user(request)):
        raise Http404
    return assessment


def get_result_assessment(request: HttpRequest, pk: int) -> Assessment:
    """A form whose scores and result the user may see (the appraisal form's download)."""
    assessment = get_visible_assessment(request, pk)
    if not assessment.shows_result_to(business_user(request)):
        raise Http404
    return assessment
