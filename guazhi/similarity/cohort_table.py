"""The programme admin's table of ratios: one row per writing (its latest submission's report),
filtered by cohort, kind, verdict and a name or title, sorted by any column; the same rows go
into the Excel export."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone

from guazhi.lib.xlsx import Column
from guazhi.roster.forms import BootstrapMixin
from guazhi.roster.models import Cohort
from guazhi.similarity.models import Report, ReportQuerySet, ReportStatus, Verdict, verdict_filter
from guazhi.writings.models import WritingKind

# sort key → ordering (ties broken by pk, so pages are stable)
SORTS = {
    "cadre": "writing__secondment__cadre__name_pinyin",
    "cohort": "writing__secondment__cohort__name",
    "kind": "writing__kind",
    "title": "version__title",
    "total": "copy_ratio",
    "excluding": "copy_ratio_excluding_common",
    "max": "max_source_ratio",
    "checked": "finished_at",
}
DEFAULT_SORT = "-excluding"


class CohortTableForm(BootstrapMixin, forms.Form):
    compact = True

    cohort = forms.ModelChoiceField(
        label="批次",
        queryset=Cohort.objects.all(),
        required=False,
        empty_label="全部批次",
        error_messages={"invalid_choice": "请选择列表中的批次。"},
    )
    kind = forms.ChoiceField(
        label="材料类型",
        choices=[("", "全部类型"), *WritingKind.choices],
        required=False,
        error_messages={"invalid_choice": "请选择列表中的材料类型。"},
    )
    verdict = forms.ChoiceField(
        label="结论",
        choices=[("", "全部结论"), *Verdict.choices],
        required=False,
        error_messages={"invalid_choice": "请选择列表中的结论。"},
    )
    q = forms.CharField(label="干部姓名或标题", required=False, max_length=50)
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def filtered(self) -> ReportQuerySet:
        reports = (
            Report.objects.filter(is_current=True, status=ReportStatus.DONE)
            .with_related()
            .defer("passages", "engine")
        )
        if not self.is_valid():
            return reports.none()
        data = self.cleaned_data
        if data["cohort"]:
            reports = reports.filter(writing__secondment__cohort=data["cohort"])
        if data["kind"]:
            reports = reports.filter(writing__kind=data["kind"])
        if data["verdict"]:
            reports = reports.filter(verdict_filter(data["verdict"]))
        if data["q"]:
            q = data["q"].strip()
            reports = reports.filter(
                Q(writing__secondment__cadre__name__contains=q) | Q(version__title__contains=q)
            )
        return reports.order_by(self.ordering(), "-pk")

    def sort_key(self) -> str:
        raw = (self.data.get("sort") or DEFAULT_SORT) if self.is_bound else DEFAULT_SORT
        return raw if raw.lstrip("-") in SORTS else DEFAULT_SORT

    def ordering(self) -> str:
        key = self.sort_key()
        return ("-" if key.startswith("-") else "") + SORTS[key.lstrip("-")]


EXPORT_COLUMNS = [
    Column(header, width=width)
    for header, width in [
        ("批次", 24),
        ("干部", 10),
        ("派出单位", 20),
        ("接收单位", 16),
        ("材料类型", 10),
        ("标题", 30),
        ("版本", 6),
        ("字数", 8),
        ("总文字复制比（%）", 12),
        ("去除引用和常用语后的复制比（%）", 16),
        ("单篇最大复制比（%）", 12),
        ("结论", 10),
        ("查重时间", 18),
    ]
]


def export_rows(reports: ReportQuerySet) -> Iterator[list[Any]]:
    for r in reports.iterator(chunk_size=500):
        secondment = r.writing.secondment
        verdict = r.verdict
        yield [
            secondment.cohort.name,
            secondment.cadre.name,
            secondment.cadre.home_unit.name,
            secondment.host_unit.name,
            r.writing.get_kind_display(),
            r.version.title,
            r.version.number,
            r.chars or 0,
            _percent(r.copy_ratio),
            _percent(r.copy_ratio_excluding_common),
            _percent(r.max_source_ratio),
            verdict.label if verdict else "",
            timezone.localtime(r.finished_at).strftime("%Y-%m-%d %H:%M") if r.finished_at else "",
        ]


def _percent(ratio: float | None) -> float | None:
    """A number Excel sorts and sums: 23.4 for 23.4%."""
    return None if ratio is None else round(ratio * 100, 1)


HEADERS = [
    ("cohort", "批次"),
    ("cadre", "干部"),
    ("kind", "类型"),
    ("title", "标题"),
    ("total", "总文字复制比"),
    ("excluding", "去除引用和常用语后"),
    ("max", "单篇最大"),
    ("checked", "查重时间"),
]
_DESCENDING_FIRST = {"total", "excluding", "max", "checked"}


def headers(sort_key: str) -> list[tuple[str, str, str]]:
    """(label, the sort a click on it asks for, arrow shown now) for each sortable column."""
    out = []
    for key, label in HEADERS:
        if sort_key == key:
            out.append((label, f"-{key}", "↑"))
        elif sort_key == f"-{key}":
            out.append((label, key, "↓"))
        else:
            out.append((label, f"-{key}" if key in _DESCENDING_FIRST else key, ""))
    return out
