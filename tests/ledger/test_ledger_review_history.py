"""Confirming and returning entries, and the history every change leaves."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from ledger_helpers import entry_data, figure

from guazhi.audit.models import AuditRecord
from guazhi.ledger import actions
from guazhi.ledger.models import EntryStatus, RevisionAction


@pytest.fixture
def written(cadre_user, cadre_a):
    entry, created = actions.create_entry(
        actor=cadre_user, secondment=cadre_a.secondments.get(), data=entry_data(), ip="10.0.0.7"
    )
    assert created
    return entry


@pytest.mark.django_db
def test_writing_an_entry_records_history_and_audit(written, cadre_user):
    revision = written.revisions.get()
    assert revision.action == RevisionAction.CREATE
    assert revision.actor == cadre_user
    assert revision.changes["数据"] == {"走访企业": "12家"}
    audit = AuditRecord.objects.get(object_type="ledger.entry", object_id=str(written.pk))
    assert audit.event == "create"
    assert audit.ip == "10.0.0.7"
    assert written.status == EntryStatus.PENDING


@pytest.mark.django_db
def test_confirm_then_edit_needs_confirming_again(written, cadre_user, host_liaison):
    actions.confirm_entry(actor=host_liaison, entry=written, version=1)
    written.refresh_from_db()
    assert written.status == EntryStatus.CONFIRMED
    assert written.version == 2

    changed = actions.update_entry(
        actor=cadre_user,
        entry=written,
        version=2,
        data=entry_data(figures={figure("enterprises_visited"): Decimal("15")}),
    )
    written.refresh_from_db()
    assert written.status == EntryStatus.PENDING
    assert written.confirmed_by is None
    assert changed["数据"] == [{"走访企业": "12家"}, {"走访企业": "15家"}]
    assert changed["状态"] == ["已确认", "待确认"]
    assert [r.action for r in written.revisions.all()] == ["create", "confirm", "edit"]


@pytest.mark.django_db
def test_return_needs_a_comment_and_keeps_it(written, host_liaison, client_for):
    with pytest.raises(ValidationError) as refused:
        actions.return_entry(actor=host_liaison, entry=written, version=1, comment="  ")
    assert "退回意见" in refused.value.messages[0]

    client = client_for(host_liaison)
    client.post(
        reverse("ledger:entry_return", args=[written.pk]),
        {"version": 1, "comment": "请补充走访企业名单照片。"},
    )
    written.refresh_from_db()
    assert written.status == EntryStatus.RETURNED
    assert written.return_comment == "请补充走访企业名单照片。"
    revision = written.revisions.last()
    assert revision.action == RevisionAction.RETURN
    assert revision.comment == "请补充走访企业名单照片。"
    assert AuditRecord.objects.filter(event="status_change", object_id=str(written.pk)).exists()


@pytest.mark.django_db
def test_editing_a_returned_entry_resubmits_it(written, cadre_user, host_liaison, client_for):
    actions.return_entry(actor=host_liaison, entry=written, version=1, comment="请补充数据。")
    actions.update_entry(
        actor=cadre_user, entry=written, version=2, data=entry_data(title="走访园区企业（补充）")
    )
    written.refresh_from_db()
    assert written.status == EntryStatus.PENDING
    page = client_for(host_liaison).get(reverse("ledger:pending_queue"))
    assert "走访园区企业（补充）" in page.text


@pytest.mark.django_db
def test_an_entry_is_confirmed_once(written, host_liaison, programme_admin):
    actions.confirm_entry(actor=host_liaison, entry=written, version=1)
    with pytest.raises(actions.EntryConflict):
        actions.confirm_entry(actor=programme_admin, entry=written, version=2)


@pytest.mark.django_db
def test_the_history_shows_who_did_what(written, host_liaison, cadre_user, client_for):
    actions.return_entry(actor=host_liaison, entry=written, version=1, comment="日期有误。")
    page = client_for(cadre_user).get(reverse("ledger:entry_detail", args=[written.pk])).text
    assert "退回意见：</strong>日期有误。" in page
    assert "刘联络" in page
    assert "填写" in page


@pytest.mark.django_db
def test_an_edit_with_no_change_writes_nothing(written, cadre_user):
    assert actions.update_entry(actor=cadre_user, entry=written, version=1, data=entry_data()) == {}
    written.refresh_from_db()
    assert written.version == 1
    assert written.revisions.count() == 1
