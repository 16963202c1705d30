"""Writing lists: the cadre's 我的材料, the readers' list, the review queue, the admin's overdue
table per cohort, and the cohort's requirements (kinds and due dates) the admin keeps."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from guazhi.audit.log import client_ip
from guazhi.roster.access import get_editable_cohort, programme_admin
from guazhi.roster.forms import add_validation_errors
from guazhi.roster.models import Cohort, Secondment, SecondmentStatus, StaleEdit
from guazhi.writings import plan
from guazhi.writings.access import cadre_user, get_editable_requirement, reader, reviewer
from guazhi.writings.forms import RequirementForm, WritingFilterForm
from guazhi.writings.models import Writing, WritingQuerySet, WritingRequirement
from guazhi.writings.overdue import OverdueRow, overdue_rows, slots_for

PAGE_SIZE = 30


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def mine(request: HttpRequest) -> HttpResponse:
    """The cadre's writings: each requirement by due date (done, due soon, overdue), then the
    writings that answer no requirement."""
    user = cadre_user(request)
    today = timezone.localdate()
    secondments = list(
        Secondment.objects.filter(
            cadre_id=user.cadre_id or 0,
            status__in=(SecondmentStatus.ACTIVE, SecondmentStatus.COMPLETED),
        )
        .select_related("cohort", "host_unit")
        .order_by("-start_date")
    )
    groups = []
    for secondment in secondments:
        plan.ensure_plan(secondment.cohort)
        groups.append((secondment, slots_for(secondment, today=today)))
    extras = (
        Writing.objects.filter(secondment__cadre_id=user.cadre_id or 0, requirement__isnull=True)
        .select_related("secondment__cohort")
        .order_by("-updated_at")
    )
    return render(
        request,
        "writings/mine.html",
        {"groups": groups, "extras": extras, "can_write": bool(secondments)},
    )


def _filtered(form: WritingFilterForm, writings: WritingQuerySet) -> WritingQuerySet:
    if form.value("cohort"):
        writings = writings.filter(secondment__cohort=form.value("cohort"))
    if form.value("kind"):
        writings = writings.filter(kind=form.value("kind"))
    if form.value("status"):
        writings = writings.filter(status=form.value("status"))
    if form.value("q"):
        q = form.value("q")
        writings = writings.filter(Q(secondment__cadre__name__contains=q) | Q(title__contains=q))
    return writings


def writing_list(request: HttpRequest) -> HttpResponse:
    """Liaisons and the admin: the submitted writings they may read, filterable."""
    user = reader(request)
    form = WritingFilterForm(request.GET or None, user=user)
    writings = _filtered(form, Writing.objects.visible_to(user)).with_related()
    writings = writings.order_by("-submitted_at", "-pk")
    page = Paginator(writings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "writings/writing_list.html",
        {"form": form, "page": page, "query": _query_without_page(request)},
    )


def review_queue(request: HttpRequest) -> HttpResponse:
    """Submitted writings waiting for this reviewer, oldest submission first."""
    user = reviewer(request)
    writings = Writing.objects.to_decide_for(user).with_related().order_by("submitted_at", "pk")
    page = Paginator(writings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "writings/review_queue.html", {"page": page})


def overdue(request: HttpRequest) -> HttpResponse:
    """The admin's table: who has not submitted which writing by its due date, per cohort."""
    user = programme_admin(request)
    form = WritingFilterForm(request.GET or None, user=user)
    cohort = form.value("cohort") or Cohort.objects.order_by("-start_date", "pk").first()
    rows: list[OverdueRow] = []
    summary: list[tuple[WritingRequirement, int, int]] = []
    if cohort is not None:
        plan.ensure_plan(cohort)
        rows, summary = overdue_rows(
            cohort=cohort,
            today=timezone.localdate(),
            kind=form.value("kind") or "",
            q=form.value("q") or "",
        )
    page = Paginator(rows, PAGE_SIZE * 2).get_page(request.GET.get("page"))
    return render(
        request,
        "writings/overdue.html",
        {
            "form": form,
            "cohort": cohort,
            "page": page,
            "total": len(rows),
            "summary": summary,
            "query": _query_without_page(request),
        },
    )


# --- Requirements (kinds and due dates per cohort) ------------------------------------------------


def requirement_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The cohort's requirements, with the form that adds one."""
    cohort = get_editable_cohort(request, pk)
    user = programme_admin(request)
    plan.ensure_plan(cohort)
    form = RequirementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan.add_requirement(
                actor=user, cohort=cohort, data=form.requirement_data(), ip=client_ip(request)
            )
        except ValidationError as e:
            add_validation_errors(form, e)
        else:
            messages.success(request, "已添加材料要求。")
            return redirect("writings:requirement_list", cohort.pk)
    requirements = cohort.writing_requirements.all()
    return render(
        request,
        "writings/requirement_list.html",
        {"cohort": cohort, "requirements": requirements, "form": form},
    )


def requirement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    requirement = get_editable_requirement(request, pk)
    user = programme_admin(request)
    form = RequirementForm(request.POST or None, instance=requirement)
    if request.method == "POST" and form.is_valid():
        try:
            changed = plan.update_requirement(
                actor=user,
                requirement=requirement,
                version=form.cleaned_data["version"],
                data=form.requirement_data(),
                ip=client_ip(request),
            )
        except StaleEdit as e:
            form.add_error(None, str(e))
        except ValidationError as e:
            add_validation_errors(form, e)
        else:
            messages.success(request, "已保存。" if changed else "没有修改任何内容。")
            return redirect("writings:requirement_list", requirement.cohort_id)
    return render(
        request, "writings/requirement_form.html", {"form": form, "requirement": requirement}
    )


@require_POST
def requirement_delete(request: HttpRequest, pk: int) -> HttpResponse:
    requirement = get_editable_requirement(request, pk)
    try:
        plan.delete_requirement(
            actor=programme_admin(request), requirement=requirement, ip=client_ip(request)
        )
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    except PermissionError:
        raise Http404 from None
    else:
        messages.success(request, f"已删除“{requirement.title}”。")
    return redirect("writings:requirement_list", requirement.cohort_id)
