"""Key-project pages: the cadre registers projects and keeps their milestones and progress
log; the host liaison, the home liaison and the admin read them (scoped like the roster); the
admin keeps the milestone templates.

Objects come through `guazhi.projects.access`; changes are `guazhi.projects.actions`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from guazhi.audit.log import client_ip
from guazhi.ledger.access import cadre_user
from guazhi.ledger.actions import writable_secondment
from guazhi.projects import actions
from guazhi.projects.access import (
    get_editable_milestone,
    get_editable_project,
    get_editable_template,
    get_visible_project,
)
from guazhi.projects.forms import (
    MilestoneForm,
    NewMilestoneForm,
    ProjectFilterForm,
    ProjectForm,
    TemplateForm,
    UpdateForm,
)
from guazhi.projects.models import Milestone, MilestoneTemplate, Project
from guazhi.roster.access import business_user, programme_admin
from guazhi.roster.forms import add_validation_errors
from guazhi.roster.models import StaleEdit

PAGE_SIZE = 20


# --- Projects ------------------------------------------------------------------------------------


def project_list(request: HttpRequest) -> HttpResponse:
    user = business_user(request)
    form = ProjectFilterForm(request.GET or None)
    projects = form.filter(Project.objects.visible_to(user).with_overdue_count())
    projects = (
        projects.with_related()
        .order_by("-created_at", "-pk")
        .prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("sort_order", "pk"))
        )
    )
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/project_list.html",
        {
            "form": form,
            "page": page,
            "can_write": user.is_cadre and writable_secondment(user.cadre_id) is not None,
        },
    )


def project_create(request: HttpRequest) -> HttpResponse:
    user = cadre_user(request)
    secondment = writable_secondment(user.cadre_id)
    if secondment is None:
        return render(request, "projects/no_secondment.html")
    form = ProjectForm(request.POST or None, secondment=secondment, creating=True)
    if request.method == "POST" and form.is_valid():
        try:
            project = actions.create_project(
                actor=user,
                secondment=secondment,
                values=form.values(),
                template=form.cleaned_data.get("template"),
                ip=client_ip(request),
            )
        except ValidationError as e:
            add_validation_errors(form, e)
        else:
            messages.success(request, "重点项目已登记。请为各手续节点填写计划完成日期。")
            return redirect(project)
    return render(
        request,
        "projects/project_form.html",
        {"form": form, "title": "登记重点项目", "secondment": secondment},
    )


def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_editable_project(request, pk)
    user = cadre_user(request)
    form = ProjectForm(
        request.POST or None, instance=project, secondment=project.secondment, creating=False
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = actions.update_project(
                actor=user,
                project=Project.objects.get(pk=project.pk),
                version=form.cleaned_data.get("version"),
                values=form.values(),
                ip=client_ip(request),
            )
        except StaleEdit as e:
            form.add_error(None, str(e))
        except ValidationError as e:
            add_validation_errors(form, e)
        else:
            messages.success(request, "已保存。" if changed else "没有修改任何内容。")
            return redirect(project)
    return render(
        request,
        "projects/project_form.html",
        {
            "form": form,
            "title": "修改重点项目",
            "project": project,
            "secondment": project.secondment,
        },
    )


def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_visible_project(request, pk)
    user = business_user(request)
    can_edit = project.is_editable_by(user)
    milestones = list(project.milestones.all())
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "milestones": milestones,
            "overdue_count": sum(1 for m in milestones if m.overdue),
            "done_count": sum(1 for m in milestones if m.status == "done"),
            "updates": project.updates.select_related("entry", "created_by"),
            "can_edit": can_edit,
            "milestone_form": NewMilestoneForm() if can_edit else None,
            "update_form": UpdateForm(
                cadre_id=user.cadre_id, initial={"date": timezone.localdate()}
            )
            if can_edit
            else None,
        },
    )


@require_POST
def update_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_editable_project(request, pk)
    user = cadre_user(request)
    form = UpdateForm(request.POST, cadre_id=user.cadre_id)
    if form.is_valid():
        try:
            actions.add_update(
                actor=user,
                project=project,
                on=form.cleaned_data["date"],
                text=form.cleaned_data["text"],
                entry=form.cleaned_data.get("entry"),
                ip=client_ip(request),
            )
        except ValidationError as e:
            add_validation_errors(form, e)
        else:
            messages.success(request, "进展已记录。")
            return redirect(project)
    _flash_errors(request, form)
    return redirect(project)


# --- Milestones ----------------------------------------------------------------------------------


def _flash_errors(request: HttpRequest, form: BaseForm) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else str(error))


@require_POST
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_editable_project(request, pk)
    form = NewMilestoneForm(request.POST)
    if form.is_valid():
        try:
            milestone = actions.add_milestone(
                actor=cadre_user(request),
                project=project,
                name=form.cleaned_data["name"],
                planned_date=form.cleaned_data.get("planned_date"),
                ip=client_ip(request),
            )
        except ValidationError as e:
            add_validation_errors(form, e)
        else:
            messages.success(request, f"已添加节点“{milestone.name}”。")
            return redirect(project)
    _flash_errors(request, form)
    return redirect(project)


def milestone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_editable_milestone(request, pk)
    user = cadre_user(request)
    form = MilestoneForm(request.POST or None, instance=Milestone.objects.get(pk=milestone.pk))
    if request.method == "POST" and form.is_valid():
        try:
            changed = actions.update_milestone(
                actor=user,
                milestone=milestone,
                version=form.cleaned_data["version"],
                values=form.values(),
                ip=client_ip(request),
            )
        except StaleEdit as e:
            form.add_error(None, str(e))
        except ValidationError as e:
            add_validation_errors(form, e)
        else:
            messages.success(
                request, f"“{milestone.name}”已保存。" if changed else "没有修改任何内容。"
            )
            return redirect(milestone.project)
    return render(
        request,
        "projects/milestone_form.html",
        {"form": form, "milestone": milestone, "project": milestone.project},
    )


# --- Templates -----------------------------------------------------------------------------------


def template_list(request: HttpRequest) -> HttpResponse:
    programme_admin(request)
    templates = MilestoneTemplate.objects.prefetch_related("steps")
    return render(request, "projects/template_list.html", {"templates": templates})


def _template_form(request: HttpRequest, template: MilestoneTemplate | None) -> HttpResponse:
    user = programme_admin(request)
    if request.method == "POST":
        form = TemplateForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                actions.save_template(
                    actor=user,
                    template=template,
                    name=d["name"],
                    steps=d["steps"].splitlines(),
                    is_default=d["is_default"],
                    version=d.get("version"),
                    ip=client_ip(request),
                )
            except StaleEdit as e:
                form.add_error(None, str(e))
            except ValidationError as e:
                add_validation_errors(form, e)
            except actions.ProjectPermissionError:
                raise Http404 from None
            else:
                messages.success(request, "模板已保存。已登记的项目不受影响。")
                return redirect("projects:template_list")
    else:
        form = TemplateForm(initial=TemplateForm.initial_for(template) if template else None)
    return render(
        request,
        "projects/template_form.html",
        {"form": form, "template": template, "title": "修改模板" if template else "新建模板"},
    )


def template_create(request: HttpRequest) -> HttpResponse:
    return _template_form(request, None)


def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _template_form(request, get_editable_template(request, pk))
