"""An entry sent twice (offline queue resend, double tap) is saved once."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse
from ledger_helpers import category, entry_data

from guazhi.ledger import actions
from guazhi.ledger.models import Entry


@pytest.mark.django_db
def test_a_resend_with_the_same_client_uuid_creates_no_duplicate(cadre_user, cadre_a):
    key = uuid.uuid4()
    secondment = cadre_a.secondments.get()
    first, created = actions.create_entry(
        actor=cadre_user, secondment=secondment, data=entry_data(), client_uuid=key
    )
    again, created_again = actions.create_entry(
        actor=cadre_user, secondment=secondment, data=entry_data(), client_uuid=key
    )
    assert created and not created_again
    assert again.pk == first.pk
    assert Entry.objects.count() == 1
    assert first.revisions.count() == 1


@pytest.mark.django_db
def test_posting_the_form_twice_saves_one_entry(cadre_user, client_for):
    client = client_for(cadre_user)
    key = str(uuid.uuid4())
    form = {
        "date": "2026-05-06",
        "category": category("信访接待").pk,
        "title": "接待来访群众",
        "text": "接待上访群众 5 人次，协调解决养老保险补偿问题。",
        "client_uuid": key,
    }
    first = client.post(reverse("ledger:entry_create"), form)
    second = client.post(reverse("ledger:entry_create"), form, follow=True)
    assert first.status_code == 302
    assert Entry.objects.count() == 1
    assert "此前已经提交过" in second.text
    assert second.redirect_chain[-1][0] == first["Location"]


@pytest.mark.django_db
def test_another_cadres_client_uuid_is_refused(cadre_user, other_cadre_user, cadre_a, cadre_b):
    key = uuid.uuid4()
    actions.create_entry(
        actor=cadre_user, secondment=cadre_a.secondments.get(), data=entry_data(), client_uuid=key
    )
    with pytest.raises(actions.LedgerPermissionError):
        actions.create_entry(
            actor=other_cadre_user,
            secondment=cadre_b.secondments.get(),
            data=entry_data(),
            client_uuid=key,
        )
