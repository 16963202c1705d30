"""The search index on SQLite: an FTS5 table `search_fts` (rowid = `search_document.id`) over the
documents' bigram tokens (`guazhi.lib.search_text`), with the unicode61 tokenizer: the tokens are
already words, separated by spaces. Needs SQLite ≥ 3.9 (FTS5); Debian 12 ships 3.40.

Why not the trigram tokenizer: it cannot use its index for a query shorter than three
characters (LIKE '%招商%' on it scans every row), and two-character words are the most common
Chinese queries. One bigram index answers every length exactly (see `search_text`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from guazhi.lib.search_text import Term

_UPSERT = (
    "INSERT INTO search_document (id, source, secondment_id, category_id, kind, date) "
    "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO UPDATE SET "
    "source = excluded.source, secondment_id = excluded.secondment_id, category_id = excluded.category_id, "
    "kind = excluded.kind, date = excluded.date"
)


def write(cursor: Any, rows: Sequence[Any]) -> None:
    _delete_fts(cursor, [r.id for r in rows])
    cursor.executemany(
        _UPSERT,
        [
            (r.id, r.source, r.secondment_id, r.category_id, r.kind, r.date.isoformat())
            for r in rows
        ],
    )
    cursor.executemany(
        "INSERT INTO search_fts (rowid, tokens) VALUES (%s, %s)",
        [(r.id, " ".join(r.tokens)) for r in rows],
    )


def _delete_fts(cursor: Any, ids: Sequence[int]) -> None:
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join(["%s"] * len(chunk))
        cursor.execute(f"DELETE FROM search_fts WHERE rowid IN ({marks})", chunk)  # noqa: S608


def delete(cursor: Any, ids: Sequence[int]) -> None:
    _delete_fts(cursor, ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join(["%s"] * len(chunk))
        cursor.execute(f"DELETE FROM search_document WHERE id IN ({marks})", chunk)  # noqa: S608


def clear(cursor: Any) -> None:
    cursor.execute("DELETE FROM search_fts")
    cursor.execute("DELETE FROM search_document")


def optimize(cursor: Any) -> None:
    cursor.execute("INSERT INTO search_fts (search_fts) VALUES ('optimize')")


def match_expression(terms: Sequence[Term]) -> str:
    """FTS5 query syntax: each term a quoted phrase (its tokens hold only letters and digits,
    so no quoting can break out), a one-character term a prefix; all ANDed.

    >>> from guazhi.lib.search_text import query_terms
    >>> match_expression(query_terms("招商引资 家"))
    '"招商 商引 引资" AND "家"*'
    """
    parts = []
    for term in terms:
        phrase = '"' + " ".join(term.tokens) + '"'
        parts.append(phrase + "*" if term.prefix else phrase)
    return " AND ".join(parts)


def search(
    cursor: Any, terms: Sequence[Term], where: str, params: Sequence[Any], limit: int
) -> list[int]:
    # CROSS JOIN keeps the FTS table outermost: SQLite otherwise may walk search_document by
    # the scope filter and probe FTS5 row by row. The inner query walks matches newest first
    # and stops at `limit`; only those are ranked.
    cursor.execute(
        "SELECT id FROM ("  # noqa: S608 — `where` is SQL built by the caller with params
        " SELECT search_fts.rowid AS id, bm25(search_fts) AS score"
        " FROM search_fts CROSS JOIN search_document d ON d.id = search_fts.rowid"
        f" WHERE search_fts MATCH %s AND {where}"
        " ORDER BY search_fts.rowid DESC LIMIT %s"
        ") ORDER BY score, id DESC",
        [match_expression(terms), *params, limit],
    )
    return [row[0] for row in cursor.fetchall()]
