"""Draft changes: generating a draft, polishing its wording, and starting the term-summary
writing from it. Keyword-only, taking the acting user (`actor`) and client address (`ip`), so
the demo seeder calls them too. Records are read and composed outside any transaction; each
write is one short transaction with its audit record.

Every number of a draft is set against the ledger by the claims check
(`guazhi.claimcheck.matching`): numbers it does not support are marked on the sentence when the
draft is generated, and a polished sentence whose numbers fail (or differ from the original's)
falls back to the original wording, flagged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from guazhi.accounts.models import User
from guazhi.audit.log import record
from guazhi.audit.models import Event
from guazhi.claims import extract
from guazhi.drafts import llm
from guazhi.drafts.compose import compose
from guazhi.drafts.draft import Draft, Sentence
from guazhi.drafts.models import SummaryDraft
from guazhi.drafts.records import gather
from guazhi.roster.models import Secondment
from guazhi.writings import actions as writing_actions
from guazhi.writings.models import Writing, WritingKind, WritingRequirement

# text → the claims in it the ledger does not support, as written (「245家」).
Checker = Callable[[str], list[str]]


class DraftPermissionError(Exception):
    """The actor may not do this (only the cadre acts on their own drafts)."""


class ReplaceNeedsConfirmation(Exception):
    """The cadre's term summary already has content; replacing it needs their confirmation."""

    def __init__(self, writing: Writing) -> None:
        super().__init__(writing)
        self.writing = writing


def _check_actor(actor: User, secondment: Secondment) -> None:
    if not (actor.is_cadre and actor.cadre_id == secondment.cadre_id):
        raise DraftPermissionError


def checker(secondment: Secondment, start: date, end: date) -> Checker:
    """The claims check over the secondment's ledger for [start, end], per piece of text (the
    ledger is read once, not once a sentence)."""
    from guazhi.claimcheck.matching import SUPPORTED, match_claim
    from guazhi.claimcheck.measures import load_catalog

    catalog = load_catalog(secondment, start, end)

    def failing(text: str) -> list[str]:
        return [
            claim.text
            for claim in extract(text)
            if match_claim(claim, text, catalog).outcome != SUPPORTED
        ]

    return failing


def ground(draft: Draft, check: Checker) -> Draft:
    """The draft with each factual sentence's unsupported numbers marked."""

    def mark(s: Sentence) -> Sentence:
        if s.prompt:
            return s
        return replace(s, unsupported=tuple(check(s.text)))

    return draft.map_sentences(mark)


# --- Generating ----------------------------------------------------------------------------------


def generate_draft(
    *, actor: User, secondment: Secondment, ip: str = "", today: date | None = None
) -> SummaryDraft:
    _check_actor(actor, secondment)
    records = gather(secondment, today=today or timezone.localdate())
    draft = ground(compose(records), checker(secondment, records.start, records.end))
    facts = draft.facts()
    with transaction.atomic():
        saved = SummaryDraft.objects.create(
            secondment=secondment, content=draft.to_json(), generated_by=actor
        )
        record(
            event=Event.CREATE,
            user=actor,
            ip=ip,
            obj=saved,
            detail="生成挂职总结初稿",
            after={
                "期间": f"{records.start:%Y-%m-%d} 至 {records.end:%Y-%m-%d}",
                "事实句": len(facts),
                "待撰写提示": len(draft.sentences()) - len(facts),
                "未通过核对的数字": sum(len(s.unsupported) for s in facts),
            },
        )
    return saved


# --- Polishing -----------------------------------------------------------------------------------


def _values(text: str) -> Counter[tuple[str, str]]:
    return Counter((str(c.value.normalize()), c.unit) for c in extract(text, counted=False))


