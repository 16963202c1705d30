"""Encrypt the phone and ID numbers already stored and fill their blind indexes; on SQLite,
VACUUM afterwards so no plain copy stays in free pages. Reversible (decrypts)."""

from django.db import migrations

from guazhi.lib.encrypted_fields import keyring
from guazhi.lib.field_sealing import Column, Table, open_tables, seal_tables, vacuum_sqlite

TABLES = (
    Table(
        "contacts_contact",
        (
            Column("phone", "contacts_contact.phone", (("phone_digest", 0),)),
            Column("id_number", "contacts_contact.id_number", (("id_number_digest", 0),)),
        ),
    ),
)


def forwards(apps, schema_editor):
    seal_tables(schema_editor.connection, TABLES, keyring())
    vacuum_sqlite(schema_editor.connection)


def backwards(apps, schema_editor):
    open_tables(schema_editor.connection, TABLES, keyring())


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("contacts", "0003_encrypt_personal_numbers"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
