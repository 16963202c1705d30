"""The search index on SQLite: an FTS5 table `search_fts` (rowid = `search_document.id`) with two
columns, `tokens` — the documents' bigram tokens (`guazhi.lib.search_text`) — and `scope` — the
row's scope tokens (`s17 c3`, see `search_index`), with the unicode61 tokenizer: the tokens are
already words, separated by spaces. Needs SQLite ≥ 3.9 (FTS5); Debian 12 ships 3.40.

Why not the trigram tokenizer: it cannot use its index for a query shorter than three
characters (LIKE '%招商%' on it scans every row), and two-character words are the most common
Chinese queries. One bigram index answers every length exactly (see `search_text`).

Why scope tokens in the full-text index rather than a join on `search_document.secondment_id`:
FTS5 intersects posting lists by seeking (its doclist index), so "营商环境 AND scope:c3" reads
the cohort's postings and skips through the phrase's; a join instead probes FTS5 once per
candidate row, parsing the query and opening every term each time. The scope column has weight
0 in bm25, so scope tokens never change the ranking.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from guazhi.lib.search_text import Term, document_tokens

CREATE = (
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "tokens, scope, tokenize = 'unicode61 remove_diacritics 0')"
)

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
        "INSERT INTO search_fts (rowid, tokens, scope) VALUES (%s, %s, %s)",
        [(r.id, " ".join(r.tokens), " ".join(r.scope)) for r in rows],
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


def begin_bulk(cursor: Any) -> None:
    pass


def end_bulk(cursor: Any) -> None:
    optimize(cursor)


def _tokens(title: str | None, text: str | None, tags: str | None) -> str:
    return " ".join(document_tokens(title or "", text or "", tags or ""))


def _scope(
    source: int, secondment_id: int, category_id: int | None, kind: str, cohort_id: int | None
) -> str:
    from guazhi.lib.search_index import scope_tokens

    return " ".join(scope_tokens(source, secondment_id, category_id, kind, cohort_id))


def fill(cursor: Any, select_sql: str, params: list[Any]) -> int:
    # The rows never become Python objects: SQLite reads them and calls back for the tokens.
    raw = cursor.connection
    raw.create_function("guazhi_search_tokens", 3, _tokens, deterministic=True)
    raw.create_function("guazhi_search_scope", 5, _scope, deterministic=True)
    cursor.execute(
        "INSERT INTO search_document (id, source, secondment_id, category_id, kind, date)"  # noqa: S608
        f" SELECT oid * 8 + source, source, secondment_id, category_id, kind, date FROM ({select_sql})",
        params,
    )
    count = cursor.rowcount
    cursor.execute(
        "INSERT INTO search_fts (rowid, tokens, scope)"  # noqa: S608
        " SELECT oid * 8 + source, guazhi_search_tokens(title, text, tags),"
        " guazhi_search_scope(source, secondment_id, category_id, kind, cohort_id)"
        f" FROM ({select_sql})",
        params,
    )
    return int(count)


def _phrase(term: Term) -> str:
    phrase = '"' + " ".join(term.tokens) + '"'
    return phrase + "*" if term.prefix else phrase


def match_expression(terms: Sequence[Term], within: Sequence[Sequence[str]] = ()) -> str:
    """FTS5 query syntax: each term a quoted phrase in the `tokens` column (its tokens hold only
    letters and digits, so no quoting can break out), a one-character term a prefix; all ANDed;
    for each group of `within`, one of its scope tokens in the `scope` column.

    >>> from guazhi.lib.search_text import query_terms
    >>> match_expression(query_terms("招商引资 家"))
    'tokens : "招商 商引 引资" AND tokens : "家"*'
    >>> match_expression(query_terms("招商"), [["s17", "c3"], ["w"]])
    'tokens : "招商" AND scope : ("s17" OR "c3") AND scope : ("w")'
    """
    parts = [f"tokens : {_phrase(term)}" for term in terms]
    for group in within:
        parts.append("scope : (" + " OR ".join(f'"{t}"' for t in group) + ")")
    return " AND ".join(parts)


def _occurrences(term: Term) -> str:
    """The term as it stands in the `tokens` text, padded so that it matches whole tokens (a
    one-character term: any token it begins)."""
    return " " + " ".join(term.tokens) + ("" if term.prefix else " ")


# BM25's saturation and length normalisation (k1, b), without its inverse document frequency.
K1, B = 1.2, 0.75


def search(
    cursor: Any,
    terms: Sequence[Term],
    within: Sequence[Sequence[str]],
    where: str,
    params: Sequence[Any],
    limit: int,
) -> list[int]:
    # CROSS JOIN keeps the FTS table outermost: SQLite otherwise may walk search_document by
    # the scope filter and probe FTS5 row by row. The inner query walks matches newest first
    # and stops at `limit`; only those are ranked.
    #
    # Ranking is not FTS5's bm25(): for each phrase it counts the matching rows of the whole
    # index (its inverse document frequency), a walk through every match in the province that
    # grows with the data and costs most for the common phrases narrow scopes search. Instead,
    # as PostgreSQL's ts_rank, only the document itself: how often each term occurs (counted in
    # the stored tokens), saturated and normalised by length as BM25 does.
    # The counts are taken in the innermost query, while FTS5 holds the row: ranking over a
    # subquery that still carries the token text made SQLite read it again (three times slower).
    occurrences = [_occurrences(t) for t in terms]
    text = "(' ' || search_fts.tokens || ' ')"
    tfs = ", ".join(
        f"(length({text}) - length(replace({text}, %s, ''))) / {len(o)}.0 AS tf{i}"
        for i, o in enumerate(occurrences)
    )
    score = " + ".join(
        f"tf{i} * {K1 + 1} / (tf{i} + {K1} * (1 - {B} + {B} * size / avg_size))"
        for i in range(len(occurrences))
    )
    cursor.execute(
        "SELECT id FROM (SELECT *, avg(size) OVER () AS avg_size FROM ("  # noqa: S608
        f" SELECT search_fts.rowid AS id, length(search_fts.tokens) AS size, {tfs}"
        " FROM search_fts CROSS JOIN search_document d ON d.id = search_fts.rowid"
        f" WHERE search_fts MATCH %s AND {where}"
        " ORDER BY search_fts.rowid DESC LIMIT %s"
        f")) ORDER BY {score} DESC, id DESC",
        [*occurrences, match_expression(terms, within), *params, limit],
    )
    return [row[0] for row in cursor.fetchall()]