def review_rewording(original: Sentence, reworded: str, check: Checker) -> Sentence:
    """Keep the rewording only if every number in it passes the claims check and its numbers
    are the original's; otherwise keep the original and flag what failed."""
    reworded = reworded.strip()
    if not reworded or reworded == original.text:
        return original
    failing = check(reworded)
    if not failing and _values(reworded) != _values(original.text):
        original_values = _values(original.text)
        failing = [
            c.text
            for c in extract(reworded, counted=False)
            if original_values[(str(c.value.normalize()), c.unit)] == 0
        ] or ["数字有增删"]
    if failing:
        return replace(original, polished="", rejected=reworded, rejected_numbers=tuple(failing))
    return replace(original, polished=reworded, rejected="", rejected_numbers=())


def polish_draft(*, actor: User, draft: SummaryDraft, ip: str = "") -> SummaryDraft:
    """Reword the factual sentences with the department's model; raises `llm.LLMError`
    (Chinese) and leaves the draft unchanged when the model cannot be used."""
    _check_actor(actor, draft.secondment)
    content = draft.draft
    facts = [s for s in content.facts() if not s.unsupported]
    answers = llm.reword([s.text for s in facts])
    start = date.fromisoformat(content.meta["start"])
    end = date.fromisoformat(content.meta["end"])
    check = checker(draft.secondment, start, end)
    reviewed = {
        id(s): review_rewording(s, answers[i], check) for i, s in enumerate(facts) if i in answers
    }
    polished = content.map_sentences(lambda s: reviewed.get(id(s), s))
    kept = sum(1 for s in reviewed.values() if s.polished)
    flagged = sum(1 for s in reviewed.values() if s.rejected)
    with transaction.atomic():
        locked = SummaryDraft.objects.select_for_update().get(pk=draft.pk)
        locked.content = polished.to_json()
        locked.polished_at = timezone.now()
        locked.version += 1
        locked.save(update_fields=["content", "polished_at", "version"])
        record(
            event=Event.EDIT,
            user=actor,
            ip=ip,
            obj=locked,
            detail="润色挂职总结初稿措辞",
            after={"采用润色": kept, "因数字未通过核对保留原句": flagged},
        )
    return locked


# --- Starting the writing ----------------------------------------------------------------------


def term_summary_of(secondment: Secondment) -> Writing | None:
    """The cadre's term-summary writing: the one answering the cohort's requirement first."""
    return (
        Writing.objects.filter(secondment=secondment, kind=WritingKind.TERM_SUMMARY)
        .order_by(F("requirement_id").asc(nulls_last=True), "-updated_at", "-pk")
        .first()
    )


def start_writing(
    *,
    actor: User,
    draft: SummaryDraft,
    replace_version: int | None = None,
    ip: str = "",
) -> Writing:
    """The draft's wording (no citations, prompts kept) becomes the term-summary writing: a new
    draft writing, or — when `replace_version` confirms the writing version the cadre saw —
    the new body of their existing one (its old body stays in the version history)."""
    secondment = draft.secondment
    _check_actor(actor, secondment)
    content = draft.draft
    blocks = content.to_blocks()
    writing = term_summary_of(secondment)
    if writing is None:
        requirement = (
            WritingRequirement.objects.filter(
                cohort_id=secondment.cohort_id, kind=WritingKind.TERM_SUMMARY
            )
            .exclude(writings__secondment=secondment)
            .order_by("due_date", "pk")
            .first()
        )
        return writing_actions.create_writing(
            actor=actor,
            secondment=secondment,
            kind=WritingKind.TERM_SUMMARY,
            requirement=requirement,
            title=requirement.title if requirement else content.title,
            blocks=blocks,
            ip=ip,
        )
    if not writing.is_editable_by(actor):
        raise ValidationError(
            f"您的挂职总结“{writing.title}”当前状态为“{writing.get_status_display()}”，"
            "不能再替换正文。"
        )
    if writing.text.strip() and replace_version is None:
        raise ReplaceNeedsConfirmation(writing)
    return writing_actions.save_writing(
        actor=actor,
        writing=writing,
        version=writing.version if replace_version is None else replace_version,
        title=writing.title,
        blocks=blocks,
        ip=ip,
    )
