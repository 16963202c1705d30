"""Assessment changes of periods and forms (schemes: `scheme_actions`). Each takes the acting user (`actor`) and the client address (`ip`),
locks what it changes, checks the version the form was opened on, saves only the changed
columns and writes the audit record in the same short transaction.

Who may act is checked here too (`AssessmentPermissionError`); the views fetch through the
permission-checking accessors first and answer 404 before it gets this far.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from guazhi.accounts.models import User
from guazhi.assessment import results, scoring
from guazhi.assessment.models import (
    Assessment,
    Indicator,
    IndicatorScore,
    Period,
    PeriodKind,
    PeriodStatus,
    Scheme,
    ScoreSource,
)
from guazhi.audit.log import record
from guazhi.audit.models import Event
from guazhi.ledger.models import Entry
from guazhi.roster.models import Secondment, SecondmentStatus, StaleEdit
from guazhi.writings.models import Writing

CLOSED_MESSAGE = "该考核结果已公布，不能再修改。"


class AssessmentPermissionError(Exception):
    """The actor may not do this (the views answer 404 before it gets here)."""


def require_admin(actor: User | None) -> None:
    if actor is not None and not actor.is_programme_admin:
        raise AssessmentPermissionError


def audit(actor: User | None, ip: str, **kwargs: Any) -> None:
    """An audit record of the actor's change (the server's, for the demo seeder)."""
    record(user=actor, ip=ip, username="" if actor else "系统", **kwargs)


# --- Periods -------------------------------------------------------------------------------------


def _assessed(cohort_id: int) -> Iterable[Secondment]:
    """Who is assessed: everyone of the cohort who has reported for duty."""
    return Secondment.objects.filter(cohort_id=cohort_id).exclude(status=SecondmentStatus.PENDING)


@transaction.atomic
def create_period(
    *,
    actor: User | None,
    scheme: Scheme,
    kind: str,
    title: str,
    start_date: date,
    end_date: date,
    ip: str = "",
) -> Period:
    """Open an assessment of the scheme's cohort, with a form for every cadre on post."""
    require_admin(actor)
    errors: dict[str, str] = {}
    title = title.strip()
    if not title:
        errors["title"] = "请填写考核名称，如“2025年度考核”。"
    elif Period.objects.filter(cohort_id=scheme.cohort_id, title=title).exists():
        errors["title"] = "本批次已有同名考核。"
    if end_date < start_date:
        errors["end_date"] = "考核期止不能早于考核期起。"
    if kind not in PeriodKind.values:
        errors["kind"] = "请选择考核类型。"
    if errors:
        raise ValidationError(errors)
    tree = scheme.tree()
    problems = scoring.weight_errors(tree) if tree else ["方案还没有指标。"]
    if problems:
        raise ValidationError(["考核方案的指标不完整：", *problems])
    period = Period.objects.create(
        cohort_id=scheme.cohort_id,
        scheme=scheme,
        kind=kind,
        title=title,
        start_date=start_date,
        end_date=end_date,
    )
    added = _add_missing(period)
    audit(
        actor,
        ip,
        event=Event.CREATE,
        obj=period,
        detail=f"开始考核（{scheme.cohort}，方案“{scheme.name}”，{added} 人）",
    )
    return period


def _add_missing(period: Period) -> int:
    have = set(period.assessments.values_list("secondment_id", flat=True))
    new = [
        Assessment(period=period, secondment=s)
        for s in _assessed(period.cohort_id)
        if s.pk not in have
    ]
    Assessment.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def add_missing_assessments(*, actor: User, period: Period, ip: str = "") -> int:
    """Forms for cadres who reported for duty after the assessment began."""
    require_admin(actor)
    locked = Period.objects.select_for_update().get(pk=period.pk)
    if not locked.is_open:
        raise ValidationError(CLOSED_MESSAGE)
    added = _add_missing(locked)
    if added:
        audit(actor, ip, event=Event.CREATE, obj=locked, detail=f"补充考核名单 {added} 人")
    return added


