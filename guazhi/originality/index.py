"""The fingerprint index: sorted numpy arrays, add/remove by id, persistence."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from .fingerprint import gram_hashes, winnow_mask
from .match import CheckResult, find_passages
from .normalize import NormalizeConfig, Normalizer, default_normalizer, normalizer_for
from .quotes import excused_quotations

# 2: the normaliser's configuration and folding digest are saved with the index (meta.json)
FORMAT_VERSION = 2


class IncompatibleIndex(ValueError):
    """The saved index cannot be queried here: an old format, or a different normaliser."""


@dataclass(frozen=True, slots=True)
class Params:
    k: int = 8  # characters per gram on the normalised stream
    w: int = 16  # winnowing window (index keeps about 2/(w+1) of the grams)
    min_passage: int = 13  # shortest reported passage, normalised characters (CNKI's 13)
    max_gap: int = 48  # grams between two hits that still belong to one passage
    fill_gap: int = 32  # normalised characters between two passages of one source, filled
    extend_fraction: float = 0.5  # how far past the outermost hits a passage is widened
    # A gram is "common" (a stock phrase) when this many documents hold it...
    common_df_min: int = 5
    common_df_frac: float = 2e-5
    # ...and so frequent grams are not even looked up (they cannot identify a source).
    skip_df_min: int = 300
    skip_df_frac: float = 5e-4
    max_candidates: int = 200  # source documents examined per query, most hits first

    def common_df(self, n_docs: int) -> int:
        return max(self.common_df_min, math.ceil(n_docs * self.common_df_frac))

    def skip_df(self, n_docs: int) -> int:
        return max(self.skip_df_min, math.ceil(n_docs * self.skip_df_frac))


POS_BITS = 24  # original offset of a fingerprint; the top 8 bits hold its two gaps
POS_MASK = (1 << POS_BITS) - 1
MAX_GAP = 16  # gaps are stored in 4 bits each (1..16 grams)


# Joins the documents of a batch: patterns stop at line breaks ([^\n]) or cannot cross NUL.
_SEPARATOR = "\n\x00\n"


def fingerprints(
    normalizer: Normalizer, text: str, params: Params
) -> tuple[np.ndarray, np.ndarray]:
    """Winnowed hashes of one document and their packed positions (see fingerprint_batch)."""
    hashes, _docs, packed = fingerprint_batch(normalizer, [text], params)
    return hashes, packed


def fingerprint_batch(
    normalizer: Normalizer, texts: Sequence[str], params: Params
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Winnowed hashes of several documents at once: (hashes, document index, packed position).

    A packed position holds the original offset of the gram (24 bits: documents up to 16 M
    characters; later grams are not indexed) and the distance in grams to the previous and
    next fingerprint of the same document (4 bits each). Those gaps tell the query where an
    unseen copy boundary can lie: a copy that went on past the next fingerprint would hit it.

    The documents are normalised and hashed as one stream, so the numpy calls are paid once
    per batch instead of once per document; windows and grams that straddle two documents
    are discarded, which gives exactly the per-document result.
    """
    k, w = params.k, params.w
    norm = normalizer(_SEPARATOR.join(texts))
    starts = np.cumsum([0] + [len(t) + len(_SEPARATOR) for t in texts[:-1]], dtype=np.int64)
    char_doc = np.searchsorted(starts, norm.offsets, side="right") - 1
    n_chars = np.bincount(char_doc, minlength=len(texts))
    first_char = np.cumsum(n_chars) - n_chars  # stream index of each document's first char
    n_grams = np.maximum(n_chars - k + 1, 0)

    hashes = gram_hashes(norm.codes, k)
    gram_doc = char_doc[: hashes.shape[0]]
    valid = gram_doc == char_doc[k - 1 :]
    picked = np.zeros(hashes.shape[0], dtype=bool)
    if hashes.shape[0] >= w:
        # window j holds grams j .. j+w-1; it counts only if they are valid grams of one doc
        window_ok = valid[: hashes.shape[0] - w + 1] & valid[w - 1 :]
        window_ok &= gram_doc[: hashes.shape[0] - w + 1] == gram_doc[w - 1 :]
        picked = valid & winnow_mask(hashes, w, window_ok)
    # a document with no full window keeps its smallest gram
    for d in np.flatnonzero((n_grams > 0) & (n_grams <= w)).tolist():
        lo = int(first_char[d])
        picked[lo + int(np.argmin(hashes[lo : lo + int(n_grams[d])]))] = True

    picks = np.flatnonzero(picked)
    docs = gram_doc[picks]
    offsets = norm.offsets[picks].astype(np.int64) - starts[docs]
    inside = offsets <= POS_MASK
    picks, docs, offsets = picks[inside], docs[inside], offsets[inside]
    local = picks - first_char[docs]
    new_doc = np.ones(picks.shape[0], dtype=bool)
    new_doc[1:] = docs[1:] != docs[:-1]
    last_of_doc = np.append(new_doc[1:], True)
    prev_gap = np.where(new_doc, local + 1, np.diff(picks, prepend=0))
    next_gap = np.where(last_of_doc, n_grams[docs] - local, np.diff(picks, append=0))
    prev_gap = np.clip(prev_gap, 1, MAX_GAP) - 1
    next_gap = np.clip(next_gap, 1, MAX_GAP) - 1
    packed = offsets | (prev_gap << POS_BITS) | (next_gap << (POS_BITS + 4))
    return hashes[picks], docs, packed.astype(np.uint32)


