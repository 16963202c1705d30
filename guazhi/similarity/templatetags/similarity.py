"""Report figures for other apps' pages: the writing page links each submitted version to its
report with a badge, and the host liaison's decision card shows the latest report's summary.

The writings app stands below similarity and never imports it; its templates load this library
and ask for the reports of the versions they show. Only reports the viewer may see are returned
(`Report.objects.visible_to`): the home liaison, who may read the writing, gets no badge.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

from guazhi.similarity.models import Report
from guazhi.similarity.presentation import percent as _percent
from guazhi.writings.models import Writing, WritingVersion

register = template.Library()


@register.filter
def percent(ratio: float | None) -> str:
    """0.234 → "23.4%"; None → "—"."""
    return _percent(ratio)


@register.simple_tag(takes_context=True)
def version_reports(context: Any, versions: Iterable[WritingVersion]) -> dict[int, Report]:
    """{version id: report} for the submitted ones among `versions` (one query)."""
    user = context.get("user")
    ids = [v.pk for v in versions if v.is_submission]
    if user is None or not ids:
        return {}
    reports = Report.objects.visible_to(user).filter(version_id__in=ids)
    return {r.version_id: r for r in reports}


@register.simple_tag(takes_context=True)
def latest_report(context: Any, writing: Writing) -> Report | None:
    """The report of the writing's latest submission, if the viewer may see it."""
    user = context.get("user")
    if user is None:
        return None
    return (
        Report.objects.visible_to(user)
        .filter(writing=writing, is_current=True)
        .select_related("version")
        .first()
    )


@register.filter
def report_of(reports: dict[int, Report], version_pk: int) -> Report | None:
    return reports.get(version_pk)


@register.simple_tag(takes_context=True)
def version_report(context: Any, version: WritingVersion) -> Report | None:
    """The report of one submitted version, if the viewer may see it."""
    return version_reports(context, [version]).get(version.pk)
