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


@pytest.mark.django_db
def test_the_offline_queue_gets_json_and_a_resend_is_recognised(cadre_user, client_for):
    client = client_for(cadre_user)
    form = {
        "date": "2026-05-06",
        "category": category("疫情防控").pk,
        "title": "值守防疫检查站",
        "text": "在高速路口防疫检查站值守，检查车辆 320 辆次。",
        "client_uuid": str(uuid.uuid4()),
    }
    url = reverse("ledger:entry_create")
    first = client.post(url, form, HTTP_ACCEPT="application/json")
    again = client.post(url, form, HTTP_ACCEPT="application/json")
    assert first.json()["ok"] and first.json()["created"]
    assert again.json() == {**first.json(), "created": False}
    assert Entry.objects.count() == 1


@pytest.mark.django_db
def test_the_offline_queue_gets_the_errors_in_chinese(cadre_user, client_for):
    response = client_for(cadre_user).post(
        reverse("ledger:entry_create"),
        {"date": "2026-05-06", "title": "", "text": "x", "client_uuid": str(uuid.uuid4())},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"类别": ["此项为必填项。"], "标题": ["此项为必填项。"]}


@pytest.mark.django_db
def test_the_offline_queue_is_sent_to_login_when_the_session_expired(client):
    response = client.post(reverse("ledger:entry_create"), {}, HTTP_ACCEPT="application/json")
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_service_worker_is_served_within_the_ledger_scope(client):
    response = client.get(reverse("ledger:service_worker"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert reverse("ledger:service_worker").startswith("/ledger/")
    assert b'"/ledger/new/"' in response.content


@pytest.mark.django_db(transaction=True)
def test_two_copies_racing_end_in_one_entry(cadre_user, cadre_a, monkeypatch):
    """The second copy passes the existence check before the first is saved; the unique
    client_uuid stops it, and it answers with the first one's entry."""
    key = uuid.uuid4()
    secondment = cadre_a.secondments.get()
    first, _ = actions.create_entry(
        actor=cadre_user, secondment=secondment, data=entry_data(), client_uuid=key
    )
    real_existing = actions._existing
    calls = []

    def late_check(client_uuid, actor):
        calls.append(client_uuid)
        return None if len(calls) == 1 else real_existing(client_uuid, actor)

    monkeypatch.setattr(actions, "_existing", late_check)
    again, created = actions.create_entry(
        actor=cadre_user, secondment=secondment, data=entry_data(), client_uuid=key
    )
    assert not created
    assert again.pk == first.pk
    assert Entry.objects.count() == 1