@transaction.atomic
def publish_period(*, actor: User, period: Period, version: int, ip: str = "") -> Period:
    """Freeze every cadre's result and make them visible to cadres and home units. Every form
    must be scored first: a published ranking with cadres missing from it would be wrong."""
    require_admin(actor)
    locked = Period.objects.select_for_update().select_related("scheme").get(pk=period.pk)
    if locked.version != version:
        raise StaleEdit("该考核")
    if not locked.is_open:
        raise ValidationError("该考核结果已经公布。")
    unscored = locked.assessments.filter(host_score__isnull=True).count()
    if unscored:
        raise ValidationError(f"还有 {unscored} 人未完成接收单位评分，全部评分后才能公布结果。")
    rows = results.compute(locked)
    assessments = []
    for row in rows.values():
        a = row.assessment
        a.final_score, a.rating, a.rank = row.final_score, row.rating, row.rank
        a.evaluation_score = row.evaluation_score
        a.evaluation_summary = row.evaluation.as_json() if row.evaluation else None
        a.result_note = row.note
        assessments.append(a)
    Assessment.objects.bulk_update(
        assessments,
        ["final_score", "rating", "rank", "evaluation_score", "evaluation_summary", "result_note"],
        batch_size=500,
    )
    locked.status = PeriodStatus.PUBLISHED
    locked.published_at = timezone.now()
    locked.published_by = actor
    locked.version += 1
    locked.save(update_fields=["status", "published_at", "published_by", "version"])
    counts = {r: sum(1 for a in assessments if a.rating == r) for r in scoring.RATINGS}
    audit(
        actor,
        ip,
        event=Event.STATUS_CHANGE,
        obj=locked,
        detail="公布考核结果：" + "，".join(f"{r} {n} 人" for r, n in counts.items()),
        before={"状态": PeriodStatus.OPEN.label},
        after={"状态": PeriodStatus.PUBLISHED.label},
    )
    period.refresh_from_db()
    return locked


# --- One cadre's assessment ----------------------------------------------------------------------


def _lock_assessment(assessment: Assessment, part: str, version: int) -> Assessment:
    locked = (
        Assessment.objects.select_for_update()
        .select_related("period", "secondment__host_unit", "secondment__cadre__home_unit")
        .get(pk=assessment.pk)
    )
    if not locked.period.is_open:
        raise ValidationError(CLOSED_MESSAGE)
    if getattr(locked, f"{part}_version") != version:
        raise StaleEdit("这份考核表")
    return locked


def _leaf_indicators(scheme: Scheme) -> dict[int, Indicator]:
    parents = set(
        scheme.indicators.filter(parent__isnull=False).values_list("parent_id", flat=True)
    )
    return {i.pk: i for i in scheme.indicators.all() if i.pk not in parents}


def _check_scores(scheme: Scheme, scores: Mapping[int, Decimal | None]) -> dict[int, Decimal]:
    leaves = _leaf_indicators(scheme)
    checked: dict[int, Decimal] = {}
    for pk, value in scores.items():
        if pk not in leaves:
            raise ValidationError("评分的指标不属于本考核方案，请刷新页面后重试。")
        if value is None:
            continue
        if not (Decimal(0) <= value <= Decimal(100)):
            raise ValidationError(f"“{leaves[pk].name}”的分数应在 0 到 100 之间。")
        checked[pk] = scoring.round2(value)
    return checked


def _write_scores(
    assessment: Assessment, source: str, scores: Mapping[int, Decimal]
) -> dict[int, IndicatorScore]:
    existing = {
        s.indicator_id: s
        for s in IndicatorScore.objects.filter(assessment=assessment, source=source)
    }
    IndicatorScore.objects.filter(assessment=assessment, source=source).exclude(
        indicator_id__in=list(scores)
    ).delete()
    out = {}
    for pk, value in scores.items():
        row = existing.get(pk)
        if row is None:
            row = IndicatorScore.objects.create(
                assessment=assessment, indicator_id=pk, source=source, score=value
            )
        elif row.score != value:
            row.score = value
            row.save(update_fields=["score"])
        out[pk] = row
    return out


@transaction.atomic
def save_self_assessment(
    *,
    actor: User,
    assessment: Assessment,
    version: int,
    text: str,
    scores: Mapping[int, Decimal | None],
    ip: str = "",
) -> Assessment:
    """The cadre's self-assessment: a summary and a self-score for each indicator."""
    if not assessment.is_own(actor):
        raise AssessmentPermissionError
    text = text.strip()
    if not text:
        raise ValidationError({"text": "请填写个人总结。"})
    locked = _lock_assessment(assessment, "self", version)
    scheme = locked.period.scheme
    checked = _check_scores(scheme, scores)
    _write_scores(locked, ScoreSource.SELF, checked)
    before = {"个人总结": locked.self_text, "自评得分": str(locked.self_score or "")}
    locked.self_text = text[:5000]
    locked.self_score = scoring.weighted_score(scheme.tree(), checked)
    locked.self_submitted_at = timezone.now()
    locked.self_version += 1
    locked.save(update_fields=["self_text", "self_score", "self_submitted_at", "self_version"])
    audit(
        actor,
        ip,
        event=Event.EDIT,
        obj=locked,
        detail="填写个人总结与自评",
        before=before,
        after={"个人总结": locked.self_text, "自评得分": str(locked.self_score or "")},
    )
    assessment.refresh_from_db()
    return locked


