"""A report's text cut into lines of runs, each run plain or part of one copied passage, so the
template can mark passages without any HTML built in Python."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Run:
    text: str
    passage: int | None = None  # 1-based number of the passage, None for uncopied text
    common: bool = False


def lines(text: str, passages: Sequence[Mapping[str, Any]]) -> list[list[Run]]:
    """The text's lines; passages (sorted, non-overlapping offsets) may span several lines."""
    runs: list[Run] = []
    at = 0
    for number, p in enumerate(passages, start=1):
        start, end = max(int(p["start"]), at), min(int(p["end"]), len(text))
        if start >= end:
            continue
        if start > at:
            runs.append(Run(text[at:start]))
        runs.append(Run(text[start:end], number, bool(p.get("common"))))
        at = end
    if at < len(text):
        runs.append(Run(text[at:]))
    out: list[list[Run]] = [[]]
    for run in runs:
        pieces = run.text.split("\n")
        for i, piece in enumerate(pieces):
            if i:
                out.append([])
            if piece:
                out[-1].append(Run(piece, run.passage, run.common))
    return [line for line in out if line]


def excerpt(text: str, start: int, end: int, context: int = 60) -> tuple[str, str, str]:
    """(before, passage, after) with up to `context` characters either side."""
    start, end = max(0, start), min(len(text), end)
    return text[max(0, start - context) : start], text[start:end], text[end : end + context]
