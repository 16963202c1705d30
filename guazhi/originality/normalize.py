"""Text normalisation with an offset map back to the original characters.

The comparison stream keeps letters, digits and CJK characters only. Everything a copier changes
cheaply (punctuation width, line breaks, whitespace, paid-content markers, template-site headers,
name masks, the particles 的/了/地 slipped in as filler, invisible characters) is removed from
it, and what a copier swaps one for one (traditional script, regional vocabulary, look-alike
characters, numerals written either way) is folded to one form, so such edits do not break the
character k-grams. For every kept character we remember its offset in the original text, so
passages found on the stream are reported on the original characters.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

import numpy as np

from .fold import HOMOGLYPHS, NUMERALS, data_version, phrase_classes, script_chars

# Lines a template site (范文网) wraps around a reposted essay. Each match is dropped whole.
# Each pattern runs on its own and should start with fixed characters: Python's re then scans
# for them quickly, whereas an alternation is tried at every position (10x slower).
DEFAULT_BOILERPLATE: tuple[str, ...] = (
    # paid-content markers, also when a line break or space has been slipped into them
    r"#\s*#\s*p\s*a\s*i\s*d\s*(?:b\s*e\s*g\s*i\s*n|e\s*n\s*d)\s*#\s*#",
    r"下面是[^\n]{0,40}?(?:小编|本站|编辑|网友|我们|为大家)[^\n]{0,80}",
    r"以下是[^\n]{0,40}?(?:小编|本站|编辑|网友|我们|为大家)[^\n]{0,80}",
    r"本文(?:由|来源|来自|转载)[^\n]{0,80}",
    r"文章来源[:：][^\n]{0,60}",
    r"更多[^\n]{0,40}?请(?:关注|访问|登录|点击|搜索)[^\n]{0,60}",
    r"欢迎(?:下载|阅读|分享|收藏|关注)[^\n]{0,60}",
    r"敬请(?:下载|阅读|分享|收藏|关注)[^\n]{0,60}",
    r"感谢(?:您|你)?的?阅读[^\n]{0,40}",
    r"谢谢(?:您|你)?的?阅读[^\n]{0,40}",
    r"免费下载[^\n]{0,60}",
    r"【下载[^\n]{0,60}",
    r"全文阅读[^\n]{0,60}",
    r"原文链接[^\n]{0,60}",
    r"http[^\s]+",
    r"www\.\S+",
)

# Name masks: runs of X/Ｘ/× standing alone (not inside a Latin word); * is punctuation anyway.
MASK_PATTERN = r"[XxＸｘ×](?<![A-Za-z].)[XxＸｘ×]*(?![A-Za-z])"

# Particles a copier slips in every dozen characters; common in both copy and source, so
# dropping them from both sides costs little information and neutralises the trick.
DEFAULT_FILLERS = "的了地得着"

# Letters and digits only: marks go too (a variation selector or a combining accent slipped
# after every hanzi would otherwise split the grams), as do format characters (zero-width
# space and joiners, soft hyphen, BOM), punctuation, symbols and whitespace.
_KEEP_CATEGORIES = ("L", "N")
_TABLE_SIZE = 0x110000  # one 4 MB lookup table covers every codepoint: a single numpy gather
# Ranges folded codepoint by codepoint (NFKC, categories): the BMP, plane 1 (mathematical
# alphanumerics 𝟐𝟎𝟐𝟒, emoji), compatibility ideographs supplement, plane 14 (tags, variation
# selectors supplement). Other astral codepoints (CJK extensions) stay as they are.
_COMPUTED = ((0, 0x20000), (0x2F800, 0x2FA20), (0xE0000, 0xE1000))
_REGEX_META = set(".^$*+?{}[]\\|()")
_BIGRAM_BITS = 20  # phrase pre-filter: a bitmap of hashed first bigrams (1 MB)


@dataclass(frozen=True, slots=True)
class NormalizeConfig:
    boilerplate: tuple[str, ...] = DEFAULT_BOILERPLATE
    fillers: str = DEFAULT_FILLERS
    mask_pattern: str = MASK_PATTERN
    # fold traditional script, regional vocabulary, look-alikes and numerals (fold.py)
    fold: bool = True


@dataclass(frozen=True, slots=True)
class Normalized:
    """The comparison stream as codepoints, and the original offset of each of them."""

    codes: np.ndarray  # uint32, one codepoint per kept character
    offsets: np.ndarray  # int32, offsets[i] = index in the original text of codes[i]
    original_length: int

    @property
    def text(self) -> str:
        return self.codes.astype("<u4").tobytes().decode("utf-32-le")

    def __len__(self) -> int:
        return int(self.codes.shape[0])


def _fold_char(ch: str, drop: set[str], fold: bool) -> int:
    """The stream codepoint of one character, 0 when it leaves the stream."""
    if fold:  # before NFKC: most look-alikes are symbols, which would be dropped
        ch = HOMOGLYPHS.get(ch, ch)
    folded = unicodedata.normalize("NFKC", ch).lower()
    kept = [c for c in folded if unicodedata.category(c)[0] in _KEEP_CATEGORIES]
    if not kept:
        return 0
    # A compatibility character that expands (㈠ -> (一)) keeps its first letter only.
    c = kept[0]
    if fold:
        c = HOMOGLYPHS.get(c, c)  # again after NFKC: half-width katakana
        c = script_chars().get(c, c)
        c = NUMERALS.get(c, c)
    return 0 if c in drop else ord(c)


@cache
def _char_table(fillers: str, fold: bool) -> np.ndarray:
    """Map each codepoint to its folded form, or 0 when it leaves the stream."""
    table = np.arange(_TABLE_SIZE, dtype=np.uint32)
    drop = set(fillers)
    for lo, hi in _COMPUTED:
        for cp in range(lo, hi):
            table[cp] = 0 if 0xD800 <= cp <= 0xDFFF else _fold_char(chr(cp), drop, fold)
    if fold:  # traditional forms among the CJK extensions
        for ch in script_chars():
            if not any(lo <= ord(ch) < hi for lo, hi in _COMPUTED):
                table[ord(ch)] = _fold_char(ch, drop, fold)
    table.flags.writeable = False
    return table


@cache
def _script_table() -> np.ndarray:
    """Traditional -> simplified only, every other character as is: the text the boilerplate
    and quotation patterns run on, offset for offset the original."""
    table = np.arange(_TABLE_SIZE, dtype=np.uint32)
    for ch, rep in script_chars().items():
        table[ord(ch)] = ord(rep)
    table.flags.writeable = False
    return table


@cache
def _traditional_table() -> np.ndarray:
    table = np.zeros(_TABLE_SIZE, dtype=bool)
    table[[ord(ch) for ch in script_chars()]] = True
    table.flags.writeable = False
    return table


def fold_script(text: str, raw: np.ndarray | None = None) -> str:
    """``text`` with traditional characters folded to simplified, same length and offsets
    (``raw``: its codepoints, when the caller has them)."""
    if raw is None:
        raw = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    where = np.flatnonzero(_traditional_table()[raw])  # a byte table: cheap when none
    if not where.shape[0]:
        return text
    if where.shape[0] > 1000:
        folded = _script_table()[raw]
        return folded.astype("<u4").tobytes().decode("utf-32-le", "surrogatepass")
    # a few traditional characters in a long text: splice them, no full decode
    reps = _script_table()[raw[where]].tolist()
    pieces, last = [], 0
    for i, rep in zip(where.tolist(), reps, strict=True):
        pieces.append(text[last:i])
        pieces.append(chr(rep))
        last = i + 1
    pieces.append(text[last:])
    return "".join(pieces)


_BASE = np.uint64(0x100000001B3)


def _bigram_hash(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    # 32-bit arithmetic: this runs over every character of every document
    mixed = (first * np.uint32(0x9E3779B1)) ^ (second * np.uint32(0x85EBCA6B))
    return (mixed * np.uint32(0xC2B2AE35)) >> np.uint32(32 - _BIGRAM_BITS)


def _hash_strings(phrases: list[str]) -> np.ndarray:
    """The polynomial hash ``_Phrases.apply`` computes on the stream, for whole strings."""
    hashes = np.zeros(len(phrases), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for i, phrase in enumerate(phrases):
            h = np.uint64(0)
            for c in phrase:
                h = h * _BASE + np.uint64(ord(c))
            hashes[i] = h
    return hashes


class _Phrases:
    """Regional vocabulary (資訊 -> 信息, 印表機 -> 打印机) replaced on the comparison stream.

    Each phrase of a class becomes the class's shortest member; the replacement takes the
    original offsets of the phrase's first characters, so offsets stay strictly increasing and
    passages are still reported on the original text. Finding them is vectorised: positions
    whose first two characters hash into a bitmap of the phrases' first bigrams, then at those
    the hash of the next L characters for every phrase length L; Python sees only true hits.
    """

    def __init__(self, table: np.ndarray) -> None:
        def fold(text: str) -> str:
            codes = table[np.array([ord(c) for c in text], dtype=np.uint32)]
            return "".join(chr(c) for c in codes.tolist() if c)

        self.map = phrase_classes(fold)
        self.bitmap = np.zeros(1 << _BIGRAM_BITS, dtype=bool)
        self.first = np.zeros(_TABLE_SIZE, dtype=bool)  # characters that start a phrase
        by_len: dict[int, list[str]] = {}
        for phrase in self.map:
            by_len.setdefault(len(phrase), []).append(phrase)
        rep_len = max((len(r) for r in self.map.values()), default=1)
        self.max_len = max(by_len, default=0)
        # For each length L: the sorted hashes of the phrases' L-character prefixes (a position
        # whose first L characters are no prefix is dropped), and of the phrases of length L
        # with, row for row, their replacement padded to rep_len.
        self.prefixes: dict[int, np.ndarray] = {}
        self.tables: dict[int, tuple[np.ndarray, int]] = {}  # length -> hashes, first row
        ordered: list[str] = []
        for length in range(2, self.max_len + 1):
            longer = [p[:length] for p in self.map if len(p) >= length]
            self.prefixes[length] = np.unique(_hash_strings(longer))
            phrases = by_len.get(length, [])
            if not phrases:
                continue
            rows = np.array([[ord(c) for c in p] for p in phrases], dtype=np.uint32)
            self.bitmap[_bigram_hash(rows[:, 0], rows[:, 1])] = True
            self.first[rows[:, 0]] = True
            hashes = _hash_strings(phrases)
            order = np.argsort(hashes)
            self.tables[length] = (hashes[order], len(ordered))
            ordered.extend(phrases[i] for i in order.tolist())
        self.reps = np.zeros((len(ordered), rep_len), dtype=np.uint32)
        self.sizes = np.zeros(len(ordered), dtype=np.int64)
        for row, phrase in enumerate(ordered):
            rep = self.map[phrase]
            self.reps[row, : len(rep)] = [ord(c) for c in rep]
            self.sizes[row] = len(rep)

    def apply(
        self, raw: np.ndarray, codes: np.ndarray, offsets: np.ndarray, *, batch: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        """``batch``: the text joins several documents (index._SEPARATOR, which holds a NUL);
        no phrase is matched across two of them."""
        n = codes.shape[0]
        if n < 2 or not self.map:
            return codes, offsets
        # two filters: the first character (a byte table), then the hashed first bigram
        cand = np.flatnonzero(self.first[codes[:-1]])
        cand = cand[self.bitmap[_bigram_hash(codes[cand], codes[cand + 1])]]
        if not cand.shape[0]:
            return codes, offsets
        found = np.zeros(cand.shape[0], dtype=np.int64)  # phrase length at each candidate
        row = np.zeros(cand.shape[0], dtype=np.int64)  # its row in reps
        # Extend the hash of each live candidate one character at a time; a longer phrase
        # overrides a shorter one at the same position.
        live = np.arange(cand.shape[0])
        h = codes[cand].astype(np.uint64)
        with np.errstate(over="ignore"):
            for length in range(2, self.max_len + 1):
                ok = cand[live] + length <= n
                live, h = live[ok], h[ok]
                h = h * _BASE + codes[cand[live] + length - 1].astype(np.uint64)
                prefixes = self.prefixes[length]
                pos = np.minimum(np.searchsorted(prefixes, h), prefixes.shape[0] - 1)
                ok = prefixes[pos] == h
                live, h = live[ok], h[ok]
                if not live.shape[0]:
                    break
                if length in self.tables:
                    hashes, first_row = self.tables[length]
                    pos = np.minimum(np.searchsorted(hashes, h), hashes.shape[0] - 1)
                    hit = hashes[pos] == h
                    found[live[hit]], row[live[hit]] = length, first_row + pos[hit]
        hits = np.flatnonzero(found)
        if not hits.shape[0]:
            return codes, offsets
        starts, lengths, rows = cand[hits], found[hits], row[hits]
        # never across two documents of a batch (index._SEPARATOR holds a NUL)
        if batch:
            nul = np.flatnonzero(raw == 0)
            last = offsets[starts + lengths - 1]
            inside = np.searchsorted(nul, last) == np.searchsorted(nul, offsets[starts])
            starts, lengths, rows = starts[inside], lengths[inside], rows[inside]
        # overlapping phrases (rare): the leftmost wins
        if starts.shape[0] > 1 and bool((starts[1:] < (starts + lengths)[:-1]).any()):
            chosen, done = [], 0
            for k, (i, size) in enumerate(zip(starts.tolist(), lengths.tolist(), strict=True)):
                if i >= done:
                    chosen.append(k)
                    done = i + size
            starts, lengths, rows = starts[chosen], lengths[chosen], rows[chosen]
        sizes = self.sizes[rows]
        # codes is the caller's own fresh array (see Normalizer.__call__): written in place
        written = np.arange(self.reps.shape[1]) < sizes[:, None]  # (hits, rep_len)
        codes[(starts[:, None] + np.arange(self.reps.shape[1]))[written]] = self.reps[rows][written]
        span = np.arange(int(lengths.max()))
        dropped = (span < lengths[:, None]) & (span >= sizes[:, None])
        if not dropped.any():
            return codes, offsets
        keep = np.ones(n, dtype=bool)
        keep[(starts[:, None] + span)[dropped]] = False
        return codes[keep], offsets[keep]


@cache
def _phrases(fillers: str) -> _Phrases:
    return _Phrases(_char_table(fillers, True))


@cache
def _digest(fillers: str, fold: bool) -> str:
    """Identifies the folding a stream was made with (saved with an index)."""
    h = hashlib.sha256(_char_table(fillers, fold).tobytes())
    if fold:
        h.update(json.dumps(sorted(_phrases(fillers).map.items())).encode())
    return h.hexdigest()[:16]


def _literal_prefix(pattern: str) -> str:
    """The fixed characters a pattern starts with ('' if none): a cheap pre-check."""
    prefix: list[str] = []
    for i, ch in enumerate(pattern):
        if ch in _REGEX_META:
            # a quantifier makes the character before it optional
            if ch in "*?{" and prefix:
                prefix.pop()
            break
        if i + 1 < len(pattern) and pattern[i + 1] in "*?{":
            break
        prefix.append(ch)
    return "".join(prefix)


class Normalizer:
    """Compiled normaliser; building the tables takes ~0.3 s, so reuse instances (see
    ``normalizer_for``)."""

    def __init__(self, config: NormalizeConfig | None = None) -> None:
        self.config = config or NormalizeConfig()
        fillers, fold = self.config.fillers, self.config.fold
        self._table = _char_table(fillers, fold)
        self._phrases = _phrases(fillers) if fold else None
        self.digest = _digest(fillers, fold)
        patterns: Iterable[str] = (*self.config.boilerplate, self.config.mask_pattern)
        # Patterns are written in simplified script and run on script-folded text, so they
        # are folded too (a character of a pattern may not be its class's representative).
        patterns = [fold_script(p) if fold else p for p in patterns if p]
        # (literal the text must contain, compiled pattern): skipping absent literals is cheap
        self._drop_res = [(_literal_prefix(p), re.compile(p)) for p in patterns]

    def saved_form(self) -> dict[str, Any]:
        """The configuration as saved with an index (meta.json)."""
        return {
            **asdict(self.config),
            "boilerplate": list(self.config.boilerplate),
            "digest": self.digest,
            "data": data_version() if self.config.fold else "",
        }

    def pattern_text(self, text: str, raw: np.ndarray | None = None) -> str:
        """The text patterns (boilerplate, quotations) are matched on: same offsets."""
        return fold_script(text, raw) if self.config.fold else text

    def __call__(self, text: str) -> Normalized:
        raw = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        mapped = self._table[raw]
        if self._drop_res:
            plain = self.pattern_text(text, raw)
            for literal, pattern in self._drop_res:
                if literal in plain:
                    for m in pattern.finditer(plain):
                        mapped[m.start() : m.end()] = 0
        offsets = np.flatnonzero(mapped).astype(np.int32)
        codes = mapped[offsets]
        if self._phrases is not None:
            codes, offsets = self._phrases.apply(raw, codes, offsets, batch="\x00" in text)
        return Normalized(codes=codes, offsets=offsets, original_length=len(text))


@cache
def normalizer_for(config: NormalizeConfig) -> Normalizer:
    """One compiled normaliser per configuration and process."""
    return Normalizer(config)


def default_normalizer() -> Normalizer:
    """The process-wide normaliser with the default configuration (built once, ~0.3 s)."""
    return normalizer_for(NormalizeConfig())


def normalize(text: str) -> Normalized:
    """Normalise with the default configuration."""
    return default_normalizer()(text)
