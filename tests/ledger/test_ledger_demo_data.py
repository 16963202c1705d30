"""The demo ledger: believable, deterministic, idempotent."""

from __future__ import annotations

from datetime import date

import pytest

from guazhi.ledger.demo_data import seed_ledger
from guazhi.ledger.models import Entry, EntryFigure, EntryStatus


@pytest.mark.django_db
def test_seed_ledger_fills_secondments_on_post_once(
    programme_admin, host_liaison, cadre_user, cadre_a, cadre_b
):
    created = seed_ledger(actor=programme_admin, today=date(2026, 9, 30))
    assert created > 40  # about two a week for seven months
    entries = Entry.objects.all()
    assert {e.secondment.cadre for e in entries} == {cadre_a}  # cadre_b is still 待报到
    assert all(date(2026, 3, 1) < e.date <= date(2026, 9, 30) for e in entries)
    confirmed = entries.filter(status=EntryStatus.CONFIRMED)
    assert confirmed.count() > created / 2
    assert set(confirmed.values_list("confirmed_by", flat=True)) == {host_liaison.pk}
    assert EntryFigure.objects.filter(value__lt=0).count() == 0
    assert EntryFigure.objects.count() > created / 2
    assert all(e.revisions.exists() for e in entries[:20])
    assert not any("{" in e.text for e in entries)

    assert seed_ledger(actor=programme_admin, today=date(2026, 9, 30)) == 0
    assert Entry.objects.count() == created
