"""Index what existed before search: every ledger entry and every shared writing."""

from django.db import migrations

from guazhi.search.indexing import index_entries, index_shares


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    index_entries(apps.get_model("ledger", "Entry"))
    index_shares(apps.get_model("library", "Share"))


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
        ("ledger", "0005_entry_category_status_index"),
        ("library", "0001_initial"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
