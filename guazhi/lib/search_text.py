"""Chinese full-text search, the text half: how a document and a query become index tokens, and
how a result's snippet is highlighted. Pure Python: the database half is `search_index`.

Chinese has no spaces, and the words people search for are mostly two characters long (招商,
信访, 走访). A run of Chinese characters is therefore indexed as overlapping bigrams (招商引资 →
招商 商引 引资) plus its last character alone, and a query run becomes the phrase of its bigrams:
a phrase of consecutive bigrams matches exactly where the query is a substring, so 2-, 3- and
4-character queries are all exact, with no dictionary to miss new words (营商环境, 一网通办).
A one-character query is a prefix query on the tokens (every character begins a bigram or ends
its run). Latin letters and digits form words, lower-cased. Both sides are NFKC-folded first, so
full-width ＡＢＣ１２３ finds ABC123.

>>> document_tokens("招商引资，698家")
['招商', '商引', '引资', '资', '698', '家']
>>> [(t.text, t.tokens, t.prefix) for t in query_terms("招商引资 698 家")]
[('招商引资', ('招商', '商引', '引资'), False), ('698', ('698',), False), ('家', ('家',), True)]
>>> highlight("<script>招商</script>引资", query_terms("招商"))
'&lt;script&gt;<mark>招商</mark>&lt;/script&gt;引资'
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

# CJK ideographs (with extensions and compatibility forms), kana and hangul: scripts without
# spaces between words, indexed as bigrams.
_IDEOGRAPHS = (
    "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff"
)
_RUNS = re.compile(rf"([{_IDEOGRAPHS}]+)|([^\W_{_IDEOGRAPHS}]+)")
MAX_WORD = 40  # a long Latin run (a file hash, a URL) is cut: lexemes have length limits
MAX_TERMS = 8
MAX_TERM_CHARS = 30


def normalize(text: str) -> str:
    """NFKC (full-width to half-width, compatibility forms) and lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def _run_tokens(run: str, ideographic: bool) -> list[str]:
    if not ideographic:
        return [run[:MAX_WORD]]
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]


def document_tokens(*parts: str) -> list[str]:
    """The tokens of a document, in order (positions matter for phrases)."""
    tokens: list[str] = []
    for part in parts:
        for match in _RUNS.finditer(normalize(part)):
            ideographic = match.group(1) is not None
            tokens.extend(_run_tokens(match.group(0), ideographic))
    return tokens


@dataclass(frozen=True)
class Term:
    """One run of the query: `text` is what the snippet marks, `tokens` what the index must hold
    consecutively (a phrase), `prefix` whether the one token is a prefix (one Chinese
    character)."""

    text: str
    tokens: tuple[str, ...]
    prefix: bool


def query_terms(query: str) -> list[Term]:
    """The query's runs, each a term; all must match. Punctuation and spaces separate terms,
    so 招商 引资 finds documents with both words anywhere, 招商引资 only the phrase."""
    terms: list[Term] = []
    seen: set[str] = set()
    for match in _RUNS.finditer(normalize(query)):
        ideographic = match.group(1) is not None
        run = match.group(0)[:MAX_TERM_CHARS] if ideographic else match.group(0)[:MAX_WORD]
        if run in seen:
            continue
        seen.add(run)
        if ideographic and len(run) == 1:
            terms.append(Term(run, (run,), prefix=True))
        else:
            # A query run never ends a document run: drop its last character's lone token.
            tokens = _run_tokens(run, ideographic)
            terms.append(Term(run, tuple(tokens[:-1] if ideographic else tokens), prefix=False))
        if len(terms) == MAX_TERMS:
            break
    return terms


# --- Snippets -----------------------------------------------------------------------------------


def _normalized_with_offsets(text: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters, the index of the original character
    it came from (NFKC may turn one character into several: ㈠ → (一))."""
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        folded = normalize(ch) if ord(ch) > 0x7F or ch.isupper() else ch
        chars.append(folded)
        origin.extend([i] * len(folded))
    return "".join(chars), origin


def match_spans(text: str, terms: list[Term]) -> list[tuple[int, int]]:
    """Where the terms occur in `text` (original offsets, merged, in order)."""
    folded, origin = _normalized_with_offsets(text)
    spans: list[tuple[int, int]] = []
    for term in terms:
        start = folded.find(term.text)
        while start != -1:
            end = start + len(term.text)
            spans.append((origin[start], origin[end - 1] + 1))
            start = folded.find(term.text, end)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, terms: list[Term], *, width: int = 0, before: int = 30) -> str:
    """`text` as HTML: escaped, each match wrapped in <mark>. With `width`, only a window of
    about that many characters around the first match (… where cut); whitespace runs become
    one space. The result is safe to insert in a page as is."""
    if width:
        text = " ".join(text.split())
    spans = match_spans(text, terms)
    lo, hi = 0, len(text)
    if width and len(text) > width:
        first = spans[0][0] if spans else 0
        lo = max(0, min(first - before, len(text) - width))
        hi = min(len(text), lo + width)
    out: list[str] = ["…"] if lo > 0 else []
    cursor = lo
    for start, end in spans:
        if end <= lo or start >= hi:
            continue
        start, end = max(start, lo), min(end, hi)
        out.append(html.escape(text[cursor:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        cursor = end
    out.append(html.escape(text[cursor:hi]))
    if hi < len(text):
        out.append("…")
    return "".join(out)
