"""Roster forms. They validate input; the model holds the invariants (ID check digit, dates)
and `guazhi.roster.actions` saves and audits."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from guazhi.accounts.models import User
from guazhi.lib.identity import InvalidValue, normalize_id_number, normalize_mobile
from guazhi.roster.actions import CADRE_FIELDS, COHORT_FIELDS, SECONDMENT_FIELDS
from guazhi.roster.models import (
    PROGRAMME_SUGGESTIONS,
    Cadre,
    CadreQuerySet,
    Cohort,
    Secondment,
    SecondmentQuerySet,
    SecondmentStatus,
    Unit,
    UnitKind,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BootstrapMixin:
    """Bootstrap classes on every widget, so templates can render `{{ field }}` as is."""

    compact = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        size = "-sm" if self.compact else ""
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = f"form-select form-select{size}" if size else "form-select"
            else:
                css = f"form-control form-control{size}" if size else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def add_validation_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show an action's ValidationError on the form: beside its field when it names one of the
    form's fields, above the form otherwise."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class VersionedForm(forms.ModelForm):
    """Carries the version of the record the form was opened on, so that saving a form
    opened before someone else's change is refused instead of undoing that change."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": "页面已过期，请重新打开后再修改。"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial["version"] = self.instance.version
        if self.instance.pk is None:
            self.fields["version"].required = False  # a new record: nothing to be stale against

    def changed_values(self) -> dict[str, Any]:
        """The model fields this form edits, as cleaned: what the action compares and saves."""
        return {
            name: self.cleaned_data[name]
            for name in self._meta.fields or ()
            if name in self.cleaned_data
        }


class UnitChoiceField(forms.ModelChoiceField):
    """Units as an indented tree (the queryset is ordered by materialised path)."""

    def label_from_instance(self, obj: Unit) -> str:
        return "\u3000" * max(obj.depth, 0) + obj.name


# --- Filters ----------------------------------------------------------------------------------


