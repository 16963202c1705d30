"""Permission-checking fetches for the similarity views: one accessor per access level.

A report is seen by its writing's author, by the host liaison who decides the writing and by the
programme admin (`Report.objects.visible_to`); the corpus and the cohort table by the programme
admin only. Anything else answers 404, like a page that does not exist.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from guazhi.roster.access import business_user, programme_admin
from guazhi.similarity.models import ReferenceText, Report
from guazhi.writings.models import WritingVersion


def get_visible_report(request: HttpRequest, pk: int) -> Report:
    user = business_user(request)
    return get_object_or_404(Report.objects.visible_to(user).with_related(), pk=pk)


def get_version_report(
    request: HttpRequest, version_pk: int
) -> tuple[WritingVersion, Report | None]:
    """A writing version the user may see, and its report if they may see that too (404 when
    the version has a report they may not see, e.g. the home liaison)."""
    user = business_user(request)
    version = get_object_or_404(WritingVersion.objects.visible_to(user), pk=version_pk)
    report = Report.objects.filter(version=version).first()
    if report is not None and not Report.objects.visible_to(user).filter(pk=report.pk).exists():
        raise Http404
    return version, report


def get_reference(request: HttpRequest, pk: int) -> ReferenceText:
    programme_admin(request)
    return get_object_or_404(ReferenceText.objects.select_related("uploaded_by"), pk=pk)


def get_removable_reference(request: HttpRequest, pk: int) -> ReferenceText:
    programme_admin(request)
    return get_object_or_404(ReferenceText.objects.active(), pk=pk)
