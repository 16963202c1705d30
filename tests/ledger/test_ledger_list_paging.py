"""Deep pages of the ledger list: the page's ids are found first (an index walk), then those
rows are read with their joins; the unfiltered list takes its count from the running totals."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guazhi.ledger import tallies
from guazhi.ledger.models import Entry
from guazhi.lib.paging import IdFirstPaginator
from tests.conftest import ledger_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_entries(cadre_user, cadre_a):
    secondment = cadre_a.secondments.get()
    for i in range(45):
        # Pairs on one date: the order must fall back to the id, as Django's paginator does.
        ledger_entry(secondment, cadre_user, date=date(2026, 1, 1) + timedelta(days=i // 2))
    tallies.rebuild()


def test_every_page_holds_what_django_paginator_gives(many_entries):
    entries = Entry.objects.order_by("-date", "-pk")
    for number in (1, 2, 3):
        ours = IdFirstPaginator(entries, 20).page(number)
        django = Paginator(entries, 20).page(number)
        assert [e.pk for e in ours] == [e.pk for e in django]
        assert (ours.has_next(), ours.paginator.num_pages) == (django.has_next(), 3)


def test_the_unfiltered_list_counts_from_the_running_totals(
    client_for, programme_admin, many_entries
):
    client = client_for(programme_admin)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("ledger:entry_list"), {"page": 3}).context["page"]
    assert page.paginator.count == 45 and len(page.object_list) == 5
    assert not [
        q for q in queries.captured_queries if "COUNT(*)" in q["sql"] and "ledger_entry" in q["sql"]
    ]


def test_a_filtered_list_counts_what_matches(client_for, host_liaison, many_entries):
    response = client_for(host_liaison).get(
        reverse("ledger:entry_list"), {"date_from": "2026-01-20"}
    )
    page = response.context["page"]
    assert page.paginator.count == Entry.objects.filter(date__gte="2026-01-20").count() == 7
