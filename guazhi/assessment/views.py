"""Assessment pages for schemes and periods: the admin keeps a cohort's schemes, opens periods
and publishes their results; liaisons follow their cadres through a period. One cadre's form
is `views_forms`.

Objects come through `guazhi.assessment.access`; changes are `guazhi.assessment.actions`.
"""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from guazhi.assessment import actions, results, scheme_actions, scoring
from guazhi.assessment.access import (
    business_user,
    get_editable_scheme,
    get_managed_period,
    get_visible_period,
    programme_admin,
)
from guazhi.assessment.forms import (
    OutlineForm,
    PeriodForm,
    PublishForm,
    SchemeCreateForm,
    SchemeSettingsForm,
)
from guazhi.assessment.models import Assessment, Period, Scheme
from guazhi.audit.log import client_ip
from guazhi.roster.forms import add_validation_errors
from guazhi.roster.models import Cohort, StaleEdit


def index(request: HttpRequest) -> HttpResponse:
    """考核: the admin's cohorts with their schemes and periods; a liaison's periods; a
    cadre's own forms."""
    user = business_user(request)
    if user.is_cadre:
        mine = Assessment.objects.visible_to(user).with_related().order_by("-period__end_date")
        return render(request, "assessment/mine.html", {"assessments": mine})
    periods = Period.objects.visible_to(user).select_related("cohort", "scheme")
    context: dict[str, object] = {"periods": periods}
    if user.is_programme_admin:
        context["cohorts"] = Cohort.objects.prefetch_related("assessment_schemes")
    return render(request, "assessment/index.html", context)


# --- Schemes -------------------------------------------------------------------------------------


def scheme_create(request: HttpRequest) -> HttpResponse:
    user = programme_admin(request)
    initial = {"name": scheme_actions.DEFAULT_NAME, "cohort": request.GET.get("cohort")}
    form = SchemeCreateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            scheme = scheme_actions.create_scheme(
                actor=user,
                cohort=form.cleaned_data["cohort"],
                name=form.cleaned_data["name"],
                ip=client_ip(request),
            )
        except ValidationError as e:
            add_validation_errors(form, e)
        else:
            messages.success(
                request, "已新建考核方案，预置了“德、能、勤、绩、廉”指标，可按需修改。"
            )
            return redirect(scheme)
    return render(request, "assessment/scheme_create.html", {"form": form})


def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = get_editable_scheme(request, pk)
    tree = scheme.tree()
    return render(
        request,
        "assessment/scheme_detail.html",
        {
            "scheme": scheme,
            "tree": tree,
            "weight_errors": scoring.weight_errors(tree) if tree else ["方案还没有指标。"],
            "in_use": scheme.is_in_use(),
            "periods": scheme.periods.all(),
            "grades": scoring.GRADE_STEPS,
        },
    )


def scheme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = get_editable_scheme(request, pk)
    user = programme_admin(request)
    if scheme.is_in_use():
        messages.error(request, scheme_actions.IN_USE_MESSAGE)
        return redirect(scheme)
    form = SchemeSettingsForm(request.POST or None, instance=Scheme.objects.get(pk=scheme.pk))
    if request.method == "POST" and form.is_valid():
        try:
            changed = scheme_actions.update_scheme(
                actor=user,
                scheme=scheme,
                version=form.cleaned_data["version"],
                values=form.changed_values(),
                ip=client_ip(request),
            )
        except StaleEdit as e:
            form.add_error(None, str(e))
        except ValidationError as e:
            add_validation_errors(form, e)
        else:
            messages.success(request, "已保存。" if changed else "没有修改任何内容。")
            return redirect(scheme)
    return render(request, "assessment/scheme_edit.html", {"form": form, "scheme": scheme})


def scheme_indicators(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = get_editable_scheme(request, pk)
    user = programme_admin(request)
    if scheme.is_in_use():
        messages.error(request, scheme_actions.IN_USE_MESSAGE)
        return redirect(scheme)
    initial = {"version": scheme.version, "outline": scoring.format_outline(scheme.tree())}
    form = OutlineForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            scheme_actions.set_indicators(
                actor=user,
                scheme=scheme,
                version=form.cleaned_data["version"],
                outline=form.cleaned_data["outline"],
                ip=client_ip(request),
            )
        except StaleEdit as e:
            form.add_error(None, str(e))
        except ValidationError as e:
            add_validation_errors(form, e)
        else:
            messages.success(request, "指标已保存。")
            return redirect(scheme)
    return render(request, "assessment/scheme_indicators.html", {"form": form, "scheme": scheme})


@require_POST
def scheme_copy(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = get_editable_scheme(request, pk)
    copy = scheme_actions.copy_scheme(
        actor=programme_admin(request), scheme=scheme, ip=client_ip(request)
    )
    messages.success(request, f"已复制为新方案“{copy.name}”，可以修改后用于新的考核。")
    return redirect(copy)


# --- Periods -------------------------------------------------------------------------------------


def period_create(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = get_editable_scheme(request, pk)
    user = programme_admin(request)
    cohort = scheme.cohort
    initial = {"start_date": cohort.start_date, "end_date": cohort.end_date}
    form = PeriodForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            period = actions.create_period(
                actor=user, scheme=scheme, ip=client_ip(request), **form.cleaned_data
            )
        except ValidationError as e:
            add_validation_errors(form, e)
        else:
            messages.success(request, f"已开始考核，共 {period.assessments.count()} 名干部。")
            return redirect(period)
    return render(request, "assessment/period_create.html", {"form": form, "scheme": scheme})


def period_detail(request: HttpRequest, pk: int) -> HttpResponse:
    period = get_visible_period(request, pk)
    user = business_user(request)
    assessments = Assessment.objects.visible_to(user).filter(period=period).with_related()
    show_results = user.is_programme_admin or user.is_host_liaison or period.is_published
    rows = results.rows_for(period, assessments) if show_results else []
    counts = Counter(r.rating or "未评分" for r in rows)
    context = {
        "period": period,
        "assessments": assessments,
        "rows": rows,
        "show_results": show_results,
        "counts": [(r, counts.get(r, 0)) for r in (*scoring.RATINGS, "未评分")],
        "publish_form": PublishForm(initial={"version": period.version}),
        "capped": [r for r in rows if r.capped],
    }
    return render(request, "assessment/period_detail.html", context)


@require_POST
def period_publish(request: HttpRequest, pk: int) -> HttpResponse:
    period = get_managed_period(request, pk)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, "页面已过期，请刷新后再操作。")
        return redirect(period)
    try:
        actions.publish_period(
            actor=programme_admin(request),
            period=period,
            version=form.cleaned_data["version"],
            ip=client_ip(request),
        )
    except StaleEdit as e:
        messages.error(request, str(e))
    except ValidationError as e:
        messages.error(request, "".join(e.messages))
    else:
        messages.success(request, "考核结果已公布：干部本人和派出单位现在可以看到结果。")
    return redirect(period)


@require_POST
def period_add_missing(request: HttpRequest, pk: int) -> HttpResponse:
    period = get_managed_period(request, pk)
    try:
        added = actions.add_missing_assessments(
            actor=programme_admin(request), period=period, ip=client_ip(request)
        )
    except ValidationError as e:
        messages.error(request, "".join(e.messages))
    else:
        messages.info(request, f"已补充 {added} 人。" if added else "名单已是最新，无需补充。")
    return redirect(period)
