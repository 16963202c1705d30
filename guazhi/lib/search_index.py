"""Chinese full-text search, the database half: the index rows and the query, one backend module
per database (`search_sqlite`: FTS5; `search_postgresql`: a GIN-indexed tsvector).

The index is the table `search_document` (created by the migrations of `guazhi.search`): one row
per searchable thing — a ledger entry, a shared writing — holding what search filters on
(secondment, ledger category, kind of writing, date) and, beside it, the text's tokens
(`guazhi.lib.search_text`). A row's id is the object's id × 8 + its source, so every writer knows
the id without asking, and a result names its object without a join.

Writers call `index_entries` / `index_share` / `remove` inside their own transaction (the ledger
actions, the library's share actions): the index changes with the data or not at all. No signals.
This module imports no app; it takes any object with the attributes it reads.

Ranking: among the newest `CAP` matching documents the viewer may see (the index walked from the
newest row down, so a common word does not make the database rank a million rows), by relevance
(how often the terms occur in the document, normalised by length: the backends), newest first
on ties.

Narrow scopes: every row also carries scope tokens, kept apart from the text's (FTS5: their own
column; PostgreSQL: lexemes starting with '#', which no text token can), naming its secondment
(`s17`); an entry's category (`g4`); for a shared writing `w`, its cohort (`c3`) and kind
(`kspeech`). A viewer who sees few secondments (a cadre: their own secondments and their
cohorts' shared writings) and the search filters pass groups of them as `within`: a row must
carry a token of every group. The database then intersects the words' posting lists with those
of the scope tokens, so a common word costs in proportion to the viewer's (or the filter's)
documents instead of walking the province's matches newest first. The SQL `where` conditions
stay the rule; `within` only narrows what the index reads, and every write of a row writes its
tokens again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date as date_type
from typing import Any, Protocol

from django.db import connection

from guazhi.lib import search_postgresql, search_sqlite
from guazhi.lib.search_text import Term, document_tokens

ENTRY = 0
WRITING = 1
SOURCES = 8  # id = object id × SOURCES + source
CAP = 2000


class EntryLike(Protocol):
    pk: Any
    secondment_id: Any
    category_id: Any
    date: date_type
    title: str
    text: str
    tags: str


class WritingLike(Protocol):
    pk: Any
    secondment_id: Any
    kind: str
    title: str
    text: str


class ShareLike(Protocol):
    @property
    def writing(self) -> WritingLike: ...

    @property
    def cohort_id(self) -> Any: ...


@dataclass(frozen=True)
class Row:
    """One index row: what the filters read, and the document's tokens."""

    id: int
    source: int
    secondment_id: int
    category_id: int | None
    kind: str
    date: date_type
    tokens: list[str]
    cohort_id: int | None = None  # a shared writing's cohort

    @property
    def scope(self) -> list[str]:
        return scope_tokens(
            self.source, self.secondment_id, self.category_id, self.kind, self.cohort_id
        )


# Scope tokens: a letter and an id, letters and digits only (FTS5's tokenizer splits at '_').
WRITINGS_TOKEN = "w"


def secondment_token(secondment_id: int) -> str:
    return f"s{int(secondment_id)}"


def cohort_token(cohort_id: int) -> str:
    return f"c{int(cohort_id)}"


def category_token(category_id: int) -> str:
    return f"g{int(category_id)}"


def kind_token(kind: str) -> str:
    """A kind as a scope token (letters and digits only).

    >>> kind_token("term_summary")
    'ktermsummary'
    """
    return "k" + "".join(ch for ch in kind.lower() if ch.isascii() and ch.isalnum())


def scope_tokens(
    source: int,
    secondment_id: int,
    category_id: int | None,
    kind: str | None,
    cohort_id: int | None,
) -> list[str]:
    """A row's scope tokens.

    >>> scope_tokens(ENTRY, 17, 4, "", None)
    ['s17', 'g4']
    >>> scope_tokens(WRITING, 17, None, "speech", 3)
    ['s17', 'w', 'c3', 'kspeech']
    """
    tokens = [secondment_token(secondment_id)]
    if source == ENTRY and category_id is not None:
        tokens.append(category_token(category_id))
    if source == WRITING:
        tokens.append(WRITINGS_TOKEN)
        if cohort_id is not None:
            tokens.append(cohort_token(cohort_id))
        if kind:
            tokens.append(kind_token(kind))
    return tokens


