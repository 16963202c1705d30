"""The demo: reports at the demo town whose figures are partly supported, partly unsupported and
partly contradicted by the demo ledger, and a check for every submitted demo writing, once."""

from __future__ import annotations

from datetime import date

from guazhi.claimcheck.demo_data import TITLE, seed_claimcheck
from guazhi.claimcheck.models import ClaimCheck
from guazhi.ledger.demo_data import seed_ledger
from guazhi.writings.demo_data import seed_writings
from guazhi.writings.models import WritingVersion


def test_demo_reports_carry_every_outcome_and_every_submission_is_checked(
    programme_admin, host_liaison, cadre_user, cadre_a
):
    today = date(2026, 11, 20)
    seed_ledger(actor=programme_admin, today=today)
    seed_writings(actor=programme_admin, rng_seed=3, today=today)
    made = seed_claimcheck(admin=programme_admin, today=today)
    submitted = WritingVersion.objects.filter(is_submission=True)
    assert made == submitted.count() == ClaimCheck.objects.count()
    assert set(ClaimCheck.objects.values_list("status", flat=True)) == {"done"}

    report = ClaimCheck.objects.get(writing__title=TITLE)
    assert report.writing.secondment.cadre == cadre_a
    assert report.writing.status == "submitted"  # waits for the liaison's decision
    assert report.supported >= 2 and report.unsupported >= 2 and report.contradicted >= 1
    assert report.version.similarity_report.status == "done"
    # The honest demo writings, composed from the ledger, are mostly supported.
    honest = ClaimCheck.objects.exclude(pk=report.pk)
    supported = sum(c.supported for c in honest)
    assert supported > 0.6 * sum(c.total for c in honest)

    assert seed_claimcheck(admin=programme_admin, today=today) == 0
