"""Ranking needs against resources (项目资源对接): BM25 over jieba tokens, plus a kind and a
region term. No Django here: the views build `Doc`s from the models and call `rank`.

    score = text + kind + region

* text ∈ [0, 1): the BM25 score of the query (the need's, or the resource's, title and
  description) against the candidate, divided by the query's ceiling Σ idf(t)·(k1 + 1) — what
  it would score if every query word were in the candidate very often. So 0.3 means "a fair
  share of the weighted words are there", whatever the corpus.
* kind: +0.25 same kind (同类), +0.10 related kinds (e.g. a 项目 need and a 资金 resource),
  0 when either is 其他, −0.15 otherwise.
* region: +0.20 when the resource is offered to the need's unit or a unit above it (定向),
  +0.10 same county or district (同县区), +0.05 same city (同市), else 0.

The weights are the ones the labelled set in tests/matching reached its figures with; see
docs/matching.md.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

K1 = 1.5
B = 0.75
SAME_KIND = 0.25
RELATED_KIND = 0.10
OTHER_KIND = -0.15
DIRECTED = 0.20
SAME_COUNTY = 0.10
SAME_CITY = 0.05
MAX_REASON_WORDS = 6

# Kinds that meet each other's purpose: money builds projects, projects use expertise…
RELATED: frozenset[frozenset[str]] = frozenset(
    frozenset(pair)
    for pair in (
        ("funding", "project"),
        ("project", "expertise"),
        ("expertise", "training"),
        ("market", "project"),
    )
)

# Words of every report that say nothing about what is needed or offered.
STOPWORDS = frozenset(
    [
        "我们",
        "需要",
        "需求",
        "资源",
        "提供",
        "进行",
        "开展",
        "工作",
        "相关",
        "有关",
        "一些",
        "一个",
        "以及",
        "方面",
        "问题",
        "情况",
        "目前",
        "现有",
        "现在",
        "已经",
        "希望",
        "争取",
        "帮助",
        "协调",
        "推动",
        "推进",
        "加强",
        "支持",
        "解决",
        "全面",
        "积极",
        "主要",
        "重点",
        "能够",
        "可以",
        "没有",
        "存在",
        "由于",
        "通过",
        "同时",
        "其中",
        "今年",
        "明年",
        "每年",
        "左右",
        "万元",
        "亿元",
        "单位",
        "本镇",
        "本村",
        "全镇",
        "全村",
        "辖区",
        "我镇",
        "我村",
        "我局",
        "我委",
        "可为",
        "对接",
    ]
)

_WORD = re.compile(r"[\u4e00-\u9fff]{2,}|[A-Za-z][A-Za-z0-9]+|\d+[A-Za-z]+")
_lock = threading.Lock()
_jieba: Any = None


def _cut(text: str) -> list[str]:
    global _jieba
    if _jieba is None:
        with _lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict" on stderr
                _jieba = jieba
    return list(_jieba.cut_for_search(text))


def tokens(text: str) -> list[str]:
    """The words of `text` worth matching on: jieba's search-mode cut (so 冷链物流园 also yields
    冷链 and 物流), lower-cased, without single characters, numbers and stop words."""
    out = []
    for token in _cut(text.lower()):
        token = token.strip()
        if _WORD.fullmatch(token) and token not in STOPWORDS:
            out.append(token)
    return out


@dataclass(frozen=True)
class Region:
    """Where a need or resource is: ids of its county (or district) and city, and for a
    resource the path of the unit it is offered to ("" when open to all)."""

    county: int | None = None
    city: int | None = None
    path: str = ""
    offered_to_path: str = ""


@dataclass(frozen=True)
class Doc:
    key: int
    kind: str
    text: str
    region: Region = field(default_factory=Region)
    terms: tuple[str, ...] | None = None  # tokens(text), when stored with the row


@dataclass(frozen=True)
class Ranked:
    key: int
    score: float
    text_score: float
    kind_score: float
    region_score: float
    words: tuple[str, ...]  # shared key words, most telling first
    same_kind: bool
    region_label: str  # 定向本地 / 同县区 / 同市 / ""

    @property
    def reasons(self) -> dict[str, Any]:
        return {
            "words": list(self.words),
            "same_kind": self.same_kind,
            "region": self.region_label,
            "text": round(self.text_score, 3),
        }


class Corpus:
    """BM25 statistics of the candidates (document frequencies, average length)."""

    def __init__(self, docs: Sequence[Doc]) -> None:
        self.docs = list(docs)
        self.terms = [
            Counter(d.terms if d.terms is not None else tokens(d.text)) for d in self.docs
        ]
        self.lengths = [sum(t.values()) for t in self.terms]
        self.avgdl = (sum(self.lengths) / len(self.lengths)) if self.lengths else 0.0
        self.df: Counter[str] = Counter()
        for t in self.terms:
            self.df.update(t.keys())

    def idf(self, term: str) -> float:
        n, df = len(self.docs), self.df.get(term, 0)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def bm25(self, query: Iterable[str], i: int) -> tuple[float, list[tuple[float, str]]]:
        """The score of document i for the (unique) query terms, and each shared term's part."""
        tf, length = self.terms[i], self.lengths[i]
        norm = K1 * (1 - B + B * length / self.avgdl) if self.avgdl else K1
        parts = []
        for term in query:
            f = tf.get(term, 0)
            if f:
                parts.append((self.idf(term) * f * (K1 + 1) / (f + norm), term))
        return sum(p for p, _ in parts), parts