def doc_id(source: int, object_id: int) -> int:
    return int(object_id) * SOURCES + source


def source_of(document_id: int) -> tuple[int, int]:
    """(source, object id) of an index row id."""
    return document_id % SOURCES, document_id // SOURCES


def _backend() -> Any:
    return search_postgresql if connection.vendor == "postgresql" else search_sqlite


def entry_row(entry: EntryLike) -> Row:
    return Row(
        id=doc_id(ENTRY, entry.pk),
        source=ENTRY,
        secondment_id=entry.secondment_id,
        category_id=entry.category_id,
        kind="",
        date=entry.date,
        tokens=document_tokens(entry.title, entry.text, entry.tags),
    )


def writing_row(share: ShareLike, shared_on: date_type) -> Row:
    writing = share.writing
    return Row(
        id=doc_id(WRITING, writing.pk),
        source=WRITING,
        secondment_id=writing.secondment_id,
        category_id=None,
        kind=writing.kind,
        date=shared_on,
        tokens=document_tokens(writing.title, writing.text),
        cohort_id=share.cohort_id,
    )


def write(rows: Sequence[Row]) -> None:
    """Insert or replace these rows (in the caller's transaction)."""
    if rows:
        with connection.cursor() as cursor:
            _backend().write(cursor, rows)


def index_entries(entries: Iterable[EntryLike]) -> None:
    """Index new or edited ledger entries: the ledger actions call this in their transaction."""
    write([entry_row(e) for e in entries])


def index_share(share: ShareLike, shared_on: date_type) -> None:
    """Index a writing shared now (the library's share action, in its transaction)."""
    write([writing_row(share, shared_on)])


def remove(source: int, object_ids: Iterable[int]) -> None:
    ids = [doc_id(source, pk) for pk in object_ids]
    if ids:
        with connection.cursor() as cursor:
            _backend().delete(cursor, ids)


def clear() -> None:
    """Empty the index (the rebuild command, before writing every row again)."""
    with connection.cursor() as cursor:
        _backend().clear(cursor)


def optimize() -> None:
    """After writing many rows at once (a rebuild): merge the index into its most compact form
    (SQLite: FTS5 'optimize'; PostgreSQL: ANALYZE, so the planner knows the common words)."""
    with connection.cursor() as cursor:
        _backend().optimize(cursor)


@dataclass(frozen=True)
class Hits:
    """Matching index row ids, best first (at most CAP), and whether the cap was reached."""

    ids: list[int]
    capped: bool


def search(
    terms: list[Term],
    *,
    where: Sequence[tuple[str, Sequence[Any]]],
    within: Sequence[Sequence[str]] = (),
) -> Hits:
    """The newest CAP rows matching every term and every `where` condition (SQL on the index
    row `d`: `d.secondment_id`, `d.category_id`, `d.kind`, `d.id`), ranked by relevance.
    `within`: groups of scope tokens (`secondment_token`, `cohort_token`…); a row must carry
    one token of each group. An empty group matches nothing."""
    if not terms or any(not group for group in within):
        return Hits([], False)
    groups = [sorted(set(group)) for group in within]
    sql = " AND ".join(f"({clause})" for clause, _ in where) or "1=1"
    params = [p for _, ps in where for p in ps]
    with connection.cursor() as cursor:
        ids = _backend().search(cursor, terms, groups, sql, params, CAP)
    return Hits(ids, capped=len(ids) >= CAP)


# --- Bulk filling (a rebuild, the data migration) ---------------------------------------------


def fill(select_sql: str, params: Sequence[Any]) -> int:
    """Index every row of `select_sql` — its columns named oid (the object's id), source,
    secondment_id, category_id, kind, date, cohort_id, title, text, tags — none of which is in
    the index yet, in the caller's transaction. Tokens are made in this process; the rows go to the database in one statement
    (SQLite: INSERT … SELECT calling back into Python; PostgreSQL: COPY)."""
    with connection.cursor() as cursor:
        return int(_backend().fill(cursor, select_sql, list(params)))


def begin_bulk() -> None:
    """Before writing many rows: PostgreSQL drops the GIN index (kept up row by row it writes
    ~1,500 rows/s); `end_bulk` builds it again in one pass. Searches in between are slow."""
    with connection.cursor() as cursor:
        _backend().begin_bulk(cursor)


def end_bulk() -> None:
    with connection.cursor() as cursor:
        _backend().end_bulk(cursor)
