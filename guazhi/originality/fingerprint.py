"""Character k-gram hashes and winnowing, vectorised with numpy."""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

_BASE = np.uint64(0x100000001B3)  # FNV prime: odd, large, mixes codepoints well
_MIX = np.uint64(0x9E3779B97F4A7C15)


def gram_hashes(codes: np.ndarray, k: int) -> np.ndarray:
    """32-bit hash of every k-gram: polynomial hash with uint64 wraparound, top bits kept.

    Built by doubling (1-grams -> 2-grams -> 4-grams ...), so a power-of-two k costs log2(k)
    vector steps instead of k.
    """
    n = codes.shape[0] - k + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint32)
    h = codes.astype(np.uint64)
    width = 1
    power = _BASE  # _BASE ** width
    with np.errstate(over="ignore"):
        rest = np.zeros(n, dtype=np.uint64)
        rest_width = 0
        remaining = k
        # binary decomposition of k: combine the width-sized hashes that make up k
        while remaining:
            if remaining & 1:
                part = h[rest_width : rest_width + n]
                rest = rest * (_BASE ** np.uint64(width)) + part if rest_width else part.copy()
                rest_width += width
            remaining >>= 1
            if remaining:
                h = h[:-width] * power + h[width:]
                width *= 2
                power = power * power
        rest = rest * _MIX  # spread low-entropy sums into the top bits we keep
    return (rest >> np.uint64(32)).astype(np.uint32)


def _sliding_min(values: np.ndarray, w: int) -> np.ndarray:
    """Minimum of every window of w values (len(values) - w + 1 of them), by doubling."""
    mins = values
    width = 1
    while width * 2 <= w:
        mins = np.minimum(mins[:-width], mins[width:])
        width *= 2
    if width < w:  # two overlapping power-of-two windows cover w
        mins = np.minimum(
            mins[: len(values) - w + 1], mins[w - width : w - width + len(values) - w + 1]
        )
    return mins


def _sliding_max(values: np.ndarray, w: int) -> np.ndarray:
    maxs = values
    width = 1
    while width * 2 <= w:
        maxs = np.maximum(maxs[:-width], maxs[width:])
        width *= 2
    if width < w:
        maxs = np.maximum(
            maxs[: len(values) - w + 1], maxs[w - width : w - width + len(values) - w + 1]
        )
    return maxs


def winnow(hashes: np.ndarray, w: int) -> np.ndarray:
    """Positions selected by winnowing: the minimum of every window of w hashes.

    Any run of w + k - 1 characters shared with a document therefore shares at least one
    selected fingerprint, which is what makes the sparse index safe for recall.
    """
    n = hashes.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if n <= w:
        return np.array([int(np.argmin(hashes))], dtype=np.int64)
    return np.flatnonzero(winnow_mask(hashes, w, np.ones(n - w + 1, dtype=bool)))


def winnow_mask(hashes: np.ndarray, w: int, window_ok: np.ndarray) -> np.ndarray:
    """Boolean mask of the grams that are the minimum of some allowed window of w hashes.

    Position i is selected when hashes[i] equals the minimum of a window holding it, i.e. when
    hashes[i] <= the largest minimum among the windows holding i; all in O(n log w) numpy steps
    (equal minima in one window are all kept, rather than the leftmost only).
    """
    window_min = _sliding_min(hashes, w)  # window j covers [j, j + w - 1]
    window_min = np.where(window_ok, window_min, 0).astype(hashes.dtype)
    # windows holding i are j in [i - w + 1, i]; pad with 0 (never the largest minimum)
    pad = np.zeros(w - 1, dtype=hashes.dtype)
    best = _sliding_max(np.concatenate((pad, window_min, pad)), w)
    has_window = _sliding_max(np.concatenate((pad, window_ok, pad)).astype(np.uint8), w) > 0
    mask: np.ndarray = (hashes <= best) & has_window
    return mask


def window_argmin(hashes: np.ndarray, w: int) -> np.ndarray:
    """For each window start j, the position of its leftmost minimum (query-side helper)."""
    n = hashes.shape[0]
    if n <= w:
        return np.full(max(n, 1), int(np.argmin(hashes)) if n else 0, dtype=np.int64)
    argmins: np.ndarray = sliding_window_view(hashes, w).argmin(axis=1) + np.arange(n - w + 1)
    return argmins
