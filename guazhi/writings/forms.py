"""Writings forms. They validate input; `guazhi.writings.actions` and `.plan` save and audit."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from guazhi.accounts.models import User
from guazhi.lib.writing_text import Block, markup_to_blocks
from guazhi.roster.forms import DATE_INPUT, BootstrapMixin, VersionedForm
from guazhi.roster.models import Cohort
from guazhi.writings.models import (
    WritingKind,
    WritingRequirement,
    WritingStatus,
)
from guazhi.writings.plan import RequirementData

UPLOAD_ACCEPT = ".docx,.doc,.wps,.pdf,.txt"
UPLOAD_HELP = (
    "可上传 Word 文档（.docx，或旧版 .doc、WPS 文档 .wps）、带文字的 PDF 或文本文件（.txt）。"
)

VERSION_FIELD_ERRORS = {
    "required": "页面已过期，请刷新后再操作。",
    "invalid": "页面已过期，请刷新后再操作。",
}


def _version_field() -> forms.IntegerField:
    return forms.IntegerField(widget=forms.HiddenInput, error_messages=VERSION_FIELD_ERRORS)


class RequirementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: WritingRequirement) -> str:
        return f"{obj.title}（{obj.get_kind_display()}，{obj.due_date:%Y-%m-%d} 前）"


class WritingCreateForm(BootstrapMixin, forms.Form):
    """A new writing: for one of the cohort's requirements, or an extra one of a kind; written
    in the browser, or uploaded."""

    requirement = RequirementChoiceField(
        label="对应的材料要求",
        queryset=WritingRequirement.objects.none(),
        required=False,
        empty_label="不对应具体要求（自选撰写）",
    )
    kind = forms.ChoiceField(
        label="材料类型",
        choices=WritingKind.choices,
        required=False,
        help_text="选择了材料要求时，按要求的类型。",
    )
    title = forms.CharField(
        label="标题",
        max_length=100,
        required=False,
        error_messages={"max_length": "标题不能超过 100 个字。"},
        help_text="可留空：选择了材料要求时用要求的名称，上传文件时用文件中的标题。",
    )
    file = forms.FileField(
        label="上传文件（可选）",
        required=False,
        help_text=UPLOAD_HELP + "不上传则在网页上撰写。",
        error_messages={"invalid": "请选择要上传的文件。", "empty": "文件是空的，请重新选择。"},
    )

    def __init__(self, *args: Any, requirements: QuerySet[WritingRequirement], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].queryset = requirements  # type: ignore[attr-defined]
        self.fields["file"].widget.attrs["accept"] = UPLOAD_ACCEPT

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("requirement") and not data.get("kind"):
            self.add_error("kind", "请选择材料类型。")
        if not data.get("requirement") and not data.get("title") and not data.get("file"):
            self.add_error("title", "请填写标题。")
        return data


class WritingEditForm(BootstrapMixin, forms.Form):
    """The browser editor: a title and the body in the editor's light markup."""

    version = _version_field()
    title = forms.CharField(
        label="标题",
        max_length=100,
        error_messages={"required": "请填写标题。", "max_length": "标题不能超过 100 个字。"},
    )
    content = forms.CharField(
        label="正文",
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false"}),
        error_messages={"max_length": "正文过长（超过 20 万字），请检查内容。"},
    )

    def blocks(self) -> list[Block]:
        return markup_to_blocks(self.cleaned_data.get("content") or "")


class UploadForm(BootstrapMixin, forms.Form):
    version = _version_field()
    file = forms.FileField(
        label="上传文件替换正文",
        help_text=UPLOAD_HELP,
        error_messages={"required": "请选择要上传的文件。", "empty": "文件是空的，请重新选择。"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = UPLOAD_ACCEPT


class DecisionForm(BootstrapMixin, forms.Form):
    version = _version_field()
    comment = forms.CharField(
        label="意见",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "意见不能超过 2000 字。"},
    )


class RequirementForm(BootstrapMixin, VersionedForm):
    class Meta:
        model = WritingRequirement
        fields = ["kind", "title", "due_date", "note"]
        widgets = {"due_date": DATE_INPUT}
        error_messages = {
            "title": {
                "required": "请填写名称，如“第一季度小结”。",
                "max_length": "名称不能超过 50 个字。",
            },
            "due_date": {
                "required": "请填写截止日期。",
                "invalid": "请按“2026-06-30”的格式填写日期。",
            },
            "kind": {"required": "请选择材料类型。", "invalid_choice": "请选择材料类型。"},
            "note": {"max_length": "说明不能超过 200 个字。"},
        }

    def requirement_data(self) -> RequirementData:
        data = self.cleaned_data
        return RequirementData(
            kind=data["kind"], title=data["title"], due_date=data["due_date"], note=data["note"]
        )


class WritingFilterForm(BootstrapMixin, forms.Form):
    """Filters of the readers' list and the overdue table (same GET names)."""

    compact = True

    cohort = forms.ModelChoiceField(
        label="批次", queryset=Cohort.objects.none(), required=False, empty_label="全部批次"
    )
    kind = forms.ChoiceField(
        label="材料类型", choices=[("", "全部类型"), *WritingKind.choices], required=False
    )
    status = forms.ChoiceField(
        label="状态",
        choices=[("", "全部状态"), *[c for c in WritingStatus.choices if c[0] != "draft"]],
        required=False,
    )
    q = forms.CharField(label="姓名或标题", required=False, max_length=50)

    def __init__(self, data: Any = None, *, user: User, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.fields["cohort"].queryset = Cohort.objects.visible_to(user)  # type: ignore[attr-defined]
        self.fields["q"].widget.attrs["placeholder"] = "干部姓名或材料标题"

    def value(self, name: str) -> Any:
        return self.cleaned_data.get(name) if self.is_valid() else None
