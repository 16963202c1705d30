"""Two people editing one entry end in a clear Chinese message, never a silent overwrite."""

from __future__ import annotations

import pytest
from django.urls import reverse
from ledger_helpers import entry_data

from guazhi.ledger import actions
from guazhi.ledger.models import EntryStatus


def _form(entry, **overrides):
    data = {
        "date": "2026-05-06",
        "category": entry.category_id,
        "title": entry.title,
        "text": entry.text,
        "version": entry.version,
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_a_stale_edit_is_refused_and_overwrites_nothing(entry_a, cadre_user, client_for):
    client = client_for(cadre_user)
    url = reverse("ledger:entry_edit", args=[entry_a.pk])
    opened = _form(entry_a)  # the form as opened in one tab (version 1)
    # Meanwhile the entry is saved from another tab (version 1 → 2).
    client.post(url, _form(entry_a, title="第一次修改"))
    entry_a.refresh_from_db()
    assert entry_a.version == 2

    response = client.post(url, {**opened, "title": "第二次修改"})
    assert response.status_code == 200
    assert "已被他人修改" in response.text
    assert "请刷新页面" in response.text
    entry_a.refresh_from_db()
    assert entry_a.title == "第一次修改"
    assert entry_a.version == 2


@pytest.mark.django_db
def test_a_stale_action_call_raises_a_conflict(entry_a, cadre_user):
    with pytest.raises(actions.EntryConflict) as conflict:
        actions.update_entry(actor=cadre_user, entry=entry_a, version=7, data=entry_data())
    assert "请刷新页面" in conflict.value.message


@pytest.mark.django_db
def test_a_liaison_cannot_confirm_what_changed_after_they_looked(
    entry_a, cadre_user, host_liaison, client_for
):
    seen_version = entry_a.version
    actions.update_entry(
        actor=cadre_user, entry=entry_a, version=seen_version, data=entry_data(title="改过的标题")
    )
    response = client_for(host_liaison).post(
        reverse("ledger:entry_confirm", args=[entry_a.pk]), {"version": seen_version}, follow=True
    )
    assert "已被他人修改" in response.text
    entry_a.refresh_from_db()
    assert entry_a.status == EntryStatus.PENDING


@pytest.mark.django_db
def test_a_cadre_editing_while_the_liaison_confirms_gets_the_message(
    entry_a, cadre_user, host_liaison
):
    actions.confirm_entry(actor=host_liaison, entry=entry_a, version=1)
    with pytest.raises(actions.EntryConflict):
        actions.update_entry(actor=cadre_user, entry=entry_a, version=1, data=entry_data())
    entry_a.refresh_from_db()
    assert entry_a.status == EntryStatus.CONFIRMED
