"""The batch export form: a cohort's writings of one kind (optionally one requirement)."""

from __future__ import annotations

from typing import Any

from django import forms

from guazhi.accounts.models import User
from guazhi.roster.forms import BootstrapMixin
from guazhi.roster.models import Cohort
from guazhi.writings.models import WritingKind, WritingRequirement


class RequirementSelect(forms.Select):
    """Options carry their cohort and kind, so the page's script can offer only the
    requirements of the chosen cohort and kind (without it, the form still checks)."""

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-cohort"] = instance.cohort_id
            option["attrs"]["data-kind"] = instance.kind
        return option


class CohortRequirementField(forms.ModelChoiceField):
    widget = RequirementSelect

    def label_from_instance(self, obj: WritingRequirement) -> str:
        return f"{obj.cohort.name}：{obj.title}"


class BatchExportForm(BootstrapMixin, forms.Form):
    cohort = forms.ModelChoiceField(
        label="批次",
        queryset=Cohort.objects.none(),
        empty_label="请选择批次",
        error_messages={"required": "请选择批次。", "invalid_choice": "请选择批次。"},
    )
    kind = forms.ChoiceField(
        label="材料类型",
        choices=[("", "请选择"), *WritingKind.choices],
        error_messages={"required": "请选择材料类型。", "invalid_choice": "请选择材料类型。"},
    )
    requirement = CohortRequirementField(
        label="材料要求（可选）",
        queryset=WritingRequirement.objects.none(),
        required=False,
        empty_label="该类型的全部材料",
        help_text="如只导出“第一季度小结”，在此选择。",
        error_messages={"invalid_choice": "请重新选择材料要求。"},
    )
    with_pdf = forms.BooleanField(
        label="同时附 PDF 版本",
        required=False,
        help_text="每篇材料另附一份 PDF（由服务器上的 LibreOffice 生成，较慢）。",
    )

    def __init__(self, data: Any = None, *, user: User, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        cohorts = Cohort.objects.visible_to(user).order_by("-start_date", "pk")
        self.fields["cohort"].queryset = cohorts  # type: ignore[attr-defined]
        self.fields["requirement"].queryset = (  # type: ignore[attr-defined]
            WritingRequirement.objects.filter(cohort__in=cohorts)
            .select_related("cohort")
            .order_by("-cohort__start_date", "cohort_id", "due_date", "pk")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        requirement = data.get("requirement")
        if requirement is not None and data.get("cohort") is not None:
            if requirement.cohort_id != data["cohort"].pk:
                self.add_error("requirement", "所选材料要求不属于该批次。")
            elif data.get("kind") and requirement.kind != data["kind"]:
                self.add_error(
                    "requirement",
                    f"“{requirement.title}”是{requirement.get_kind_display()}，与所选材料类型不符。",
                )
        return data
