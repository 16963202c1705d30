"""Helpers of the search tests: entries written through the ledger actions (which index them),
and the search page's results as plain text."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client
from django.urls import reverse

from guazhi.accounts.models import User
from guazhi.ledger import actions
from guazhi.ledger.models import Entry
from tests.ledger.ledger_helpers import entry_data


def write_entry(user: User, **fields: Any) -> Entry:
    secondment = actions.writable_secondment(user.cadre_id)
    assert secondment is not None
    entry, _ = actions.create_entry(
        actor=user, secondment=secondment, data=entry_data(figures={}, **fields)
    )
    return entry


def search(client: Client, q: str, **filters: Any) -> Any:
    response = client.get(reverse("search:search"), {"q": q, **filters})
    assert response.status_code == 200
    return response


def titles(client: Client, q: str, **filters: Any) -> list[str]:
    """The result titles, in rank order, with the <mark> tags taken out."""
    return [
        re.sub(r"</?mark>", "", str(r.title))
        for r in search(client, q, **filters).context["results"]
    ]
