from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from guazhi.accounts.models import User
from guazhi.roster.models import Cohort

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


class MonthFilterForm(forms.Form):
    month = forms.CharField(
        label="月份",
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "class": "form-control form-control-sm"}),
    )
    cohort = forms.ModelChoiceField(
        label="批次",
        queryset=Cohort.objects.none(),
        required=False,
        empty_label="全部批次",
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    short_only = forms.BooleanField(
        label="只看未达要求",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, data: Any = None, *, user: User) -> None:
        super().__init__(data)
        self.fields["cohort"].queryset = Cohort.objects.visible_to(user)  # type: ignore[attr-defined]

    def clean_month(self) -> tuple[int, int]:
        text = (self.cleaned_data.get("month") or "").strip()
        if not text:
            today = timezone.localdate()
            return today.year, today.month
        match = _MONTH.match(text)
        if (
            not match
            or not 1 <= int(match.group(2)) <= 12
            or not 2000 <= int(match.group(1)) <= 2099
        ):
            raise forms.ValidationError("月份请按“年-月”填写，例如 2026-05。")
        return int(match.group(1)), int(match.group(2))

    def month_value(self) -> str:
        year, month = self.cleaned_data["month"]
        return f"{year:04d}-{month:02d}"

    @staticmethod
    def first_day(year: int, month: int) -> date:
        return date(year, month, 1)
