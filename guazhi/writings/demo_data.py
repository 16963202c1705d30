"""Demo writings: every cadre of the demo who has begun their secondment gets writings for the
requirements already due, in every state (accepted, submitted, returned, draft, and some left
undone so the overdue table has rows), plus one for a requirement still ahead.

The texts are honest: composed from the cadre's own posting (host unit, post, duties) and their
demo ledger entries, so no two cadres' writings are alike. Copied-from-template texts and
originality reports come with the originality work. Runs once: nothing is added when any
writing exists.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from guazhi.accounts.models import Role, User
from guazhi.audit.log import record
from guazhi.audit.models import Event
from guazhi.ledger.models import Entry
from guazhi.lib.writing_text import Block, blocks_to_text, heading, paragraph, table
from guazhi.roster.models import Secondment, SecondmentStatus
from guazhi.writings.models import (
    EventAction,
    Writing,
    WritingEvent,
    WritingKind,
    WritingRequirement,
    WritingStatus,
    WritingVersion,
)
from guazhi.writings.plan import ensure_plan

SEED = 20260601
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
LESSONS = (
    "基层工作千头万绪，必须沉下身子、摸清底数，才能把政策落到实处。",
    "群众的事无小事，信访接待中耐心倾听往往比答复本身更重要。",
    "推进项目要盯住手续节点，提前对接审批部门，才能不误工期。",
    "与村干部同吃同住同劳动，才真正懂得“一线”两个字的分量。",
    "做企业服务要算清企业的账，也要算清发展的账。",
)
PLANS = (
    "继续完善企业走访台账，对反映的问题逐项销号。",
    "配合做好重点项目手续办理，力争按期开工。",
    "持续做好包联村（社区）群众走访，建立问题清单。",
    "把挂职期间的经验做法形成书面材料，供同批次干部交流。",
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
        .select_related("cadre", "host_unit", "cohort")
        .order_by("pk")
    )
    users = {u.cadre_id: u for u in User.objects.filter(role=Role.CADRE, cadre__isnull=False)}
    liaisons = list(User.objects.filter(role=Role.HOST_LIAISON).select_related("unit"))
    count = 0
    with transaction.atomic():
        for secondment in secondments:
            ensure_plan(secondment.cohort)
            author = users.get(secondment.cadre_id, actor)
            reviewer = _reviewer(secondment, liaisons) or actor
            entries = list(
                Entry.objects.filter(secondment=secondment)
                .select_related("category")
                .order_by("date")[:200]
            )
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
                _write(rng, secondment, requirement, entries, status, author, reviewer, today)
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
    status: str,
    author: User,
    reviewer: User,
    today: date,
) -> None:
    until = min(requirement.due_date, today)
    done = [e for e in entries if e.date <= until]
    blocks = compose(rng, secondment, requirement.kind, done)
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


def compose(
    rng: random.Random, secondment: Secondment, kind: str, entries: list[Entry]
) -> list[Block]:
    """A writing of `kind` from the cadre's posting and ledger entries."""
    unit, post = secondment.host_unit.name, secondment.post
    duties = "、".join(secondment.duty_list) or "分管工作"
    by_category = Counter(e.category.name for e in entries)
    examples = rng.sample(entries, min(3, len(entries)))
    blocks: list[Block] = [
        paragraph(
            f"按照组织安排，我于{secondment.start_date:%Y年%m月}到{unit}挂职，任{post}，"
            f"分管{duties}。{_period(kind)}，我在{unit}党委（党组）的领导下，虚心学习、扎实工作，"
            "现将有关情况报告如下。"
        ),
        heading("一、主要工作", 1),
    ]
    if examples:
        for i, entry in enumerate(examples, start=1):
            blocks.append(heading(f"（{'一二三'[i - 1]}）{entry.title}", 2))
            blocks.append(paragraph(f"{entry.date:%m月%d日}，{entry.text}"))
    else:
        blocks.append(paragraph(f"到岗后，我先后走访了{unit}的各村（社区）和重点企业，熟悉情况。"))
    if by_category and kind in (WritingKind.QUARTERLY, WritingKind.TERM_SUMMARY):
        blocks.append(paragraph("期间工作纪实分类统计如下："))
        rows = [["类别", "条数"], *[[name, str(n)] for name, n in by_category.most_common(6)]]
        blocks.append(table(rows))
    blocks.append(heading("二、几点体会", 1))
    for lesson in rng.sample(LESSONS, 2):
        blocks.append(paragraph(lesson))
    if kind == WritingKind.SPEECH:
        blocks.append(paragraph(f"以上是我在{unit}挂职的一些粗浅体会，不妥之处请各位批评指正。"))
    else:
        blocks.append(heading("三、下一步打算", 1))
        blocks.append(paragraph("".join(rng.sample(PLANS, 2))))
    return blocks


def _period(kind: str) -> str:
    periods: dict[str, str] = {
        WritingKind.REFLECTION: "到岗以来",
        WritingKind.SPEECH: "挂职以来",
        WritingKind.QUARTERLY: "本季度",
        WritingKind.TERM_SUMMARY: "挂职期间",
    }
    return periods.get(kind, "挂职以来")
