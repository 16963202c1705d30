"""Which secondments did the most similar work (同届资源): a vector per secondment from its
category mix, its figure totals and the words of its ledger and shared writings, and the top
peers of each by cosine similarity. No Django: `guazhi.peers.refresh` feeds it rows.

The score of a pair is a weighted sum of three cosine similarities (docs/peers.md):

    score = 0.5 · cos(text) + 0.3 · cos(categories) + 0.2 · cos(figures)

- text: TF-IDF over jieba words (1 + ln tf, smoothed idf), each secondment's 48 heaviest words;
- categories: each category's share of the secondment's entries minus its average share over
  all secondments (from CENTRE_FROM secondments on: a handful has no meaningful average), so
  what a cadre does more of than usual counts, not the routine everybody records;
- figures: per figure field ln(1 + total) divided by the largest such value of that field over
  all secondments, so 8,000,000 yuan and 698 enterprises weigh alike; centred like the
  categories.

Each part is L2-normalised and scaled by √weight, and the parts are laid side by side: one dot
product of two rows is then the weighted sum above, and the whole ranking is a few blocked
matrix products (numpy). The words are folded into HASH_DIM signed buckets (feature hashing):
the matrix stays N × ~2,100 floats at any vocabulary size; a collision adds zero-mean noise of
about 1/48 to a pair's text cosine, so the 3 × top best pairs by the hashed score are re-scored
exactly from the sparse vectors and the top are kept: stored scores and reasons (shared words,
categories, figures, the three cosines) are exact.
"""

from __future__ import annotations

import logging
import math
import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

HASH_DIM = 2048
TERMS_PER_SECONDMENT = 48  # words of the text vector (the heaviest by TF-IDF)
KEEP_COUNTED = 160  # words kept per secondment before the IDF is known (the most frequent)
TOP_PEERS = 10
CENTRE_FROM = 20  # secondments needed before the category mix is centred on the average
CANDIDATES = 3  # hashed-score candidates per peer kept, re-scored exactly
BLOCK = 512  # rows per matrix product: BLOCK × N floats at a time


@dataclass(frozen=True)
class Weights:
    text: float = 0.5
    categories: float = 0.3
    figures: float = 0.2


WEIGHTS = Weights()

