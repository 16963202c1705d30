"""Demo of the claims check (issue 11 item 6): a few submitted work reports at the demo host
town whose figures are partly supported, partly unsupported and partly contradicted by the demo
ledger, and a check for every submitted demo writing, computed at once so `make run` shows them.

The reports are composed from each cadre's own catalog of measures (`measures.load_catalog`):
figures the ledger holds as written (one with 余), figures about three times what it holds,
and figures of work it has no record of (政策宣讲, 申领补贴). They wait for the host liaison's
decision, so the decision card shows the summary line.

Runs once: nothing is added when any check exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from guazhi.accounts.models import User
from guazhi.lib.writing_text import blocks_to_text, paragraph
from guazhi.roster.demo_data import DEMO_CADRE_NAME, DEMO_HOST_TOWN
from guazhi.roster.models import Secondment, SecondmentStatus, Unit
from guazhi.writings.models import (
    EventAction,
    Writing,
    WritingEvent,
    WritingKind,
    WritingStatus,
    WritingVersion,
)

from . import checking
from .measures import Measure, load_catalog
from .models import ClaimCheck

TITLE = "挂职以来工作情况汇报"
REPORTS = 3  # the demo cadre and two colleagues at the same town
# Figures no measure of the ledger holds (no such field, or words naming none).
UNRECORDED = ("组织开展政策宣讲12场", "帮助群众申领各类补贴46万元")


def seed_claimcheck(*, admin: User, today: date | None = None) -> int:
    """Write the demo reports and check every submitted demo version; returns the checks made."""
    if ClaimCheck.objects.exists():
        return 0
    today = today or timezone.localdate()
    with transaction.atomic():
        for secondment in _demo_secondments():
            # Cadres without an account write through the admin, as in the writings demo.
            author = User.objects.filter(cadre_id=secondment.cadre_id).first() or admin
            _report(secondment, author, today)
    _check_originality(WritingVersion.objects.filter(writing__title=TITLE, is_submission=True))
    made = 0
    pending = WritingVersion.objects.filter(is_submission=True, claim_check__isnull=True)
    for version_id, writing_id in pending.values_list("pk", "writing_id").iterator():
        check = ClaimCheck.objects.create(version_id=version_id, writing_id=writing_id)
        checking.run_check(check.pk)
        made += 1
    return made


def _demo_secondments() -> list[Secondment]:
    town = Unit.objects.filter(name=DEMO_HOST_TOWN[-1], parent__name=DEMO_HOST_TOWN[0]).first()
    if town is None:
        return []
    on_post = Secondment.objects.filter(host_unit=town, status=SecondmentStatus.ACTIVE)
    chosen = list(on_post.filter(cadre__name=DEMO_CADRE_NAME)[:1])
    others = on_post.exclude(pk__in=[s.pk for s in chosen]).order_by("start_date", "pk")
    chosen += list(others[: REPORTS - len(chosen)])
    return chosen


def _figure(value: Decimal, unit: str) -> str:
    number = f"{value:f}"
    number = number.rstrip("0").rstrip(".") if "." in number else number
    return f"{number}{unit}"


def _over(name: str, value: Decimal, unit: str) -> str:
    """A figure with 余 that the total still reaches: 走访企业1,371家 → 走访企业1300余家."""
    step = Decimal(100) if value >= 1000 else Decimal(10)
    if value < step * 2:
        return f"{name}{_figure(value, unit)}"
    return f"{name}{_figure((value // step) * step, '')}余{unit}"


def _sentences(catalog: list[Measure]) -> tuple[list[str], list[str]]:
    """(figures the ledger supports, figures it holds far less of)."""
    held = [
        m
        for m in catalog
        if m.record_kind == "entry" and m.total > 0 and "纪实" not in m.label and m.unit != "小时"
    ]
    held.sort(key=lambda m: (-len(m.items), m.label))
    supported, inflated = [], []
    for i, m in enumerate(held[:6]):
        name = m.label.split("（")[0]
        if i == 0:
            supported.append(_over(name, m.total, m.unit))
        elif i in (1, 2):
            supported.append(f"{name}{_figure(m.total, m.unit)}")
        elif i in (3, 4):
            inflated.append(f"{name}{_figure(m.total * 3 + 2, m.unit)}")
    return supported, inflated


def _report(secondment: Secondment, created_by: User, today: date) -> None:
    catalog = load_catalog(secondment, secondment.start_date, today)
    supported, inflated = _sentences(catalog)
    if len(supported) < 2:
        return
    town = secondment.host_unit.name
    began = f"{secondment.start_date.year}年{secondment.start_date.month}月"
    blocks = [
        paragraph(
            f"{began}，我到{town}挂职任{secondment.post}。挂职以来，我坚持把分管工作当作锻炼"
            "的主战场，边学边干，现将主要工作汇报如下。"
        ),
        paragraph(
            "一、扎实开展走访服务。围绕分管工作，"
            + "，".join(supported)
            + "，对发现的问题逐条登记、跟踪办理。"
        ),
        paragraph(
            "二、全力推进重点任务。"
            + "，".join(inflated + list(UNRECORDED))
            + "，各项任务按计划推进。"
        ),
        paragraph("三、下一步打算。我将继续把工作纪实记全记实，把群众的急难愁盼当作自己的分内事。"),
    ]
    submitted_at = timezone.make_aware(datetime.combine(today - timedelta(days=1), time(16, 30)))
    writing = Writing.objects.create(
        secondment=secondment,
        kind=WritingKind.REFLECTION,
        title=TITLE,
        body=blocks,
        text=blocks_to_text(blocks),
        status=WritingStatus.SUBMITTED,
        submitted_at=submitted_at,
        version=2,
        created_by=created_by,
        created_at=submitted_at - timedelta(hours=2),
    )
    WritingVersion.objects.create(
        writing=writing,
        number=1,
        title=TITLE,
        body=blocks,
        text=writing.text,
        source="editor",
        is_submission=True,
        created_by=created_by,
        created_at=submitted_at,
    )
    draft, submitted = WritingStatus.DRAFT, WritingStatus.SUBMITTED
    for action, before, after, at, number in (
        (EventAction.CREATE, draft, draft, writing.created_at, None),
        (EventAction.SUBMIT, draft, submitted, submitted_at, 1),
    ):
        WritingEvent.objects.create(
            writing=writing,
            action=action,
            actor=created_by,
            from_status=before,
            to_status=after,
            time=at,
            version_number=number,
        )


def _check_originality(versions: Iterable[WritingVersion]) -> None:
    """The demo reports get their originality report too, as the similarity demo's writings
    did (its step ran before this one)."""
    from guazhi.similarity.checking import prepare, run_check

    for version in versions:
        report, created = prepare(version)
        if created:
            run_check(report.pk)
