"""The search index on PostgreSQL: a `tsv tsvector` column of `search_document` with a GIN index,
holding the documents' bigram tokens (`guazhi.lib.search_text`) with their positions.

The tsvector is written as a literal (`'招商':1 '商引':2 …`::tsvector) and the query as a tsquery
literal (`'招商' <-> '商引'`), so no text search parser or dictionary runs: the result does not
depend on the server's locale or installed configurations (the 'simple' parser's idea of a
word in a C-locale database leaves Chinese out), and PostgreSQL-compatible databases that lack
Chinese parsers work the same. Limits of tsvector: positions stop at 16,383 and at 256 per
token, so in a writing longer than about 16,000 characters a phrase may be missed in its tail
(a two-character word, one token, is always found).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from guazhi.lib.search_text import Term

MAX_POSITION = 16383
MAX_POSITIONS_PER_TOKEN = 256

_UPSERT = (
    "INSERT INTO search_document (id, source, secondment_id, category_id, kind, date, tsv) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s::tsvector) ON CONFLICT (id) DO UPDATE SET "
    "source = excluded.source, secondment_id = excluded.secondment_id, category_id = excluded.category_id, "
    "kind = excluded.kind, date = excluded.date, tsv = excluded.tsv"
)


def _quote(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(tokens: Sequence[str]) -> str:
    """The tokens with their positions, as tsvector input.

    >>> tsvector_literal(["招商", "商引", "招商"])
    "'招商':1,3 '商引':2"
    """
    positions: dict[str, list[int]] = {}
    for i, token in enumerate(tokens, start=1):
        found = positions.setdefault(token, [])
        if len(found) < MAX_POSITIONS_PER_TOKEN:
            found.append(min(i, MAX_POSITION))
    return " ".join(
        f"{_quote(t)}:{','.join(str(p) for p in dict.fromkeys(ps))}" for t, ps in positions.items()
    )


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
                tsvector_literal(r.tokens),
            )
            for r in rows
        ],
    )


def delete(cursor: Any, ids: Sequence[int]) -> None:
    cursor.execute("DELETE FROM search_document WHERE id = ANY(%s)", [list(ids)])


def clear(cursor: Any) -> None:
    cursor.execute("TRUNCATE search_document")


def optimize(cursor: Any) -> None:
    cursor.execute("ANALYZE search_document")


def search(
    cursor: Any, terms: Sequence[Term], where: str, params: Sequence[Any], limit: int
) -> list[int]:
    # The inner query takes the newest `limit` matches (the planner walks the primary key
    # backwards for a common word, or the GIN index for a rare one); only those are ranked.
    cursor.execute(
        "SELECT id FROM ("  # noqa: S608 — `where` is SQL built by the caller with params
        " SELECT d.id, d.tsv FROM search_document d"
        f" WHERE d.tsv @@ %s::tsquery AND {where}"
        " ORDER BY d.id DESC LIMIT %s"
        ") hits ORDER BY ts_rank(tsv, %s::tsquery) DESC, id DESC",
        [tsquery_literal(terms), *params, limit, tsquery_literal(terms)],
    )
    return [row[0] for row in cursor.fetchall()]