def kind_score(a: str, b: str) -> float:
    if a == b:
        return SAME_KIND
    if "other" in (a, b):
        return 0.0
    return RELATED_KIND if frozenset((a, b)) in RELATED else OTHER_KIND


def region_score(query: Region, doc: Region) -> tuple[float, str]:
    """The region term for a need and a resource, whichever is the query."""
    for offered, place in ((doc.offered_to_path, query.path), (query.offered_to_path, doc.path)):
        if offered and place.startswith(offered):
            return DIRECTED, "定向本地"
    if query.county is not None and query.county == doc.county:
        return SAME_COUNTY, "同县区"
    if query.city is not None and query.city == doc.city:
        return SAME_CITY, "同市"
    return 0.0, ""


def rank(query: Doc, candidates: Sequence[Doc], *, limit: int = 10) -> list[Ranked]:
    """The candidates best matching `query`, best first (ties: lower key first)."""
    if not candidates:
        return []
    corpus = Corpus(candidates)
    q_terms = list(dict.fromkeys(query.terms if query.terms is not None else tokens(query.text)))
    ceiling = sum(corpus.idf(t) for t in q_terms) * (K1 + 1)
    out = []
    for i, doc in enumerate(candidates):
        raw, parts = corpus.bm25(q_terms, i)
        text = raw / ceiling if ceiling else 0.0
        kind = kind_score(query.kind, doc.kind)
        region, label = region_score(query.region, doc.region)
        words = tuple(_telling(parts))
        out.append(
            Ranked(
                key=doc.key,
                score=round(text + kind + region, 4),
                text_score=text,
                kind_score=kind,
                region_score=region,
                words=words,
                same_kind=query.kind == doc.kind,
                region_label=label,
            )
        )
    out.sort(key=lambda r: (-r.score, r.key))
    return out[:limit]


def _telling(parts: list[tuple[float, str]]) -> list[str]:
    """Shared words by their part of the score, without words inside a longer shared word
    (冷链 when 冷链物流 is there too)."""
    ordered = [term for _, term in sorted(parts, key=lambda p: (-p[0], p[1]))]
    kept = [t for t in ordered if not any(t != o and t in o for o in ordered)]
    return kept[:MAX_REASON_WORDS]


def mark_spans(text: str, words: Iterable[str]) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) spans of `words` in `text`, longest word first at each
    place, for highlighting shared key words."""
    ordered = sorted({w for w in words if w}, key=len, reverse=True)
    if not ordered:
        return []
    pattern = re.compile("|".join(re.escape(w) for w in ordered), re.IGNORECASE)
    return [(m.start(), m.end()) for m in pattern.finditer(text)]
