"""Filling in the appraisal form (鉴定表) for one assessment: the cadre's profile and posting,
the main achievements with figures from the ledger over the assessment period, the
self-assessment, the host unit's appraisal and scores, the democratic evaluation, the home
unit's comments and the rating. `appraisal_docx` lays it out as Word (and PDF).

Figures start from `Entry.objects.visible_to(user)` like every other figure of the platform;
whoever may see an assessment's result may see the cadre's ledger, so nothing is lost to scope.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum

from guazhi.accounts.models import User
from guazhi.assessment import results
from guazhi.assessment.appraisal_docx import AppraisalForm
from guazhi.assessment.models import Assessment, IndicatorScore, ScoreSource
from guazhi.assessment.scoring import branch_scores
from guazhi.ledger.models import Entry, EntryFigure, EntryStatus
from guazhi.writings.models import Writing, WritingStatus

CENT = Decimal("0.01")


def _number(value: Decimal | float | int | None) -> str:
    """An exact total without trailing zeros (SQLite sums decimals as floats)."""
    if value is None:
        return "0"
    text = f"{Decimal(str(value)).quantize(CENT):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def achievements(assessment: Assessment, user: User) -> list[str]:
    """Sentences on the cadre's work within the assessment period, from the ledger."""
    period = assessment.period
    entries = Entry.objects.visible_to(user).filter(
        secondment_id=assessment.secondment_id,
        date__gte=period.start_date,
        date__lte=period.end_date,
    )
    counts = entries.aggregate(
        n=Count("pk"), confirmed=Count("pk", filter=Q(status=EntryStatus.CONFIRMED))
    )
    lines = []
    span = f"{_day(period.start_date)}至{_day(period.end_date)}"
    if not counts["n"]:
        return [f"{span}未填写工作纪实。"]
    by_category = (
        entries.values_list("category__name", "category__sort_order")
        .annotate(n=Count("pk"))
        .order_by("-n", "category__sort_order")
    )
    kinds = "、".join(f"{name} {n} 条" for name, _order, n in by_category[:8])
    lines.append(
        f"{span}，填写工作纪实 {counts['n']} 条（经接收单位确认 {counts['confirmed']} 条），"
        f"其中{kinds}。"
    )
    figures = (
        EntryFigure.objects.filter(entry__in=entries.values("pk"))
        .values_list(
            "field__label", "field__unit", "field__category__sort_order", "field__sort_order"
        )
        .annotate(total=Sum("value"))
        .order_by("field__category__sort_order", "field__sort_order", "field__label")
    )
    totals = [f"{label} {_number(total)}{unit}" for label, unit, _c, _f, total in figures if total]
    if totals:
        lines.append("主要数据：" + "；".join(totals) + "。")
    writings = (
        Writing.objects.visible_to(user)
        .filter(secondment_id=assessment.secondment_id, status=WritingStatus.ACCEPTED)
        .values_list("title", flat=True)
        .order_by("submitted_at")
    )
    titles = list(writings[:6])
    if titles:
        lines.append("形成材料：" + "、".join(f"《{t}》" for t in titles) + "。")
    return lines


def host_score_lines(assessment: Assessment) -> list[str]:
    if assessment.host_score is None:
        return ["接收单位尚未完成评分。"]
    scheme = assessment.period.scheme
    scores = dict(
        IndicatorScore.objects.filter(assessment=assessment, source=ScoreSource.HOST).values_list(
            "indicator_id", "score"
        )
    )
    parts = "、".join(
        f"{name} {_number(v)}" for name, v in branch_scores(scheme.tree(), scores).items()
    )
    return [f"接收单位考核评分 {_number(assessment.host_score)} 分（{parts}）。"]


def build_form(assessment: Assessment, user: User) -> AppraisalForm:
    """The form's contents. The caller has checked that `user` may see the result."""
    s = assessment.secondment
    cadre = s.cadre
    period = assessment.period
    row = results.result_for(assessment)
    end = s.actual_end_date or s.planned_end_date
    if row.evaluation is not None:
        evaluation = row.evaluation.lines()
    else:
        evaluation = ["未开展民主测评，或测评未结束、有效票数不足，未计入综合得分。"]
    detail = []
    if row.final_score is not None:
        scheme = period.scheme
        if row.evaluation is not None and scheme.evaluation_weight:
            detail.append(
                f"综合得分 {_number(row.final_score)} 分（接收单位评分 "
                f"{_number(row.host_score)} 分 × {scheme.host_weight}% + 民主测评 "
                f"{_number(row.evaluation.score)} 分 × {scheme.evaluation_weight}%）。"
            )
        else:
            detail.append(f"综合得分 {_number(row.final_score)} 分（按接收单位评分计算）。")
    detail.extend(row.notes)
    if not period.is_published:
        detail.append("（考核结果尚未公布，以上为预览。）")
    return AppraisalForm(
        title=period.form_title,
        cohort=period.cohort.name,
        period=f"{period.title}（{_day(period.start_date)}至{_day(period.end_date)}）",
        name=cadre.name,
        gender=cadre.get_gender_display(),
        birth=f"{cadre.birth_date:%Y.%m}",
        political_status=cadre.get_political_status_display() or "—",
        ethnicity=cadre.ethnicity or "—",
        education=cadre.get_education_display() or "—",
        home=f"{cadre.home_unit.name}{cadre.original_post}",
        host=f"{s.host_unit.full_name}{s.post}",
        term=f"{_day(s.start_date)}至{_day(end)}",
        duties="、".join(s.duty_list),
        achievements=achievements(assessment, user),
        self_summary=assessment.self_text,
        self_score=_number(assessment.self_score) if assessment.self_score is not None else "",
        host_appraisal=assessment.host_comment,
        host_scores=host_score_lines(assessment),
        evaluation=evaluation,
        home_comment=assessment.home_comment,
        rating=row.rating,
        rating_detail=detail,
    )


def file_name(assessment: Assessment, suffix: str) -> str:
    return f"{assessment.secondment.cadre.name}-{assessment.period.form_title}.{suffix}"
