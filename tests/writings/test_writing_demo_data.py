"""The demo writings: every state, honest texts of the cadre's own work, once."""

from __future__ import annotations

from datetime import date

from guazhi.ledger.demo_data import seed_ledger
from guazhi.writings.demo_data import seed_writings
from guazhi.writings.models import Writing, WritingStatus
from guazhi.writings.overdue import overdue_rows


def test_demo_writings_cover_every_state_once(
    programme_admin, host_liaison, cadre_user, cadre_a, cohort
):
    today = date(2027, 3, 20)  # the whole term is past
    seed_ledger(actor=programme_admin, today=today)
    created = seed_writings(actor=programme_admin, rng_seed=3, today=today)
    writings = Writing.objects.all()
    assert created == writings.count() > 0
    statuses = set(writings.values_list("status", flat=True))
    assert statuses <= set(WritingStatus.values)
    for writing in writings:
        assert writing.text and "张建国" not in writing.title
        assert writing.versions.exists() and writing.events.exists()
        assert writing.version == writing.versions.count() + 1
        if writing.status != WritingStatus.DRAFT:
            assert writing.versions.filter(is_submission=True).exists()
        if writing.status == WritingStatus.RETURNED:
            assert writing.return_comment
    assert "柳溪镇" in writings.first().text  # composed from the cadre's own posting
    rows, summary = overdue_rows(cohort=cohort, today=today)
    assert len(rows) == sum(owed - met for _, met, owed in summary)
    assert seed_writings(actor=programme_admin, today=today) == 0


def test_seed_demo_loads_writings(db, django_db_blocker):
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0)
    assert Writing.objects.exists()
    kinds = set(Writing.objects.values_list("kind", flat=True))
    assert kinds == {"reflection", "speech", "quarterly", "term_summary"}
    assert set(Writing.objects.values_list("status", flat=True)) == set(WritingStatus.values)
