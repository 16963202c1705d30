"""The claims check: each figure of a text set against the author's ledger over a period.

Public API (used by the writings check and by the grounded draft)::

    findings = check_text(text, secondment=secondment, start=date(...), end=date(...))
    for f in findings:
        f.claim          # guazhi.claims.Claim (offsets into `text`)
        f.outcome        # SUPPORTED, UNSUPPORTED or CONTRADICTED
        f.ledger_value   # what the ledger holds for the matched measure (its unit), or None
        f.measure        # 「走访企业（家）」, "" when nothing matched
        f.entry_ids      # ledger Entry ids that are the evidence
    summarise(findings).line  # 「12 处数字，9 处有台账依据，2 处无依据，1 处与台账不符」

A claim is matched to the measures whose unit it shares (万元 in the ledger, 元 in the claim)
and whose label the words around the figure name; the tolerance follows the approximation word.
docs/claimcheck.md states the tables and bands.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from guazhi.claims import Claim, extract
from guazhi.roster.models import Secondment

from .measures import UNIT_CLASS, Measure, load_catalog

SUPPORTED = "supported"
UNSUPPORTED = "unsupported"
CONTRADICTED = "contradicted"

# The least the ledger must hold, as a share of the claimed value, by approximation kind: an
# exact figure within 5 %, 余/多/以上 at least the figure, 约/左右 within 15 %, 近/不足 at least
# 80 % of it, a range at least 95 % of its low end. More than claimed is fine: sums of visits
# count repeat visits, and a figure may be about part of the work.
LOWER_BOUND: dict[str, Decimal] = {
    "": Decimal("0.95"),
    "over": Decimal(1),
    "about": Decimal("0.85"),
    "under": Decimal("0.8"),
    "range": Decimal("0.95"),
}
# The most a single record may hold to stand alone as the evidence (「成功贷款800万元」 may be one
# entry while the period's loans add up to far more), as a share of the claimed (high) value.
UPPER_BOUND: dict[str, Decimal] = {
    "": Decimal("1.05"),
    "over": Decimal(2),
    "about": Decimal("1.15"),
    "under": Decimal(1),
    "range": Decimal("1.05"),
}
# Below this share of the claimed value the ledger "holds much less": contradicted.
CONTRADICTED_BELOW = Decimal("0.5")
# Measures scoring at least this share of the best score are all tried; the best outcome wins
# (several records describe the same work: a 解决问题 figure and the problem list).
NEAR_SCORE = 0.6

# Which of two findings of one claim says more for it (the wider period is kept when better).
RANK = {SUPPORTED: 2, UNSUPPORTED: 1, CONTRADICTED: 0}

# Characters that end the clause a figure's words are looked for in. Brackets do not: 「11.9万元
# （投入资金）」 names its measure in them.
CLAUSE_BREAKS = frozenset('，。；！？：,;!?:\n、“”"')
WINDOW_BEFORE = 12
WINDOW_AFTER = 10


@dataclass(frozen=True)
class Finding:
    claim: Claim
    outcome: str
    ledger_value: Decimal | None = None
    measure: str = ""
    entry_ids: tuple[int, ...] = ()
    ledger_unit: str = ""  # the measure's unit: 家, 万元
    record_kind: str = "entry"  # entry, project, contact, problem
    record_ids: tuple[int, ...] = ()  # evidence that is not a ledger entry (projects…)
    single: bool = False  # one record's figure matched, not the period's total

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe form (values as strings: exact)."""
        c = self.claim
        return {
            "start": c.start,
            "end": c.end,
            "text": c.text,
            "value": str(c.value),
            "unit": c.unit,
            "approx": c.approx,
            "counted": c.counted,
            "high": None if c.high is None else str(c.high),
            "outcome": self.outcome,
            "ledger_value": None if self.ledger_value is None else str(self.ledger_value),
            "ledger_unit": self.ledger_unit,
            "measure": self.measure,
            "entry_ids": list(self.entry_ids),
            "record_kind": self.record_kind,
            "record_ids": list(self.record_ids),
            "single": self.single,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        claim = Claim(
            start=data["start"],
            end=data["end"],
            text=data["text"],
            value=Decimal(data["value"]),
            unit=data["unit"],
            approx=data["approx"],
            counted=data["counted"],
            high=None if data["high"] is None else Decimal(data["high"]),
        )
        ledger_value = data["ledger_value"]
        return cls(
            claim=claim,
            outcome=data["outcome"],
            ledger_value=None if ledger_value is None else Decimal(ledger_value),
            measure=data["measure"],
            entry_ids=tuple(data["entry_ids"]),
            ledger_unit=data["ledger_unit"],
            record_kind=data["record_kind"],
            record_ids=tuple(data["record_ids"]),
            single=data["single"],
        )


@dataclass(frozen=True)
class Summary:
    total: int
    supported: int
    unsupported: int
    contradicted: int

    @property
    def line(self) -> str:
        if not self.total:
            return "文中未发现数字"
        return (
            f"{self.total} 处数字，{self.supported} 处有台账依据，"
            f"{self.unsupported} 处无依据，{self.contradicted} 处与台账不符"
        )


def summarise(findings: Iterable[Finding]) -> Summary:
    outcomes = [f.outcome for f in findings]
    return Summary(
        total=len(outcomes),
        supported=outcomes.count(SUPPORTED),
        unsupported=outcomes.count(UNSUPPORTED),
        contradicted=outcomes.count(CONTRADICTED),
    )


def check_text(
    text: str,
    *,
    secondment: Secondment,
    start: date,
    end: date,
    wider: tuple[date, date] | None = None,
) -> list[Finding]:
    """Every claim of `text` with its outcome against the secondment's ledger over [start, end].

    With `wider` (start, end), a figure the period does not support is also set against that
    period, and the better outcome kept: a quarterly summary often gives the term's totals up to its writing (挂职以来…)."""
    claims = extract(text)
    if not claims:
        return []
    catalog = load_catalog(secondment, start, end)
    findings = [match_claim(claim, text, catalog) for claim in claims]
    unsupported = any(f.outcome != SUPPORTED for f in findings)
    if wider is not None and wider != (start, end) and unsupported:
        wide = load_catalog(secondment, *wider)
        for i, f in enumerate(findings):
            if f.outcome != SUPPORTED:
                again = match_claim(f.claim, text, wide)
                if RANK[again.outcome] > RANK[f.outcome]:
                    findings[i] = again
    return findings


def claim_context(claim: Claim, text: str) -> str:
    """The words around a figure within its clause, and what the engine found it counts."""
    i = claim.start
    while i > 0 and claim.start - i < WINDOW_BEFORE and text[i - 1] not in CLAUSE_BREAKS:
        i -= 1
    j = claim.end
    while j < len(text) and j - claim.end < WINDOW_AFTER and text[j] not in CLAUSE_BREAKS:
        j += 1
    return f"{text[i : claim.start]}|{claim.counted}|{text[claim.end : j]}"


def match_claim(claim: Claim, text: str, catalog: Sequence[Measure]) -> Finding:
    context = claim_context(claim, text)
    if not claim.unit:
        # A bare number in a table row after a category's name: that category's entry count
        # (「走访调研	12	…」 under a 类别 / 条数 header).
        row = context.split("|", 1)[0].rstrip(" \t")
        for m in catalog:
            if m.category and row.endswith(m.category):
                return evaluate(claim, m)
        return Finding(claim=claim, outcome=UNSUPPORTED)
    unit_class = UNIT_CLASS.get(claim.unit)
    if unit_class is None:
        return Finding(claim=claim, outcome=UNSUPPORTED)
    scored = [(m.score(context), m) for m in catalog if m.unit_class == unit_class]
    scored = [(s, m) for s, m in scored if s > 0]
    if not scored:
        return Finding(claim=claim, outcome=UNSUPPORTED)
    top = max(s for s, _ in scored)
    near = sorted(
        ((s, m) for s, m in scored if s >= top * NEAR_SCORE),
        key=lambda sm: (-sm[0], -sm[1].total),
    )
    findings = [evaluate(claim, m) for _, m in near]
    for finding in findings:
        if finding.outcome == SUPPORTED:
            return finding
    for finding in findings:
        if finding.ledger_value:
            return finding
    return findings[0]


def evaluate(claim: Claim, measure: Measure) -> Finding:
    """The outcome of one claim against one measure."""
    kind = claim.approx_kind if claim.approx_kind in LOWER_BOUND else ""
    low = claim.value * LOWER_BOUND[kind]
    high = (claim.high if kind == "range" and claim.high else claim.value) * UPPER_BOUND[kind]
    total = measure.total
    base = total * measure.scale

    def finding(outcome: str, value: Decimal, ids: Iterable[int], single: bool = False) -> Finding:
        ids = tuple(sorted(ids))
        is_entry = measure.record_kind == "entry"
        return Finding(
            claim=claim,
            outcome=outcome,
            ledger_value=value,
            measure=measure.label,
            entry_ids=ids if is_entry else (),
            ledger_unit=measure.unit,
            record_kind=measure.record_kind,
            record_ids=() if is_entry else ids,
            single=single,
        )

    if not total:
        return finding(UNSUPPORTED, Decimal(0), ())
    if base >= low:
        if base > high:
            # The period holds far more: cite the one record that says the same, if any.
            fits = [
                (abs(v * measure.scale - claim.value), pk, v)
                for pk, v in measure.items.items()
                if low <= v * measure.scale <= high
            ]
            if fits:
                _, pk, value = min(fits)
                return finding(SUPPORTED, value, (pk,), single=True)
        return finding(SUPPORTED, total, measure.items)
    if base < claim.value * CONTRADICTED_BELOW:
        return finding(CONTRADICTED, total, measure.items)
    return finding(UNSUPPORTED, total, measure.items)
