"""From fingerprint hits to copied passages and CNKI-style ratios."""

from __future__ import annotations

import math
import unicodedata
from dataclasses import asdict, dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

from .fingerprint import window_argmin
from .normalize import Normalized

if TYPE_CHECKING:
    from .index import Params

# Copying is dense, shared set phrasing is sparse: a passage shorter than SUPPORT_LEN
# normalised characters counts (in the ratio excluding common text) only if passages from the
# same source within SUPPORT_WINDOW original characters around it add up to SUPPORT_MASS.
SUPPORT_LEN = 40
SUPPORT_WINDOW = 300
SUPPORT_MASS = 80
_DIAG_TOLERANCE = 10  # characters of drift allowed between hits of one passage...
_DIAG_SLOPE = 0.25  # ...plus this fraction of their distance (fillers, re-breaks, synonyms)
_MAX_TRAILING_PUNCT = 2
# Two passages of one source further apart than max_gap are still one passage when the second
# continues the first on the same diagonal (a rewritten stretch between them) and both stand
# on two hits or more: then at most this many grams apart, within this drift.
_BRIDGE_GAP = 150
_BRIDGE_DRIFT = 10


@dataclass(frozen=True, slots=True)
class Passage:
    """A copied passage: ``text[start:end]`` comes from ``source_id``'s ``[source_start,
    source_end)`` (source offsets are estimated from the nearest shared fingerprints)."""

    start: int
    end: int
    source_id: str
    source_start: int
    source_end: int
    similarity: float
    common: bool = False  # stock phrase or attributed quotation: left out of the second ratio

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["similarity"] = round(self.similarity, 3)
        return data


@dataclass(frozen=True, slots=True)
class CheckResult:
    chars: int  # non-whitespace characters of the checked text
    copy_ratio: float
    copy_ratio_excluding_common: float
    max_source_ratio: float
    passages: list[Passage]

    def to_dict(self) -> dict[str, Any]:
        return {
            "chars": self.chars,
            "copy_ratio": round(self.copy_ratio, 4),
            "copy_ratio_excluding_common": round(self.copy_ratio_excluding_common, 4),
            "max_source_ratio": round(self.max_source_ratio, 4),
            "passages": [p.to_dict() for p in self.passages],
        }


@dataclass(slots=True)
class _Chain:
    a: int  # first and last hit, in gram numbers of the query
    b: int
    qo_a: int  # original offsets in the query and the source of the first and last hits
    s_a: int
    qo_b: int
    s_b: int
    hits: int
    common: int
    gap_a: int  # grams from the source's previous fingerprint to the first hit
    gap_b: int  # grams from the last hit to the source's next fingerprint


def _chain_hits(
    qs: np.ndarray,
    ss: np.ndarray,
    gaps: np.ndarray,
    qo: np.ndarray,
    common: np.ndarray,
    max_gap: int,
) -> list[_Chain]:
    """Group one source's hits (sorted by query position) into passages along a diagonal.

    Hits continue a passage when the query and source advance by about the same distance,
    so reordered sentences become separate passages and small insertions are tolerated.
    """
    done: list[_Chain] = []
    live: list[_Chain] = []
    for q, s, g in zip(qs.tolist(), ss.tolist(), gaps.tolist(), strict=True):
        o = int(qo[q])
        still: list[_Chain] = []
        for ch in live:
            (still if q - ch.b <= max_gap else done).append(ch)
        live = still
        best: _Chain | None = None
        best_drift = 0.0
        for ch in live:
            if q <= ch.b:
                continue
            dq, ds = o - ch.qo_b, s - ch.s_b
            drift = abs(dq - ds)
            fits = ds > 0 and drift <= _DIAG_TOLERANCE + _DIAG_SLOPE * dq
            if fits and (best is None or drift < best_drift):
                best, best_drift = ch, drift
        is_common = int(common[q])
        if best is None:
            live.append(_Chain(q, q, o, s, o, s, 1, is_common, (g & 15) + 1, (g >> 4) + 1))
        else:
            best.b, best.qo_b, best.s_b = q, o, s
            best.gap_b = (g >> 4) + 1
            best.hits += 1
            best.common += is_common
    return _bridge(sorted(done + live, key=lambda ch: ch.a))


def _bridge(chains: list[_Chain]) -> list[_Chain]:
    merged: list[_Chain] = []
    for ch in chains:
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and prev.hits >= 2
            and ch.hits >= 2
            and 0 < ch.a - prev.b <= _BRIDGE_GAP
            and ch.s_a > prev.s_b
            and abs((ch.qo_a - prev.qo_b) - (ch.s_a - prev.s_b)) <= _BRIDGE_DRIFT
        ):
            prev.b, prev.qo_b, prev.s_b, prev.gap_b = ch.b, ch.qo_b, ch.s_b, ch.gap_b
            prev.hits += ch.hits
            prev.common += ch.common
        else:
            merged.append(ch)
    return merged