class OriginalityIndex:
    """Postings sorted by hash: ``hashes[i]`` occurs in document ``docs[i]`` at ``pos[i]``
    (packed with the gaps to its neighbours, see ``fingerprints``).

    Removal marks a tombstone; ``compact()`` (run by ``save``) drops the dead postings.
    Additions are buffered and merged into the sorted arrays before the next query or save.
    """

    def __init__(self, params: Params | None = None, normalizer: Normalizer | None = None) -> None:
        self.params = params or Params()
        self.normalizer = normalizer or default_normalizer()
        self._hashes = np.zeros(0, dtype=np.uint32)
        self._docs = np.zeros(0, dtype=np.uint32)
        self._pos = np.zeros(0, dtype=np.uint32)
        self._ids: list[str] = []
        self._num: dict[str, int] = {}
        self._deleted = np.zeros(0, dtype=bool)
        self._pending: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    # -- documents -------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._num)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._num

    @property
    def ids(self) -> list[str]:
        return list(self._num)

    def add(self, doc_id: str, text: str) -> None:
        """Index a document; an existing document with the same id is replaced."""
        self._add_batch([(doc_id, text)])

    def add_many(
        self, docs: Iterable[tuple[str, str]], *, batch: int = 128, merge: bool = True
    ) -> int:
        """Index documents, fingerprinted ``batch`` at a time. With ``merge=False`` they are
        merged into the sorted arrays only before the next query or save (bulk loading)."""
        count = 0
        chunk: list[tuple[str, str]] = []
        for item in docs:
            chunk.append(item)
            if len(chunk) == batch:
                self._add_batch(chunk)
                count += len(chunk)
                chunk = []
        if chunk:
            self._add_batch(chunk)
            count += len(chunk)
        if merge:
            self._flush()
        return count

    def _add_batch(self, docs: Sequence[tuple[str, str]]) -> None:
        base = len(self._ids)
        for doc_id, _text in docs:
            if doc_id in self._num:
                self.remove(doc_id)
            self._num[doc_id] = len(self._ids)
            self._ids.append(doc_id)
        hashes, local, pos = fingerprint_batch(
            self.normalizer, [text for _id, text in docs], self.params
        )
        self._pending.append((hashes, (local + base).astype(np.uint32), pos))

    def remove(self, doc_id: str) -> bool:
        num = self._num.pop(doc_id, None)
        if num is None:
            return False
        self._grow_deleted()
        self._deleted[num] = True
        return True

    def _grow_deleted(self) -> None:
        if self._deleted.shape[0] < len(self._ids):
            grown = np.zeros(len(self._ids), dtype=bool)
            grown[: self._deleted.shape[0]] = self._deleted
            self._deleted = grown

    def _flush(self) -> None:
        """Merge buffered additions into the sorted arrays.

        The batch is sorted on its own, then appended: a stable sort (timsort) of two sorted
        runs is a linear merge, so adding a batch costs O(index size), not a full re-sort.
        """
        self._grow_deleted()
        if not self._pending:
            return
        parts = list(zip(*self._pending, strict=True))
        self._pending = []
        hashes = np.concatenate(parts[0])
        order = np.argsort(hashes)  # order among equal hashes does not matter
        hashes = hashes[order]
        docs = np.concatenate(parts[1])[order]
        pos = np.concatenate(parts[2])[order]
        if self._hashes.shape[0]:
            hashes = np.concatenate([self._hashes, hashes])
            order = np.argsort(hashes, kind="stable")
            hashes = hashes[order]
            docs = np.concatenate([self._docs, docs])[order]
            pos = np.concatenate([self._pos, pos])[order]
        self._hashes, self._docs, self._pos = hashes, docs, pos

    def compact(self) -> None:
        """Drop postings of removed documents and renumber the rest."""
        self._flush()
        if not self._deleted.any():
            return
        live = ~self._deleted
        renumber = np.cumsum(live, dtype=np.int64) - 1
        keep = live[self._docs]
        self._hashes = np.ascontiguousarray(self._hashes[keep])
        self._docs = renumber[self._docs[keep]].astype(np.uint32)
        self._pos = np.ascontiguousarray(self._pos[keep])
        self._ids = [doc_id for doc_id, alive in zip(self._ids, live, strict=True) if alive]
        self._num = {doc_id: i for i, doc_id in enumerate(self._ids)}
        self._deleted = np.zeros(len(self._ids), dtype=bool)

    @property
    def nbytes(self) -> int:
        self._flush()
        return int(self._hashes.nbytes + self._docs.nbytes + self._pos.nbytes)

    # -- persistence -----------------------------------------------------------------------

    def save(self, path: str | Path, *, fsync: bool = False) -> None:
        """Write the index to a directory; with ``fsync`` every file reaches the disk before
        this returns (the store publishes a generation only after that)."""
        self.compact()
        out = Path(path)
        out.mkdir(parents=True, exist_ok=True)

        def write(name: str, data: bytes | np.ndarray) -> None:
            # Write beside and rename: the old files may be memory-mapped by this very index.
            tmp = out / f"{name}.tmp"
            with tmp.open("wb") as f:
                if isinstance(data, bytes):
                    f.write(data)
                else:
                    np.save(f, data)
                if fsync:
                    f.flush()
                    os.fsync(f.fileno())
            os.replace(tmp, out / name)

        for name, array in (("hashes", self._hashes), ("docs", self._docs), ("pos", self._pos)):
            write(f"{name}.npy", array)
        meta = {
            "format": FORMAT_VERSION,
            "params": asdict(self.params),
            "normalizer": self.normalizer.saved_form(),
            "ids": self._ids,
        }
        write("meta.json", json.dumps(meta, ensure_ascii=False).encode())

    @classmethod
    def load(
        cls, path: str | Path, *, mmap: bool = True, normalizer: Normalizer | None = None
    ) -> OriginalityIndex:
        """Load an index; with ``mmap`` the arrays are paged in lazily (fast start-up).

        The index is queried with the normaliser it was built with, rebuilt from its saved
        configuration. Passing a ``normalizer`` with another configuration, or loading on an
        installation whose folding data differ (another OpenCC data or Unicode version),
        raises ``IncompatibleIndex``: the grams would not match, silently."""
        src = Path(path)
        meta = json.loads((src / "meta.json").read_text(encoding="utf-8"))
        normalizer = _saved_normalizer(meta, normalizer, src)
        index = cls(Params(**meta["params"]), normalizer)
        mode: Literal["r"] | None = "r" if mmap else None
        index._hashes = np.load(src / "hashes.npy", mmap_mode=mode)
        index._docs = np.load(src / "docs.npy", mmap_mode=mode)
        index._pos = np.load(src / "pos.npy", mmap_mode=mode)
        index._ids = list(meta["ids"])
        index._num = {doc_id: i for i, doc_id in enumerate(index._ids)}
        index._deleted = np.zeros(len(index._ids), dtype=bool)
        return index

    # -- query -----------------------------------------------------------------------------

    def check(
        self, text: str, *, exclude_id: str | None = None, exclude_ids: Iterable[str] = ()
    ) -> CheckResult:
        """Compare one document with the index; ``exclude_id`` (its own id) never matches, nor
        do ``exclude_ids`` (e.g. the author's other documents: self-reuse is not copying)."""
        self._flush()
        p = self.params
        norm = self.normalizer(text)
        qh = gram_hashes(norm.codes, p.k)
        left = np.searchsorted(self._hashes, qh, side="left")
        right = np.searchsorted(self._hashes, qh, side="right")
        counts = right - left
        n_docs = max(len(self._num), 1)
        usable = (counts > 0) & (counts <= p.skip_df(n_docs))
        q_idx = np.flatnonzero(usable)
        per = counts[q_idx]
        total = int(per.sum())
        hit_q = np.repeat(q_idx, per)
        first = np.repeat(left[q_idx] - (np.cumsum(per) - per), per)
        posting = first + np.arange(total)
        hit_doc = np.asarray(self._docs[posting], dtype=np.int64)
        packed = np.asarray(self._pos[posting], dtype=np.int64)
        hit_pos = packed & POS_MASK
        hit_gaps = packed >> POS_BITS
        alive = ~self._deleted[hit_doc]
        excluded = [exclude_id] if exclude_id is not None else []
        excluded.extend(exclude_ids)
        own = [self._num[doc_id] for doc_id in excluded if doc_id in self._num]
        if own:
            alive &= ~np.isin(hit_doc, own)
        return find_passages(
            text,
            norm,
            qh,
            hit_q[alive],
            hit_doc[alive],
            hit_pos[alive],
            hit_gaps[alive],
            counts,
            ids=self._ids,
            params=p,
            common_df=p.common_df(n_docs),
            quotations=excused_quotations(self.normalizer.pattern_text(text), norm),
        )


def _saved_normalizer(meta: dict, given: Normalizer | None, path: Path) -> Normalizer:
    if meta.get("format") != FORMAT_VERSION:
        raise IncompatibleIndex(
            f"index {path} has format {meta.get('format')!r}; this version reads format "
            f"{FORMAT_VERSION} (the normaliser is saved with the index since format 2): "
            "rebuild it from its documents"
        )
    saved = meta["normalizer"]
    config = NormalizeConfig(
        boilerplate=tuple(saved["boilerplate"]),
        fillers=saved["fillers"],
        mask_pattern=saved["mask_pattern"],
        fold=saved["fold"],
    )
    if given is not None and given.config != config:
        raise IncompatibleIndex(
            f"index {path} was built with another normaliser configuration; load it without "
            "a normalizer (its own is used) or rebuild it"
        )
    normalizer = given or normalizer_for(config)
    if normalizer.digest != saved["digest"]:
        raise IncompatibleIndex(
            f"index {path} was built with other folding data ({saved['data']}, digest "
            f"{saved['digest']}); this installation has {normalizer.saved_form()['data']} "
            f"(digest {normalizer.digest}): rebuild the index"
        )
    return normalizer
