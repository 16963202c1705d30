"""A form opened before someone else's change can never undo that change silently."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from guazhi.audit.models import AuditRecord, Event
from guazhi.roster import actions
from guazhi.roster.models import Secondment, SecondmentStatus, StaleEdit


def _secondment_form(s: Secondment, **changes: object) -> dict[str, object]:
    data = {
        "host_unit": s.host_unit_id,
        "post": s.post,
        "duties": s.duties,
        "start_date": s.start_date.isoformat(),
        "planned_end_date": s.planned_end_date.isoformat(),
        "category": s.category,
        "version": s.version,
    }
    data.update(changes)
    return data


def test_status_change_survives_a_stale_edit_form(client_for, programme_admin, cadre_b):
    """The issue's scenario: 待报到 → 在岗, then an edit of the post from a form opened before."""
    s = cadre_b.secondments.get()
    assert s.status == SecondmentStatus.PENDING
    client = client_for(programme_admin)
    opened = _secondment_form(s, post="街道党工委副书记")  # the form as it was opened

    client.post(
        reverse("roster:secondment_status", args=[s.pk]), {"status": "active", "on": "2026-03-02"}
    )
    response = client.post(reverse("roster:secondment_edit", args=[s.pk]), opened, follow=True)

    s.refresh_from_db()
    assert s.status == SecondmentStatus.ACTIVE
    assert s.post == "街道办事处副主任"  # the stale edit was not saved
    assert "已被他人修改" in response.content.decode()
    assert not AuditRecord.objects.filter(event=Event.EDIT).exists()


def test_a_fresh_form_saves_only_what_changed(client_for, programme_admin, cadre_a):
    s = cadre_a.secondments.get()
    client_for(programme_admin).post(
        reverse("roster:secondment_edit", args=[s.pk]), _secondment_form(s, post="镇长助理")
    )
    s.refresh_from_db()
    assert s.post == "镇长助理"
    assert s.version == 2
    edit = AuditRecord.objects.get(event=Event.EDIT)
    assert edit.before == {"post": "镇党委副书记"}
    assert edit.after == {"post": "镇长助理"}


def test_two_admins_editing_one_cadre(programme_admin, cadre_a):
    """The second save, made on the version both opened, is refused; the first is kept."""
    opened_version = cadre_a.version
    actions.update_cadre(
        actor=programme_admin,
        cadre=cadre_a,
        values={"original_post": "副科长"},
        version=opened_version,
    )
    with pytest.raises(StaleEdit) as refused:
        actions.update_cadre(
            actor=programme_admin,
            cadre=cadre_a,
            values={"rank": "三级主任科员"},
            version=opened_version,
        )
    assert "请重新打开页面" in str(refused.value)
    cadre_a.refresh_from_db()
    assert (cadre_a.original_post, cadre_a.rank) == ("副科长", "四级调研员")


def test_saving_unchanged_values_writes_nothing(programme_admin, cadre_a):
    changed = actions.update_cadre(
        actor=programme_admin,
        cadre=cadre_a,
        values={"name": cadre_a.name, "home_unit": cadre_a.home_unit},
        version=cadre_a.version,
    )
    assert changed == {}
    cadre_a.refresh_from_db()
    assert cadre_a.version == 1
    assert not AuditRecord.objects.exists()


def test_actions_run_without_a_request(cadre_a):
    """Commands and background tasks call the same actions: the audit names the server."""
    s = cadre_a.secondments.get()
    actions.change_secondment_status(
        actor=None, secondment=s, status=SecondmentStatus.COMPLETED, on=date(2027, 2, 28)
    )
    audit = AuditRecord.objects.get(event=Event.STATUS_CHANGE)
    assert audit.username == "系统"
    assert audit.after == {"status": "期满", "actual_end_date": "2027-02-28"}
