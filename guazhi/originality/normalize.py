"""Text normalisation with an offset map back to the original characters.

The comparison stream keeps letters, digits and CJK characters only. Everything a copier changes
cheaply (punctuation width, line breaks, whitespace, paid-content markers, template-site headers,
name masks, the particles 的/了/地 slipped in as filler) is removed from it, so such edits do not
break the character k-grams. For every kept character we remember its offset in the original
text, so passages found on the stream are reported on the original characters.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import numpy as np

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

_KEEP_CATEGORIES = ("L", "N", "M")
_BMP = 0x10000  # folding is computed for the BMP; astral characters (CJK extensions) stay as is
_TABLE_SIZE = 0x110000  # one 4 MB lookup table covers every codepoint: a single numpy gather
_REGEX_META = set(".^$*+?{}[]\\|()")


@dataclass(frozen=True, slots=True)
class NormalizeConfig:
    boilerplate: tuple[str, ...] = DEFAULT_BOILERPLATE
    fillers: str = DEFAULT_FILLERS
    mask_pattern: str = MASK_PATTERN


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


def _build_table(fillers: str) -> np.ndarray:
    """Map each BMP codepoint to its folded form, or 0 when it leaves the stream."""
    table = np.arange(_TABLE_SIZE, dtype=np.uint32)
    table[0xD800:0xE000] = 0  # lone surrogates
    drop = set(fillers)
    for cp in range(_BMP):
        table[cp] = 0
        ch = chr(cp)
        if 0xD800 <= cp <= 0xDFFF:
            continue
        folded = unicodedata.normalize("NFKC", ch).lower()
        kept = [c for c in folded if unicodedata.category(c)[0] in _KEEP_CATEGORIES]
        # A compatibility character that expands (㈠ -> (一)) keeps its first letter only.
        if kept and kept[0] not in drop:
            table[cp] = ord(kept[0])
    return table


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
    """Compiled normaliser; building the codepoint table takes ~0.2 s, so reuse instances."""

    def __init__(self, config: NormalizeConfig | None = None) -> None:
        self.config = config or NormalizeConfig()
        self._table = _build_table(self.config.fillers)
        patterns: Iterable[str] = (*self.config.boilerplate, self.config.mask_pattern)
        # (literal the text must contain, compiled pattern): skipping absent literals is cheap
        self._drop_res = [(_literal_prefix(p), re.compile(p)) for p in patterns if p]

    def __call__(self, text: str) -> Normalized:
        raw = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        mapped = self._table[raw]
        for literal, pattern in self._drop_res:
            if literal in text:
                for m in pattern.finditer(text):
                    mapped[m.start() : m.end()] = 0
        offsets = np.flatnonzero(mapped).astype(np.int32)
        return Normalized(codes=mapped[offsets], offsets=offsets, original_length=len(text))


@cache
def default_normalizer() -> Normalizer:
    """The process-wide normaliser with the default configuration (built once, ~0.1 s)."""
    return Normalizer()


def normalize(text: str) -> Normalized:
    """Normalise with the default configuration."""
    return default_normalizer()(text)
