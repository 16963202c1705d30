"""Forms for paired contacts, the contact log and the problem list. They validate input; the
models hold the invariants (valid ID and mobile numbers, a deadline not before the found date,
a resolved problem has its date and evidence) and `guazhi.contacts.actions` saves and audits."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from guazhi.contacts.models import (
    PERSONAL_KINDS,
    Contact,
    ContactKind,
    ContactQuerySet,
    ContactVisit,
    Problem,
    ProblemQuerySet,
    ProblemStatus,
    VisitMethod,
)
from guazhi.ledger.models import Entry
from guazhi.lib.identity import InvalidValue, normalize_id_number, normalize_mobile
from guazhi.roster.forms import DATE_INPUT, BootstrapMixin, UnitChoiceField
from guazhi.roster.models import Secondment, Unit

REQUIRED = {"required": "此项为必填项。"}
DATE_ERRORS = {**REQUIRED, "invalid": "请填写正确的日期。"}
RECENT = 100


class EntryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Entry) -> str:
        return f"{obj.date:%Y-%m-%d} {obj.title}"


class VisitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ContactVisit) -> str:
        return f"{obj.date:%Y-%m-%d} {obj.get_method_display()} {obj.contact.name}"


def own_entries(cadre_id: int | None) -> Any:
    """The cadre's latest entries, for the "关联工作纪实" pickers."""
    pks = Entry.objects.filter(secondment__cadre_id=cadre_id or 0).values_list("pk", flat=True)
    return Entry.objects.filter(pk__in=list(pks[:RECENT])).order_by("-date", "-pk")


def own_visits(cadre_id: int | None) -> Any:
    pks = ContactVisit.objects.filter(contact__secondment__cadre_id=cadre_id or 0).values_list(
        "pk", flat=True
    )
    return (
        ContactVisit.objects.filter(pk__in=list(pks[:RECENT]))
        .select_related("contact")
        .order_by("-date", "-pk")
    )


# --- Contacts ------------------------------------------------------------------------------------


