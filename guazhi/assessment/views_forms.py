"""One cadre's assessment: reading it, the cadre's self-assessment, the host unit's scoring with
evidence, the home unit's comments. What of it each role sees is `Assessment.shows_result_to`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from guazhi.assessment import actions, results
from guazhi.assessment.access import (
    business_user,
    get_commentable_assessment,
    get_scorable_assessment,
    get_self_assessable,
    get_visible_assessment,
)
from guazhi.assessment.forms import HomeCommentForm, HostScoringForm, SelfAssessmentForm
from guazhi.assessment.models import Assessment, IndicatorScore, ScoreSource
from guazhi.audit.log import client_ip
from guazhi.ledger.models import Entry
from guazhi.roster.forms import add_validation_errors
from guazhi.roster.models import StaleEdit
from guazhi.writings.models import Writing


def _score_table(assessment: Assessment, user: Any, show_host: bool) -> list[dict[str, Any]]:
    """Rows of indicator × (self score, host score, host comment, evidence) for the page.
    Evidence is listed only as far as the reader may open it (their own `visible_to`)."""
    scheme = assessment.period.scheme
    indicators = list(scheme.indicators.all())
    parents = {i.parent_id for i in indicators if i.parent_id}
    names = {i.pk: i.name for i in indicators}
    scores = IndicatorScore.objects.filter(assessment=assessment)
    if not show_host:
        scores = scores.filter(source=ScoreSource.SELF)
    scores = scores.prefetch_related(
        Prefetch("entries", queryset=Entry.objects.visible_to(user).order_by("date")),  # type: ignore[arg-type]
        Prefetch("writings", queryset=Writing.objects.visible_to(user)),  # type: ignore[arg-type]
    )
    by_key = {(s.indicator_id, s.source): s for s in scores}
    rows = []
    for i in indicators:
        if i.pk in parents:
            continue
        rows.append(
            {
                "indicator": i,
                "parent": names.get(i.parent_id) if i.parent_id else "",
                "self": by_key.get((i.pk, ScoreSource.SELF)),
                "host": by_key.get((i.pk, ScoreSource.HOST)),
            }
        )
    return rows


def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_visible_assessment(request, pk)
    user = business_user(request)
    show_result = assessment.shows_result_to(user)
    return render(
        request,
        "assessment/assessment_detail.html",
        {
            "a": assessment,
            "period": assessment.period,
            "show_result": show_result,
            "result": results.result_for(assessment) if show_result else None,
            "score_rows": _score_table(assessment, user, show_result),
            "can_self": assessment.may_self_assess(user),
            "can_score": assessment.may_score(user),
            "can_comment": assessment.may_comment_home(user),
        },
    )


def _form_page(
    request: HttpRequest,
    assessment: Assessment,
    form: Any,
    template: str,
    save: Callable[[dict[str, Any]], tuple[Callable[..., None], str]],
) -> HttpResponse:
    """The three forms' shared flow: on a valid POST call `save(cleaned_data)`, which runs the
    action and answers (messages.success or .warning, the text); stale versions and rule
    errors go back onto the form; a permission lost meanwhile is a 404."""
    if request.method == "POST" and form.is_valid():
        try:
            notify, text = save(form.cleaned_data)
        except StaleEdit as e:
            form.add_error(None, str(e))
        except ValidationError as e:
            add_validation_errors(form, e)
        except actions.AssessmentPermissionError:
            raise Http404 from None
        else:
            notify(request, text)
            return redirect(assessment)
    return render(request, template, {"a": assessment, "form": form, "period": assessment.period})


def assessment_self(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_self_assessable(request, pk)
    user = business_user(request)
    form = SelfAssessmentForm(request.POST or None, assessment=assessment)

    def save(data: dict[str, Any]) -> tuple[Callable[..., None], str]:
        actions.save_self_assessment(
            actor=user,
            assessment=assessment,
            version=data["version"],
            text=data["text"],
            scores=form.scores(),
            ip=client_ip(request),
        )
        return messages.success, "个人总结和自评已保存。"

    return _form_page(request, assessment, form, "assessment/assessment_self.html", save)


def assessment_score(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_scorable_assessment(request, pk)
    user = business_user(request)
    form = HostScoringForm(request.POST or None, assessment=assessment, user=user)

    def save(data: dict[str, Any]) -> tuple[Callable[..., None], str]:
        saved = actions.save_host_scoring(
            actor=user,
            assessment=assessment,
            version=data["version"],
            comment=data["comment"],
            items=form.items(),
            ip=client_ip(request),
        )
        if saved.host_score is None:
            return messages.warning, "已保存。还有指标未评分，全部评分后才计算总分。"
        return messages.success, f"评分已保存，接收单位评分 {saved.host_score} 分。"

    return _form_page(request, assessment, form, "assessment/assessment_score.html", save)


def assessment_home(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_commentable_assessment(request, pk)
    user = business_user(request)
    initial = {"version": assessment.home_version, "comment": assessment.home_comment}
    form = HomeCommentForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> tuple[Callable[..., None], str]:
        actions.save_home_comment(
            actor=user,
            assessment=assessment,
            version=data["version"],
            comment=data["comment"],
            ip=client_ip(request),
        )
        return messages.success, "派出单位意见已保存。"

    return _form_page(request, assessment, form, "assessment/assessment_home.html", save)
