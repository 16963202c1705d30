"""Ledger forms: they validate input and hand an `EntryData` to the actions; the figures'
rules live on `FigureField.clean_value`, shared with the actions (offline resends too)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from guazhi.accounts.models import User
from guazhi.ledger.actions import EntryData
from guazhi.ledger.models import Category, Entry, EntryQuerySet, EntryStatus, FigureField
from guazhi.roster.forms import DATE_INPUT, BootstrapMixin, UnitChoiceField
from guazhi.roster.models import Cohort, Secondment, Unit

REQUIRED = {"required": "此项为必填项。"}
STALE_PAGE = "页面已过期，请刷新后重新填写。"


class EntryForm(BootstrapMixin, forms.Form):
    """The cadre's entry: one figure input per field of every category, named `fig_<key>`
    within `fig-<category id>-<key>`; the page's script shows the selected category's only
    and disables the others, so they are not sent."""

    date = forms.DateField(
        label="日期",
        widget=DATE_INPUT,
        error_messages={**REQUIRED, "invalid": "请填写正确的日期。"},
    )
    category = forms.ModelChoiceField(
        label="类别",
        queryset=Category.objects.filter(is_active=True),
        empty_label="请选择类别",
        error_messages={**REQUIRED, "invalid_choice": "请选择列表中的类别。"},
    )
    title = forms.CharField(
        label="标题",
        max_length=100,
        error_messages={**REQUIRED, "max_length": "标题不能超过 100 个字。"},
    )
    text = forms.CharField(
        label="工作内容",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={**REQUIRED, "max_length": "工作内容不能超过 5000 字。"},
    )
    place_unit = UnitChoiceField(
        label="地点（本单位或所辖村、社区）",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="不选",
        error_messages={"invalid_choice": "请选择列表中的单位。"},
    )
    place_text = forms.CharField(
        label="其他地点",
        max_length=100,
        required=False,
        error_messages={"max_length": "地点不能超过 100 个字。"},
    )
    tags = forms.CharField(
        label="标签",
        max_length=200,
        required=False,
        error_messages={"max_length": "标签合计不能超过 200 个字。"},
    )
    client_uuid = forms.UUIDField(
        widget=forms.HiddenInput, required=False, error_messages={"invalid": STALE_PAGE}
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, error_messages={"invalid": STALE_PAGE}
    )

    def __init__(self, *args: Any, secondment: Secondment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.secondment = secondment
        host = secondment.host_unit
        self.fields["place_unit"].queryset = Unit.objects.subtree(host)  # type: ignore[attr-defined]
        self.fields["tags"].widget.attrs["placeholder"] = "用空格或逗号分隔，如：营商环境 企业服务"
        self.fields["place_text"].widget.attrs["placeholder"] = "不在上面列表中时填写"
        self.fields["title"].widget.attrs["placeholder"] = "如：走访园区企业了解用工需求"
        self.figure_fields = list(
            FigureField.objects.filter(category__is_active=True).select_related("category")
        )
        for field in self.figure_fields:
            self.fields[self.figure_name(field)] = forms.CharField(
                label=field.label,
                required=False,
                max_length=20,
                widget=forms.NumberInput(
                    attrs={
                        # form-control lets the input shrink inside its input-group on a phone.
                        "class": "form-control",
                        "inputmode": "decimal" if field.kind == "decimal" else "numeric",
                        "min": "0",
                        "step": "0.01" if field.kind == "decimal" else "1",
                        "data-category": str(field.category_id),
                        "data-unit": field.unit,
                    }
                ),
            )

    @staticmethod
    def figure_name(field: FigureField) -> str:
        return f"fig-{field.category_id}-{field.key}"

    def figure_rows(self) -> list[dict[str, Any]]:
        """(category id, bound field, unit) for the template, in display order."""
        return [
            {"category": f.category_id, "field": self[self.figure_name(f)], "unit": f.unit}
            for f in self.figure_fields
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("place_unit") and (data.get("place_text") or "").strip():
            self.add_error("place_text", "地点请在单位和其他地点中二选一。")
        category = data.get("category")
        figures: dict[FigureField, Decimal] = {}
        for field in self.figure_fields:
            name = self.figure_name(field)
            raw = (data.get(name) or "").strip()
            if not raw:
                continue
            if category is not None and field.category_id != category.pk:
                self.add_error(name, f"“{field.label}”不是“{category.name}”类别的数据项。")
                continue
            try:
                figures[field] = field.clean_value(raw)
            except ValidationError as e:
                self.add_error(name, e)
        data["figures"] = figures
        return data

    def entry_data(self) -> EntryData:
        d = self.cleaned_data
        return EntryData(
            date=d["date"],
            category=d["category"],
            title=d["title"],
            text=d["text"],
            place_unit=d.get("place_unit"),
            place_text=d.get("place_text") or "",
            tags=d.get("tags") or "",
            figures=d["figures"],
        )

    @classmethod
    def initial_for(cls, entry: Entry) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "date": entry.date,
            "category": entry.category_id,
            "title": entry.title,
            "text": entry.text,
            "place_unit": entry.place_unit_id,
            "place_text": entry.place_text,
            "tags": entry.tags,
            "version": entry.version,
        }
        for figure in entry.figures.select_related("field"):
            initial[cls.figure_name(figure.field)] = figure.display_value
        return initial

    @staticmethod
    def new_client_uuid() -> uuid.UUID:
        return uuid.uuid4()


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="退回意见",
        max_length=1000,
        error_messages={
            "required": "退回时请填写退回意见，说明需要修改什么。",
            "max_length": "退回意见不能超过 1000 字。",
        },
    )
    version = forms.IntegerField(
        error_messages={
            "required": "页面已过期，请刷新后再操作。",
            "invalid": "页面已过期，请刷新后再操作。",
        }
    )


class ConfirmForm(forms.Form):
    version = forms.IntegerField(
        error_messages={
            "required": "页面已过期，请刷新后再操作。",
            "invalid": "页面已过期，请刷新后再操作。",
        }
    )


class EntryFilterForm(BootstrapMixin, forms.Form):
    """Filters of the entry list. Bound to request.GET; applied to a queryset already scoped
    with `visible_to(user)`, so an invalid filter narrows to nothing, never widens."""

    compact = True

    date_from = forms.DateField(
        label="起始日期",
        required=False,
        widget=DATE_INPUT,
        error_messages={"invalid": "请填写正确的日期。"},
    )
    date_to = forms.DateField(
        label="截止日期",
        required=False,
        widget=DATE_INPUT,
        error_messages={"invalid": "请填写正确的日期。"},
    )
    category = forms.ModelChoiceField(
        label="类别",
        queryset=Category.objects.all(),
        required=False,
        empty_label="全部类别",
        error_messages={"invalid_choice": "请选择列表中的类别。"},
    )
    status = forms.ChoiceField(
        label="状态",
        choices=[("", "全部状态"), *EntryStatus.choices],
        required=False,
        error_messages={"invalid_choice": "请选择列表中的状态。"},
    )
    q = forms.CharField(label="搜索", required=False, max_length=50)
    cohort = forms.ModelChoiceField(
        label="批次",
        queryset=Cohort.objects.none(),
        required=False,
        empty_label="全部批次",
        error_messages={"invalid_choice": "请选择列表中的批次。"},
    )
    host_unit = UnitChoiceField(
        label="接收单位",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="全部接收单位",
        error_messages={"invalid_choice": "请选择列表中的单位。"},
    )

    def __init__(self, data: Any = None, *, user: User, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = "标题、干部姓名"
        if user.is_cadre:
            del self.fields["cohort"]
            del self.fields["host_unit"]
            self.fields["q"].widget.attrs["placeholder"] = "标题"
            return
        self.fields["cohort"].queryset = Cohort.objects.visible_to(user)  # type: ignore[attr-defined]
        if user.is_programme_admin:
            hosts = Unit.objects.all()
        else:
            hosts = Unit.objects.filter(
                pk__in=Secondment.objects.visible_to(user).values("host_unit_id")
            )
        self.fields["host_unit"].queryset = hosts  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "截止日期不能早于起始日期。")
        return data

    def has_filters(self) -> bool:
        """Whether the list is narrowed (an invalid filter narrows it to nothing)."""
        if not self.is_bound:
            return False
        return not self.is_valid() or any(self.cleaned_data.values())

    def filter(self, entries: EntryQuerySet) -> EntryQuerySet:
        if not self.is_bound:
            return entries
        if not self.is_valid():
            return entries.none()
        d = self.cleaned_data
        if d.get("date_from"):
            entries = entries.filter(date__gte=d["date_from"])
        if d.get("date_to"):
            entries = entries.filter(date__lte=d["date_to"])
        if d.get("category"):
            entries = entries.filter(category=d["category"])
        if d.get("status"):
            entries = entries.filter(status=d["status"])
        if d.get("q"):
            text = d["q"].strip()
            entries = entries.filter(Q(title__contains=text) | Q(secondment__cadre__name=text))
        if d.get("cohort"):
            entries = entries.filter(secondment__cohort=d["cohort"])
        if d.get("host_unit"):
            entries = entries.filter(secondment__host_unit__path__startswith=d["host_unit"].path)
        return entries


# --- Categories (programme admin) -------------------------------------------------------------


class CategoryForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Category
        fields = ["name", "sort_order", "is_active"]
        error_messages = {
            "name": {
                "required": "请填写类别名称。",
                "max_length": "类别名称不能超过 20 个字。",
                "unique": "该类别已存在。",
            },
            "sort_order": {"invalid": "排序请填写整数。", "min_value": "排序不能为负数。"},
        }
        help_texts = {"is_active": "停用后不再出现在填写页面，已有纪实不受影响。"}


class FigureFieldForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = FigureField
        fields = ["label", "unit", "kind", "sort_order"]
        error_messages = {
            "label": {"required": "请填写数据项名称。", "max_length": "名称不能超过 20 个字。"},
            "unit": {
                "required": "请填写单位，如 家、户、万元、人次。",
                "max_length": "单位不能超过 10 个字。",
            },
            "kind": {"invalid_choice": "请选择整数或小数。"},
            "sort_order": {"invalid": "排序请填写整数。", "min_value": "排序不能为负数。"},
        }
        help_texts = {
            "label": "如：走访企业、协调贷款。",
            "kind": "计数的（家、户、人次）选整数；金额、时长选小数（最多两位）。",
        }
