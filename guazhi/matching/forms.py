"""Matching forms: they validate input; the models hold the invariants and
`guazhi.matching.actions` saves and audits."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from guazhi.accounts.models import User
from guazhi.matching.models import Kind, Need, NeedStatus, Resource
from guazhi.roster.forms import DATE_INPUT, BootstrapMixin, UnitChoiceField
from guazhi.roster.models import Secondment, Unit, UnitKind

REQUIRED = {"required": "此项为必填项。"}
DATE_ERRORS = {"invalid": "请填写正确的日期。"}
STALE = {"required": "页面已过期，请重新打开后再修改。"}
UNIT_ERRORS = {**REQUIRED, "invalid_choice": "请选择列表中的单位。"}
KIND_ERRORS = {**REQUIRED, "invalid_choice": "请选择列表中的类别。"}


class NeedForm(BootstrapMixin, forms.ModelForm):
    unit = UnitChoiceField(
        label="需求单位", queryset=Unit.objects.none(), error_messages=UNIT_ERRORS
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Need
        fields = ["unit", "kind", "title", "description", "amount", "deadline"]
        widgets = {
            "deadline": DATE_INPUT,
            "description": forms.Textarea(attrs={"rows": 5}),
            "amount": forms.NumberInput(attrs={"inputmode": "decimal", "min": "0", "step": "0.01"}),
        }
        error_messages = {
            "kind": KIND_ERRORS,
            "title": {**REQUIRED, "max_length": "需求名称不能超过 60 个字。"},
            "description": {**REQUIRED, "max_length": "需求描述不能超过 2000 字。"},
            "amount": {
                "invalid": "资金额度请填写数字（单位：万元）。",
                "max_digits": "资金额度过大，请核对单位是否为万元。",
                "max_decimal_places": "资金额度最多保留两位小数。",
                "max_whole_digits": "资金额度过大，请核对单位是否为万元。",
            },
            "deadline": DATE_ERRORS,
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.visible_to(user).exclude(
            kind__in=(UnitKind.PROVINCE, UnitKind.CITY, UnitKind.DEPARTMENT)
        )
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        if user.is_host_liaison and user.unit is not None and self.instance.pk is None:
            self.initial.setdefault("unit", user.unit.pk)
        self.fields["title"].widget.attrs["placeholder"] = "如：柳溪镇高山茶叶销路不畅"
        self.fields["description"].widget.attrs["placeholder"] = (
            "写清现状、缺什么、希望对方做什么，例如：今年春茶产量约 12 万斤，急需拓展线上销售渠道。"
        )
        self.fields["amount"].help_text = "资金、项目类需求填写，单位万元；其他可不填。"
        if self.instance.pk is None:
            del self.fields["version"]
        else:
            self.initial["version"] = self.instance.version
            self.fields["version"].required = True
            self.fields["version"].error_messages["required"] = STALE["required"]

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields or ()}


class ResourceForm(BootstrapMixin, forms.ModelForm):
    unit = UnitChoiceField(
        label="提供单位", queryset=Unit.objects.none(), error_messages=UNIT_ERRORS
    )
    offered_to = UnitChoiceField(
        label="定向对接单位",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="面向所有接收单位",
        help_text="留空表示面向所有接收单位；选择后只有该单位（含上下级）的联络员能看到。",
        error_messages={"invalid_choice": "请选择列表中的单位。"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Resource
        fields = ["kind", "title", "description", "capacity", "offered_to"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        error_messages = {
            "kind": KIND_ERRORS,
            "title": {**REQUIRED, "max_length": "资源名称不能超过 60 个字。"},
            "description": {**REQUIRED, "max_length": "资源说明不能超过 2000 字。"},
            "capacity": {"max_length": "可提供规模不能超过 100 个字。"},
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offered_to"].queryset = Unit.objects.exclude(  # type: ignore[attr-defined]
            kind__in=(UnitKind.PROVINCE, UnitKind.CITY, UnitKind.DEPARTMENT)
        )
        # Who provides: a cadre always their home unit, a home liaison theirs or one below,
        # the admin any department. Not editable afterwards.
        if self.instance.pk is None and not user.is_cadre:
            units = Unit.objects.visible_to(user)
            if user.is_programme_admin:
                units = units.filter(Q(kind=UnitKind.DEPARTMENT) | Q(kind=UnitKind.ENTERPRISE))
            self.fields["unit"].queryset = units  # type: ignore[attr-defined]
            if user.unit is not None:
                self.initial.setdefault("unit", user.unit.pk)
            self.order_fields(["unit"])
        else:
            del self.fields["unit"]
        self.fields["title"].widget.attrs["placeholder"] = "如：村级集体经济发展扶持资金"
        self.fields["description"].widget.attrs["placeholder"] = (
            "写清能提供什么、条件和联系方式，例如：每村最高 100 万元，支持光伏、物业等增收项目。"
        )
        if self.instance.pk is None:
            del self.fields["version"]
        else:
            self.initial["version"] = self.instance.version
            self.fields["version"].required = True
            self.fields["version"].error_messages["required"] = STALE["required"]

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields or ()}


class ListFilterForm(BootstrapMixin, forms.Form):
    compact = True

    q = forms.CharField(label="搜索", required=False, max_length=50)
    kind = forms.ChoiceField(
        label="类别", required=False, choices=[("", "全部类别"), *Kind.choices]
    )
    status = forms.ChoiceField(label="状态", required=False)

    def __init__(self, *args: Any, statuses: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "全部状态"), *statuses]  # type: ignore[attr-defined]
        self.fields["q"].widget.attrs["placeholder"] = "名称或说明中的词"

    def filter(self, rows: Any) -> Any:
        if not self.is_bound:
            return rows
        if not self.is_valid():
            return rows.none()
        text = (self.cleaned_data.get("q") or "").strip()
        if text:
            rows = rows.filter(Q(title__contains=text) | Q(description__contains=text))
        if self.cleaned_data.get("kind"):
            rows = rows.filter(kind=self.cleaned_data["kind"])
        if self.cleaned_data.get("status"):
            rows = rows.filter(status=self.cleaned_data["status"])
        return rows


class ProposeForm(BootstrapMixin, forms.Form):
    other = forms.IntegerField(widget=forms.HiddenInput, error_messages=STALE)
    note = forms.CharField(
        label="对接说明",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "对接说明不能超过 500 字。"},
    )


class ReasonForm(BootstrapMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, error_messages=STALE)
    reason = forms.CharField(
        label="原因",
        max_length=200,
        error_messages={"required": "请填写原因。", "max_length": "原因不能超过 200 字。"},
    )


class SecondmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Secondment) -> str:
        return f"{obj.cadre.name}（{obj.host_unit.name} {obj.post}）"


class AcceptForm(BootstrapMixin, forms.Form):
    """What the accepted match becomes: the cadre who pushes it, and for a project its name,
    investment and target; for a problem-list item who is responsible and by when."""

    version = forms.IntegerField(widget=forms.HiddenInput, error_messages=STALE)
    secondment = SecondmentChoiceField(
        label="负责推进的挂职干部",
        queryset=Secondment.objects.none(),
        empty_label="请选择",
        error_messages={**REQUIRED, "invalid_choice": "请选择列表中在岗的挂职干部。"},
    )
    name = forms.CharField(
        label="项目名称",
        max_length=100,
        error_messages={**REQUIRED, "max_length": "项目名称不能超过 100 个字。"},
    )
    investment = forms.DecimalField(
        label="总投资（万元）",
        min_value=0,
        max_digits=12,
        decimal_places=2,
        error_messages={
            **REQUIRED,
            "invalid": "总投资请填写数字（单位：万元）。",
            "min_value": "总投资不能为负数。",
            "max_digits": "总投资数值过大，请核对单位是否为万元。",
            "max_decimal_places": "总投资最多保留两位小数。",
            "max_whole_digits": "总投资数值过大，请核对单位是否为万元。",
        },
    )
    target = forms.CharField(
        label="目标",
        required=False,
        max_length=100,
        error_messages={"max_length": "目标不能超过 100 个字。"},
    )
    target_date = forms.DateField(
        label="目标日期", required=False, widget=DATE_INPUT, error_messages=DATE_ERRORS
    )
    owner = forms.CharField(
        label="责任单位（人）",
        max_length=100,
        error_messages={**REQUIRED, "max_length": "责任单位（人）不能超过 100 个字。"},
    )
    action_taken = forms.CharField(
        label="对接措施",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={**REQUIRED, "max_length": "对接措施不能超过 2000 字。"},
    )
    deadline = forms.DateField(
        label="办结时限", widget=DATE_INPUT, error_messages={**REQUIRED, **DATE_ERRORS}
    )

    PROJECT_FIELDS = ("name", "investment", "target", "target_date")
    PROBLEM_FIELDS = ("owner", "action_taken", "deadline")

    def __init__(self, *args: Any, need: Need, secondments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["secondment"].queryset = secondments  # type: ignore[attr-defined]
        drop = self.PROBLEM_FIELDS if need.becomes_project else self.PROJECT_FIELDS
        for name in drop:
            del self.fields[name]
        if need.status == NeedStatus.CLOSED:
            self.fields["secondment"].disabled = True

    def values(self) -> dict[str, Any]:
        keep = set(self.PROJECT_FIELDS) | set(self.PROBLEM_FIELDS)
        return {k: v for k, v in self.cleaned_data.items() if k in keep}
