"""Attributed quotations: text the second ratio (去除引用) does not count as copied.

A quotation is excused when it is attributed — a speaker or a document title right before the
verb (习近平总书记指出：“……”, 他说：“……”, 《条例》规定：“……”) — and of a plausible length: a
sentence or two. A long stretch dressed up as a quotation (…说：“<several copied paragraphs>”)
is copying, and so is the part of a document beyond a share of quotations: a writing made of
attributed quotations is not original either. Patterns run on script-folded text (see
``Normalizer.pattern_text``), so a traditional-script quotation is recognised too.
"""

from __future__ import annotations

import re

import numpy as np

from .normalize import Normalized, fold_script

# Longest quotation excused, in normalised characters (letters and digits, no punctuation or
# fillers): about two sentences of official prose.
MAX_QUOTE_CHARS = 150
# All excused quotations together: this share of the document's normalised characters, but
# always at least one full quotation (a short reflection may open with one).
MAX_QUOTE_SHARE = 0.2

_VERBS = (
    "指出|强调|说|讲|讲话|要求|规定|提出|写道|表示|明确|所说|所言|号召|告诫|指示|批示|认为|"
    "有言|有云|云|曰"
)
# The regex starts with the verbs (literals: the engine scans for them quickly); whether
# the character before the verb attributes the quotation is checked after a match.
QUOTE_RE = re.compile(
    fold_script(
        rf"(?:{_VERBS})(?:的那样|道)?[:：,，]?\s*"
        r"([“「『\"][^“”「」『』\"]{1,5000}[”」』\"])"
    )
)
# 说 in these words attributes nothing (小说：“……” is no quotation of a speaker).
_NOT_SPEAKERS = {
    fold_script(w) for w in ("小说", "学说", "传说", "据说", "听说", "演说", "解说", "游说")
}


def _attributed(text: str, verb_start: int) -> bool:
    """A speaker's name or title, or the 》 of a document title, right before the verb; a
    verb opening a sentence or a line attributes nothing."""
    if verb_start == 0:
        return False
    before = text[verb_start - 1]
    if before != "》" and not (before.isalnum() or before == "_"):
        return False
    return text[verb_start - 1 : verb_start + 1] not in _NOT_SPEAKERS


def quotation_spans(pattern_text: str) -> list[tuple[int, int]]:
    """Spans (quotation marks included) of every attributed quotation, whatever its length."""
    return [
        m.span(1) for m in QUOTE_RE.finditer(pattern_text) if _attributed(pattern_text, m.start())
    ]


def excused_quotations(pattern_text: str, norm: Normalized) -> list[tuple[int, int]]:
    """The attributed quotations of plausible length, in order, within the share."""
    budget = max(MAX_QUOTE_CHARS, int(MAX_QUOTE_SHARE * len(norm)))
    excused = []
    for start, end in quotation_spans(pattern_text):
        lo, hi = np.searchsorted(norm.offsets, (start, end))
        size = int(hi - lo)
        if size > MAX_QUOTE_CHARS or size > budget:
            continue
        budget -= size
        excused.append((start, end))
    return excused
