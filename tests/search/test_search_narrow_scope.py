"""Scope tokens: a narrow scope (a cadre, a town's liaison) and the filters make the index read
only their own postings; the SQL conditions still decide. Migration 0003 gives an index made
before scope tokens its tokens, in SQL."""

from __future__ import annotations

import doctest
import importlib

import pytest
from django.db import connection
from search_helpers import titles, write_entry

from guazhi.lib import search_index, search_postgresql, search_sqlite, search_text
from guazhi.search import scope
from tests.conftest import ledger_entry
from tests.library.library_helpers import shared_writing


@pytest.mark.parametrize("module", [search_index, search_sqlite, search_postgresql, search_text])
def test_doctests(module):
    failed, attempted = doctest.testmod(module)
    assert attempted > 0 and failed == 0


@pytest.fixture
def corpus(cadre_a, cadre_b, cadre_user, other_cadre_user):
    write_entry(cadre_user, title="柳溪镇企业走访", text="走访企业。")
    ledger_entry(cadre_b.secondments.get(), other_cadre_user, title="东关企业", text="企业。")
    shared_writing(cadre_a.secondments.get(), cadre_user, title="企业服务体会", text="企业。")
    search_index.index_entries(cadre_b.secondments.get().ledger_entries.all())


def test_who_passes_scope_tokens(
    cadre_user, host_liaison, home_liaison, programme_admin, cadre_a, corpus
):
    secondment = cadre_a.secondments.get()
    assert scope.scope(cadre_user).within == [[f"s{secondment.pk}", f"c{secondment.cohort_id}"]]
    assert scope.scope(host_liaison).within == [[f"s{secondment.pk}"]]
    assert scope.scope(home_liaison).within == [[f"s{secondment.pk}"]]
    assert scope.scope(programme_admin).within == []


def test_a_liaison_over_the_narrow_limit_walks_and_finds_the_same(
    client_for, host_liaison, corpus, monkeypatch
):
    narrow = titles(client_for(host_liaison), "企业")
    monkeypatch.setattr(scope, "NARROW", 0)
    assert scope.scope(host_liaison).within == []
    assert titles(client_for(host_liaison), "企业") == narrow
    assert set(narrow) == {"柳溪镇企业走访", "企业服务体会"}


def test_a_cadre_with_filters(client_for, cadre_user, other_cadre_user, corpus):
    assert set(titles(client_for(other_cadre_user), "企业")) == {"东关企业", "企业服务体会"}
    assert titles(client_for(other_cadre_user), "企业", source="writing") == ["企业服务体会"]
    assert titles(client_for(other_cadre_user), "企业", kind="reflection") == ["企业服务体会"]
    assert titles(client_for(other_cadre_user), "企业", kind="speech") == []
    assert titles(client_for(cadre_user), "企业", source="entry") == ["柳溪镇企业走访"]


def _set_scope_tokens(doc: int, tokens: str) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE search_document SET tsv = ts_delete(tsv, ARRAY(SELECT lexeme"
                " FROM unnest(tsv) WHERE lexeme LIKE '#%%')) || array_to_tsvector(%s)"
                " WHERE id = %s",
                [[f"#{t}" for t in tokens.split()], doc],
            )
        else:
            cursor.execute("UPDATE search_fts SET scope = %s WHERE rowid = %s", [tokens, doc])


def test_the_index_reads_only_the_scopes_postings(
    client_for, cadre_user, programme_admin, cadre_b, corpus
):
    """Proof that the tokens narrow the read: an entry whose tokens name another secondment is
    not read for its cadre (the admin, with no tokens, still finds it)."""
    entry = write_entry(cadre_user, title="改过标记的企业纪实", text="企业。")
    _set_scope_tokens(entry.pk * 8, f"s{cadre_b.secondments.get().pk}")
    assert "改过标记的企业纪实" not in titles(client_for(cadre_user), "企业")
    assert "改过标记的企业纪实" in titles(client_for(programme_admin), "企业")


def test_the_sql_conditions_still_decide(client_for, other_cadre_user, cadre_a, corpus):
    """Tokens that wrongly let a row in do not show it: the where clause is the rule."""
    entry = cadre_a.secondments.get().ledger_entries.get().pk
    other = f"s{other_cadre_user.cadre.secondments.get().pk}"
    _set_scope_tokens(entry * 8, other)
    assert "柳溪镇企业走访" not in titles(client_for(other_cadre_user), "企业")


def _strip_scope_tokens() -> None:
    """Make the index as it was before scope tokens."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE search_document SET tsv = ts_delete(tsv, ARRAY(SELECT lexeme"
                " FROM unnest(tsv) WHERE lexeme LIKE '#%%'))"
            )
        else:
            cursor.execute("ALTER TABLE search_fts RENAME TO search_fts_new")
            cursor.execute(
                "CREATE VIRTUAL TABLE search_fts USING fts5("
                "tokens, tokenize = 'unicode61 remove_diacritics 0')"
            )
            cursor.execute(
                "INSERT INTO search_fts (rowid, tokens) SELECT rowid, tokens FROM search_fts_new"
            )
            cursor.execute("DROP TABLE search_fts_new")


def _scope_tokens_of(doc: int) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT lexeme FROM search_document, unnest(tsv)"
                " WHERE id = %s AND lexeme LIKE '#%%'",
                [doc],
            )
            return {row[0][1:] for row in cursor.fetchall()}
        cursor.execute("SELECT scope FROM search_fts WHERE rowid = %s", [doc])
        return set(cursor.fetchone()[0].split())


def test_migration_0003_gives_an_old_index_its_scope_tokens(
    client_for, cadre_user, other_cadre_user, cadre_a, corpus
):
    migration = importlib.import_module("guazhi.search.migrations.0003_scope_tokens")
    share = cadre_a.secondments.get().writings.get().share
    entry = cadre_a.secondments.get().ledger_entries.get()
    expected = {
        entry.pk * 8: {f"s{entry.secondment_id}", f"g{entry.category_id}"},
        share.writing_id * 8 + 1: {
            f"s{share.writing.secondment_id}",
            "w",
            f"c{share.cohort_id}",
            f"k{share.writing.kind.replace('_', '')}",
        },
    }
    _strip_scope_tokens()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            migration._postgresql(cursor)
        else:
            migration._sqlite(cursor)
    for doc, tokens in expected.items():
        assert _scope_tokens_of(doc) == tokens
    assert set(titles(client_for(other_cadre_user), "企业")) == {"东关企业", "企业服务体会"}
    assert set(titles(client_for(cadre_user), "企业")) == {"柳溪镇企业走访", "企业服务体会"}


def test_a_rebuild_on_postgresql_builds_the_gin_index_again(cadre_user, corpus):
    from guazhi.search.indexing import rebuild

    rebuild()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'search_document_tsv'")
            assert cursor.fetchone() is not None
    assert _scope_tokens_of(cadre_user.cadre.secondments.get().ledger_entries.get().pk * 8)
