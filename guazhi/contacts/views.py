"""Pages for paired contacts (包联对象), their contact log and the problem list (问题清单).

The cadre writes; the host liaison, the home liaison and the admin read what the roster lets
them see. Objects come through `guazhi.contacts.access`; changes are `guazhi.contacts.actions`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from guazhi.audit.log import client_ip
from guazhi.contacts import actions
from guazhi.contacts.access import (
    get_editable_contact,
    get_editable_problem,
    get_revealable_contact,
    get_visible_contact,
    get_visible_problem,
)
from guazhi.contacts.forms import (
    ContactFilterForm,
    ContactForm,
    ProblemFilterForm,
    ProblemForm,
    VisitForm,
)
from guazhi.contacts.models import Contact, Problem, ProblemStatus
from guazhi.ledger.access import cadre_user
from guazhi.ledger.actions import writable_secondment
from guazhi.roster.access import business_user
from guazhi.roster.forms import add_validation_errors
from guazhi.roster.models import StaleEdit

PAGE_SIZE = 20


# --- Contacts ------------------------------------------------------------------------------------


def contact_list(request: HttpRequest) -> HttpResponse:
    user = business_user(request)
    form = ContactFilterForm(request.GET or None)
    contacts = (
        form.filter(Contact.objects.visible_to(user))
        .with_related()
        .annotate(visit_count=Count("visits"), last_visit=Max("visits__date"))
        .order_by("kind", "name", "pk")
    )
    page = Paginator(contacts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "contacts/contact_list.html",
        {
            "form": form,
            "page": page,
            "can_write": user.is_cadre and writable_secondment(user.cadre_id) is not None,
        },
    )


def contact_create(request: HttpRequest) -> HttpResponse:
    user = cadre_user(request)
    secondment = writable_secondment(user.cadre_id)
    if secondment is None:
        return render(request, "contacts/no_secondment.html", {"what": "登记包联对象"})
    form = ContactForm(request.POST or None, secondment=secondment)
    if request.method == "POST" and form.is_valid():
        try:
            contact = actions.create_contact(
                actor=user, secondment=secondment, values=form.values(), ip=client_ip(request)
            )
        except ValidationError as e:
            add_validation_errors(form, e)
        else:
            messages.success(request, f"已登记包联对象“{contact.name}”。")
            return redirect(contact)
    return render(
        request,
        "contacts/form.html",
        {
            "form": form,
            "title": "登记包联对象",
            "back": "contacts:contact_list",
            "script": "contacts/contact_form.js",
        },
    )


def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_editable_contact(request, pk)
    user = cadre_user(request)
    form = ContactForm(
        request.POST or None,
        instance=Contact.objects.get(pk=contact.pk),
        secondment=contact.secondment,
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = actions.update_contact(
                actor=user,
                contact=contact,
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
            return redirect(contact)
    return render(
        request,
        "contacts/form.html",
        {
            "form": form,
            "title": f"修改包联对象：{contact.name}",
            "back_url": contact.get_absolute_url(),
            "script": "contacts/contact_form.js",
        },
    )


def _contact_page(request: HttpRequest, contact: Contact, *, revealed: bool) -> HttpResponse:
    user = business_user(request)
    can_edit = contact.is_editable_by(user)
    visits = contact.visits.select_related("entry")
    return render(
        request,
        "contacts/contact_detail.html",
        {
            "contact": contact,
            "visits": visits,
            "problems": Problem.objects.filter(visit__contact=contact).select_related("visit"),
            "can_edit": can_edit,
            "can_reveal": contact.may_reveal(user) and not revealed,
            "revealed": revealed,
            "visit_form": VisitForm(cadre_id=user.cadre_id, initial={"date": timezone.localdate()})
            if can_edit
            else None,
        },
    )


def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _contact_page(request, get_visible_contact(request, pk), revealed=False)


@require_POST
def contact_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the full phone and ID numbers, once, after writing the audit record."""
    contact = get_revealable_contact(request, pk)
    actions.reveal_contact(actor=business_user(request), contact=contact, ip=client_ip(request))
    response = _contact_page(request, contact, revealed=True)
    add_never_cache_headers(response)
    return response


@require_POST
def visit_add(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_editable_contact(request, pk)
    user = cadre_user(request)
    form = VisitForm(request.POST, cadre_id=user.cadre_id)
    if form.is_valid():
        try:
            actions.add_visit(
                actor=user,
                contact=contact,
                on=form.cleaned_data["date"],
                method=form.cleaned_data["method"],
                text=form.cleaned_data["text"],
                entry=form.cleaned_data.get("entry"),
                ip=client_ip(request),
            )
        except ValidationError as e:
            add_validation_errors(form, e)
        else:
            messages.success(request, "联系记录已保存。")
            return redirect(contact)
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else str(error))
    return redirect(contact)


# --- Problems ------------------------------------------------------------------------------------


def problem_list(request: HttpRequest) -> HttpResponse:
    user = business_user(request)
    form = ProblemFilterForm(request.GET or None)
    visible = Problem.objects.visible_to(user)
    problems = form.filter(visible).with_related()
    page = Paginator(problems, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = {
        "open": visible.exclude(status=ProblemStatus.RESOLVED).count(),
        "overdue": visible.overdue().count(),
    }
    return render(
        request,
        "contacts/problem_list.html",
        {
            "form": form,
            "page": page,
            "counts": counts,
            "can_write": user.is_cadre and writable_secondment(user.cadre_id) is not None,
        },
    )


def problem_create(request: HttpRequest) -> HttpResponse:
    user = cadre_user(request)
    secondment = writable_secondment(user.cadre_id)
    if secondment is None:
        return render(request, "contacts/no_secondment.html", {"what": "登记问题"})
    initial: dict[str, Any] = {"found_date": timezone.localdate()}
    if request.GET.get("visit", "").isdigit():
        initial["visit"] = int(request.GET["visit"])
    form = ProblemForm(request.POST or None, cadre_id=user.cadre_id, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            problem = actions.create_problem(
                actor=user, secondment=secondment, values=form.values(), ip=client_ip(request)
            )
        except ValidationError as e:
            add_validation_errors(form, e)
        else:
            messages.success(request, "问题已登记。")
            return redirect(problem)
    return render(
        request,
        "contacts/form.html",
        {"form": form, "title": "登记问题", "back": "contacts:problem_list"},
    )


def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    problem = get_visible_problem(request, pk)
    user = business_user(request)
    return render(
        request,
        "contacts/problem_detail.html",
        {"problem": problem, "can_edit": problem.is_editable_by(user)},
    )


def problem_edit(request: HttpRequest, pk: int) -> HttpResponse:
    problem = get_editable_problem(request, pk)
    user = cadre_user(request)
    form = ProblemForm(
        request.POST or None, instance=Problem.objects.get(pk=problem.pk), cadre_id=user.cadre_id
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = actions.update_problem(
                actor=user,
                problem=problem,
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
            return redirect(problem)
    return render(
        request,
        "contacts/form.html",
        {"form": form, "title": "更新问题", "back_url": problem.get_absolute_url()},
    )
