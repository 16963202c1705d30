"""A deleted ledger entry leaves lists, exports, search, the running totals and dashboards, and
restoring it brings it back everywhere; who may delete and restore; every change audited."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from guazhi.audit.models import AuditRecord, Event
from guazhi.ledger import actions as ledger_actions
from guazhi.ledger import tallies
from guazhi.ledger.models import Entry, EntryStatus, ProgrammeFigureTally
from guazhi.retention import actions
from tests.ledger.ledger_helpers import entry_data, figure
from tests.search.search_helpers import titles


@pytest.fixture
def written(cadre_user):
    """An entry written through the ledger action (so the totals and the index know it)."""
    secondment = ledger_actions.writable_secondment(cadre_user.cadre_id)
    entry, _ = ledger_actions.create_entry(
        actor=cadre_user,
        secondment=secondment,
        data=entry_data(
            title="走访园区企业",
            text="走访工业园区企业，了解融资需求。",
            figures={figure("enterprises_visited"): Decimal("12")},
        ),
    )
    return entry


def _export_titles(client) -> list[str]:  # type: ignore[no-untyped-def]
    response = client.get(reverse("ledger:entry_export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["工作纪实台账"]
    return [row[5].value for row in sheet.iter_rows(min_row=2)]


def _visited_total() -> int:
    row = ProgrammeFigureTally.objects.filter(field=figure("enterprises_visited")).first()
    return row.total_cents // 100 if row else 0


def _everywhere(client, user) -> dict[str, object]:  # type: ignore[no-untyped-def]
    listed = client.get(reverse("ledger:entry_list"))
    return {
        "list": "走访园区企业" in listed.content.decode(),
        "export": "走访园区企业" in _export_titles(client),
        "search": titles(client, "融资") == ["走访园区企业"],
        "count": tallies.visible_count(user),
        "total": _visited_total(),
        "home": client.get(reverse("home")).status_code,
    }


def test_deleted_entry_leaves_everything_and_restore_brings_it_back(
    client_for, programme_admin, cadre_user, written
):
    admin = client_for(programme_admin)
    shown = {"list": True, "export": True, "search": True, "count": 1, "total": 12, "home": 200}
    assert _everywhere(admin, programme_admin) == shown

    actions.delete_entry(actor=cadre_user, entry=written, version=written.version)
    gone = {"list": False, "export": False, "search": False, "count": 0, "total": 0, "home": 200}
    assert _everywhere(admin, programme_admin) == gone
    assert tallies.check() == []
    assert admin.get(written.get_absolute_url()).status_code == 404
    assert not Entry.objects.filter(pk=written.pk).exists()
    assert Entry.all_objects.get(pk=written.pk).deleted_by == cadre_user

    deleted = Entry.all_objects.get(pk=written.pk)
    actions.restore_entry(actor=programme_admin, entry=deleted, version=deleted.version)
    assert _everywhere(admin, programme_admin) == shown
    assert tallies.check() == []


def test_rebuilt_totals_and_index_leave_deleted_entries_out(
    client_for, programme_admin, cadre_user, written
):
    from guazhi.search.indexing import rebuild

    actions.delete_entry(actor=cadre_user, entry=written, version=written.version)
    tallies.rebuild()
    rebuild()
    assert _visited_total() == 0
    assert titles(client_for(programme_admin), "融资") == []


def test_delete_and_restore_through_the_pages_are_audited(client_for, cadre_user, written):
    client = client_for(cadre_user)
    page = client.get(written.get_absolute_url()).content.decode()
    assert reverse("retention:entry_delete", args=[written.pk]) in page
    response = client.post(
        reverse("retention:entry_delete", args=[written.pk]), {"version": written.version}
    )
    assert response.status_code == 302 and response["Location"] == reverse("retention:recycle_bin")
    bin_page = client.get(reverse("retention:recycle_bin")).content.decode()
    assert "走访园区企业" in bin_page and "恢复" in bin_page
    deleted = Entry.all_objects.get(pk=written.pk)
    response = client.post(
        reverse("retention:entry_restore", args=[written.pk]), {"version": deleted.version}
    )
    assert response.status_code == 302
    assert Entry.objects.filter(pk=written.pk).exists()
    events = list(
        AuditRecord.objects.filter(object_id=str(written.pk), object_type="ledger.entry")
        .order_by("seq")
        .values_list("event", "username")
    )
    assert events[-2:] == [
        (Event.SOFT_DELETE, cadre_user.username),
        (Event.UNDELETE, cadre_user.username),
    ]


def test_a_stale_form_deletes_nothing(client_for, cadre_user, written):
    client = client_for(cadre_user)
    response = client.post(
        reverse("retention:entry_delete", args=[written.pk]), {"version": written.version - 1}
    )
    assert response.status_code == 302
    assert Entry.objects.filter(pk=written.pk).exists()


def test_a_confirmed_entry_is_deleted_by_the_admin_only(
    client_for, cadre_user, host_liaison, programme_admin, written
):
    ledger_actions.confirm_entry(actor=host_liaison, entry=written, version=written.version)
    written.refresh_from_db()
    assert written.status == EntryStatus.CONFIRMED
    assert not actions.may_delete_entry(cadre_user, written)
    url = reverse("retention:entry_delete", args=[written.pk])
    assert client_for(cadre_user).post(url, {"version": written.version}).status_code == 404
    assert client_for(host_liaison).post(url, {"version": written.version}).status_code == 404
    assert client_for(programme_admin).post(url, {"version": written.version}).status_code == 302
    assert not Entry.objects.filter(pk=written.pk).exists()


def test_the_cadre_cannot_restore_what_the_admin_deleted(
    client_for, cadre_user, programme_admin, written
):
    actions.delete_entry(actor=programme_admin, entry=written, version=written.version)
    deleted = Entry.all_objects.get(pk=written.pk)
    client = client_for(cadre_user)
    assert "由管理员删除" in client.get(reverse("retention:recycle_bin")).content.decode()
    url = reverse("retention:entry_restore", args=[written.pk])
    assert client.post(url, {"version": deleted.version}).status_code == 404
    with pytest.raises(actions.RecyclePermissionError):
        actions.restore_entry(actor=cadre_user, entry=deleted, version=deleted.version)


def test_another_cadre_neither_sees_nor_restores_it(
    client_for, cadre_user, other_cadre_user, written
):
    actions.delete_entry(actor=cadre_user, entry=written, version=written.version)
    client = client_for(other_cadre_user)
    assert "走访园区企业" not in client.get(reverse("retention:recycle_bin")).content.decode()
    url = reverse("retention:entry_restore", args=[written.pk])
    assert client.post(url, {"version": written.version + 1}).status_code == 404


def test_a_deleted_entry_cannot_be_edited_or_confirmed(cadre_user, host_liaison, written):
    actions.delete_entry(actor=cadre_user, entry=written, version=written.version)
    with pytest.raises(Entry.DoesNotExist):
        ledger_actions.confirm_entry(actor=host_liaison, entry=written, version=written.version + 1)
