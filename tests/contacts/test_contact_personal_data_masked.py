"""A household's or petitioner's phone and ID numbers are masked in lists and on the page;
in full only on an audited POST, for the paired cadre and the programme admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from guazhi.audit.models import AuditRecord
from guazhi.contacts.models import Contact

FULL_ID = "11010519600315003X"
FULL_PHONE = "13911112222"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "viewer", ["programme_admin", "host_liaison", "home_liaison", "cadre_user"]
)
def test_lists_and_pages_show_masked_numbers(request, viewer, contact_a, client_for) -> None:
    client = client_for(request.getfixturevalue(viewer))
    for url in (reverse("contacts:contact_list"), contact_a.get_absolute_url()):
        page = client.get(url).content.decode()
        assert contact_a.name in page
        assert FULL_ID not in page
        assert FULL_PHONE not in page
        assert contact_a.masked_id_number in page
        assert contact_a.masked_phone in page


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", ["programme_admin", "cadre_user"])
def test_reveal_shows_full_numbers_and_is_audited(request, viewer, contact_a, client_for) -> None:
    user = request.getfixturevalue(viewer)
    client = client_for(user)
    assert 'data-testid="reveal"' in client.get(contact_a.get_absolute_url()).content.decode()
    response = client.post(reverse("contacts:contact_reveal", args=[contact_a.pk]))
    page = response.content.decode()
    assert FULL_ID in page and FULL_PHONE in page
    assert "no-cache" in response["Cache-Control"]
    record = AuditRecord.objects.get(event="reveal")
    assert record.user_id == user.pk
    assert record.object_type == "contacts.contact"
    assert record.object_id == str(contact_a.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", ["host_liaison", "home_liaison", "other_cadre_user"])
def test_others_cannot_reveal(request, viewer, contact_a, client_for) -> None:
    client = client_for(request.getfixturevalue(viewer))
    response = client.post(reverse("contacts:contact_reveal", args=[contact_a.pk]))
    assert response.status_code == 404
    assert not AuditRecord.objects.filter(event="reveal").exists()


@pytest.mark.django_db
def test_a_get_does_not_reveal(contact_a, cadre_user, client_for) -> None:
    response = client_for(cadre_user).get(reverse("contacts:contact_reveal", args=[contact_a.pk]))
    assert response.status_code == 405
    assert not AuditRecord.objects.filter(event="reveal").exists()


@pytest.mark.django_db
def test_the_edit_form_never_shows_full_numbers_and_keeps_them_when_blank(
    contact_a, cadre_user, client_for
) -> None:
    client = client_for(cadre_user)
    url = reverse("contacts:contact_edit", args=[contact_a.pk])
    page = client.get(url).content.decode()
    assert FULL_ID not in page and FULL_PHONE not in page
    response = client.post(
        url,
        {
            "kind": "household",
            "name": "王德福",
            "phone": "",
            "id_number": "",
            "unit": contact_a.unit_id,
            "address": "石桥村三组",
            "note": "",
            "version": 1,
        },
    )
    assert response.status_code == 302
    contact = Contact.objects.get(pk=contact_a.pk)
    assert (contact.phone, contact.id_number, contact.address) == (
        FULL_PHONE,
        FULL_ID,
        "石桥村三组",
    )
    edit = AuditRecord.objects.get(event="edit")
    assert edit.after == {"地址": "石桥村三组"}


@pytest.mark.django_db
def test_the_audit_log_keeps_personal_data_masked(cadre_user, client_for) -> None:
    client_for(cadre_user).post(
        reverse("contacts:contact_create"),
        {"kind": "petitioner", "name": "赵大姐", "phone": "139 1111 2222", "id_number": FULL_ID},
    )
    contact = Contact.objects.get(name="赵大姐")
    assert contact.phone == FULL_PHONE
    record = AuditRecord.objects.get(event="create")
    assert record.after["手机号"] == contact.masked_phone
    assert record.after["身份证号"] == contact.masked_id_number


@pytest.mark.django_db
def test_turning_a_household_into_an_enterprise_asks_to_delete_its_numbers(
    contact_a, cadre_user, client_for
) -> None:
    url = reverse("contacts:contact_edit", args=[contact_a.pk])
    data = {"kind": "enterprise", "name": "石桥茶叶合作社", "version": 1}
    response = client_for(cadre_user).post(url, data)
    assert "改为企业或村时，请勾选此项删除已登记的号码。" in response.content.decode()
    assert Contact.objects.get(pk=contact_a.pk).kind == "household"
    response = client_for(cadre_user).post(url, {**data, "clear_personal": "on"})
    assert response.status_code == 302
    contact = Contact.objects.get(pk=contact_a.pk)
    assert (contact.kind, contact.phone, contact.id_number) == ("enterprise", "", "")
