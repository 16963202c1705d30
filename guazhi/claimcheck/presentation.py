"""How a stored check is shown to one viewer: the text cut into runs around the claims, the
wording of each finding (never accusing: it says what the ledger holds), and the evidence the
viewer may open — records they may not see are only counted."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from guazhi.contacts.models import Contact, Problem
from guazhi.ledger.models import Entry
from guazhi.projects.models import Project

from .matching import CONTRADICTED, SUPPORTED, Finding

if TYPE_CHECKING:
    from guazhi.accounts.models import User

OUTCOME_LABELS = {
    SUPPORTED: "有台账依据",
    "unsupported": "无依据",
    CONTRADICTED: "与台账不符",
}
# Evidence links shown per finding; the rest are counted.
MAX_LINKS = 12

RECORD_MODELS: dict[str, Any] = {
    "entry": Entry,
    "project": Project,
    "contact": Contact,
    "problem": Problem,
}
SINGLE_WORDS = {
    "entry": "一条纪实记录为",
    "project": "一个重点项目记录为",
    "contact": "一条包联记录为",
    "problem": "一条问题记录为",
}


@dataclass
class Evidence:
    url: str
    label: str
    note: str = ""


@dataclass
class ShownFinding:
    number: int
    finding: Finding
    outcome_label: str
    wording: str
    visible: list[Evidence] = field(default_factory=list)
    more_visible: int = 0  # visible records beyond MAX_LINKS
    hidden: int = 0  # records the viewer may not see


def readable(value: Decimal, unit: str) -> str:
    """800.00 万元 → "800 万元"; 550000 万元 → "550,000 万元（55 亿元）"."""

    def plain(number: Decimal) -> str:
        text = f"{number:,f}"
        return text.rstrip("0").rstrip(".") if "." in text else text

    text = f"{plain(value)} {unit}"
    if unit == "万元" and value >= 10000:
        text += f"（{plain(value / 10000)} 亿元）"
    return text


def wording(f: Finding) -> str:
    if f.ledger_value is None or not f.ledger_value:
        return "台账中未找到对应记录"
    held = readable(f.ledger_value, f.ledger_unit)
    if f.outcome == SUPPORTED:
        if f.single:
            return f"{SINGLE_WORDS.get(f.record_kind, '一条记录为')} {held}"
        return f"台账记录为 {held}"
    if f.outcome == CONTRADICTED:
        return f"台账记录少于文中数字：台账记录为 {held}"
    return f"台账记录为 {held}，未达到文中数字"


def _records(kind: str, viewer: User, ids: set[int]) -> dict[int, Evidence]:
    model = RECORD_MODELS[kind]
    rows = model.objects.visible_to(viewer).filter(pk__in=ids)
    shown: dict[int, Evidence] = {}
    if kind == "entry":
        for pk, day, title, status in rows.values_list("pk", "date", "title", "status"):
            note = "待确认" if status == "pending" else ""
            url = reverse("ledger:entry_detail", args=[pk])
            shown[pk] = Evidence(url, f"{day:%Y-%m-%d} {title}", note)
    else:
        for obj in rows:
            shown[obj.pk] = Evidence(obj.get_absolute_url(), str(obj))
    return shown


def show_findings(findings: Sequence[Finding], viewer: User) -> list[ShownFinding]:
    """Each finding with its wording and the evidence the viewer may open (a query per kind)."""
    wanted: dict[str, set[int]] = {}
    for f in findings:
        ids = f.entry_ids if f.record_kind == "entry" else f.record_ids
        wanted.setdefault(f.record_kind, set()).update(ids)
    visible = {kind: _records(kind, viewer, ids) for kind, ids in wanted.items() if ids}
    shown = []
    for number, f in enumerate(findings, start=1):
        ids = f.entry_ids if f.record_kind == "entry" else f.record_ids
        seen = visible.get(f.record_kind, {})
        # Newest first for entries (ids grow with time); the rest in id order.
        ordered = sorted((pk for pk in ids if pk in seen), reverse=f.record_kind == "entry")
        shown.append(
            ShownFinding(
                number=number,
                finding=f,
                outcome_label=OUTCOME_LABELS.get(f.outcome, ""),
                wording=wording(f),
                visible=[seen[pk] for pk in ordered[:MAX_LINKS]],
                more_visible=max(0, len(ordered) - MAX_LINKS),
                hidden=len(ids) - len(ordered),
            )
        )
    return shown


@dataclass
class Run:
    text: str
    finding: ShownFinding | None = None


def text_runs(text: str, shown: Iterable[ShownFinding]) -> list[list[Run]]:
    """The text as paragraphs of runs, each claim a run of its own (offsets from the engine)."""
    by_start = sorted(shown, key=lambda s: s.finding.claim.start)
    paragraphs: list[list[Run]] = [[]]
    position = 0

    def plain(chunk: str) -> None:
        lines = chunk.split("\n")
        for i, line in enumerate(lines):
            if i:
                paragraphs.append([])
            if line:
                paragraphs[-1].append(Run(line))

    for s in by_start:
        claim = s.finding.claim
        if claim.start < position or claim.end > len(text):
            continue  # overlapping or stale offsets: leave the text as it is
        plain(text[position : claim.start])
        paragraphs[-1].append(Run(text[claim.start : claim.end], s))
        position = claim.end
    plain(text[position:])
    return [p for p in paragraphs if p]
