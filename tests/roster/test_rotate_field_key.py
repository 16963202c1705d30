"""Key rotation (`manage.py rotate_field_key`) and the migrations that encrypt rows stored in
plain before this version (and decrypt them back)."""

from __future__ import annotations

import importlib
import json
from dataclasses import replace
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from guazhi.audit.models import AuditRecord
from guazhi.contacts.models import Contact
from guazhi.lib import field_sealing
from guazhi.lib.encrypted_fields import keyring
from guazhi.lib.field_crypto import token_key_id
from guazhi.roster.management.commands import rotate_field_key as command
from guazhi.roster.models import Cadre, RosterImport

KEY_A, KEY_B = "a" * 40, "b" * 40
ID_A = "110105198504120014"


def tokens(table: str, *columns: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {table}")  # noqa: S608
        return [v for row in cursor.fetchall() for v in row if v]


def key_ids() -> set[str]:
    found = tokens("roster_cadre", "id_number", "mobile")
    found += tokens("contacts_contact", "phone", "id_number")
    return {token_key_id(t) for t in found}


@pytest.fixture
def under_key_a(settings, cadre_a, cadre_b, contact_a):
    settings.GUAZHI_FIELD_KEY, settings.GUAZHI_FIELD_KEY_OLD = KEY_A, "development"
    for cadre in Cadre.objects.all():  # re-sealed under key A (the fixtures used the dev key)
        cadre.save()
    Contact.objects.get(pk=contact_a.pk).save()
    settings.GUAZHI_FIELD_KEY_OLD = ""
    assert key_ids() == {keyring().current_id}
    return keyring().current_id


def test_rotation_reseals_everything_and_lookups_work_throughout(settings, under_key_a):
    settings.GUAZHI_FIELD_KEY, settings.GUAZHI_FIELD_KEY_OLD = KEY_B, KEY_A
    # Mid-rotation: old tokens open, lookups find rows indexed under either key.
    assert Cadre.objects.get(id_number=ID_A).mobile == "13812345678"
    assert Cadre.objects.search("0014").count() == 1
    call_command("rotate_field_key")
    key_b = keyring().current_id
    assert key_ids() == {key_b} != {under_key_a}
    settings.GUAZHI_FIELD_KEY_OLD = ""  # the old key is gone: everything still reads
    assert Cadre.objects.get(id_number=ID_A).mobile == "13812345678"
    assert Cadre.objects.filter(id_number__endswith="0014").count() == 1
    assert Contact.objects.get(phone="13911112222").id_number == "11010519600315003X"
    details = list(
        AuditRecord.objects.filter(object_type="field_key")
        .order_by("seq")
        .values_list("detail", flat=True)
    )
    assert details[0].startswith("开始用密钥") and "重新加密完成" in details[1]
    assert f"改用密钥 {key_b}" in details[1] and "剩余 0 行" in details[1]


def test_a_stopped_rotation_resumes_where_it_stopped(settings, under_key_a, monkeypatch, capsys):
    settings.GUAZHI_FIELD_KEY, settings.GUAZHI_FIELD_KEY_OLD = KEY_B, KEY_A
    original = field_sealing._update
    done = []

    def crash_after_two(*args):  # type: ignore[no-untyped-def]
        if len(done) == 2:
            raise KeyboardInterrupt
        done.append(1)
        original(*args)

    monkeypatch.setattr(field_sealing, "_update", crash_after_two)
    whole = command.encrypted_tables
    monkeypatch.setattr(
        command, "encrypted_tables", lambda models: [replace(t, batch=1) for t in whole(models)]
    )
    with pytest.raises(KeyboardInterrupt):
        call_command("rotate_field_key")
    assert key_ids() == {under_key_a, keyring().current_id}  # half done, and readable
    assert Cadre.objects.count() == 2 and Cadre.objects.get(id_number=ID_A)
    monkeypatch.setattr(field_sealing, "_update", original)
    call_command("rotate_field_key")
    assert key_ids() == {keyring().current_id}
    assert "重新加密 1 行" in capsys.readouterr().out  # only what was left
    call_command("rotate_field_key")
    assert "无需更换" in capsys.readouterr().out


def test_without_the_old_key_the_rotation_stops_and_says_why(settings, under_key_a):
    settings.GUAZHI_FIELD_KEY = KEY_B
    with pytest.raises(CommandError, match="GUAZHI_FIELD_KEY_OLD"):
        call_command("rotate_field_key")
    last = AuditRecord.objects.filter(object_type="field_key").latest("seq")
    assert last.result == "failure"


def test_from_the_development_key(settings, cadre_a):
    settings.GUAZHI_FIELD_KEY, settings.GUAZHI_FIELD_KEY_OLD = KEY_B, "development"
    call_command("rotate_field_key")
    assert key_ids() == {keyring().current_id}


def _plain_rows(cadre_a, contact_a) -> None:
    """The rows as a version before encryption left them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE roster_cadre SET id_number = %s, mobile = %s, id_number_digest = NULL, "
            "id_number_tail_digest = NULL, mobile_digest = NULL, mobile_tail_digest = NULL "
            "WHERE id = %s",
            [ID_A, "13812345678", cadre_a.pk],
        )
        cursor.execute(
            "UPDATE contacts_contact SET phone = %s, id_number = %s, phone_digest = NULL, "
            "id_number_digest = NULL WHERE id = %s",
            ["13911112222", "11010519600315003X", contact_a.pk],
        )


def test_the_migrations_encrypt_plain_rows_and_back(cadre_a, contact_a, programme_admin, cohort):
    roster = importlib.import_module("guazhi.roster.migrations.0008_encrypt_personal_numbers_data")
    contacts = importlib.import_module(
        "guazhi.contacts.migrations.0004_encrypt_personal_numbers_data"
    )
    pending = RosterImport.objects.create(
        cohort=cohort,
        file_name="名册.xlsx",
        sha256="0" * 64,
        uploaded_by=programme_admin,
        status="validated",
        report=[{"row": 3, "column": "公民身份号码", "value": ID_A, "message": f"{ID_A} 重复"}],
    )
    _plain_rows(cadre_a, contact_a)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE roster_rosterimport SET parsed = %s WHERE id = %s",
            [json.dumps({"rows": [{"values": {"id_number": ID_A}}]}), pending.pk],
        )
    editor = SimpleNamespace(connection=connection)
    roster.forwards(apps, editor)
    contacts.forwards(apps, editor)
    assert ID_A not in "".join(tokens("roster_cadre", "id_number", "mobile"))
    assert Cadre.objects.get(id_number=ID_A) == cadre_a  # the digests were filled
    assert Cadre.objects.search("5678").get() == cadre_a
    assert Contact.objects.get(phone="13911112222") == contact_a
    pending.refresh_from_db()
    assert pending.parsed["rows"][0]["values"]["id_number"] == ID_A
    assert ID_A not in str(pending.report) and "110***********0014" in str(pending.report)
    roster.forwards(apps, editor)  # a rerun changes nothing
    assert Cadre.objects.get(pk=cadre_a.pk).id_number == ID_A

    roster.backwards(apps, editor)
    contacts.backwards(apps, editor)
    assert tokens("roster_cadre", "id_number_digest") == []
    assert ID_A in tokens("roster_cadre", "id_number")
    assert "11010519600315003X" in tokens("contacts_contact", "id_number")
