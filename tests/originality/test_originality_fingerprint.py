"""k-gram hashes and winnowing against their plain definitions."""

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

from guazhi.originality.fingerprint import gram_hashes, winnow

BASE = np.uint64(0x100000001B3)
MIX = np.uint64(0x9E3779B97F4A7C15)


def plain_hashes(codes: np.ndarray, k: int) -> np.ndarray:
    n = len(codes) - k + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint32)
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            h = h * BASE + codes[j : j + n].astype(np.uint64)
        h = h * MIX
    return (h >> np.uint64(32)).astype(np.uint32)


@pytest.mark.parametrize("k", [1, 2, 3, 5, 7, 8, 9, 13])
@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 100])
def test_gram_hashes_match_the_polynomial_definition(k, n):
    codes = np.random.default_rng(k * 100 + n).integers(0x4E00, 0x9FA5, size=n).astype(np.uint32)
    assert np.array_equal(gram_hashes(codes, k), plain_hashes(codes, k))


@pytest.mark.parametrize("w", [1, 3, 12, 16, 17])
@pytest.mark.parametrize("n", [1, 5, 16, 17, 40, 1000])
def test_winnow_selects_each_window_minimum(w, n):
    hashes = np.random.default_rng(w * 1000 + n).integers(0, 2**32, size=n).astype(np.uint32)
    if n <= w:
        expected = np.array([np.argmin(hashes)])
    else:
        expected = np.unique(sliding_window_view(hashes, w).argmin(axis=1) + np.arange(n - w + 1))
    assert np.array_equal(winnow(hashes, w), expected)


def test_any_long_shared_run_shares_a_fingerprint():
    rng = np.random.default_rng(5)
    k, w = 8, 16
    shared = rng.integers(0x4E00, 0x9FA5, size=w + k - 1).astype(np.uint32)
    for trial in range(50):
        left = rng.integers(0x4E00, 0x9FA5, size=trial).astype(np.uint32)
        right = rng.integers(0x4E00, 0x9FA5, size=50 - trial).astype(np.uint32)
        doc = np.concatenate([left, shared, right])
        h = gram_hashes(doc, k)
        picked = set(h[winnow(h, w)].tolist())
        assert picked & set(gram_hashes(shared, k).tolist())
