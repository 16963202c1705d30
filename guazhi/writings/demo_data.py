"""Demo writings: every cadre of the demo who has begun their secondment gets writings for the
requirements already due, in every state (accepted, submitted, returned, draft, and some left
undone so the overdue table has rows), plus one for a requirement still ahead.

The texts are honest: composed by `demo_text.compose` from the cadre's own posting (host unit,
post, duties) and their demo ledger (dates, places, figures), so no two cadres' writings are
alike and the originality check finds them clean. Copied-from-template texts and
originality reports come with the originality work. Runs once: nothing is added when any
writing exists.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from guazhi.accounts.models import Role, User
from guazhi.audit.log import record
from guazhi.audit.models import Event
from guazhi.ledger.models import Entry
from guazhi.lib.demo_corpus import quotations
from guazhi.lib.writing_text import blocks_to_text
from guazhi.roster.models import Secondment, SecondmentStatus
from guazhi.writings.demo_text import compose
from guazhi.writings.models import (
    EventAction,
    Writing,
    WritingEvent,
    WritingRequirement,
    WritingStatus,
    WritingVersion,
)
from guazhi.writings.plan import ensure_plan

SEED = 20260601
QUOTES_PER_CADRE = 5
# The share of due requirements in each state; the rest are left undone (overdue).
STATES = (
    (WritingStatus.ACCEPTED, 45),
    (WritingStatus.SUBMITTED, 20),
    (WritingStatus.RETURNED, 10),
    (WritingStatus.DRAFT, 10),
    (None, 15),
)
RETURN_COMMENTS = (
    "请补充具体数据，如走访企业数量、协调解决的问题个数。",
    "体会部分偏空，请结合自己分管的工作写实写细。",
    "“下一步打算”请列出可检查的具体措施和时间。",
)


def seed_writings(*, actor: User, rng_seed: int = SEED, today: date | None = None) -> int:
    """Write the demo writings; returns how many were created (0 on a second run)."""
    if Writing.objects.exists():
        return 0
    rng = random.Random(rng_seed)
    today = today or timezone.localdate()
    secondments = list(
        Secondment.objects.filter(
            status__in=(SecondmentStatus.ACTIVE, SecondmentStatus.COMPLETED),
            start_date__lt=today,
        )
        .select_related("cadre__home_unit", "host_unit", "cohort")
        .order_by("pk")
    )
    users = {u.cadre_id: u for u in User.objects.filter(role=Role.CADRE, cadre__isnull=False)}
    liaisons = list(User.objects.filter(role=Role.HOST_LIAISON).select_related("unit"))
    # Each cadre quotes passages no other cadre quotes (none without the shared corpora).
    quotes = quotations(Path(settings.BASE_DIR).parent / "shared" / "corpora")
    rng.shuffle(quotes)
    count = 0
    with transaction.atomic():
        for secondment in secondments:
            ensure_plan(secondment.cohort)
            author = users.get(secondment.cadre_id, actor)
            reviewer = _reviewer(secondment, liaisons) or actor
            entries = list(
                Entry.objects.filter(secondment=secondment)
                .select_related("category", "place_unit")
                .prefetch_related("figures__field")
                .order_by("date")[:200]
            )
            mine, quotes = quotes[:QUOTES_PER_CADRE], quotes[QUOTES_PER_CADRE:]
            requirements = WritingRequirement.objects.filter(cohort=secondment.cohort)
            ahead_done = False
            for requirement in requirements:
                if requirement.due_date < secondment.start_date:
                    continue
                if requirement.due_date >= today:
                    if ahead_done or requirement.due_date > today + timedelta(days=60):
                        continue
                    status: str | None = WritingStatus.DRAFT
                    ahead_done = True
                else:
                    status = rng.choices([s for s, _ in STATES], [w for _, w in STATES])[0]
                if status is None:
                    continue
                _write(rng, secondment, requirement, entries, mine, status, author, reviewer, today)
                count += 1
        if count:
            record(
                event=Event.CREATE,
                user=actor,
                object_type="writings.writing",
                detail=f"生成演示材料 {count} 篇",
            )
    return count


def _reviewer(secondment: Secondment, liaisons: list[User]) -> User | None:
    path = secondment.host_unit.path
    mine = [u for u in liaisons if u.unit is not None and path.startswith(u.unit.path)]
    return max(mine, key=lambda u: len(u.unit.path) if u.unit else 0, default=None)


def _moment(day: date, rng: random.Random) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(rng.randint(8, 21), rng.randint(0, 59))))


def _write(
    rng: random.Random,
    secondment: Secondment,
    requirement: WritingRequirement,
    entries: list[Entry],
    quotes: list[tuple[int, str]],
    status: str,
    author: User,
    reviewer: User,
    today: date,
) -> None:
    until = min(requirement.due_date, today)
    done = [e for e in entries if e.date <= until]
    blocks = compose(rng, secondment, requirement.kind, done, until, quotes)
    title = requirement.title
    written = _moment(max(secondment.start_date, until - timedelta(days=rng.randint(1, 6))), rng)
    writing = Writing.objects.create(
        secondment=secondment,
        kind=requirement.kind,
        requirement=requirement,
        title=title,
        body=blocks,
        text=blocks_to_text(blocks),
        status=WritingStatus.DRAFT,
        created_by=author,
        created_at=written,
    )
    number = 0

    def event(
        action: str, actor: User, before: str, after: str, at: datetime, **kw: object
    ) -> None:
        WritingEvent.objects.create(
            writing=writing,
            action=action,
            actor=actor,
            from_status=before,
            to_status=after,
            time=at,
            **kw,  # type: ignore[arg-type]
        )

    def freeze(at: datetime, submission: bool) -> int:
        nonlocal number
        number += 1
        WritingVersion.objects.create(
            writing=writing,
            number=number,
            title=title,
            body=blocks,
            text=writing.text,
            source="editor",
            is_submission=submission,
            created_by=author,
            created_at=at,
        )
        return number

    draft = WritingStatus.DRAFT
    event(EventAction.CREATE, author, draft, draft, written)
    event(EventAction.SAVE, author, draft, draft, written, version_number=freeze(written, False))
    if status == draft:
        # The working copy's version counter is one past its last frozen version.
        writing.version = number + 1
        writing.save(update_fields=["version"])
        return
    submitted_at = written + timedelta(hours=rng.randint(1, 30))
    submitted = WritingStatus.SUBMITTED
    event(
        EventAction.SUBMIT, author, draft, submitted, submitted_at,
        version_number=freeze(submitted_at, True),
    )  # fmt: skip
    writing.status, writing.submitted_at = submitted, submitted_at
    if status != submitted:
        decided_at = submitted_at + timedelta(days=rng.randint(1, 5))
        comment = rng.choice(RETURN_COMMENTS) if status == WritingStatus.RETURNED else ""
        action = EventAction.RETURN if comment else EventAction.ACCEPT
        event(action, reviewer, submitted, status, decided_at, comment=comment)
        writing.status, writing.decided_by, writing.decided_at = status, reviewer, decided_at
        writing.return_comment = comment
    writing.version = number + 1
    writing.save(
        update_fields=[
            "status",
            "submitted_at",
            "decided_by",
            "decided_at",
            "return_comment",
            "version",
        ]
    )
