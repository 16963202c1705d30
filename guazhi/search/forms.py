from __future__ import annotations

from typing import Any

from django import forms

from guazhi.accounts.models import User
from guazhi.ledger.models import Category
from guazhi.roster.forms import BootstrapMixin
from guazhi.roster.models import Cohort
from guazhi.writings.models import WritingKind

ENTRIES = "entry"
WRITINGS = "writing"


class SearchForm(BootstrapMixin, forms.Form):
    """The query and its filters (GET). Cohorts offered are those the user sees; a cohort or
    category the user may not choose makes the form invalid and the result empty."""

    compact = True
    q = forms.CharField(label="关键词", max_length=50, required=False)
    source = forms.ChoiceField(
        label="范围",
        choices=[("", "全部"), (ENTRIES, "工作纪实"), (WRITINGS, "交流材料")],
        required=False,
    )
    cohort = forms.ModelChoiceField(
        label="批次", queryset=Cohort.objects.none(), required=False, empty_label="全部批次"
    )
    kind = forms.ChoiceField(
        label="材料类型", choices=[("", "全部类型"), *WritingKind.choices], required=False
    )
    category = forms.ModelChoiceField(
        label="纪实类别", queryset=Category.objects.all(), required=False, empty_label="全部类别"
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cohort = self.fields["cohort"]
        assert isinstance(cohort, forms.ModelChoiceField)
        cohort.queryset = Cohort.objects.visible_to(user)
        self.fields["q"].widget.attrs.update(
            {"placeholder": "如：招商、营商环境、企业走访", "autofocus": True, "type": "search"}
        )
