"""The demo assessments: a scheme per cohort, a published period and one half way through."""

from __future__ import annotations

from datetime import date

from guazhi.assessment.demo_data import seed_assessment
from guazhi.assessment.models import Assessment, Period, Scheme
from guazhi.ledger.demo_data import seed_ledger


def test_demo_assessments(programme_admin, host_liaison, home_liaison, cadre_user, cadre_a, cohort):
    seed_ledger(actor=programme_admin, today=date(2026, 11, 20))
    created = seed_assessment(actor=programme_admin)
    assert created == Assessment.objects.count() == 2  # cadre_a in two periods; cadre_b 待报到
    scheme = Scheme.objects.get()
    assert scheme.excellent_cap == 10 and scheme.is_in_use()
    first, current = Period.objects.order_by("start_date")
    assert first.title == "2026年度考核" and first.is_published
    mine = first.assessments.get()
    assert mine.rating and mine.final_score and mine.rank == 1
    assert mine.self_text and "柳溪镇" in mine.self_text
    assert mine.host_scored_by == host_liaison and mine.home_comment
    assert mine.scores.filter(source="host").exclude(entries=None).exists()  # evidence cited
    assert current.title == "2027年度考核" and current.is_open
    assert seed_assessment(actor=programme_admin) == 0
