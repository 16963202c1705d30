"""k-gram hashes and winnowing against their plain definitions."""

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view
from originality_testdata import normalizer, synthetic

from guazhi.originality import Params
from guazhi.originality.fingerprint import gram_hashes, winnow
from guazhi.originality.index import fingerprint_batch

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


def reference_fingerprints(text: str, k: int = 8, w: int = 16):
    """Plain per-document definition: winnowed grams, original offsets, neighbour gaps."""
    norm = normalizer()(text)
    h = plain_hashes(norm.codes, k)
    if len(h) == 0:
        return [], []
    if len(h) <= w:
        picks = [int(np.argmin(h))]
    else:
        picks = sorted(set(sliding_window_view(h, w).argmin(axis=1) + np.arange(len(h) - w + 1)))
    packed = []
    for i, p in enumerate(picks):
        prev_gap = p + 1 if i == 0 else p - picks[i - 1]
        next_gap = len(h) - p if i == len(picks) - 1 else picks[i + 1] - p
        prev_gap, next_gap = min(prev_gap, 16) - 1, min(next_gap, 16) - 1
        packed.append(int(norm.offsets[p]) | prev_gap << 24 | next_gap << 28)
    return h[picks].tolist(), packed


def test_batch_fingerprints_equal_one_document_at_a_time():
    texts = [
        synthetic(1, 3000),
        "",
        "短文",
        "十三个字的短文本刚好够一个",  # fewer grams than a window
        "下面是小编为大家整理的范文，供大家参考。\n" + synthetic(2, 500),
        synthetic(3, 700) + "##paidend##",
        "X" + synthetic(4, 40) + "\n",
        # a regional phrase split over two documents (資|訊) is no phrase of either
        synthetic(5, 300) + "推進資",
        "訊化建設" + synthetic(6, 300) + "，使用印表機",
    ]
    hashes, docs, packed = fingerprint_batch(normalizer(), texts, Params())
    for d, text in enumerate(texts):
        want_hashes, want_packed = reference_fingerprints(text)
        assert hashes[docs == d].tolist() == want_hashes
        assert packed[docs == d].tolist() == want_packed