@dataclass(frozen=True)
class HostItem:
    """The host's score for one indicator, with a comment and the evidence cited."""

    score: Decimal | None
    comment: str = ""
    entry_ids: Sequence[int] = field(default_factory=tuple)
    writing_ids: Sequence[int] = field(default_factory=tuple)


def _check_evidence(
    actor: User, assessment: Assessment, items: Mapping[int, HostItem]
) -> tuple[set[int], set[int]]:
    """Evidence must be the cadre's own entries and writings of this secondment that the
    scorer may see (drafts never)."""
    entry_ids = {i for item in items.values() for i in item.entry_ids}
    writing_ids = {i for item in items.values() for i in item.writing_ids}
    entries = set(
        Entry.objects.visible_to(actor)
        .filter(secondment_id=assessment.secondment_id, pk__in=entry_ids)
        .values_list("pk", flat=True)
    )
    writings = set(
        Writing.objects.visible_to(actor)
        .filter(secondment_id=assessment.secondment_id, pk__in=writing_ids)
        .exclude(status="draft")
        .values_list("pk", flat=True)
    )
    if entries != entry_ids or writings != writing_ids:
        raise ValidationError("所选依据不属于该干部本次挂职的工作纪实或材料，请刷新页面后重试。")
    return entries, writings


@transaction.atomic
def save_host_scoring(
    *,
    actor: User,
    assessment: Assessment,
    version: int,
    comment: str,
    items: Mapping[int, HostItem],
    ip: str = "",
) -> Assessment:
    """The host unit's scores per indicator, with evidence, and its appraisal. The weighted
    host score is set once every indicator is scored."""
    if not assessment.may_score(actor):
        raise AssessmentPermissionError
    _check_evidence(actor, assessment, items)
    locked = _lock_assessment(assessment, "host", version)
    scheme = locked.period.scheme
    checked = _check_scores(scheme, {pk: item.score for pk, item in items.items()})
    rows = _write_scores(locked, ScoreSource.HOST, checked)
    for pk, row in rows.items():
        item = items[pk]
        note = item.comment.strip()[:300]
        if row.comment != note:
            row.comment = note
            row.save(update_fields=["comment"])
        row.entries.set(item.entry_ids)
        row.writings.set(item.writing_ids)
    before = {"接收单位评分": str(locked.host_score or ""), "鉴定意见": locked.host_comment}
    locked.host_comment = comment.strip()[:5000]
    locked.host_score = scoring.weighted_score(scheme.tree(), checked)
    locked.host_scored_by = actor
    locked.host_scored_at = timezone.now()
    locked.host_version += 1
    locked.save(
        update_fields=[
            "host_comment",
            "host_score",
            "host_scored_by",
            "host_scored_at",
            "host_version",
        ]
    )
    indicators = _leaf_indicators(scheme)
    audit(
        actor,
        ip,
        event=Event.EDIT,
        obj=locked,
        detail="接收单位考核评分",
        before=before,
        after={
            "接收单位评分": str(locked.host_score or ""),
            "鉴定意见": locked.host_comment,
            "指标得分": {indicators[pk].name: str(v) for pk, v in checked.items()},
        },
    )
    assessment.refresh_from_db()
    return locked


@transaction.atomic
def save_home_comment(
    *, actor: User, assessment: Assessment, version: int, comment: str, ip: str = ""
) -> Assessment:
    """The home unit's comments on its cadre."""
    if not assessment.is_home(actor):
        raise AssessmentPermissionError
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": "请填写派出单位意见。"})
    locked = _lock_assessment(assessment, "home", version)
    before = {"派出单位意见": locked.home_comment}
    locked.home_comment = comment[:3000]
    locked.home_commented_by = actor
    locked.home_commented_at = timezone.now()
    locked.home_version += 1
    locked.save(
        update_fields=["home_comment", "home_commented_by", "home_commented_at", "home_version"]
    )
    audit(
        actor,
        ip,
        event=Event.EDIT,
        obj=locked,
        detail="填写派出单位意见",
        before=before,
        after={"派出单位意见": locked.home_comment},
    )
    assessment.refresh_from_db()
    return locked
