"""Encrypt the ID and mobile numbers already stored (and the rows of pending imports), fill the
blind indexes, and mask the numbers in kept import reports; then, on SQLite, VACUUM so that the
plain numbers just replaced leave no copy in free pages or the write-ahead log.

Reversible: the reverse decrypts (with the key in force) and leaves the reports masked."""

from django.db import migrations, transaction

from guazhi.lib.encrypted_fields import keyring
from guazhi.lib.field_sealing import Column, Table, open_tables, seal_tables, vacuum_sqlite
from guazhi.roster.import_report import PERSONAL_KEYS, mask_numbers

TABLES = (
    Table(
        "roster_cadre",
        (
            Column(
                "id_number",
                "roster_cadre.id_number",
                (("id_number_digest", 0), ("id_number_tail_digest", 4)),
            ),
            Column(
                "mobile", "roster_cadre.mobile", (("mobile_digest", 0), ("mobile_tail_digest", 4))
            ),
        ),
    ),
    Table("roster_rosterimport", (Column("parsed", "roster_rosterimport.parsed"),), batch=20),
)
# Report columns are headers as written in the file: these words mark the personal ones.
_ID_WORDS = ("身份证", "身份号", "证件号")
_MOBILE_WORDS = ("手机", "电话", "联系方式")


def _mask_item(item):
    column = str(item.get("column") or "")
    value = str(item.get("value") or "")
    if value and any(w in column for w in _ID_WORDS):
        value = PERSONAL_KEYS["id_number"](value)
    elif value and any(w in column for w in _MOBILE_WORDS):
        value = PERSONAL_KEYS["mobile"](value)
    return {
        **item,
        "value": mask_numbers(value),
        "message": mask_numbers(str(item.get("message") or "")),
    }


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    seal_tables(connection, TABLES, keyring())
    RosterImport = apps.get_model("roster", "RosterImport")
    with transaction.atomic(using=connection.alias):
        for pk, report in RosterImport.objects.values_list("pk", "report"):
            masked = [_mask_item(item) for item in report or []]
            if masked != report:
                RosterImport.objects.filter(pk=pk).update(report=masked)
    vacuum_sqlite(connection)


def backwards(apps, schema_editor):
    open_tables(schema_editor.connection, TABLES, keyring())


class Migration(migrations.Migration):
    # Each batch commits on its own, and VACUUM cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("roster", "0007_encrypt_personal_numbers"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
