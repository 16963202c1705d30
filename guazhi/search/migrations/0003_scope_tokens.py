"""Scope tokens in the index (see guazhi/lib/search_index.py): each row names its secondment and,
for a shared writing, its cohort, so a narrow scope reads only its own postings.

For indexes made before them, in SQL only (no text is tokenised again):
- SQLite: the FTS5 table gains a `scope` column. FTS5 cannot add a column, so the old table is
  renamed, a new one created and filled from the old one's stored tokens, and the old dropped.
  Tables created by the current 0001 already have the column: nothing to do.
- PostgreSQL: '#s<secondment>' (and the others) lexemes are added to each row's tsvector that
  lacks them, with the GIN index dropped meanwhile and built again after.
The tokens (guazhi.lib.search_index.scope_tokens): s<secondment>; an entry g<category>; a shared
writing w, c<cohort>, k<kind without '_'>.
"""

from django.db import migrations

ENTRY, WRITING, SOURCES = 0, 1, 8
COHORT = f"(SELECT s.cohort_id FROM library_share s WHERE s.writing_id = d.id / {SOURCES})"


def _sqlite(cursor):  # type: ignore[no-untyped-def]
    cursor.execute("SELECT name FROM pragma_table_info('search_fts')")
    if "scope" in {row[0] for row in cursor.fetchall()}:
        return
    cursor.execute("ALTER TABLE search_fts RENAME TO search_fts_old")
    cursor.execute(
        "CREATE VIRTUAL TABLE search_fts USING fts5("
        "tokens, scope, tokenize = 'unicode61 remove_diacritics 0')"
    )
    cursor.execute(
        "INSERT INTO search_fts (rowid, tokens, scope)"  # noqa: S608
        " SELECT o.rowid, o.tokens, 's' || d.secondment_id ||"
        f" CASE WHEN d.source = {WRITING}"
        f" THEN ' w' || coalesce(' c' || {COHORT}, '') || ' k' || replace(d.kind, '_', '')"
        " ELSE coalesce(' g' || d.category_id, '') END"
        " FROM search_fts_old o JOIN search_document d ON d.id = o.rowid"
    )
    cursor.execute("DROP TABLE search_fts_old")
    cursor.execute("INSERT INTO search_fts (search_fts) VALUES ('optimize')")


def _postgresql(cursor):  # type: ignore[no-untyped-def]
    cursor.execute(
        "SELECT EXISTS (SELECT 1 FROM search_document d"
        " WHERE NOT d.tsv @@ quote_literal('#s' || d.secondment_id)::tsquery)"
    )
    if not cursor.fetchone()[0]:
        return
    cursor.execute("DROP INDEX IF EXISTS search_document_tsv")
    cursor.execute(
        "UPDATE search_document d SET tsv = d.tsv || array_to_tsvector(array_remove(ARRAY["  # noqa: S608
        "'#s' || d.secondment_id,"
        f" CASE WHEN d.source = {ENTRY} THEN '#g' || d.category_id END,"
        f" CASE WHEN d.source = {WRITING} THEN '#w' END,"
        f" CASE WHEN d.source = {WRITING} THEN '#c' || {COHORT} END,"
        f" CASE WHEN d.source = {WRITING} THEN '#k' || replace(d.kind, '_', '') END"
        "], NULL))"
    )
    cursor.execute("SET maintenance_work_mem = '256MB'")
    cursor.execute("CREATE INDEX search_document_tsv ON search_document USING gin (tsv)")
    cursor.execute("RESET maintenance_work_mem")
    cursor.execute("ANALYZE search_document")


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            _postgresql(cursor)
        else:
            _sqlite(cursor)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fill_index"), ("library", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
