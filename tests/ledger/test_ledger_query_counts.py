"""Ledger pages issue the same number of queries whatever the amount of data."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from ledger_helpers import figure

from guazhi.ledger.models import Attachment, EntryFigure, EntryRevision


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def _grow(entry, secondment, user, make_entry, n: int) -> None:
    for i in range(n):
        more = make_entry(secondment, user, title=f"走访 {i}")
        EntryFigure.objects.create(entry=more, field=figure("loans"), value=Decimal(i + 1))
        EntryFigure.objects.create(entry=more, field=figure("enterprises_visited"), value=3)
    for i in range(n):
        EntryRevision.objects.create(entry=entry, action="edit", actor=user, version=i + 2)
        Attachment.objects.create(
            entry=entry,
            file=f"ledger/x/{i}.pdf",
            kind="pdf",
            content_type="application/pdf",
            original_name=f"{i}.pdf",
            size=10,
            sha256="0" * 64,
            uploaded_by=user,
        )


@pytest.mark.parametrize("who", ["cadre_user", "host_liaison", "programme_admin"])
@pytest.mark.django_db
def test_lists_and_detail_do_not_grow_with_data(
    who, request, entry_a, cadre_a, cadre_user, client_for, make_entry
):
    client = client_for(request.getfixturevalue(who))
    urls = [reverse("ledger:entry_list"), reverse("ledger:entry_detail", args=[entry_a.pk])]
    if who != "cadre_user":
        urls.append(reverse("ledger:pending_queue"))
    for url in urls:  # the first request of a session writes it; measure the next ones
        client.get(url)
    small = [_queries(client, url) for url in urls]
    _grow(entry_a, cadre_a.secondments.get(), cadre_user, make_entry, 25)
    large = [_queries(client, url) for url in urls]
    assert large == small
