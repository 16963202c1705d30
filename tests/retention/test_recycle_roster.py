"""Cadres and secondments in the recycle bin: deleted only when nothing live hangs on them,
gone from lists, exports and search, back on restore; the programme admin's alone."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from guazhi.audit.models import AuditRecord, Event
from guazhi.retention import actions, roster_actions
from guazhi.roster.models import Cadre, Secondment, SecondmentStatus
from tests.conftest import ledger_entry


def _page(client, name: str, **query: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(reverse(name), query)
    assert response.status_code == 200
    return response.content.decode()


def _export_names(client) -> list[str]:  # type: ignore[no-untyped-def]
    response = client.get(reverse("roster:roster_export"))
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(body)).worksheets[0]
    return [str(c.value) for row in sheet.iter_rows(min_row=2) for c in row if c.value]


def test_a_secondment_without_work_goes_to_the_bin_and_back(client_for, programme_admin, cadre_b):
    secondment = cadre_b.secondments.get()
    admin = client_for(programme_admin)
    assert "街道办事处副主任" in _page(admin, "roster:secondment_list")
    response = admin.post(
        reverse("retention:secondment_delete", args=[secondment.pk]),
        {"version": secondment.version},
    )
    assert response["Location"] == reverse("retention:recycle_bin")
    assert "街道办事处副主任" in _page(admin, "retention:recycle_bin")
    assert "街道办事处副主任" not in _page(admin, "roster:secondment_list")
    assert admin.get(secondment.get_absolute_url()).status_code == 404
    assert not cadre_b.secondments.exists()

    deleted = Secondment.all_objects.get(pk=secondment.pk)
    admin.post(
        reverse("retention:secondment_restore", args=[secondment.pk]), {"version": deleted.version}
    )
    assert "街道办事处副主任" in _page(admin, "roster:secondment_list")
    assert admin.get(secondment.get_absolute_url()).status_code == 200
    assert list(
        AuditRecord.objects.filter(object_type="roster.secondment")
        .order_by("seq")
        .values_list("event", flat=True)
    )[-2:] == [Event.SOFT_DELETE, Event.UNDELETE]


def test_a_secondment_with_work_is_ended_not_deleted(programme_admin, cadre_a, cadre_user):
    secondment = cadre_a.secondments.get()
    entry = ledger_entry(secondment, cadre_user)
    with pytest.raises(actions.RecycleConflict, match="已有工作纪实"):
        roster_actions.delete_secondment(
            actor=programme_admin, secondment=secondment, version=secondment.version
        )
    # Once the entry is in the bin, the secondment may go too…
    actions.delete_entry(actor=cadre_user, entry=entry, version=entry.version)
    roster_actions.delete_secondment(
        actor=programme_admin, secondment=secondment, version=secondment.version
    )
    # …and the entry cannot come back before its secondment does.
    deleted_entry = type(entry).all_objects.get(pk=entry.pk)
    with pytest.raises(actions.RecycleConflict, match="请先恢复挂职任职"):
        actions.restore_entry(
            actor=programme_admin, entry=deleted_entry, version=deleted_entry.version
        )
    deleted = Secondment.all_objects.get(pk=secondment.pk)
    roster_actions.restore_secondment(
        actor=programme_admin, secondment=deleted, version=deleted.version
    )
    actions.restore_entry(actor=programme_admin, entry=deleted_entry, version=deleted_entry.version)
    assert type(entry).objects.filter(pk=entry.pk).exists()


def test_a_cadre_goes_only_after_their_secondments_and_leaves_lists_and_search(
    client_for, programme_admin, cadre_b
):
    admin = client_for(programme_admin)
    with pytest.raises(actions.RecycleConflict, match="挂职任职"):
        roster_actions.delete_cadre(actor=programme_admin, cadre=cadre_b, version=cadre_b.version)
    secondment = cadre_b.secondments.get()
    roster_actions.delete_secondment(
        actor=programme_admin, secondment=secondment, version=secondment.version
    )
    assert "李秀英" in _page(admin, "roster:cadre_list")
    response = admin.post(
        reverse("retention:cadre_delete", args=[cadre_b.pk]), {"version": cadre_b.version}
    )
    assert response.status_code == 302
    bin_page = _page(admin, "retention:recycle_bin")
    assert "李秀英" in bin_page and "110105199002140028" not in bin_page
    assert "李秀英" not in _page(admin, "roster:cadre_list")
    assert "李秀英" not in _page(admin, "roster:cadre_list", q="lxy")
    assert "李秀英" not in " ".join(_export_names(admin))
    assert admin.get(cadre_b.get_absolute_url()).status_code == 404

    deleted = Cadre.all_objects.get(pk=cadre_b.pk)
    admin.post(reverse("retention:cadre_restore", args=[cadre_b.pk]), {"version": deleted.version})
    assert "李秀英" in _page(admin, "roster:cadre_list")


def test_a_cadre_with_an_active_account_is_not_deleted(programme_admin, cadre_a, cadre_user):
    secondment = cadre_a.secondments.get()
    roster_actions.delete_secondment(
        actor=programme_admin, secondment=secondment, version=secondment.version
    )
    with pytest.raises(actions.RecycleConflict, match="停用其账号"):
        roster_actions.delete_cadre(actor=programme_admin, cadre=cadre_a, version=cadre_a.version)


def test_a_new_secondment_in_the_same_cohort_after_deleting_one(programme_admin, cadre_b, units):
    old = cadre_b.secondments.get()
    roster_actions.delete_secondment(actor=programme_admin, secondment=old, version=old.version)
    Secondment.objects.create(
        cadre=cadre_b,
        cohort=old.cohort,
        host_unit=units["town_a"],
        post="镇长助理",
        start_date=date(2026, 3, 1),
        planned_end_date=date(2027, 2, 28),
        status=SecondmentStatus.ACTIVE,
    )
    deleted = Secondment.all_objects.get(pk=old.pk)
    with pytest.raises(actions.RecycleConflict, match="已有另一条挂职任职"):
        roster_actions.restore_secondment(
            actor=programme_admin, secondment=deleted, version=deleted.version
        )


def test_only_the_programme_admin_deletes_roster_rows(
    client_for, host_liaison, cadre_user, cadre_b
):
    secondment = cadre_b.secondments.get()
    for user in (host_liaison, cadre_user):
        client = client_for(user)
        url = reverse("retention:secondment_delete", args=[secondment.pk])
        assert client.post(url, {"version": secondment.version}).status_code == 404
        url = reverse("retention:cadre_delete", args=[cadre_b.pk])
        assert client.post(url, {"version": cadre_b.version}).status_code == 404
    assert Secondment.objects.filter(pk=secondment.pk).exists()


def test_an_import_names_a_cadre_in_the_recycle_bin(programme_admin, units, cohort):
    from roster.import_helpers import ID_MALE, error_at, make_other_cohort, make_seconded, one_row

    earlier = make_other_cohort()
    cadre = make_seconded(units, earlier)
    secondment = cadre.secondments.get()
    roster_actions.delete_secondment(
        actor=programme_admin, secondment=secondment, version=secondment.version
    )
    cadre.refresh_from_db()
    roster_actions.delete_cadre(actor=programme_admin, cadre=cadre, version=cadre.version)
    result = one_row({"身份证号": ID_MALE}, cohort)
    assert "回收站" in error_at(result, 2, "身份证号")
