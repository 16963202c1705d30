"""The search index: `search_document` (Django's), then each database's text index beside it —
an FTS5 table on SQLite, a tsvector column with a GIN index on PostgreSQL (see
guazhi/lib/search_sqlite.py and search_postgresql.py). Migration 0002 fills it from what
already exists.

The FTS5 table was created first with the `tokens` column only; installations made then get the
`scope` column from migration 0003, new ones have it from here."""

from django.db import migrations, models

SQLITE = [
    (
        "CREATE VIRTUAL TABLE search_fts USING fts5("
        "tokens, scope, tokenize = 'unicode61 remove_diacritics 0')",
        "DROP TABLE search_fts",
    ),
]
POSTGRESQL = [
    (
        "ALTER TABLE search_document ADD COLUMN tsv tsvector NOT NULL DEFAULT ''",
        "ALTER TABLE search_document DROP COLUMN tsv",
    ),
    (
        "CREATE INDEX search_document_tsv ON search_document USING gin (tsv)",
        "DROP INDEX search_document_tsv",
    ),
]


def _statements(vendor: str) -> list[tuple[str, str]]:
    if vendor == "sqlite":
        return SQLITE
    if vendor == "postgresql":
        return POSTGRESQL
    raise RuntimeError(f"全文检索不支持此数据库：{vendor}")


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    for create, _ in _statements(schema_editor.connection.vendor):
        schema_editor.execute(create)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    for _, drop in reversed(_statements(schema_editor.connection.vendor)):
        schema_editor.execute(drop)


class Migration(migrations.Migration):
    initial = True

    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                ("id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("source", models.PositiveSmallIntegerField(verbose_name="来源")),
                (
                    "secondment_id",
                    models.BigIntegerField(db_index=True, verbose_name="挂职任职"),
                ),
                (
                    "category_id",
                    models.BigIntegerField(blank=True, null=True, verbose_name="纪实类别"),
                ),
                ("kind", models.CharField(blank=True, max_length=16, verbose_name="材料类型")),
                ("date", models.DateField(verbose_name="日期")),
            ],
            options={
                "verbose_name": "检索索引",
                "verbose_name_plural": "检索索引",
                "db_table": "search_document",
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
