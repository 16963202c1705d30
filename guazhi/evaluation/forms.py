"""Evaluation forms: they validate input; `guazhi.evaluation.actions` checks the rules again,
saves and audits."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MinValueValidator

from guazhi.accounts.models import User
from guazhi.assessment.models import Period
from guazhi.evaluation.actions import Choice, GroupSpec
from guazhi.evaluation.models import (
    MAX_COMMENT_LENGTH,
    MAX_RATERS_PER_GROUP,
    RaterGroup,
    Rating,
    Round,
    min_ballots_floor,
)
from guazhi.roster.forms import BootstrapMixin
from guazhi.roster.models import Secondment, SecondmentQuerySet, SecondmentStatus

DEFAULT_GROUPS = (("领导班子", 7), ("干部职工", 30), ("服务对象", 10))
GROUP_ROWS = 5


class SecondmentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Secondment) -> str:
        return f"{obj.cadre.name}（{obj.host_unit.name} {obj.post}）"


def runnable_secondments(user: User, unit_id: int | None = None) -> SecondmentQuerySet:
    """Cadres the user may put in a round: posted to the liaison's unit (or below), on post or
    just finished; for the admin, those of the chosen unit."""
    rows = Secondment.objects.visible_to(user).filter(
        status__in=[SecondmentStatus.ACTIVE, SecondmentStatus.COMPLETED]
    )
    if user.is_host_liaison and user.unit is not None:
        rows = rows.filter(host_unit__path__startswith=user.unit.path)
    elif unit_id is not None:
        rows = rows.filter(host_unit_id=unit_id)
    else:
        rows = rows.none()
    return rows.select_related("cadre", "host_unit").order_by("cadre__name_pinyin", "pk")


class RoundForm(BootstrapMixin, forms.Form):
    title = forms.CharField(
        label="测评名称",
        max_length=100,
        initial="挂职干部民主测评",
        help_text="例如：2026年度挂职干部民主测评。",
    )
    period = forms.ModelChoiceField(
        label="对应考核",
        queryset=Period.objects.none(),
        required=False,
        empty_label="（不对应考核）",
        help_text="测评结果将作为该次考核的民主测评结果。",
    )
    period_label = forms.CharField(label="考核期", max_length=50, required=False)
    secondments = SecondmentChoiceField(
        label="测评对象",
        queryset=Secondment.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请选择至少一名测评对象。"},
    )
    min_ballots = forms.IntegerField(
        label="最少票数",
        help_text="某类测评人的有效票少于此数时，不单独显示该类结果，也不计入综合得分。",
    )

    def __init__(self, *args: Any, user: User, unit_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["secondments"].queryset = runnable_secondments(user, unit_id)  # type: ignore[attr-defined]
        self.fields["period"].queryset = Period.objects.visible_to(user).filter(status="open")  # type: ignore[attr-defined]
        floor = min_ballots_floor()
        self.fields["min_ballots"].initial = max(5, floor)
        self.fields["min_ballots"].widget.attrs["min"] = floor
        self.fields["min_ballots"].validators.append(
            MinValueValidator(floor, f"最少票数不能低于 {floor} 票（系统设定的下限）。")
        )
        self.fields["secondments"].widget.attrs["class"] = ""


class GroupForm(BootstrapMixin, forms.Form):
    compact = True

    name = forms.CharField(label="测评人类别", max_length=30, required=False)
    size = forms.IntegerField(
        label="人数", min_value=1, max_value=MAX_RATERS_PER_GROUP, required=False
    )
    weight = forms.IntegerField(label="权重（%）", min_value=0, max_value=100, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("name") and not data.get("size"):
            self.add_error("size", "请填写人数。")
        if data.get("size") and not data.get("name"):
            self.add_error("name", "请填写类别名称。")
        return data

    def spec(self) -> GroupSpec | None:
        data = self.cleaned_data
        if not data.get("name"):
            return None
        return GroupSpec(name=data["name"], size=data["size"], weight=data.get("weight"))


GroupFormSet = forms.formset_factory(GroupForm, extra=0)


def group_formset(data: Any = None) -> Any:
    initial = [{"name": n, "size": s} for n, s in DEFAULT_GROUPS]
    initial += [{}] * (GROUP_ROWS - len(initial))
    return GroupFormSet(data, initial=None if data is not None else initial, prefix="groups")


class VoidForm(BootstrapMixin, forms.Form):
    code = forms.CharField(label="要作废的测评码", max_length=20)


class AddCodesForm(BootstrapMixin, forms.Form):
    group = forms.ModelChoiceField(label="测评人类别", queryset=RaterGroup.objects.none())
    count = forms.IntegerField(label="追加数量", min_value=1, max_value=MAX_RATERS_PER_GROUP)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, round_: Round, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = round_.groups.all()  # type: ignore[attr-defined]
        self.initial["version"] = round_.version


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


# --- The public ballot --------------------------------------------------------------------------


class CodeForm(forms.Form):
    code = forms.CharField(
        label="测评码",
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-lg text-center code-input",
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "placeholder": "例如 ABCD-EFGH",
            }
        ),
        error_messages={"required": "请输入测评码。"},
    )


class BallotForm(forms.Form):
    """A rating (required) and a comment (optional) for every cadre of the round."""

    code = forms.CharField(widget=forms.HiddenInput, max_length=20)

    def __init__(self, *args: Any, subjects: list[Secondment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.subjects = subjects
        for s in subjects:
            self.fields[f"rating_{s.pk}"] = forms.ChoiceField(
                label=s.cadre.name,
                choices=Rating.choices,
                widget=forms.RadioSelect,
                error_messages={"required": f"请对{s.cadre.name}作出评价。"},
            )
            self.fields[f"comment_{s.pk}"] = forms.CharField(
                label="意见建议（选填）",
                max_length=MAX_COMMENT_LENGTH,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
            )

    def rows(self) -> list[tuple[Secondment, forms.BoundField, forms.BoundField]]:
        return [(s, self[f"rating_{s.pk}"], self[f"comment_{s.pk}"]) for s in self.subjects]

    def choices(self) -> dict[int, Choice]:
        return {
            s.pk: Choice(
                rating=self.cleaned_data[f"rating_{s.pk}"],
                comment=self.cleaned_data.get(f"comment_{s.pk}", ""),
            )
            for s in self.subjects
        }
