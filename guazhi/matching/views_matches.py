"""A match's page (why it was proposed, what it became and its ledger trail), accepting and
declining it, and the dashboard with its chart exports."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from guazhi.audit.exports import audited_xlsx
from guazhi.audit.log import client_ip
from guazhi.contacts.models import Problem
from guazhi.ledger.models import Entry
from guazhi.lib.xlsx import Column, Sheet, xlsx_response
from guazhi.matching import actions, dashboard
from guazhi.matching.access import dashboard_user, get_decidable_match, get_visible_match
from guazhi.matching.forms import AcceptForm, ReasonForm
from guazhi.matching.suggest import highlight
from guazhi.matching.views import _message
from guazhi.projects.models import Project, ProjectUpdate
from guazhi.roster.access import business_user
from guazhi.roster.forms import add_validation_errors
from guazhi.roster.models import StaleEdit


def match_detail(request: HttpRequest, pk: int) -> HttpResponse:
    match = get_visible_match(request, pk)
    user = business_user(request)
    words = (match.reasons or {}).get("words", [])
    # What the match became, and its trail, only as far as the viewer may see them.
    project = (
        Project.objects.visible_to(user).filter(pk=match.project_id).first()
        if match.project_id
        else None
    )
    problem = (
        Problem.objects.visible_to(user).with_related().filter(pk=match.problem_id).first()
        if match.problem_id
        else None
    )
    updates = []
    if project is not None:
        visible = set(
            Entry.objects.visible_to(user)
            .filter(pk__in=project.updates.exclude(entry=None).values("entry_id"))
            .values_list("pk", flat=True)
        )
        for u in ProjectUpdate.objects.filter(project=project).select_related("entry"):
            updates.append({"update": u, "entry": u.entry if u.entry_id in visible else None})
    problem_entries = []
    if problem is not None:
        ids = [i for i in (problem.entry_id, problem.evidence_entry_id) if i]
        problem_entries = list(Entry.objects.visible_to(user).filter(pk__in=ids))
    return render(
        request,
        "matching/match_detail.html",
        {
            "match": match,
            "need_text": highlight(match.need.description, words),
            "resource_text": highlight(match.resource.description, words),
            "words": words,
            "project": project,
            "problem": problem,
            "updates": updates,
            "problem_entries": problem_entries,
            "may_decide": match.may_decide(user),
            "decline_form": ReasonForm(initial={"version": match.version}),
        },
    )


def match_accept(request: HttpRequest, pk: int) -> HttpResponse:
    match = get_decidable_match(request, pk)
    user = business_user(request)
    need = match.need
    secondments = actions.responsible_secondments(need, user)
    initial = {
        "version": match.version,
        "name": need.title,
        "investment": need.amount or 0,
        "target_date": need.deadline,
        "owner": str(match.resource.unit),
        "action_taken": f"对接{match.resource.unit}“{match.resource.title}”。{match.note}".strip(),
        "deadline": need.deadline
        or timezone.localdate() + timedelta(days=actions.DEFAULT_PROBLEM_DAYS),
    }
    # The cadre who offered the resource, when on post there, pushes it by default.
    default = (
        secondments.filter(cadre_id=match.resource.cadre_id).first()
        if match.resource.cadre_id
        else None
    )
    if default is not None:
        initial["secondment"] = default.pk
    form = AcceptForm(request.POST or None, need=need, secondments=secondments, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.accept_match(
                actor=user,
                match=match,
                version=form.cleaned_data["version"],
                secondment=form.cleaned_data["secondment"],
                values=form.values(),
                ip=client_ip(request),
            )
        except StaleEdit as e:
            form.add_error(None, str(e))
        except ValidationError as e:
            add_validation_errors(form, e)
        else:
            what = "重点项目" if need.becomes_project else "问题清单事项"
            messages.success(request, f"对接已达成，已生成{what}，由负责干部跟踪推进。")
            return redirect(match)
    return render(
        request,
        "matching/match_accept.html",
        {"match": match, "form": form, "has_secondments": secondments.exists()},
    )


@require_POST
def match_decline(request: HttpRequest, pk: int) -> HttpResponse:
    match = get_decidable_match(request, pk)
    user = business_user(request)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写婉拒原因，便于对方了解情况。")
        return redirect(match)
    try:
        actions.decline_match(
            actor=user,
            match=match,
            version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
            ip=client_ip(request),
        )
    except (StaleEdit, ValidationError) as e:
        messages.error(request, _message(e))
    else:
        messages.success(request, "已婉拒这项对接。")
    return redirect(match)


def dashboard_page(request: HttpRequest) -> HttpResponse:
    user = dashboard_user(request)
    return render(request, "matching/dashboard.html", dashboard.dashboard(user))


def chart_export(request: HttpRequest, key: str) -> FileResponse:
    user = dashboard_user(request)
    chart = dashboard.chart_for(user, key)
    if chart is None:
        raise Http404
    data = audited_xlsx(
        actor=user,
        ip=client_ip(request),
        sheet=Sheet(chart.title, [Column(c, width=18) for c in chart.columns], chart.rows),
        object_type="matching.chart",
        object_repr=chart.title,
        describe=lambda count: f"导出项目资源对接图表“{chart.title}”的数据 {count} 行",
    )
    return xlsx_response(data, f"{chart.title}_{timezone.localdate():%Y%m%d}.xlsx")
