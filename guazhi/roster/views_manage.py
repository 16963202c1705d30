"""Pages that create and change the programme's structure (the programme admin's), and the
host unit's part of a posting (the host liaison's: arrival, duties, paired villages)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from guazhi.audit.log import client_ip
from guazhi.roster import actions
from guazhi.roster.access import (
    get_editable_cohort,
    get_editable_unit,
    get_hosted_secondment,
    get_visible_cadre,
    programme_admin,
)
from guazhi.roster.forms import (
    CadreForm,
    CohortForm,
    DutiesForm,
    SecondmentCreateForm,
    UnitForm,
    add_validation_errors,
)
from guazhi.roster.models import Cadre, Secondment
from guazhi.roster.views import save_edit


def _form_page(
    request: HttpRequest, form: object, title: str, back_url: str, **extra: object
) -> HttpResponse:
    return render(
        request,
        "roster/form.html",
        {"form": form, "title": title, "back_url": back_url, **extra},
    )


def cadre_create(request: HttpRequest) -> HttpResponse:
    user = programme_admin(request)
    form = CadreForm(request.POST or None, instance=Cadre())
    if request.method == "POST" and form.is_valid():
        cadre = actions.create_cadre(actor=user, ip=client_ip(request), cadre=form.instance)
        messages.success(request, f"已新建干部“{cadre.name}”。可在下方为其新增挂职任职。")
        return redirect(cadre)
    return _form_page(request, form, "新建干部", reverse("roster:cadre_list"))


def secondment_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A new posting for the cadre `pk`."""
    user = programme_admin(request)
    cadre = get_visible_cadre(request, pk)
    form = SecondmentCreateForm(request.POST or None, cadre=cadre, instance=Secondment(cadre=cadre))
    if request.method == "POST" and form.is_valid():
        form.instance.cohort = form.cleaned_data["cohort"]
        try:
            secondment = actions.create_secondment(
                actor=user, ip=client_ip(request), secondment=form.instance
            )
        except ValidationError as e:
            add_validation_errors(form, e)
        else:
            messages.success(request, "已新增挂职任职，状态为“待报到”。")
            return redirect(secondment)
    return _form_page(
        request,
        form,
        f"新增挂职任职：{cadre.name}",
        cadre.get_absolute_url(),
        suggestions=form.programme_suggestions,
    )


def cohort_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = programme_admin(request)
    cohort = get_editable_cohort(request, pk)
    form = CohortForm(request.POST or None, instance=cohort)
    if request.method == "POST" and form.is_valid():
        return save_edit(
            request,
            lambda: actions.update_cohort(
                actor=user,
                ip=client_ip(request),
                cohort=cohort,
                values=form.changed_values(),
                version=form.cleaned_data["version"],
            ),
            done=cohort,
            retry=reverse("roster:cohort_edit", args=[cohort.pk]),
        )
    return _form_page(request, form, f"编辑批次：{cohort.name}", cohort.get_absolute_url())


def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = programme_admin(request)
    unit = get_editable_unit(request, pk)
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        try:
            changed = actions.update_unit(
                actor=user,
                ip=client_ip(request),
                unit=unit,
                values={k: form.cleaned_data[k] for k in ("name", "kind", "parent", "sort_order")},
            )
        except ValidationError as e:
            add_validation_errors(form, e)
        else:
            messages.success(request, "已保存。" if changed else "没有修改任何内容。")
            return redirect("roster:unit_list")
    return _form_page(request, form, f"编辑单位：{unit.name}", reverse("roster:unit_list"))


def secondment_duties(request: HttpRequest, pk: int) -> HttpResponse:
    """The host unit assigns duties and paired villages or enterprises."""
    secondment = get_hosted_secondment(request, pk)
    form = DutiesForm(request.POST or None, secondment=secondment)
    if request.method == "POST" and form.is_valid():
        return save_edit(
            request,
            lambda: actions.set_duties(
                actor=request.user,  # type: ignore[arg-type]
                ip=client_ip(request),
                secondment=secondment,
                duties=form.cleaned_data["duties"].strip(),
                paired_units=list(form.cleaned_data["paired_units"]),
                version=form.cleaned_data["version"],
            ),
            done=secondment,
            retry=reverse("roster:secondment_duties", args=[secondment.pk]),
        )
    return _form_page(
        request,
        form,
        f"分管工作与包联对象：{secondment.cadre.name}",
        secondment.get_absolute_url(),
    )
