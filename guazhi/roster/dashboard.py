"""Figures for the home page, by role."""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from guazhi.roster.models import Cadre, Cohort, Secondment, SecondmentStatus


def dashboard_context(user: Any) -> dict[str, Any]:
    if not user.has_business_role:
        return {"business": False}
    secondments = Secondment.objects.visible_to(user)
    by_status = dict(secondments.values_list("status").annotate(n=Count("pk")).order_by())
    return {
        "business": True,
        "cadre_count": Cadre.objects.visible_to(user).count(),
        "cohort_count": Cohort.objects.visible_to(user).count(),
        "status_counts": [(s.label, by_status.get(s.value, 0), s.value) for s in SecondmentStatus],
        "recent_secondments": secondments.with_related().order_by("-updated_at")[:8],
    }