def _extend(
    ch: _Chain, argmins: np.ndarray, is_hit: np.ndarray, n_grams: int, w: int, fraction: float
) -> tuple[int, int]:
    """Widen the chain's [a, b] (gram numbers) to where the copy may reach.

    The source's neighbouring fingerprints bound it: had the copy reached the next one, it
    would be a hit. Within that bound, every query window reaching outwards must also have its
    minimum on a hit (the source would have kept that gram). We stop at the first violation.
    The true end lies anywhere in the bound, so going only ``fraction`` of the way halves the
    expected error on short passages (measured: bench/originality.py).
    """
    reach_a = math.ceil(ch.gap_a * fraction)
    reach_b = math.ceil(ch.gap_b * fraction)
    last = argmins.shape[0] - 1
    lo = ch.a
    j = ch.a - 1
    while j >= 0 and j > ch.a - reach_a and is_hit[argmins[min(j, last)]]:
        lo = j
        j -= 1
    hi = ch.b
    j = ch.b + 1
    while j < n_grams and j < ch.b + reach_b:
        start = max(0, j - w + 1)
        if not is_hit[argmins[min(start, last)]]:
            break
        hi = j
        j += 1
    return lo, hi


def _free_runs(covered: np.ndarray, lo: int, hi: int, min_len: int) -> list[tuple[int, int]]:
    """Uncovered runs of at least min_len inside [lo, hi] (inclusive bounds)."""
    free = ~covered[lo : hi + 1]
    if free.all():
        return [(lo, hi)] if hi - lo + 1 >= min_len else []
    edges = np.flatnonzero(np.diff(np.concatenate(([0], free.view(np.int8), [0]))))
    runs = []
    for start, stop in zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True):
        if stop - start >= min_len:
            runs.append((lo + start, lo + stop - 1))
    return runs


def _fill_gaps(
    emitted: list[tuple[int, int, int, _Chain]], fill_gap: int
) -> list[tuple[int, int, int, _Chain]]:
    """Give a short gap between two neighbouring passages of one source to that source.

    A copier who rewrites or reorders one short sentence inside a copied stretch leaves a gap
    too short to carry a fingerprint of its own; CNKI-style reports count it as copied too.
    """
    filled = list(emitted)
    for i in range(len(filled) - 1):
        doc, lo, hi, ch = filled[i]
        next_doc, next_lo, _hi, _ch = filled[i + 1]
        if doc == next_doc and 0 < next_lo - hi - 1 <= fill_gap:
            filled[i] = (doc, lo, next_lo - 1, ch)
    return filled


def _support(emitted: list[tuple[int, int, int, _Chain]], qo: np.ndarray) -> list[int]:
    """For each passage (sorted by start), the normalised length of the same source's passages
    near it; long passages support themselves."""
    result = []
    for doc, lo, hi, _ch in emitted:
        length = hi - lo + 1
        if length >= SUPPORT_LEN:
            result.append(SUPPORT_MASS)
            continue
        start, end = int(qo[lo]) - SUPPORT_WINDOW, int(qo[hi]) + SUPPORT_WINDOW
        mass = sum(
            h - lo2 + 1
            for d, lo2, h, _c in emitted
            if d == doc and int(qo[h]) >= start and int(qo[lo2]) <= end
        )
        result.append(mass)
    return result


@cache
def _visible_table() -> np.ndarray:
    """False for characters a reader does not see: whitespace, format characters (zero-width
    space and joiners, soft hyphen, BOM) and variation selectors. Ratios count the others, so
    invisible characters slipped into a copy neither dilute nor pad its ratio."""
    table = np.ones(0x110000, dtype=bool)
    for cp in range(0x10000):
        ch = chr(cp)
        if ch.isspace() or unicodedata.category(ch) == "Cf":
            table[cp] = False
    table[0xFE00:0xFE10] = False
    table[0xE0000:0xE1000] = False  # tags and the variation selectors supplement
    table.flags.writeable = False
    return table


def _nonspace(text: str) -> np.ndarray:
    raw = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    visible: np.ndarray = _visible_table()[raw]
    return visible


