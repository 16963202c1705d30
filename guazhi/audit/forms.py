from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone

from guazhi.accounts.models import Role
from guazhi.audit.models import AuditQuerySet, Event, Result


class AuditFilterForm(forms.Form):
    start = forms.DateField(
        label="开始日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="结束日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    user = forms.CharField(label="用户", required=False)
    role = forms.ChoiceField(
        label="角色", required=False, choices=[("", "全部角色"), *Role.choices]
    )
    event = forms.ChoiceField(
        label="事件", required=False, choices=[("", "全部事件"), *Event.choices]
    )
    result = forms.ChoiceField(
        label="结果", required=False, choices=[("", "全部结果"), *Result.choices]
    )
    q = forms.CharField(label="对象或 IP", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = (
                "form-select form-select-sm"
                if isinstance(field, forms.ChoiceField)
                else "form-control form-control-sm"
            )
            field.widget.attrs["class"] = css
            # Django's stock messages read "输入一个有效的日期。" or "选择一个有效的选项…".
            field.error_messages["invalid"] = (
                f"{field.label}的格式不正确，请按 2026-03-01 的样式填写。"
            )
            field.error_messages["invalid_choice"] = f"请从列表中选择{field.label}。"

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError("结束日期不能早于开始日期。")
        return data

    def filter(self, records: AuditQuerySet) -> AuditQuerySet:
        if not self.is_valid():
            return records.none()
        data = self.cleaned_data
        tz = timezone.get_current_timezone()
        if data.get("start"):
            records = records.filter(time__gte=datetime.combine(data["start"], time.min, tz))
        if data.get("end"):
            records = records.filter(time__lte=datetime.combine(data["end"], time.max, tz))
        if data.get("user"):
            records = records.filter(username__icontains=data["user"])
        for field in ("role", "event", "result"):
            if data.get(field):
                records = records.filter(**{field: data[field]})
        if data.get("q"):
            q = data["q"]
            records = records.filter(
                Q(object_repr__icontains=q) | Q(ip__icontains=q) | Q(detail__icontains=q)
            )
        return records

    def describe(self) -> str:
        if not self.is_valid():
            return ""
        return "；".join(
            f"{self.fields[k].label}={v}"
            for k, v in self.cleaned_data.items()
            if v not in ("", None)
        )
