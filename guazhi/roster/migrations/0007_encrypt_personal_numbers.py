"""ID and mobile numbers (and the rows of a pending import) encrypted at rest: the columns
become text for the tokens, and the blind indexes are added. The rows are encrypted by 0008."""

from django.db import migrations

import guazhi.lib.encrypted_fields


class Migration(migrations.Migration):
    dependencies = [
        ("roster", "0006_secondment_cohort_status_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="cadre",
            name="id_number",
            field=guazhi.lib.encrypted_fields.EncryptedCharField(
                context="roster_cadre.id_number", max_length=18, verbose_name="身份证号"
            ),
        ),
        migrations.AlterField(
            model_name="cadre",
            name="mobile",
            field=guazhi.lib.encrypted_fields.EncryptedCharField(
                blank=True, context="roster_cadre.mobile", max_length=11, verbose_name="手机号"
            ),
        ),
        # NULL until 0008 fills it: a unique index admits any number of NULLs.
        migrations.AddField(
            model_name="cadre",
            name="id_number_digest",
            field=guazhi.lib.encrypted_fields.BlindIndexField(source="id_number", unique=True),
        ),
        migrations.AddField(
            model_name="cadre",
            name="id_number_tail_digest",
            field=guazhi.lib.encrypted_fields.BlindIndexField(
                db_index=True, source="id_number", tail=4
            ),
        ),
        migrations.AddField(
            model_name="cadre",
            name="mobile_digest",
            field=guazhi.lib.encrypted_fields.BlindIndexField(db_index=True, source="mobile"),
        ),
        migrations.AddField(
            model_name="cadre",
            name="mobile_tail_digest",
            field=guazhi.lib.encrypted_fields.BlindIndexField(
                db_index=True, source="mobile", tail=4
            ),
        ),
        migrations.AlterField(
            model_name="rosterimport",
            name="parsed",
            field=guazhi.lib.encrypted_fields.EncryptedJSONField(
                blank=True,
                context="roster_rosterimport.parsed",
                default=dict,
                verbose_name="校验通过的数据",
            ),
        ),
    ]
