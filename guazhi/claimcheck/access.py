"""Permission-checking fetches for the claims-check views: one accessor per access level.

Reading: the versions the user may see (`WritingVersion.objects.visible_to`), whose check they
may see (`ClaimCheck.objects.visible_to`: the author, the admin, the liaisons; never another
cadre). Rechecking: a submitted version whose writing the user reviews. Anything else is 404.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from guazhi.roster.access import business_user
from guazhi.writings.models import WritingVersion

from .models import ClaimCheck


def get_version_check(
    request: HttpRequest, version_pk: int
) -> tuple[WritingVersion, ClaimCheck | None]:
    """A submitted version the user may see, and its check (None before any check ran)."""
    user = business_user(request)
    version = get_object_or_404(
        WritingVersion.objects.visible_to(user)
        .filter(is_submission=True)
        .select_related(
            "writing__secondment__cadre", "writing__secondment__host_unit", "writing__requirement"
        ),
        pk=version_pk,
    )
    check = ClaimCheck.objects.visible_to(user).filter(version=version).first()
    if check is None and ClaimCheck.objects.filter(version=version).exists():
        raise Http404
    return version, check


def get_recheckable_version(request: HttpRequest, version_pk: int) -> WritingVersion:
    """A submitted version of a writing the user reviews (host liaison of its unit, admin)."""
    version, _ = get_version_check(request, version_pk)
    if not version.writing.is_reviewer(business_user(request)):
        raise Http404
    return version