# Words every report uses: they say nothing about what a cadre did. Frequent words also get a
# low IDF; this list keeps them out of the "shared words" shown as reasons.
_STOPWORD_TEXT = """
    工作 开展 进行 组织 推进 推动 加强 落实 完成 情况 相关 有关 问题 方面 同志 我们 他们 自己
    一个 一些 这个 那个 这些 以及 通过 对于 关于 按照 根据 其中 目前 今年 本月 本周 上午 下午
    全面 积极 认真 深入 有效 进一步 做好 抓好 不断 持续 切实 坚持 主要 重点 共计 累计 合计
    已经 正在 没有 可以 需要 要求 提出 召开 参加 参与 配合 协助 负责 及时 继续 同时 并且 但是
    因为 所以 如果 虽然 还是 就是 也是 都是 以上 以下 左右 多个 每天 每周 每月 期间 之后 之前
    了解 帮助 办理 万元 亿元 元 家 户 人次 个 次 挂职 镇党委 解决 中心 工作日
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_WORDLIKE = re.compile(r"[\u4e00-\u9fff]")


def _jieba() -> Any:
    import jieba

    jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict" on stderr
    return jieba


def tokens(text: str) -> list[str]:
    """Content words of a text: two characters or more, with a Chinese character, not a stock
    word. Precise mode without the HMM: about 650k characters a second on one core."""
    return [
        t
        for t in _jieba().lcut(text, HMM=False)
        if len(t) >= 2 and _WORDLIKE.search(t) and t not in STOPWORDS
    ]


@dataclass
class Match:
    """One peer of one secondment, with what made them similar."""

    peer: int
    score: float
    text: float
    categories: float
    figures: float
    shared_terms: list[str]
    shared_categories: list[int]
    shared_figures: list[int]

    def reasons(self) -> dict[str, Any]:
        return {
            "text": round(self.text, 4),
            "categories": round(self.categories, 4),
            "figures": round(self.figures, 4),
            "terms": self.shared_terms,
            "category_ids": self.shared_categories,
            "field_ids": self.shared_figures,
        }


@dataclass
class _Profile:
    key: int
    group: int
    categories: dict[int, float]
    figures: dict[int, float]
    counts: dict[int, int]  # term id → count (the KEEP_COUNTED most frequent)
    terms: dict[int, float] = field(default_factory=dict)  # term id → normalised TF-IDF


@dataclass
class Ranking:
    peers: dict[int, list[Match]]
    keywords: dict[int, list[str]]  # each secondment's heaviest words, heaviest first


class PeerIndex:
    """Add secondments one at a time (their text is read, tokenised and dropped), then rank.
    Memory per secondment: KEEP_COUNTED word ids, its category and figure totals."""

    def __init__(self, *, ignore: Iterable[str] = ()) -> None:
        """`ignore`: words left out besides STOPWORDS — the refresh passes the words of place
        names (units, villages), which say where a cadre worked, not what they did."""
        self._ignore = frozenset(ignore)
        self._vocabulary: dict[str, int] = {}
        self._words: list[str] = []
        self._df: list[int] = []
        self._profiles: list[_Profile] = []

    def __len__(self) -> int:
        return len(self._profiles)

    def _term_id(self, word: str) -> int:
        tid = self._vocabulary.get(word)
        if tid is None:
            tid = self._vocabulary[word] = len(self._words)
            self._words.append(word)
            self._df.append(0)
        return tid

    def add(
        self,
        key: int,
        *,
        group: int,
        categories: dict[int, float],
        figures: dict[int, float],
        texts: Iterable[str],
    ) -> None:
        """One secondment: `group` is its cadre (two postings of one cadre are not peers),
        `categories` entries per category id, `figures` totals per figure field id."""
        counted: Counter[str] = Counter()
        for text in texts:
            counted.update(t for t in tokens(text) if t not in self._ignore)
        for word in counted:
            self._df[self._term_id(word)] += 1
        kept = {self._vocabulary[w]: n for w, n in counted.most_common(KEEP_COUNTED)}
        self._profiles.append(
            _Profile(
                key,
                group,
                {k: float(v) for k, v in categories.items() if v > 0},
                {k: float(v) for k, v in figures.items() if v > 0},
                kept,
            )
        )

    # --- Vectors ---------------------------------------------------------------------------

    def _weigh_terms(self) -> None:
        n = len(self._profiles)
        for p in self._profiles:
            weights = {
                tid: (1 + math.log(tf)) * (math.log((1 + n) / (1 + self._df[tid])) + 1)
                for tid, tf in p.counts.items()
            }
            top = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:TERMS_PER_SECONDMENT]
            norm = math.sqrt(sum(w * w for _, w in top)) or 1.0
            p.terms = {tid: w / norm for tid, w in top}

    def _matrix(self, weights: Weights) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(combined rows, category part, figure part), float32. Each part's rows are
        L2-normalised; in the combined matrix (one allocation, the parts are views of it) they
        are scaled by √weight. The category and figure parts are returned unscaled."""
        profiles = self._profiles
        n = len(profiles)
        cat_ids = sorted({c for p in profiles for c in p.categories})
        fig_ids = sorted({f for p in profiles for f in p.figures})
        cat_col = {c: HASH_DIM + i for i, c in enumerate(cat_ids)}
        fig_col = {f: HASH_DIM + len(cat_ids) + i for i, f in enumerate(fig_ids)}
        combined = np.zeros((n, HASH_DIM + len(cat_ids) + len(fig_ids)), dtype=np.float32)
        for i, p in enumerate(profiles):
            for tid, w in p.terms.items():
                h = zlib.crc32(self._words[tid].encode())
                combined[i, h % HASH_DIM] += w if (h >> 31) & 1 else -w
            total = sum(p.categories.values()) or 1.0
            for c, v in p.categories.items():
                combined[i, cat_col[c]] = v / total
            for f, v in p.figures.items():
                combined[i, fig_col[f]] = math.log1p(v)
        text = combined[:, :HASH_DIM]
        cats = combined[:, HASH_DIM : HASH_DIM + len(cat_ids)]
        figs = combined[:, HASH_DIM + len(cat_ids) :]
        if figs.size:
            figs /= np.maximum(figs.max(axis=0), 1e-9)
        if n >= CENTRE_FROM:
            # What a cadre does more (or less) of than the programme's average: the routine
            # everyone records (meetings, study, visits) would make every pair look alike.
            for part in (cats, figs):
                if part.size:
                    part -= part.mean(axis=0)
        for part in (text, cats, figs):
            part /= np.maximum(np.linalg.norm(part, axis=1, keepdims=True), 1e-9)
        unscaled = cats.copy(), figs.copy()
        for part, weight in (
            (text, weights.text),
            (cats, weights.categories),
            (figs, weights.figures),
        ):
            part *= np.float32(math.sqrt(weight))
        return combined, *unscaled

    # --- Ranking ---------------------------------------------------------------------------

    def rank(
        self,
        *,
        top: int = TOP_PEERS,
        weights: Weights = WEIGHTS,
        min_score: float = 0.05,
        progress: Callable[[int, int], None] | None = None,
    ) -> Ranking:
        """Each secondment's `top` peers, best first (scores below `min_score` left out)."""
        profiles = self._profiles
        n = len(profiles)
        self._weigh_terms()
        keywords = {
            p.key: [self._words[t] for t in sorted(p.terms, key=lambda t: -p.terms[t])][:12]
            for p in profiles
        }
        if n == 0:
            return Ranking({}, keywords)
        combined, cats, figs = self._matrix(weights)
        groups = np.array([p.group for p in profiles])
        peers: dict[int, list[Match]] = {}
        # Candidates by the hashed score, then re-scored exactly: hashing noise can only change
        # which CANDIDATES × top pairs are looked at, never a stored score or the final order.
        k = min(top * CANDIDATES, n - 1)
        for start in range(0, n, BLOCK):
            stop = min(n, start + BLOCK)
            scores = combined[start:stop] @ combined.T
            # Never oneself, nor another posting of the same cadre.
            scores[groups[start:stop, None] == groups[None, :]] = -1.0
            best = (
                np.argpartition(-scores, k - 1, axis=1)[:, :k]
                if k > 0
                else np.empty((stop - start, 0), dtype=np.int64)
            )
            for r in range(stop - start):
                i = start + r
                matches = [
                    self._match(i, int(j), cats, figs, weights)
                    for j in best[r]
                    if scores[r, j] > -1.0
                ]
                matches.sort(key=lambda m: (-m.score, m.peer))
                peers[profiles[i].key] = [m for m in matches[:top] if m.score >= min_score]
            if progress is not None:
                progress(stop, n)
        return Ranking(peers, keywords)

    def _match(self, i: int, j: int, cats: np.ndarray, figs: np.ndarray, weights: Weights) -> Match:
        a, b = self._profiles[i], self._profiles[j]
        common = [(a.terms[t] * b.terms[t], t) for t in a.terms.keys() & b.terms.keys()]
        common.sort(key=lambda wt: (-wt[0], wt[1]))
        shared_categories = sorted(
            a.categories.keys() & b.categories.keys(),
            key=lambda c: -min(a.categories[c], b.categories[c]),
        )
        shared_figures = sorted(a.figures.keys() & b.figures.keys())
        text = sum(w for w, _ in common)
        categories = float(cats[i] @ cats[j]) if cats.size else 0.0
        figures = float(figs[i] @ figs[j]) if figs.size else 0.0
        score = weights.text * text + weights.categories * categories + weights.figures * figures
        return Match(
            peer=b.key,
            score=round(score, 4),
            text=text,
            categories=categories,
            figures=figures,
            shared_terms=[self._words[t] for _, t in common[:8]],
            shared_categories=shared_categories[:4],
            shared_figures=shared_figures[:4],
        )
