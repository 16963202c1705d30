"""The ledger pages: the list with its filters, the 待确认 queue, and a form made for phones."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from ledger_helpers import category

from guazhi.ledger.models import EntryStatus


@pytest.mark.django_db
def test_the_entry_form_is_made_for_a_phone(cadre_user, client_for):
    page = client_for(cadre_user).get(reverse("ledger:entry_create")).text
    assert 'accept="image/*,application/pdf,.docx"' in page
    assert "capture=" in page
    assert "multiple" in page
    assert 'inputmode="decimal"' in page  # amounts in 万元
    assert 'inputmode="numeric"' in page  # counted things
    assert '<span class="input-group-text">万元</span>' in page
    assert "ledger/entry_form.js" in page
    assert "<script>" not in page  # no inline script (CSP)
    assert 'name="client_uuid"' in page


@pytest.mark.django_db
def test_a_cadre_without_a_secondment_on_post_is_told_why(other_cadre_user, client_for):
    page = client_for(other_cadre_user).get(reverse("ledger:entry_create")).text
    assert "没有在岗的挂职任职" in page


@pytest.mark.django_db
def test_the_list_filters_by_date_category_and_status(
    cadre_a, cadre_user, programme_admin, client_for, make_entry
):
    secondment = cadre_a.secondments.get()
    make_entry(secondment, cadre_user, title="五月走访", date=date(2026, 5, 6))
    make_entry(
        secondment,
        cadre_user,
        title="四月接访",
        date=date(2026, 4, 2),
        category=category("信访接待"),
        status=EntryStatus.CONFIRMED,
    )
    client = client_for(programme_admin)
    url = reverse("ledger:entry_list")

    def titles(**params):
        text = client.get(url, params).text
        return {t for t in ("五月走访", "四月接访") if t in text}

    assert titles() == {"五月走访", "四月接访"}
    assert titles(date_from="2026-05-01") == {"五月走访"}
    assert titles(date_to="2026-04-30") == {"四月接访"}
    assert titles(category=category("信访接待").pk) == {"四月接访"}
    assert titles(status="pending") == {"五月走访"}
    assert titles(q="张建国") == {"五月走访", "四月接访"}
    bad = client.get(url, {"date_from": "2026-05-01", "date_to": "2026-04-01"}).text
    assert "截止日期不能早于起始日期" in bad


@pytest.mark.django_db
def test_the_list_is_cards_on_a_phone_and_a_table_on_a_desk(entry_a, host_liaison, client_for):
    page = client_for(host_liaison).get(reverse("ledger:entry_list")).text
    assert 'class="card d-none d-md-block"' in page
    assert 'class="d-md-none"' in page
    assert page.count("走访园区企业") >= 2


@pytest.mark.django_db
def test_the_queue_holds_only_pending_entries_of_the_liaisons_units(
    entry_a, entry_b, cadre_a, cadre_user, host_liaison, client_for, make_entry
):
    make_entry(
        cadre_a.secondments.get(), cadre_user, title="已确认的纪实", status=EntryStatus.CONFIRMED
    )
    page = client_for(host_liaison).get(reverse("ledger:pending_queue")).text
    assert "走访园区企业" in page
    assert "已确认的纪实" not in page
    assert "接待来访群众" not in page  # another town's entry


@pytest.mark.django_db
def test_confirming_from_the_queue_returns_to_the_queue(entry_a, host_liaison, client_for):
    response = client_for(host_liaison).post(
        reverse("ledger:entry_confirm", args=[entry_a.pk]), {"version": 1, "next": "queue"}
    )
    assert response["Location"] == reverse("ledger:pending_queue")


@pytest.mark.django_db
def test_the_menu_leads_to_the_ledger(cadre_user, host_liaison, system_admin, client_for):
    assert "我的工作纪实" in client_for(cadre_user).get(reverse("home")).text
    assert "待确认纪实" in client_for(host_liaison).get(reverse("home")).text
    assert "工作纪实" not in client_for(system_admin).get(reverse("home")).text
