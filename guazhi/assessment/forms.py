"""Assessment forms. They validate input; `guazhi.assessment.actions` checks versions, saves and
audits. The scoring forms are built from the scheme: one score field per scored indicator (a
number on the 百分制 scale, a choice of five steps on the 五档制 scale)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from guazhi.accounts.models import User
from guazhi.assessment import scoring
from guazhi.assessment.actions import HostItem
from guazhi.assessment.models import (
    Assessment,
    Indicator,
    IndicatorScore,
    PeriodKind,
    Scheme,
    ScoreSource,
    ScoringScale,
)
from guazhi.assessment.scheme_actions import SCHEME_FIELDS
from guazhi.ledger.models import Entry
from guazhi.roster.forms import DATE_INPUT, BootstrapMixin, VersionedForm
from guazhi.roster.models import Cohort
from guazhi.writings.models import Writing

VERSION_ERRORS = {"required": "页面已过期，请重新打开后再修改。"}


def version_field() -> forms.IntegerField:
    return forms.IntegerField(widget=forms.HiddenInput, error_messages=VERSION_ERRORS)


class SchemeCreateForm(BootstrapMixin, forms.Form):
    cohort = forms.ModelChoiceField(label="批次", queryset=Cohort.objects.all(), empty_label=None)
    name = forms.CharField(label="方案名称", max_length=100)


class SchemeSettingsForm(BootstrapMixin, VersionedForm):
    class Meta:
        model = Scheme
        fields = list(SCHEME_FIELDS)


class OutlineForm(BootstrapMixin, forms.Form):
    version = version_field()
    outline = forms.CharField(
        label="指标体系",
        widget=forms.Textarea(attrs={"rows": 20, "class": "font-monospace", "spellcheck": "false"}),
        help_text=(
            "每行一个指标：名称、空格、权重；二级指标行首空两格；“|”后可写评分要点。"
            "每一级的权重合计应为 100。"
        ),
    )


class PeriodForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label="考核类型", choices=PeriodKind.choices)
    title = forms.CharField(label="名称", max_length=100, help_text="例如：2025年度考核。")
    start_date = forms.DateField(label="考核期起", widget=DATE_INPUT)
    end_date = forms.DateField(label="考核期止", widget=DATE_INPUT)


class PublishForm(forms.Form):
    version = version_field()


# --- Scoring forms -------------------------------------------------------------------------------


def _score_field(scale: str, label: str, help_text: str) -> forms.Field:
    if scale == ScoringScale.GRADES:
        return forms.TypedChoiceField(
            label=label,
            choices=[("", "—"), *[(str(v), f"{g}（{v} 分）") for g, v in scoring.GRADE_STEPS]],
            coerce=Decimal,
            empty_value=None,
            required=False,
            help_text=help_text,
        )
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_value=100,
        decimal_places=2,
        max_digits=5,
        required=False,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
        error_messages={
            "min_value": "分数不能小于 0。",
            "max_value": "分数不能大于 100。",
            "invalid": "请输入 0 到 100 之间的数字。",
        },
    )


class _ScoringForm(BootstrapMixin, forms.Form):
    """Common part: one score field per scored indicator, in outline order."""

    source: str = ""

    def __init__(self, *args: Any, assessment: Assessment, **kwargs: Any) -> None:
        self.assessment = assessment
        scheme = assessment.period.scheme
        tree = scheme.tree()
        indicators = {i.pk: i for i in scheme.indicators.all()}
        self.leaves: list[tuple[Indicator | None, Indicator]] = [
            (indicators[p.key] if p else None, indicators[leaf.key])  # type: ignore[index]
            for p, leaf in scoring.leaves(tree)
        ]
        self.saved = {
            s.indicator_id: s
            for s in IndicatorScore.objects.filter(
                assessment=assessment, source=self.source
            ).prefetch_related("entries", "writings")
        }
        super().__init__(*args, **kwargs)
        for parent, leaf in self.leaves:
            label = f"{parent.name} · {leaf.name}" if parent else leaf.name
            weight = f"权重 {leaf.weight.normalize():f}%"
            self.fields[f"score_{leaf.pk}"] = _score_field(
                scheme.scale, label, f"{weight}。{leaf.note}" if leaf.note else weight
            )
            saved = self.saved.get(leaf.pk)
            if saved is not None:
                self.initial[f"score_{leaf.pk}"] = (
                    str(saved.score.normalize())
                    if scheme.scale == ScoringScale.GRADES
                    else saved.score
                )

    def scores(self) -> dict[int, Decimal | None]:
        return {leaf.pk: self.cleaned_data.get(f"score_{leaf.pk}") for _p, leaf in self.leaves}

    def rows(self) -> list[dict[str, Any]]:
        """For the template: each indicator's bound fields."""
        out = []
        for parent, leaf in self.leaves:
            out.append(
                {
                    "parent": parent,
                    "indicator": leaf,
                    "fields": [
                        self[name]
                        for name in (
                            f"score_{leaf.pk}",
                            f"note_{leaf.pk}",
                            f"entries_{leaf.pk}",
                            f"writings_{leaf.pk}",
                        )
                        if name in self.fields
                    ],
                }
            )
        return out


