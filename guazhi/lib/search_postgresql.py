"""The search index on PostgreSQL: a `tsv tsvector` column of `search_document` with a GIN index,
holding the documents' bigram tokens (`guazhi.lib.search_text`) with their positions.

The tsvector is written as a literal (`'招商':1 '商引':2 …`::tsvector) and the query as a tsquery
literal (`'招商' <-> '商引'`), so no text search parser or dictionary runs: the result does not
depend on the server's locale or installed configurations (the 'simple' parser's idea of a
word in a C-locale database leaves Chinese out), and PostgreSQL-compatible databases that lack
Chinese parsers work the same. Limits of tsvector: positions stop at 16,383 and at 256 per
token, so in a writing longer than about 16,000 characters a phrase may be missed in its tail
(a two-character word, one token, is always found).

Scope tokens (`s17`, `c3`: see `search_index`) are lexemes of the same tsvector with a '#' in
front and no position ('#s17'); no text token holds '#', so a query never meets them by chance.
One GIN index then answers "phrase AND one of these scope tokens" by intersecting posting lists,
and the planner sees a rare lexeme and reads the index instead of walking the table newest
first. Ranking uses the text terms only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from guazhi.lib.search_text import Term

MAX_POSITION = 16383
MAX_POSITIONS_PER_TOKEN = 256
SCOPE_MARK = "#"
GIN = "CREATE INDEX IF NOT EXISTS search_document_tsv ON search_document USING gin (tsv)"

_UPSERT = (
    "INSERT INTO search_document (id, source, secondment_id, category_id, kind, date, tsv) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s::tsvector) ON CONFLICT (id) DO UPDATE SET "
    "source = excluded.source, secondment_id = excluded.secondment_id, category_id = excluded.category_id, "
    "kind = excluded.kind, date = excluded.date, tsv = excluded.tsv"
)


def _quote(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(tokens: Sequence[str], scope: Sequence[str] = ()) -> str:
    """The tokens with their positions, then the scope tokens, as tsvector input.

    >>> tsvector_literal(["招商", "商引", "招商"], ["s17"])
    "'招商':1,3 '商引':2 '#s17'"
    """
    positions: dict[str, list[int]] = {}
    for i, token in enumerate(tokens, start=1):
        found = positions.setdefault(token, [])
        if len(found) < MAX_POSITIONS_PER_TOKEN:
            found.append(min(i, MAX_POSITION))
    words = [
        f"{_quote(t)}:{','.join(str(p) for p in dict.fromkeys(ps))}" for t, ps in positions.items()
    ]
    return " ".join(words + [_quote(SCOPE_MARK + t) for t in scope])


def tsquery_literal(terms: Sequence[Term]) -> str:
    """Each term a phrase of its tokens (<->), a one-character term a prefix; all ANDed.

    >>> from guazhi.lib.search_text import query_terms
    >>> tsquery_literal(query_terms("招商引资 家"))
    "('招商' <-> '商引' <-> '引资') & '家':*"
    """
    parts = []
    for term in terms:
        if term.prefix:
            parts.append(_quote(term.tokens[0]) + ":*")
        elif len(term.tokens) == 1:
            parts.append(_quote(term.tokens[0]))
        else:
            parts.append("(" + " <-> ".join(_quote(t) for t in term.tokens) + ")")
    return " & ".join(parts)


def scope_query(within: Sequence[Sequence[str]]) -> str:
    """Each group an OR of its scope tokens; the groups ANDed.

    >>> scope_query([["s17", "c3"], ["w"]])
    "('#s17' | '#c3') & ('#w')"
    """
    return " & ".join(
        "(" + " | ".join(_quote(SCOPE_MARK + t) for t in group) + ")" for group in within
    )


def write(cursor: Any, rows: Sequence[Any]) -> None:
    cursor.executemany(
        _UPSERT,
        [
            (
                r.id,
                r.source,
                r.secondment_id,
                r.category_id,
                r.kind,
                r.date,
                tsvector_literal(r.tokens, r.scope),
            )
            for r in rows
        ],
    )


def fill(cursor: Any, select_sql: str, params: list[Any]) -> int:
    from guazhi.lib.search_index import SOURCES, scope_tokens
    from guazhi.lib.search_text import document_tokens

    cursor.execute(select_sql, params)
    rows = cursor.fetchall()
    columns = "id, source, secondment_id, category_id, kind, date, tsv"
    # COPY: one round trip for the batch, no per-row statement.
    with cursor.cursor.copy(f"COPY search_document ({columns}) FROM STDIN") as copy:
        for oid, source, secondment, category, kind, day, cohort, title, text, tags in rows:
            tokens = document_tokens(title or "", text or "", tags or "")
            scope = scope_tokens(source, secondment, category, kind, cohort)
            copy.write_row(
                (
                    oid * SOURCES + source,
                    source,
                    secondment,
                    category,
                    kind,
                    day,
                    tsvector_literal(tokens, scope),
                )
            )
    return len(rows)


def begin_bulk(cursor: Any) -> None:
    cursor.execute("DROP INDEX IF EXISTS search_document_tsv")


def end_bulk(cursor: Any) -> None:
    # Enough memory to build the GIN index in one sort instead of many merges (this session).
    cursor.execute("SET maintenance_work_mem = '256MB'")
    cursor.execute(GIN)
    cursor.execute("RESET maintenance_work_mem")
    optimize(cursor)


def delete(cursor: Any, ids: Sequence[int]) -> None:
    cursor.execute("DELETE FROM search_document WHERE id = ANY(%s)", [list(ids)])


def clear(cursor: Any) -> None:
    cursor.execute("TRUNCATE search_document")


def optimize(cursor: Any) -> None:
    cursor.execute("ANALYZE search_document")


def search(
    cursor: Any,
    terms: Sequence[Term],
    within: Sequence[Sequence[str]],
    where: str,
    params: Sequence[Any],
    limit: int,
) -> list[int]:
    # The inner query takes the newest `limit` matches (the planner walks the primary key
    # backwards for a common word, or the GIN index for a rare one or a scope token); only
    # those are ranked, by the text terms.
    text = tsquery_literal(terms)
    query = f"{text} & {scope_query(within)}" if within else text
    cursor.execute(
        "SELECT id FROM ("  # noqa: S608 — `where` is SQL built by the caller with params
        " SELECT d.id, d.tsv FROM search_document d"
        f" WHERE d.tsv @@ %s::tsquery AND {where}"
        " ORDER BY d.id DESC LIMIT %s"
        ") hits ORDER BY ts_rank(tsv, %s::tsquery) DESC, id DESC",
        [query, *params, limit, text],
    )
    return [row[0] for row in cursor.fetchall()]
