"""Who sees and changes which entries: a cadre edits only their own; the host liaison
confirms only entries of their units; the home liaison reads; IT admins see nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse
from ledger_helpers import entry_data

from guazhi.ledger import actions
from guazhi.ledger.models import Entry, EntryStatus


@pytest.mark.django_db
def test_each_role_sees_the_entries_of_its_scope(
    entry_a,
    entry_b,
    programme_admin,
    host_liaison,
    home_liaison,
    cadre_user,
    other_cadre_user,
    system_admin,
    security_admin,
    audit_admin,
):
    def seen(user):
        return set(Entry.objects.visible_to(user))

    assert seen(programme_admin) == {entry_a, entry_b}
    assert seen(host_liaison) == {entry_a}
    assert seen(home_liaison) == {entry_a}
    assert seen(cadre_user) == {entry_a}
    assert seen(other_cadre_user) == {entry_b}
    for it_admin in (system_admin, security_admin, audit_admin):
        assert seen(it_admin) == set()


@pytest.mark.django_db
def test_a_cadre_cannot_edit_another_cadres_entry(entry_b, cadre_user, client_for):
    with pytest.raises(actions.LedgerPermissionError):
        actions.update_entry(actor=cadre_user, entry=entry_b, version=1, data=entry_data())
    response = client_for(cadre_user).get(reverse("ledger:entry_edit", args=[entry_b.pk]))
    assert response.status_code == 404
    entry_b.refresh_from_db()
    assert entry_b.title == "接待来访群众"


@pytest.mark.django_db
def test_nobody_but_the_cadre_edits_an_entry(entry_a, programme_admin, host_liaison, home_liaison):
    for user in (programme_admin, host_liaison, home_liaison):
        with pytest.raises(actions.LedgerPermissionError):
            actions.update_entry(actor=user, entry=entry_a, version=1, data=entry_data())


@pytest.mark.django_db
def test_a_host_liaison_confirms_only_entries_of_their_units(
    entry_a, entry_b, host_liaison, client_for
):
    client = client_for(host_liaison)
    response = client.post(reverse("ledger:entry_confirm", args=[entry_b.pk]), {"version": 1})
    assert response.status_code == 404
    with pytest.raises(actions.LedgerPermissionError):
        actions.confirm_entry(actor=host_liaison, entry=entry_b, version=1)
    entry_b.refresh_from_db()
    assert entry_b.status == EntryStatus.PENDING

    response = client.post(reverse("ledger:entry_confirm", args=[entry_a.pk]), {"version": 1})
    assert response.status_code == 302
    entry_a.refresh_from_db()
    assert entry_a.status == EntryStatus.CONFIRMED
    assert entry_a.confirmed_by == host_liaison


@pytest.mark.django_db
def test_the_home_liaison_reads_but_cannot_confirm(entry_a, home_liaison, client_for):
    client = client_for(home_liaison)
    page = client.get(reverse("ledger:entry_detail", args=[entry_a.pk]))
    assert page.status_code == 200
    assert "确认这条纪实" not in page.text
    assert "修改</a>" not in page.text
    assert (
        client.post(reverse("ledger:entry_confirm", args=[entry_a.pk]), {"version": 1}).status_code
        == 404
    )
    with pytest.raises(actions.LedgerPermissionError):
        actions.confirm_entry(actor=home_liaison, entry=entry_a, version=1)


@pytest.mark.django_db
def test_a_cadre_cannot_confirm_their_own_entry(entry_a, cadre_user):
    with pytest.raises(actions.LedgerPermissionError):
        actions.confirm_entry(actor=cadre_user, entry=entry_a, version=1)


@pytest.mark.django_db
def test_a_cadre_cannot_write_for_another_cadres_secondment(cadre_user, cadre_b):
    with pytest.raises(actions.LedgerPermissionError):
        actions.create_entry(
            actor=cadre_user, secondment=cadre_b.secondments.get(), data=entry_data()
        )


@pytest.mark.django_db
def test_the_cadre_sees_the_edit_button_and_the_liaison_the_confirm_button(
    entry_a, cadre_user, host_liaison, client_for
):
    url = reverse("ledger:entry_detail", args=[entry_a.pk])
    assert 'data-testid="edit"' in client_for(cadre_user).get(url).text
    assert 'data-testid="confirm"' not in client_for(cadre_user).get(url).text
    liaison_page = client_for(host_liaison).get(url).text
    assert 'data-testid="confirm"' in liaison_page
    assert 'data-testid="edit"' not in liaison_page
