"""The dashboards' running totals follow every write of the ledger: entries written, edited
(date, category, figures), confirmed, returned, re-opened by new evidence and imported leave the
tallies equal to a recomputation from the entries."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from guazhi.ledger import actions, tallies
from guazhi.ledger.models import (
    Entry,
    ProgrammeCategoryTally,
    ProgrammeFigureTally,
    ProgrammeWeekTally,
    SecondmentActivity,
    SecondmentCategoryTally,
    SecondmentWeekTally,
)
from tests.ledger.ledger_helpers import category, entry_data, figure

pytestmark = pytest.mark.django_db


def _write(cadre_user, secondment, **overrides):
    entry, _ = actions.create_entry(
        actor=cadre_user, secondment=secondment, data=entry_data(**overrides)
    )
    return entry


def test_writing_an_entry_counts_it_at_once(cadre_user, cadre_a):
    secondment = cadre_a.secondments.get()
    _write(cadre_user, secondment, date=date(2026, 5, 6))  # a Wednesday
    row = SecondmentWeekTally.objects.get(secondment=secondment)
    assert (row.week, row.entries) == (date(2026, 5, 4), 1)
    by_category = SecondmentCategoryTally.objects.get(secondment=secondment)
    assert (by_category.category.name, by_category.entries, by_category.pending) == (
        "企业帮扶",
        1,
        1,
    )
    programme = ProgrammeFigureTally.objects.get(field=figure("enterprises_visited"))
    assert (programme.total_cents, programme.entries) == (1200, 1)
    assert tallies.check() == []


def test_every_kind_of_change_keeps_the_tallies_exact(cadre_user, host_liaison, cadre_a):
    secondment = cadre_a.secondments.get()
    first = _write(cadre_user, secondment)
    second = _write(
        cadre_user,
        secondment,
        date=date(2026, 5, 20),
        figures={figure("loans"): Decimal("800.5"), figure("enterprises_visited"): 3},
    )
    actions.confirm_entry(actor=host_liaison, entry=first, version=first.version)
    first.refresh_from_db()
    actions.return_entry(
        actor=host_liaison, entry=second, version=second.version, comment="请补充贷款合同"
    )
    second.refresh_from_db()
    # Moved to another week and category, with other figures: out of the old rows, into new.
    actions.update_entry(
        actor=cadre_user,
        entry=second,
        version=second.version,
        data=entry_data(
            date=date(2026, 6, 2),
            category=category("信访接待"),
            figures={},
        ),
    )
    # The confirmed entry is edited: back to 待确认, its figure changed.
    actions.update_entry(
        actor=cadre_user,
        entry=first,
        version=first.version,
        data=entry_data(figures={figure("enterprises_visited"): Decimal("15")}),
    )
    assert tallies.check() == []
    # `second` was moved to 2 June: the latest entry date follows it.
    assert SecondmentActivity.objects.get(secondment=secondment).last_entry_date == date(2026, 6, 2)
    assert ProgrammeFigureTally.objects.get(field=figure("loans")).entries == 0
    assert ProgrammeFigureTally.objects.get(field=figure("enterprises_visited")).total_cents == 1500
    pending = sum(r.pending for r in ProgrammeCategoryTally.objects.all())
    assert pending == Entry.objects.filter(status="pending").count() == 2
    assert {r.week for r in ProgrammeWeekTally.objects.filter(entries__gt=0)} == {
        date(2026, 5, 4),
        date(2026, 6, 1),
    }


def test_check_finds_a_tally_that_drifted_and_rebuild_repairs_it(cadre_user, cadre_a):
    secondment = cadre_a.secondments.get()
    for day in range(5):
        _write(cadre_user, secondment, date=date(2026, 5, 1) + timedelta(days=7 * day))
    SecondmentWeekTally.objects.filter(secondment=secondment).update(entries=9)
    assert tallies.check() != []
    with pytest.raises(CommandError, match="不一致"):
        call_command("ledger_tallies", "--check")
    call_command("ledger_tallies", "--rebuild")
    assert tallies.check() == []
    call_command("ledger_tallies", "--check")


def test_rebuild_counts_entries_written_straight_to_the_database(cadre_user, cadre_a):
    secondment = cadre_a.secondments.get()
    entry = Entry.objects.create(
        secondment=secondment,
        date=date(2026, 5, 10),  # a Sunday: still the week of Monday 4 May
        category=category(),
        title="走访",
        text="走访企业",
        status="confirmed",
    )
    entry.figures.create(field=figure("loans"), value=Decimal("0.01"))
    tallies.rebuild()
    assert SecondmentWeekTally.objects.get(secondment=secondment).week == date(2026, 5, 4)
    assert SecondmentCategoryTally.objects.get(secondment=secondment).pending == 0
    assert ProgrammeFigureTally.objects.get(field=figure("loans")).total_cents == 1


def test_moving_the_latest_entry_earlier_moves_the_latest_date(cadre_user, cadre_a):
    secondment = cadre_a.secondments.get()
    _write(cadre_user, secondment, date=date(2026, 5, 6))
    latest = _write(cadre_user, secondment, date=date(2026, 5, 20))
    activity = SecondmentActivity.objects.get(secondment=secondment)
    assert activity.last_entry_date == date(2026, 5, 20)
    actions.update_entry(
        actor=cadre_user,
        entry=latest,
        version=latest.version,
        data=entry_data(date=date(2026, 5, 1)),
    )
    activity.refresh_from_db()
    assert activity.last_entry_date == date(2026, 5, 6)
    assert tallies.check() == []
