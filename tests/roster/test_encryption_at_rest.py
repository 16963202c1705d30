"""ID and mobile numbers are encrypted in the database while the models, forms and lookups read
as before: what the columns hold, which lookups work (through the blind indexes) and which are
refused, uniqueness, the search by last digits, a list decrypting only its page, the pending
import rows and the kept import report, and the deploy check."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.core.checks import run_checks
from django.core.exceptions import FieldError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from openpyxl import load_workbook
from roster.xlsx_factory import as_upload, build_roster_xlsx, demo_rows

from guazhi.audit.models import AuditRecord
from guazhi.contacts.models import Contact
from guazhi.lib.field_crypto import Keyring, is_token
from guazhi.lib.identity import id_check_char
from guazhi.roster.models import Cadre, RosterImport

ID_A, MOBILE_A = "110105198504120014", "13812345678"  # cadre_a in tests/conftest.py


def raw(table: str, pk: int, *columns: str) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()


def test_columns_hold_tokens_and_the_model_plain_values(cadre_a, contact_a):
    id_token, mobile_token, digest = raw(
        "roster_cadre", cadre_a.pk, "id_number", "mobile", "id_number_digest"
    )
    assert is_token(id_token) and is_token(mobile_token)
    assert ID_A not in id_token and MOBILE_A not in mobile_token
    assert len(digest) == 32
    fresh = Cadre.objects.get(pk=cadre_a.pk)
    assert (fresh.id_number, fresh.mobile, fresh.masked_id_number) == (
        ID_A,
        MOBILE_A,
        "110***********0014",
    )
    phone, id_number = raw("contacts_contact", contact_a.pk, "phone", "id_number")
    assert is_token(phone) and is_token(id_number)
    assert Contact.objects.values_list("phone", flat=True).get(pk=contact_a.pk) == "13911112222"


def test_lookups_go_through_the_blind_indexes(cadre_a, cadre_b, contact_a):
    assert list(Cadre.objects.filter(id_number=ID_A)) == [cadre_a]
    assert Cadre.objects.filter(id_number__in=[ID_A, cadre_b.id_number, "x"]).count() == 2
    assert Cadre.objects.filter(id_number__in=[]).count() == 0
    assert Cadre.objects.filter(mobile=MOBILE_A).get() == cadre_a
    assert Cadre.objects.filter(id_number__endswith="0014").get() == cadre_a
    assert cadre_a.secondments.filter(cadre__id_number=ID_A).exists()
    assert Contact.objects.filter(id_number="11010519600315003X").get() == contact_a
    assert Contact.objects.filter(phone="13911112222").exists()
    assert not Contact.objects.filter(phone="13911112223").exists()
    blank = Contact.objects.create(secondment=contact_a.secondment, kind="enterprise", name="企业")
    assert set(Contact.objects.exclude(phone="13911112222")) == {blank}
    assert set(Cadre.objects.exclude(id_number=ID_A)) == {cadre_b}


@pytest.mark.parametrize(
    "lookup",
    [{"id_number__contains": "0412"}, {"id_number__startswith": "110"}, {"mobile__gt": "1"}],
)
def test_lookups_an_index_cannot_answer_are_refused(cadre_a, lookup):
    with pytest.raises(FieldError):
        list(Cadre.objects.filter(**lookup))


def test_endswith_needs_exactly_the_tail_length(cadre_a):
    with pytest.raises(Exception, match="不支持"):
        list(Cadre.objects.filter(id_number__endswith="20014"))


def test_an_edit_of_the_number_keeps_its_indexes_right(cadre_a):
    cadre_a.id_number = "11010519850412003X"
    cadre_a.save(update_fields=["id_number"])
    assert Cadre.objects.filter(id_number="11010519850412003X").get() == cadre_a
    assert not Cadre.objects.filter(id_number=ID_A).exists()
    assert Cadre.objects.filter(id_number__endswith="003X").get() == cadre_a


def test_the_id_number_is_unique_in_the_database_and_in_the_form(
    cadre_a, cadre_b, client_for, programme_admin
):
    with pytest.raises(IntegrityError), transaction.atomic():
        Cadre.objects.create(
            name="重复",
            gender="M",
            birth_date=date(1985, 4, 12),
            id_number=ID_A,
            home_unit=cadre_a.home_unit,
        )
    response = client_for(programme_admin).post(
        reverse("roster:cadre_edit", args=[cadre_b.pk]),
        {
            "name": cadre_b.name,
            "gender": "M",
            "birth_date": "1985-04-12",
            "id_number": ID_A,
            "home_unit": cadre_b.home_unit_id,
            "version": cadre_b.version,
        },
    )
    assert "系统中已有使用该身份证号的干部" in response.content.decode()
    assert Cadre.objects.get(pk=cadre_b.pk).id_number == "110105199002140028"


@pytest.mark.parametrize("text", ["0014", "120014", ID_A, "5678", "12345678", MOBILE_A])
def test_search_by_last_digits_of_id_or_mobile(cadre_a, cadre_b, text):
    assert list(Cadre.objects.search(text)) == [cadre_a]


def test_search_by_digits_no_number_ends_with(cadre_a, cadre_b):
    assert not Cadre.objects.search("90014").exists()  # same last 4, not the 5th
    assert not Cadre.objects.search("0000").exists()


def test_the_cadre_list_decrypts_only_its_page(cadre_a, client_for, programme_admin, monkeypatch):
    template = Cadre.objects.get(pk=cadre_a.pk)
    cadres = []
    for i in range(200):
        first17 = f"11010519850413{i:03d}"
        cadres.append(
            Cadre(
                name=f"测试{i}",
                gender="M" if int(first17[16]) % 2 else "F",
                birth_date=date(1985, 4, 13),
                id_number=first17 + id_check_char(first17),
                mobile=f"139{i:08d}",
                home_unit=template.home_unit,
            )
        )
    for c in cadres:
        c.fill_sort_key()
    Cadre.objects.bulk_create(cadres)
    assert Cadre.objects.filter(mobile="13900000007").count() == 1  # bulk_create filled the index
    calls = []
    original = Keyring.decrypt
    monkeypatch.setattr(Keyring, "decrypt", lambda self, *a: calls.append(1) or original(self, *a))
    client = client_for(programme_admin)
    calls.clear()
    assert client.get(reverse("roster:cadre_list")).status_code == 200
    assert 0 < len(calls) <= 2 * 30  # the ID and mobile of the 30 rows of the page


def _upload(client, cohort, rows):
    client.post(
        reverse("roster:import_upload"),
        {"cohort": cohort.pk, "file": as_upload(build_roster_xlsx(rows), "名册.xlsx")},
    )
    return RosterImport.objects.latest("pk")


def test_pending_import_rows_are_encrypted_and_the_report_masks_numbers(
    client_for, programme_admin, cohort, cadre_a, units
):
    rows = demo_rows(3)
    rows[1]["身份证号"] = rows[0]["身份证号"]  # a duplicate: an issue naming the number
    rows[2]["手机号"] = "1381234567"  # ten digits
    client = client_for(programme_admin)
    rejected = _upload(client, cohort, rows)
    assert rejected.status == "rejected"
    report = str(rejected.report)
    assert rows[0]["身份证号"] not in report and rows[0]["身份证号"][-4:] in report
    assert "1381234567" not in report
    page = client.get(reverse("roster:import_detail", args=[rejected.pk])).content.decode()
    xlsx = client.get(reverse("roster:import_report", args=[rejected.pk]))
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    cells = " ".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row)
    assert rows[0]["身份证号"][-4:] in cells and not re.search(r"\d{17}[\dX]", cells)
    download = AuditRecord.objects.filter(event="export").latest("seq")
    assert download.object_id == str(rejected.pk) and "校验报告" in download.detail
    for text in (page, report):
        assert not re.search(r"\d{17}[\dX]", text)

    good = _upload(client, cohort, demo_rows(2, start=10))
    assert good.status == "validated"
    (stored,) = raw("roster_rosterimport", good.pk, "parsed")
    assert is_token(stored)
    for row in demo_rows(2, start=10):
        assert row["身份证号"] not in stored
    ids = [r["values"]["id_number"] for r in RosterImport.objects.get(pk=good.pk).parsed["rows"]]
    assert ids == [r["身份证号"] for r in demo_rows(2, start=10)]
    page = client.get(reverse("roster:import_detail", args=[good.pk])).content.decode()
    assert not re.search(r"\d{17}[\dX]", page)


def test_deploy_check_flags_the_development_key(settings):
    ids = {m.id for m in run_checks(include_deployment_checks=True)}
    assert "guazhi.roster.E010" in ids
    settings.GUAZHI_FIELD_KEY = "k" * 40
    ids = {m.id for m in run_checks(include_deployment_checks=True)}
    assert "guazhi.roster.E010" not in ids
    settings.GUAZHI_FIELD_KEY = "short"
    ids = {m.id for m in run_checks(include_deployment_checks=True)}
    assert "guazhi.roster.E011" in ids
