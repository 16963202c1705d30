"""A report as a viewer may read it: passages with their sources (hidden or not), the per-source
summary and the verdict. Shared by the page, the side-by-side view and the Word/PDF report."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from guazhi.accounts.models import User
from guazhi.similarity import sources
from guazhi.similarity.models import Report


@dataclass(frozen=True)
class PassageView:
    number: int
    start: int
    end: int
    text: str
    common: bool
    similarity: float
    source: sources.Source
    source_start: int
    source_end: int

    @property
    def chars(self) -> int:
        return sum(1 for c in self.text if not c.isspace())

    @property
    def source_text(self) -> str:
        return self.source.text[self.source_start : self.source_end]


@dataclass(frozen=True)
class SourceSummary:
    source: sources.Source
    passages: int
    chars: int


def passages(report: Report, viewer: User) -> list[PassageView]:
    raw = report.passages or []
    resolved = sources.resolve([str(p["source_id"]) for p in raw], viewer)
    text = report.version.text
    return [
        PassageView(
            number=i,
            start=int(p["start"]),
            end=int(p["end"]),
            text=text[int(p["start"]) : int(p["end"])],
            common=bool(p.get("common")),
            similarity=float(p.get("similarity", 0)),
            source=resolved[str(p["source_id"])],
            source_start=int(p.get("source_start", 0)),
            source_end=int(p.get("source_end", 0)),
        )
        for i, p in enumerate(raw, start=1)
    ]


def by_source(views: list[PassageView]) -> list[SourceSummary]:
    """Sources by the copied characters they account for, largest first."""
    totals: dict[str, list[int]] = {}
    first: dict[str, sources.Source] = {}
    for p in views:
        first.setdefault(p.source.doc_id, p.source)
        count = totals.setdefault(p.source.doc_id, [0, 0])
        count[0] += 1
        count[1] += p.chars
    return sorted(
        (SourceSummary(first[k], n, chars) for k, (n, chars) in totals.items()),
        key=lambda s: -s.chars,
    )


def percent(ratio: float | None) -> str:
    return "—" if ratio is None else f"{ratio * 100:.1f}%"


def thresholds() -> dict[str, int]:
    return {
        "amber_from": settings.GUAZHI_SIMILARITY_AMBER_FROM,
        "red_above": settings.GUAZHI_SIMILARITY_RED_ABOVE,
    }