def find_passages(
    text: str,
    norm: Normalized,
    qh: np.ndarray,
    hit_q: np.ndarray,
    hit_doc: np.ndarray,
    hit_pos: np.ndarray,
    hit_gaps: np.ndarray,
    counts: np.ndarray,
    *,
    ids: list[str],
    params: Params,
    common_df: int,
    quotations: list[tuple[int, int]],
) -> CheckResult:
    """``quotations``: spans of ``text`` left out of the ratio excluding common text."""
    nonspace = _nonspace(text)
    total = int(nonspace.sum())
    if total == 0 or hit_q.shape[0] == 0:
        return CheckResult(total, 0.0, 0.0, 0.0, [])
    k, w = params.k, params.w
    n_grams = qh.shape[0]
    qo = norm.offsets.astype(np.int64)
    common = counts >= common_df

    order = np.lexsort((hit_pos, hit_q, hit_doc))
    hit_q, hit_doc, hit_pos, hit_gaps = (
        hit_q[order],
        hit_doc[order],
        hit_pos[order],
        hit_gaps[order],
    )
    doc_starts = np.flatnonzero(np.concatenate(([True], hit_doc[1:] != hit_doc[:-1])))
    doc_ends = np.append(doc_starts[1:], hit_doc.shape[0])
    sizes = doc_ends - doc_starts
    ranked = np.argsort(-sizes, kind="stable")[: params.max_candidates]
    ranked = ranked[sizes[ranked] >= 2]

    argmins = window_argmin(qh, w)
    # (hits, length, doc, lo, hi, chain) for every candidate passage
    found: list[tuple[int, int, int, int, int, _Chain]] = []
    for r in ranked.tolist():
        lo_i, hi_i = int(doc_starts[r]), int(doc_ends[r])
        doc = int(hit_doc[lo_i])
        doc_q = hit_q[lo_i:hi_i]
        chains = _chain_hits(
            doc_q, hit_pos[lo_i:hi_i], hit_gaps[lo_i:hi_i], qo, common, params.max_gap
        )
        confirmed = any(ch.hits >= 2 and ch.b - ch.a + k >= params.min_passage for ch in chains)
        if not confirmed:
            continue
        is_hit: np.ndarray | None = None
        for ch in chains:
            # A lone hit counts only inside a confirmed source and if it is a rare gram:
            # it is then a short reordered sentence of that source, not chance.
            if ch.hits == 1 and ch.common:
                continue
            if is_hit is None:
                is_hit = np.zeros(n_grams, dtype=bool)
                is_hit[doc_q] = True
            lo, hi = _extend(ch, argmins, is_hit, n_grams, w, params.extend_fraction)
            found.append((ch.hits, hi - lo, doc, lo, hi, ch))

    # Mosaic copying: each query region goes to its best-supported source, passage by passage.
    found.sort(key=lambda f: (-f[0], -f[1]))
    covered = np.zeros(len(norm), dtype=bool)
    emitted: list[tuple[int, int, int, _Chain]] = []  # doc, lo char, hi char, chain
    for _hits, _length, doc, lo, hi, ch in found:
        for run_lo, run_hi in _free_runs(covered, lo, hi + k - 1, params.min_passage):
            covered[run_lo : run_hi + 1] = True
            emitted.append((doc, run_lo, run_hi, ch))

    emitted.sort(key=lambda e: e[1])
    emitted = _fill_gaps(emitted, params.fill_gap)
    support = _support(emitted, qo)
    cum = np.concatenate(([0], np.cumsum(nonspace, dtype=np.int64)))
    quoted = np.zeros(len(text), dtype=bool)
    for qs, qe in quotations:
        quoted[qs:qe] = True
    copied = np.zeros(len(text), dtype=bool)
    kept = np.zeros(len(text), dtype=bool)
    per_source_chars: dict[int, int] = {}
    passages: list[Passage] = []
    for i, (doc, lo, hi, ch) in enumerate(emitted):
        start, end = int(qo[lo]), int(qo[hi]) + 1
        trail = 0
        while (
            end < len(text)
            and trail < _MAX_TRAILING_PUNCT
            and unicodedata.category(text[end]).startswith("P")
        ):
            end += 1
            trail += 1
        grams = max(hi - lo + 2 - k, 1)
        similarity = min(1.0, ch.hits * (w + 1) / 2 / grams)
        # Stock phrases: most of the passage's evidence are grams many documents share.
        is_common = 2 * ch.common >= ch.hits or support[i] < SUPPORT_MASS
        source_start = max(0, ch.s_a - (ch.qo_a - start))
        source_end = max(source_start, ch.s_b + (end - ch.qo_b))
        passages.append(
            Passage(start, end, ids[doc], source_start, source_end, similarity, is_common)
        )
        copied[start:end] = True
        if not is_common:
            kept[start:end] = True
        per_source_chars[doc] = per_source_chars.get(doc, 0) + int(cum[end] - cum[start])

    passages.sort(key=lambda p: p.start)
    copied_chars = int((copied & nonspace).sum())
    kept_chars = int((kept & nonspace & ~quoted).sum())
    best = max(per_source_chars.values(), default=0)
    return CheckResult(total, copied_chars / total, kept_chars / total, best / total, passages)
