"""The programme admin maintains the ledger's categories and the figures each records."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from guazhi.audit.log import client_ip
from guazhi.ledger import category_actions
from guazhi.ledger.forms import CategoryForm, FigureFieldForm
from guazhi.ledger.models import Category, FigureField
from guazhi.roster.access import programme_admin
from guazhi.roster.forms import add_validation_errors


def category_list(request: HttpRequest) -> HttpResponse:
    programme_admin(request)
    categories = Category.objects.annotate(entry_count=Count("entries")).prefetch_related(
        Prefetch("figure_fields", queryset=FigureField.objects.order_by("sort_order", "pk"))
    )
    return render(request, "ledger/category_list.html", {"categories": categories})


def _form_page(request: HttpRequest, form: ModelForm, title: str) -> HttpResponse:
    return render(request, "ledger/category_form.html", {"form": form, "title": title})


def category_create(request: HttpRequest) -> HttpResponse:
    user = programme_admin(request)
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            category = category_actions.create_category(
                actor=user,
                name=form.cleaned_data["name"],
                sort_order=form.cleaned_data["sort_order"],
                ip=client_ip(request),
            )
        except ValidationError as e:
            add_validation_errors(form, e)
        else:
            messages.success(request, f"已添加类别“{category.name}”，可以继续为它添加数据项。")
            return redirect("ledger:category_list")
    return _form_page(request, form, "添加纪实类别")


def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = programme_admin(request)
    category = get_object_or_404(Category, pk=pk)
    form = CategoryForm(request.POST or None, instance=Category.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            changed = category_actions.update_category(
                actor=user, category=category, values=form.cleaned_data, ip=client_ip(request)
            )
        except ValidationError as e:
            add_validation_errors(form, e)
        else:
            messages.success(request, "已保存。" if changed else "没有修改任何内容。")
            return redirect("ledger:category_list")
    return _form_page(request, form, f"修改类别：{category.name}")


def figure_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = programme_admin(request)
    category = get_object_or_404(Category, pk=pk)
    form = FigureFieldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            category_actions.create_figure_field(
                actor=user, category=category, ip=client_ip(request), **form.cleaned_data
            )
        except ValidationError as e:
            add_validation_errors(form, e)
        else:
            messages.success(request, f"已为“{category.name}”添加数据项。")
            return redirect("ledger:category_list")
    return _form_page(request, form, f"为“{category.name}”添加数据项")


def figure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = programme_admin(request)
    field = get_object_or_404(FigureField.objects.select_related("category"), pk=pk)
    form = FigureFieldForm(request.POST or None, instance=FigureField.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            changed = category_actions.update_figure_field(
                actor=user, field=field, values=form.cleaned_data, ip=client_ip(request)
            )
        except ValidationError as e:
            add_validation_errors(form, e)
        else:
            messages.success(request, "已保存。" if changed else "没有修改任何内容。")
            return redirect("ledger:category_list")
    return _form_page(request, form, f"修改数据项：{field.category.name} · {field.label}")
