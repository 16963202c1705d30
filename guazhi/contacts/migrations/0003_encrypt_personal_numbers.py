"""Households' and petitioners' phone and ID numbers encrypted at rest: the columns become text
for the tokens and the blind indexes are added; 0004 encrypts the rows."""

from django.db import migrations

import guazhi.lib.encrypted_fields


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0002_created_by_optional"),
    ]

    operations = [
        migrations.AlterField(
            model_name="contact",
            name="phone",
            field=guazhi.lib.encrypted_fields.EncryptedCharField(
                blank=True, context="contacts_contact.phone", max_length=11, verbose_name="手机号"
            ),
        ),
        migrations.AlterField(
            model_name="contact",
            name="id_number",
            field=guazhi.lib.encrypted_fields.EncryptedCharField(
                blank=True,
                context="contacts_contact.id_number",
                max_length=18,
                verbose_name="身份证号",
            ),
        ),
        migrations.AddField(
            model_name="contact",
            name="phone_digest",
            field=guazhi.lib.encrypted_fields.BlindIndexField(db_index=True, source="phone"),
        ),
        migrations.AddField(
            model_name="contact",
            name="id_number_digest",
            field=guazhi.lib.encrypted_fields.BlindIndexField(db_index=True, source="id_number"),
        ),
    ]