class RosterFilterForm(BootstrapMixin, forms.Form):
    """Filters of the cadre list, the secondment list and the roster export (same GET names).

    Bind it to request.GET with the user; `filter(cadres)` and `filter_secondments(...)` apply
    it to a queryset already scoped with `visible_to(user)`. Invalid filters (e.g. a cohort the
    user cannot see) give an empty result, never a wider one.
    """

    compact = True

    q = forms.CharField(label="搜索", required=False, max_length=50)
    cohort = forms.ModelChoiceField(
        label="批次", queryset=Cohort.objects.none(), required=False, empty_label="全部批次"
    )
    status = forms.ChoiceField(
        label="状态", choices=[("", "全部状态"), *SecondmentStatus.choices], required=False
    )
    host_unit = UnitChoiceField(
        label="接收单位", queryset=Unit.objects.none(), required=False, empty_label="全部接收单位"
    )
    home_unit = UnitChoiceField(
        label="派出单位", queryset=Unit.objects.none(), required=False, empty_label="全部派出单位"
    )
    incomplete = forms.BooleanField(label="只看资料待补全", required=False)

    def __init__(self, data: Any = None, *, user: User, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.user = user
        self.fields["q"].widget.attrs["placeholder"] = "姓名、拼音首字母或身份证号后几位"
        self.fields["cohort"].queryset = Cohort.objects.visible_to(user)  # type: ignore[attr-defined]
        if user.is_programme_admin:
            host_units = home_units = Unit.objects.all()
        else:
            visible = Secondment.objects.visible_to(user)
            host_units = Unit.objects.filter(pk__in=visible.values("host_unit_id"))
            home_units = Unit.objects.filter(
                pk__in=Cadre.objects.visible_to(user).values("home_unit_id")
            )
        self.fields["host_unit"].queryset = host_units  # type: ignore[attr-defined]
        self.fields["home_unit"].queryset = home_units  # type: ignore[attr-defined]

    def _secondment_q(self) -> Q | None:
        data = self.cleaned_data
        q = Q()
        if data.get("cohort"):
            q &= Q(cohort=data["cohort"])
        if data.get("status"):
            q &= Q(status=data["status"])
        if data.get("host_unit"):
            q &= Q(host_unit__path__startswith=data["host_unit"].path)
        return q if q.children else None

    def filter(self, cadres: CadreQuerySet) -> CadreQuerySet:
        """Cadres matching the filters; secondment filters match one secondment the user sees."""
        if not self.is_bound:
            return cadres
        if not self.is_valid():
            return cadres.none()
        data = self.cleaned_data
        if data.get("q"):
            cadres = cadres.search(data["q"])
        if data.get("home_unit"):
            cadres = cadres.filter(home_unit__path__startswith=data["home_unit"].path)
        if data.get("incomplete"):
            cadres = cadres.incomplete()
        secondment_q = self._secondment_q()
        if secondment_q is not None:
            matching = Secondment.objects.visible_to(self.user).filter(secondment_q)
            cadres = cadres.filter(pk__in=matching.values("cadre_id"))
        return cadres

    def filter_secondments(self, secondments: SecondmentQuerySet) -> SecondmentQuerySet:
        if not self.is_bound:
            return secondments
        if not self.is_valid():
            return secondments.none()
        data = self.cleaned_data
        if data.get("q"):
            secondments = secondments.filter(cadre__in=Cadre.objects.search(data["q"]))
        if data.get("home_unit"):
            secondments = secondments.filter(
                cadre__home_unit__path__startswith=data["home_unit"].path
            )
        if data.get("incomplete"):
            secondments = secondments.filter(cadre__in=Cadre.objects.incomplete())
        secondment_q = self._secondment_q()
        if secondment_q is not None:
            secondments = secondments.filter(secondment_q)
        return secondments

    def describe(self) -> str:
        """The active filters in Chinese, e.g. for an export's audit record; '' when none."""
        if not self.is_bound or not self.is_valid():
            return ""
        parts = []
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if not value:
                continue
            if name == "status":
                value = SecondmentStatus(value).label
            elif value is True:
                parts.append(str(field.label))
                continue
            elif isinstance(value, Unit):
                value = value.name
            parts.append(f"{field.label}：{value}")
        return "；".join(parts)


# --- Cadres -----------------------------------------------------------------------------------


class CadreForm(BootstrapMixin, VersionedForm):
    """Edit a cadre. The ID and mobile inputs start empty (the page shows them masked);
    leaving them empty keeps the stored numbers, so editing never displays them in full."""

    id_number = forms.CharField(label="身份证号", required=False, max_length=30)
    mobile = forms.CharField(label="手机号", required=False, max_length=20)

    class Meta:
        model = Cadre
        fields = list(CADRE_FIELDS)  # the fields an edit audits
        field_classes = {"home_unit": UnitChoiceField}
        widgets = {"birth_date": DATE_INPUT}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial["id_number"] = ""
        self.initial["mobile"] = ""
        self.fields["id_number"].widget.attrs["placeholder"] = self.instance.masked_id_number
        self.fields["id_number"].help_text = "留空表示不修改；如需更正，请输入完整的 18 位号码。"
        self.fields["mobile"].widget.attrs["placeholder"] = self.instance.masked_mobile
        self.fields["mobile"].help_text = "留空表示不修改。"
        self.fields["home_unit"].queryset = Unit.objects.all()  # type: ignore[attr-defined]

    def clean_id_number(self) -> str:
        raw = self.cleaned_data["id_number"].strip()
        if not raw:
            if not self.instance.id_number:
                raise forms.ValidationError("请填写身份证号。")
            return str(self.instance.id_number)
        try:
            value = normalize_id_number(raw)
        except InvalidValue as e:
            raise forms.ValidationError(str(e)) from None
        # The unique index is on the blind index, which a ModelForm does not check by itself.
        if Cadre.objects.filter(id_number=value).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("系统中已有使用该身份证号的干部，同一人只能登记一次。")
        if Cadre.all_objects.filter(id_number=value).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("使用该身份证号的干部在回收站中，请在回收站恢复。")
        return value

    def clean_mobile(self) -> str:
        raw = self.cleaned_data["mobile"].strip()
        if not raw:
            return str(self.instance.mobile)
        try:
            return normalize_mobile(raw)
        except InvalidValue as e:
            raise forms.ValidationError(str(e)) from None


# --- Secondments ------------------------------------------------------------------------------


class SecondmentForm(BootstrapMixin, VersionedForm):
    class Meta:
        model = Secondment
        fields = list(SECONDMENT_FIELDS)  # the fields an edit audits
        field_classes = {"host_unit": UnitChoiceField}
        widgets = {
            "duties": forms.Textarea(attrs={"rows": 5}),
            "start_date": DATE_INPUT,
            "planned_end_date": DATE_INPUT,
            "actual_end_date": DATE_INPUT,
            "programme": forms.TextInput(attrs={"list": "programme-suggestions"}),
        }
        help_texts = {"duties": "每行一项，例如：营商环境、企业服务。"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host_unit"].queryset = Unit.objects.all()  # type: ignore[attr-defined]
        self.programme_suggestions = PROGRAMME_SUGGESTIONS
        if self.instance.status not in (SecondmentStatus.COMPLETED, SecondmentStatus.ENDED_EARLY):
            # The actual end is set by the status change (期满 / 提前结束), not typed in.
            del self.fields["actual_end_date"]


class SecondmentCreateForm(SecondmentForm):
    """A new posting for a cadre: the cohort too (one posting per cadre and cohort)."""

    cohort = forms.ModelChoiceField(
        label="批次", queryset=Cohort.objects.all(), empty_label="请选择批次"
    )

    field_order = ["cohort", *SECONDMENT_FIELDS]

    def __init__(self, *args: Any, cadre: Cadre, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cadre = cadre
        self.fields.pop("actual_end_date", None)
        self.fields.pop("version", None)

    def clean_cohort(self) -> Cohort:
        cohort = self.cleaned_data["cohort"]
        if Secondment.objects.filter(cadre=self.cadre, cohort=cohort).exists():
            raise forms.ValidationError(f"{self.cadre.name}在“{cohort}”已有挂职任职，不能重复。")
        return cohort


class DutiesForm(BootstrapMixin, forms.Form):
    """The host unit's part: duties and the villages or enterprises the cadre is paired with."""

    duties = forms.CharField(
        label="分管工作",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="每行一项，例如：营商环境、企业服务。",
    )
    paired_units = forms.ModelMultipleChoiceField(
        label="包联村（社区）、企业",
        required=False,
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="接收单位辖区内的村、社区和企业。",
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": "页面已过期，请重新打开后再修改。"}
    )

    def __init__(self, *args: Any, secondment: Secondment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["paired_units"].queryset = (  # type: ignore[attr-defined]
            Unit.objects.subtree(secondment.host_unit)
            .filter(kind__in=[UnitKind.VILLAGE, UnitKind.COMMUNITY, UnitKind.ENTERPRISE])
            .order_by("path")
        )
        self.fields["paired_units"].widget.attrs["class"] = ""
        self.initial.setdefault("duties", secondment.duties)
        self.initial.setdefault("paired_units", list(secondment.paired_units.all()))
        self.initial.setdefault("version", secondment.version)


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(
        choices=SecondmentStatus.choices,
        error_messages={"invalid_choice": "无效的状态。", "required": "请选择要变更的状态。"},
    )
    on = forms.DateField(label="日期", required=False, widget=DATE_INPUT)
    reason = forms.CharField(label="原因", required=False, max_length=200)

    def clean_on(self) -> Any:
        return self.cleaned_data.get("on") or timezone.localdate()


# --- Cohorts and units ------------------------------------------------------------------------


class CohortForm(BootstrapMixin, VersionedForm):
    class Meta:
        model = Cohort
        fields = list(COHORT_FIELDS)
        widgets = {
            "start_date": DATE_INPUT,
            "end_date": DATE_INPUT,
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"name": "例如：2026年第二批墩苗历练干部"}


class UnitForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "kind", "parent", "sort_order"]
        field_classes = {"parent": UnitChoiceField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Unit.objects.all()  # type: ignore[attr-defined]
        self.fields["parent"].empty_label = "（无，作为顶级单位）"  # type: ignore[attr-defined]