class SelfAssessmentForm(_ScoringForm):
    source = ScoreSource.SELF

    version = version_field()
    text = forms.CharField(
        label="个人总结",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="对照考核指标，写明挂职期间的主要工作、成效、不足和今后打算（5000 字以内）。",
    )

    def __init__(self, *args: Any, assessment: Assessment, **kwargs: Any) -> None:
        super().__init__(*args, assessment=assessment, **kwargs)
        self.initial.setdefault("version", assessment.self_version)
        self.initial.setdefault("text", assessment.self_text)


class HostScoringForm(_ScoringForm):
    source = ScoreSource.HOST

    version = version_field()
    comment = forms.CharField(
        label="接收单位鉴定意见",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="写入鉴定表“接收单位鉴定意见”一栏。",
    )

    def __init__(self, *args: Any, assessment: Assessment, user: User, **kwargs: Any) -> None:
        super().__init__(*args, assessment=assessment, **kwargs)
        self.initial.setdefault("version", assessment.host_version)
        self.initial.setdefault("comment", assessment.host_comment)
        period = assessment.period
        entries = (
            Entry.objects.visible_to(user)
            .filter(
                secondment_id=assessment.secondment_id,
                date__gte=period.start_date,
                date__lte=period.end_date,
            )
            .order_by("-date", "-pk")
            .only("pk", "date", "title")
        )
        writings = (
            Writing.objects.visible_to(user)
            .filter(secondment_id=assessment.secondment_id)
            .exclude(status="draft")
            .order_by("-pk")
            .only("pk", "title", "kind")
        )
        self.entry_choices = [(e.pk, f"{e.date:%Y-%m-%d} {e.title}") for e in entries]
        self.writing_choices = [(w.pk, f"{w.get_kind_display()}：{w.title}") for w in writings]
        for _parent, leaf in self.leaves:
            saved = self.saved.get(leaf.pk)
            self.fields[f"note_{leaf.pk}"] = forms.CharField(
                label="评语", max_length=300, required=False
            )
            self.fields[f"entries_{leaf.pk}"] = forms.TypedMultipleChoiceField(
                label="依据：工作纪实",
                choices=self.entry_choices,
                coerce=int,
                required=False,
                widget=forms.SelectMultiple(attrs={"size": 4}),
            )
            self.fields[f"writings_{leaf.pk}"] = forms.TypedMultipleChoiceField(
                label="依据：材料",
                choices=self.writing_choices,
                coerce=int,
                required=False,
                widget=forms.SelectMultiple(attrs={"size": 3}),
            )
            for name in (f"note_{leaf.pk}", f"entries_{leaf.pk}", f"writings_{leaf.pk}"):
                self.fields[name].widget.attrs["class"] = (
                    self.fields[name].widget.attrs.get("class", "") + " form-control-sm"
                ).strip()
            if saved is not None:
                self.initial[f"note_{leaf.pk}"] = saved.comment
                self.initial[f"entries_{leaf.pk}"] = [e.pk for e in saved.entries.all()]
                self.initial[f"writings_{leaf.pk}"] = [w.pk for w in saved.writings.all()]

    def items(self) -> dict[int, HostItem]:
        return {
            leaf.pk: HostItem(
                score=self.cleaned_data.get(f"score_{leaf.pk}"),
                comment=self.cleaned_data.get(f"note_{leaf.pk}", ""),
                entry_ids=tuple(self.cleaned_data.get(f"entries_{leaf.pk}", [])),
                writing_ids=tuple(self.cleaned_data.get(f"writings_{leaf.pk}", [])),
            )
            for _p, leaf in self.leaves
        }


class HomeCommentForm(BootstrapMixin, forms.Form):
    version = version_field()
    comment = forms.CharField(
        label="派出单位意见",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="写入鉴定表“派出单位意见”一栏。",
    )
