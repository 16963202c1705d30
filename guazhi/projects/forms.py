"""Key-project forms: they validate input; the models hold the invariants (investment not
negative, a done milestone has its date) and `guazhi.projects.actions` saves and audits."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from guazhi.ledger.models import Entry
from guazhi.projects.models import Milestone, MilestoneTemplate, Project, ProjectQuerySet
from guazhi.roster.forms import DATE_INPUT, BootstrapMixin, UnitChoiceField
from guazhi.roster.models import Secondment, Unit

REQUIRED = {"required": "此项为必填项。"}
DATE_ERRORS = {"invalid": "请填写正确的日期。"}
RECENT_ENTRIES = 100


class EntryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Entry) -> str:
        return f"{obj.date:%Y-%m-%d} {obj.title}"


def own_entries(cadre_id: int | None) -> Any:
    """The cadre's latest entries, for the "关联工作纪实" pickers."""
    pks = Entry.objects.filter(secondment__cadre_id=cadre_id or 0).values("pk")[:RECENT_ENTRIES]
    return Entry.objects.filter(pk__in=list(pks.values_list("pk", flat=True))).order_by(
        "-date", "-pk"
    )


class ProjectForm(BootstrapMixin, forms.ModelForm):
    owner_unit = UnitChoiceField(
        label="责任单位",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="不选",
        error_messages={"invalid_choice": "请选择列表中的单位。"},
    )
    template = forms.ModelChoiceField(
        label="手续节点模板",
        queryset=MilestoneTemplate.objects.all(),
        required=False,
        empty_label="不使用模板（在项目页逐个添加节点）",
        help_text="创建时把模板中的节点复制到本项目，之后可逐个填写计划日期和办理情况。",
        error_messages={"invalid_choice": "请选择列表中的模板。"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Project
        fields = ["name", "investment", "owner_unit", "target_date", "target", "description"]
        widgets = {
            "target_date": DATE_INPUT,
            "description": forms.Textarea(attrs={"rows": 4}),
            "investment": forms.NumberInput(
                attrs={"inputmode": "decimal", "min": "0", "step": "0.01"}
            ),
        }
        error_messages = {
            "name": {**REQUIRED, "max_length": "项目名称不能超过 100 个字。"},
            "investment": {
                **REQUIRED,
                "invalid": "总投资请填写数字（单位：万元）。",
                "max_digits": "总投资数值过大，请核对单位是否为万元。",
                "max_decimal_places": "总投资最多保留两位小数。",
                "max_whole_digits": "总投资数值过大，请核对单位是否为万元。",
            },
            "target_date": DATE_ERRORS,
            "target": {"max_length": "目标不能超过 100 个字。"},
            "description": {"max_length": "项目简介不能超过 3000 字。"},
        }

    def __init__(self, *args: Any, secondment: Secondment, creating: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = Unit.objects.subtree(secondment.host_unit)  # type: ignore[attr-defined]
        self.fields["target"].widget.attrs["placeholder"] = "如：年底前开工"
        self.fields["name"].widget.attrs["placeholder"] = "如：盐穴压缩空气储能电站项目"
        if creating:
            self.initial.setdefault(
                "template", MilestoneTemplate.objects.filter(is_default=True).first()
            )
            del self.fields["version"]
        else:
            del self.fields["template"]
            self.initial["version"] = self.instance.version

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields or ()}


class MilestoneForm(BootstrapMixin, forms.ModelForm):
    version = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": "页面已过期，请重新打开后再修改。"}
    )

    class Meta:
        model = Milestone
        fields = ["status", "planned_date", "done_date", "note"]
        widgets = {"planned_date": DATE_INPUT, "done_date": DATE_INPUT}
        error_messages = {
            "status": {"invalid_choice": "请选择列表中的状态。"},
            "planned_date": DATE_ERRORS,
            "done_date": DATE_ERRORS,
            "note": {"max_length": "备注不能超过 500 字。"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial["version"] = self.instance.version
        self.fields["note"].widget.attrs["placeholder"] = "如：已报市自然资源局，等待批复"

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields or ()}


class UpdateForm(BootstrapMixin, forms.Form):
    date = forms.DateField(
        label="日期", widget=DATE_INPUT, error_messages={**REQUIRED, **DATE_ERRORS}
    )
    text = forms.CharField(
        label="进展情况",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={**REQUIRED, "max_length": "进展情况不能超过 2000 字。"},
    )
    entry = EntryChoiceField(
        label="关联工作纪实",
        queryset=Entry.objects.none(),
        required=False,
        empty_label="不关联",
        error_messages={"invalid_choice": "请选择自己的工作纪实。"},
    )

    def __init__(self, *args: Any, cadre_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = own_entries(cadre_id)  # type: ignore[attr-defined]


class NewMilestoneForm(BootstrapMixin, forms.Form):
    name = forms.CharField(
        label="节点名称",
        max_length=30,
        error_messages={**REQUIRED, "max_length": "节点名称不能超过 30 个字。"},
    )
    planned_date = forms.DateField(
        label="计划完成日期", required=False, widget=DATE_INPUT, error_messages=DATE_ERRORS
    )


class TemplateForm(BootstrapMixin, forms.Form):
    name = forms.CharField(
        label="模板名称",
        max_length=50,
        error_messages={**REQUIRED, "max_length": "模板名称不能超过 50 个字。"},
    )
    steps = forms.CharField(
        label="节点（每行一个，按办理顺序）",
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages=REQUIRED,
    )
    is_default = forms.BooleanField(label="设为默认模板（新建项目时默认选用）", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @staticmethod
    def initial_for(template: MilestoneTemplate) -> dict[str, Any]:
        return {
            "name": template.name,
            "steps": "\n".join(template.steps.values_list("name", flat=True)),
            "is_default": template.is_default,
            "version": template.version,
        }


class ProjectFilterForm(BootstrapMixin, forms.Form):
    compact = True

    q = forms.CharField(label="搜索", required=False, max_length=50)
    overdue = forms.BooleanField(label="只看有逾期节点的项目", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = "项目名称、干部姓名"

    def filter(self, projects: ProjectQuerySet) -> ProjectQuerySet:
        if not self.is_bound:
            return projects
        if not self.is_valid():
            return projects.none()
        text = (self.cleaned_data.get("q") or "").strip()
        if text:
            projects = projects.filter(Q(name__contains=text) | Q(secondment__cadre__name=text))
        if self.cleaned_data.get("overdue"):
            projects = projects.filter(pk__in=Milestone.objects.overdue().values("project_id"))
        return projects
