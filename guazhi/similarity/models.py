"""Originality reports (查重报告) and the reference corpus of template essays (参考范文库).

A `Report` is made for every submitted `WritingVersion` (see `guazhi.similarity.checking`): it is
queued when the submission commits, run by a background task, and then holds the engine's three
ratios and the copied passages. Passages name their source by the engine's document id: "v<pk>"
for a writing version, "r<pk>" for a reference text; who may learn which writing a passage came
from is decided when the report is shown (`guazhi.similarity.sources`), never stored.

A `ReferenceText` is one template essay the programme admin uploaded. Removing one keeps the row
(reports that found it still show its title and passage) but takes it out of the index.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from guazhi.writings.models import Writing, WritingVersion

if TYPE_CHECKING:
    from guazhi.accounts.models import User


class ReportStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "查重中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class Verdict(models.TextChoices):
    GREEN = "green", "正常"
    AMBER = "amber", "需关注"
    RED = "red", "复制比过高"


def verdict_for(ratio: float | None) -> Verdict | None:
    """The colour of a ratio (0–1) by the thresholds in settings (percent); see docs."""
    if ratio is None:
        return None
    percent = ratio * 100
    if percent < settings.GUAZHI_SIMILARITY_AMBER_FROM:
        return Verdict.GREEN
    if percent <= settings.GUAZHI_SIMILARITY_RED_ABOVE:
        return Verdict.AMBER
    return Verdict.RED


def verdict_filter(verdict: str) -> Q:
    """The same thresholds as a filter on the ratio the verdict is taken from."""
    amber = settings.GUAZHI_SIMILARITY_AMBER_FROM / 100
    red = settings.GUAZHI_SIMILARITY_RED_ABOVE / 100
    field = "copy_ratio_excluding_common"
    if verdict == Verdict.GREEN:
        return Q(**{f"{field}__lt": amber})
    if verdict == Verdict.AMBER:
        return Q(**{f"{field}__gte": amber, f"{field}__lte": red})
    return Q(**{f"{field}__gt": red})


class ReportQuerySet(models.QuerySet["Report"]):
    def visible_to(self, user: User) -> ReportQuerySet:
        """The author sees the reports of their own writings; the programme admin every report;
        a host liaison those of the writings they decide (their unit and the units below it).
        The home liaison and other cadres see none: a report names sources."""
        if not user.has_business_role:
            return self.none()
        if user.is_cadre:
            return self.filter(writing__secondment__cadre_id=user.cadre_id or 0)
        if user.is_programme_admin:
            return self.all()
        if user.is_host_liaison and user.unit is not None:
            return self.filter(
                writing__in=Writing.objects.visible_to(user).values("pk"),
                writing__secondment__host_unit__path__startswith=user.unit.path,
            )
        return self.none()

    def with_related(self) -> ReportQuerySet:
        return self.select_related(
            "version",
            "writing__secondment__cadre__home_unit",
            "writing__secondment__host_unit",
            "writing__secondment__cohort",
        )


class Report(models.Model):
    version = models.OneToOneField(
        WritingVersion,
        verbose_name="材料版本",
        on_delete=models.PROTECT,
        related_name="similarity_report",
    )
    # The version's writing, kept here so the cohort table filters without a join through
    # versions, and `is_current` marks the report of the writing's latest submission.
    writing = models.ForeignKey(
        Writing, verbose_name="材料", on_delete=models.PROTECT, related_name="similarity_reports"
    )
    is_current = models.BooleanField("最新提交版本", default=True)
    status = models.CharField(
        "状态", max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField("进度", default=0)
    message = models.CharField("说明", max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField("查重次数", default=0)
    chars = models.PositiveIntegerField("字数", null=True, blank=True)
    copy_ratio = models.FloatField("总文字复制比", null=True, blank=True)
    copy_ratio_excluding_common = models.FloatField(
        "去除引用和常用语后的复制比", null=True, blank=True
    )
    max_source_ratio = models.FloatField("单篇最大复制比", null=True, blank=True)
    # [{"start", "end", "source_id", "source_start", "source_end", "similarity", "common"}],
    # offsets in the version's `text`; source ids "v<pk>" (writing version) or "r<pk>".
    passages = models.JSONField("复制片段", default=list, blank=True)
    # What produced the figures: engine parameters, normaliser configuration, index size.
    engine = models.JSONField("查重引擎", default=dict, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = "查重报告"
        verbose_name_plural = "查重报告"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["is_current", "status"], name="similarity_report_current"),
        ]

    def __str__(self) -> str:
        return f"{self.version} 查重报告"

    def get_absolute_url(self) -> str:
        return reverse("similarity:report_detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (ReportStatus.DONE, ReportStatus.FAILED)

    @property
    def verdict(self) -> Verdict | None:
        if self.status != ReportStatus.DONE:
            return None
        return verdict_for(self.copy_ratio_excluding_common)

    def is_author(self, user: User) -> bool:
        return self.writing.is_author(user)

    # Each of these is one UPDATE in autocommit: the row is never locked while the engine runs.

    def set_progress(self, progress: int, message: str = "", **values: Any) -> None:
        self._update(progress=max(0, min(100, int(progress))), message=message[:500], **values)

    def _update(self, **values: Any) -> None:
        Report.objects.filter(pk=self.pk).update(**values)
        for name, value in values.items():
            setattr(self, name, value)


class ReferenceQuerySet(models.QuerySet["ReferenceText"]):
    def active(self) -> ReferenceQuerySet:
        return self.filter(removed_at__isnull=True)


class ReferenceText(models.Model):
    """A template essay (范文) the programme's writings are checked against."""

    title = models.CharField("标题", max_length=200)
    source_note = models.CharField("来源说明", max_length=200, blank=True)
    text = models.TextField("正文")
    chars = models.PositiveIntegerField("字数", default=0)
    # Of the text with whitespace removed: the same essay uploaded twice is refused.
    sha256 = models.CharField("内容摘要", max_length=64)
    file_name = models.CharField("上传文件", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        "accounts.User", verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)
    removed_by = models.ForeignKey(
        "accounts.User",
        verbose_name="移除人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    removed_at = models.DateTimeField("移除时间", null=True, blank=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = "参考范文"
        verbose_name_plural = "参考范文"
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["sha256"],
                condition=Q(removed_at__isnull=True),
                name="reference_text_unique_active",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("similarity:reference_detail", args=[self.pk])

    @property
    def index_id(self) -> str:
        return f"r{self.pk}"
