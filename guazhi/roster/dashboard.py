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
    cohorts = list(Cohort.objects.visible_to(user).order_by("start_date"))
    per_cohort = {
        (cohort_id, status): n
        for cohort_id, status, n in secondments.values_list("cohort_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    }
    return {
        "business": True,
        "cadre_count": Cadre.objects.visible_to(user).count(),
        "cohort_count": len(cohorts),
        "status_counts": [(s.label, by_status.get(s.value, 0), s.value) for s in SecondmentStatus],
        "recent_secondments": secondments.with_related().order_by("-updated_at")[:8],
        # Rendered by static/guazhi/home.js with ECharts: secondments per cohort, by status.
        "cohort_chart": {
            "cohorts": [c.name for c in cohorts],
            "series": [
                {"name": s.label, "data": [per_cohort.get((c.pk, s.value), 0) for c in cohorts]}
                for s in SecondmentStatus
            ],
        },
    }
