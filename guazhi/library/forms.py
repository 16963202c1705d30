from __future__ import annotations

from typing import Any

from django import forms

from guazhi.accounts.models import User
from guazhi.library.models import MAX_COMMENT, Share
from guazhi.roster.forms import BootstrapMixin
from guazhi.roster.models import Cohort
from guazhi.writings.models import WritingKind

STALE = "页面已过期，请刷新后再操作。"


class ShareFilterForm(BootstrapMixin, forms.Form):
    """Filters of the library list. The cohorts offered are those the user may see shares of; an
    invalid choice gives an empty list, never a wider one."""

    compact = True
    cohort = forms.ModelChoiceField(
        label="批次", queryset=Cohort.objects.none(), required=False, empty_label="全部批次"
    )
    kind = forms.ChoiceField(
        label="材料类型", choices=[("", "全部类型"), *WritingKind.choices], required=False
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["cohort"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Cohort.objects.filter(
            pk__in=Share.objects.visible_to(user).values("cohort_id")
        )

    def filter(self, shares: Any) -> Any:
        if not self.is_bound:
            return shares
        if not self.is_valid():
            return shares.none()
        if self.cleaned_data["cohort"]:
            shares = shares.filter(cohort=self.cleaned_data["cohort"])
        if self.cleaned_data["kind"]:
            shares = shares.filter(writing__kind=self.cleaned_data["kind"])
        return shares

    def has_filters(self) -> bool:
        return self.is_bound and any(self.data.get(k) for k in ("cohort", "kind"))


class CommentForm(BootstrapMixin, forms.Form):
    text = forms.CharField(
        label="评论",
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "交流心得、提出问题或补充做法"}),
        error_messages={
            "required": "请填写评论内容。",
            "max_length": f"评论最多 {MAX_COMMENT} 字。",
        },
    )


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": STALE})


class HideForm(BootstrapMixin, VersionForm):
    reason = forms.CharField(
        label="隐藏原因",
        max_length=200,
        error_messages={"required": "隐藏评论时请填写原因（评论人可以看到）。"},
    )


class ModerationFilterForm(BootstrapMixin, forms.Form):
    compact = True
    state = forms.ChoiceField(
        label="状态",
        choices=[("", "全部评论"), ("shown", "显示中"), ("hidden", "已隐藏")],
        required=False,
    )
