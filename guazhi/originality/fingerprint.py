"""Character k-gram hashes and winnowing, vectorised with numpy."""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

_BASE = np.uint64(0x100000001B3)  # FNV prime: odd, large, mixes codepoints well
_MIX = np.uint64(0x9E3779B97F4A7C15)


def gram_hashes(codes: np.ndarray, k: int) -> np.ndarray:
    """32-bit hash of every k-gram: polynomial hash with uint64 wraparound, top bits kept."""
    n = codes.shape[0] - k + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint32)
    c = codes.astype(np.uint64)
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            h = h * _BASE + c[j : j + n]
        h = h * _MIX  # spread low-entropy sums into the top bits we keep
    return (h >> np.uint64(32)).astype(np.uint32)


def winnow(hashes: np.ndarray, w: int) -> np.ndarray:
    """Positions selected by winnowing: the leftmost minimum of every window of w hashes.

    Any run of w + k - 1 characters shared with a document therefore shares at least one
    selected fingerprint, which is what makes the sparse index safe for recall.
    """
    n = hashes.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if n <= w:
        return np.array([int(np.argmin(hashes))], dtype=np.int64)
    picks: np.ndarray = sliding_window_view(hashes, w).argmin(axis=1) + np.arange(n - w + 1)
    return np.unique(picks)


def window_argmin(hashes: np.ndarray, w: int) -> np.ndarray:
    """For each window start j, the position of its leftmost minimum (query-side helper)."""
    n = hashes.shape[0]
    if n <= w:
        return np.full(max(n, 1), int(np.argmin(hashes)) if n else 0, dtype=np.int64)
    argmins: np.ndarray = sliding_window_view(hashes, w).argmin(axis=1) + np.arange(n - w + 1)
    return argmins