class ContactForm(BootstrapMixin, forms.ModelForm):
    """Phone and ID number are write-only here: the edit form never shows them in full (that
    is the audited reveal's job); left blank, they stay as they are."""

    unit = UnitChoiceField(
        label="所在村（社区）或单位",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="不选",
        error_messages={"invalid_choice": "请选择列表中的单位。"},
    )
    phone = forms.CharField(
        label="手机号",
        max_length=20,
        required=False,
        help_text="仅农户和信访人填写。列表中只显示部分号码。",
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    id_number = forms.CharField(
        label="身份证号",
        max_length=30,
        required=False,
        help_text="仅农户和信访人填写。列表中只显示部分号码。",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    clear_personal = forms.BooleanField(label="删除已登记的手机号和身份证号", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Contact
        fields = ["kind", "name", "phone", "id_number", "unit", "address", "note"]
        widgets = {
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "kind": {**REQUIRED, "invalid_choice": "请选择列表中的类型。"},
            "name": {**REQUIRED, "max_length": "名称不能超过 100 个字。"},
            "address": {"max_length": "地址不能超过 100 个字。"},
            "note": {"max_length": "基本情况不能超过 2000 字。"},
        }

    def __init__(self, *args: Any, secondment: Secondment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.subtree(secondment.host_unit)  # type: ignore[attr-defined]
        self.editing = self.instance.pk is not None
        if self.editing:
            self.initial["version"] = self.instance.version
            self.initial["phone"] = ""
            self.initial["id_number"] = ""
            if self.instance.phone:
                self.fields["phone"].widget.attrs["placeholder"] = (
                    f"已登记：{self.instance.masked_phone}"
                )
                self.fields["phone"].help_text = "已登记的号码不显示全文；不修改请留空。"
            if self.instance.id_number:
                self.fields["id_number"].widget.attrs["placeholder"] = (
                    f"已登记：{self.instance.masked_id_number}"
                )
                self.fields["id_number"].help_text = "已登记的号码不显示全文；不修改请留空。"
            if not self.instance.has_personal_data:
                del self.fields["clear_personal"]
        else:
            del self.fields["clear_personal"]
            del self.fields["version"]

    def clean_phone(self) -> str:
        raw = (self.cleaned_data.get("phone") or "").strip()
        if not raw:
            return ""
        try:
            return normalize_mobile(raw)
        except InvalidValue as e:
            raise forms.ValidationError(str(e)) from None

    def clean_id_number(self) -> str:
        raw = (self.cleaned_data.get("id_number") or "").strip()
        if not raw:
            return ""
        try:
            return normalize_id_number(raw)
        except InvalidValue as e:
            raise forms.ValidationError(str(e)) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Blank personal fields on an edit keep the stored values (or clear them on request).
        if self.editing:
            clear = data.get("clear_personal")
            stored = Contact.objects.filter(pk=self.instance.pk).values("phone", "id_number").get()
            kind = data.get("kind")
            if (
                kind
                and kind not in PERSONAL_KINDS
                and any(stored.values())
                and not clear
                and not (data.get("phone") or data.get("id_number"))
            ):
                self.add_error(
                    "clear_personal",
                    "企业和村不登记手机号和身份证号：改为企业或村时，请勾选此项删除已登记的号码。",
                )
                return data
            for name in ("phone", "id_number"):
                if name in data and not data[name]:
                    data[name] = "" if clear else stored[name]
        return data

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields or ()}


class VisitForm(BootstrapMixin, forms.Form):
    date = forms.DateField(label="日期", widget=DATE_INPUT, error_messages=DATE_ERRORS)
    method = forms.ChoiceField(
        label="方式",
        choices=VisitMethod.choices,
        error_messages={**REQUIRED, "invalid_choice": "请选择走访、电话或座谈。"},
    )
    text = forms.CharField(
        label="联系情况",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={**REQUIRED, "max_length": "联系情况不能超过 2000 字。"},
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
        self.fields["text"].widget.attrs["placeholder"] = (
            "了解到的情况、反映的诉求、答复和下一步安排"
        )


class ContactFilterForm(BootstrapMixin, forms.Form):
    compact = True

    kind = forms.ChoiceField(
        label="类型",
        choices=[("", "全部类型"), *ContactKind.choices],
        required=False,
        error_messages={"invalid_choice": "请选择列表中的类型。"},
    )
    q = forms.CharField(label="搜索", required=False, max_length=50)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = "名称、干部姓名"

    def filter(self, contacts: ContactQuerySet) -> ContactQuerySet:
        if not self.is_bound:
            return contacts
        if not self.is_valid():
            return contacts.none()
        if self.cleaned_data.get("kind"):
            contacts = contacts.filter(kind=self.cleaned_data["kind"])
        text = (self.cleaned_data.get("q") or "").strip()
        if text:
            contacts = contacts.filter(Q(name__contains=text) | Q(secondment__cadre__name=text))
        return contacts


# --- Problems ------------------------------------------------------------------------------------


class ProblemForm(BootstrapMixin, forms.ModelForm):
    visit = VisitChoiceField(
        label="发现于（联系记录）",
        queryset=ContactVisit.objects.none(),
        required=False,
        empty_label="不关联",
        error_messages={"invalid_choice": "请选择自己的联系记录。"},
    )
    entry = EntryChoiceField(
        label="发现于（工作纪实）",
        queryset=Entry.objects.none(),
        required=False,
        empty_label="不关联",
        error_messages={"invalid_choice": "请选择自己的工作纪实。"},
    )
    evidence_entry = EntryChoiceField(
        label="佐证工作纪实",
        queryset=Entry.objects.none(),
        required=False,
        empty_label="不关联",
        error_messages={"invalid_choice": "请选择自己的工作纪实。"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Problem
        fields = [
            "found_date",
            "visit",
            "entry",
            "description",
            "owner",
            "action_taken",
            "deadline",
            "status",
            "resolved_date",
            "evidence",
            "evidence_entry",
        ]
        widgets = {
            "found_date": DATE_INPUT,
            "deadline": DATE_INPUT,
            "resolved_date": DATE_INPUT,
            "description": forms.Textarea(attrs={"rows": 3}),
            "action_taken": forms.Textarea(attrs={"rows": 3}),
            "evidence": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "found_date": DATE_ERRORS,
            "deadline": DATE_ERRORS,
            "resolved_date": {"invalid": "请填写正确的日期。"},
            "description": {**REQUIRED, "max_length": "问题描述不能超过 2000 字。"},
            "owner": {**REQUIRED, "max_length": "责任单位（人）不能超过 100 个字。"},
            "action_taken": {"max_length": "整改措施不能超过 2000 字。"},
            "status": {"invalid_choice": "请选择列表中的状态。"},
            "evidence": {"max_length": "解决情况及佐证不能超过 2000 字。"},
        }

    def __init__(self, *args: Any, cadre_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        entries = own_entries(cadre_id)
        self.fields["visit"].queryset = own_visits(cadre_id)  # type: ignore[attr-defined]
        self.fields["entry"].queryset = entries  # type: ignore[attr-defined]
        self.fields["evidence_entry"].queryset = entries  # type: ignore[attr-defined]
        self.fields["owner"].widget.attrs["placeholder"] = "如：镇农业农村办 李主任"
        if self.instance.pk is not None:
            self.initial["version"] = self.instance.version
        else:
            del self.fields["version"]

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields or ()}


class ProblemFilterForm(BootstrapMixin, forms.Form):
    compact = True

    status = forms.ChoiceField(
        label="状态",
        choices=[("", "全部状态"), *ProblemStatus.choices],
        required=False,
        error_messages={"invalid_choice": "请选择列表中的状态。"},
    )
    overdue = forms.BooleanField(label="只看逾期未解决", required=False)

    def filter(self, problems: ProblemQuerySet) -> ProblemQuerySet:
        if not self.is_bound:
            return problems
        if not self.is_valid():
            return problems.none()
        if self.cleaned_data.get("status"):
            problems = problems.filter(status=self.cleaned_data["status"])
        if self.cleaned_data.get("overdue"):
            problems = problems.overdue()
        return problems
