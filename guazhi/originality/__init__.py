"""Originality check (查重): passage-level copy detection for Chinese official prose.

Framework-free (no Django). Typical use::

    index = OriginalityIndex()
    index.add_many((w.id, w.text) for w in writings)
    index.save("var/originality")
    result = OriginalityIndex.load("var/originality").check(text, exclude_id="42")
    result.copy_ratio, result.passages[0].source_id
"""

from .index import FORMAT_VERSION, IncompatibleIndex, OriginalityIndex, Params
from .match import CheckResult, Passage
from .normalize import (
    DEFAULT_BOILERPLATE,
    DEFAULT_FILLERS,
    NormalizeConfig,
    Normalized,
    Normalizer,
    normalize,
    normalizer_for,
)
from .store import OriginalityStore, StoreBusy

__all__ = [
    "DEFAULT_BOILERPLATE",
    "DEFAULT_FILLERS",
    "FORMAT_VERSION",
    "CheckResult",
    "IncompatibleIndex",
    "Normalized",
    "NormalizeConfig",
    "Normalizer",
    "OriginalityIndex",
    "OriginalityStore",
    "Params",
    "Passage",
    "StoreBusy",
    "normalize",
    "normalizer_for",
]
