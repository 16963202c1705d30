"""The demo has a closed round with results and an open one taking votes; a second run adds
nothing."""

from __future__ import annotations

from guazhi.evaluation.demo_data import CLOSED_TITLE, OPEN_TITLE, seed_evaluation
from guazhi.evaluation.models import Code, Round
from guazhi.evaluation.results import round_results
from guazhi.roster.demo_data import build_plan
from guazhi.roster.management.commands.seed_demo import seed


def test_demo_rounds(db) -> None:
    seed(build_plan(), ledger=False)
    assert seed_evaluation() == 2
    closed = Round.objects.get(title=CLOSED_TITLE)
    assert closed.is_closed
    results = round_results(closed)
    assert results and all(summary is not None for summary in results.values())
    assert all(0 < summary.score <= 100 for summary in results.values() if summary)
    opened = Round.objects.get(title=OPEN_TITLE)
    assert opened.is_open
    assert 0 < Code.objects.filter(round=opened, used=True).count() < opened.codes.count()
    assert seed_evaluation() == 0
