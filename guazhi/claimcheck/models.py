"""One claims check per submitted writing version, holding its findings.

Findings are stored as JSON (`matching.Finding.to_dict`): the claim's offsets into the version's
frozen text, the outcome, what the ledger held and the evidence as record ids. Which of those
records a viewer may open is decided when the check is shown, never stored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.urls import reverse
from django.utils import timezone

from guazhi.writings.models import Writing, WritingVersion

if TYPE_CHECKING:
    from guazhi.accounts.models import User

    from .matching import Finding, Summary


class CheckStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class ClaimCheckQuerySet(models.QuerySet["ClaimCheck"]):
    def visible_to(self, user: User) -> ClaimCheckQuerySet:
        """The author, and every reader of the writing who is not a cadre: the programme admin,
        the host liaison who decides it, the home liaison (read-only). Another cadre never."""
        if not user.has_business_role:
            return self.none()
        if user.is_cadre:
            return self.filter(writing__secondment__cadre_id=user.cadre_id or 0)
        return self.filter(writing__in=Writing.objects.visible_to(user).values("pk"))


class ClaimCheck(models.Model):
    version = models.OneToOneField(
        WritingVersion,
        verbose_name="材料版本",
        on_delete=models.PROTECT,
        related_name="claim_check",
    )
    # The version's writing, so that a writing's page finds its latest check without a join.
    writing = models.ForeignKey(
        Writing, verbose_name="材料", on_delete=models.PROTECT, related_name="claim_checks"
    )
    status = models.CharField(
        "状态", max_length=10, choices=CheckStatus.choices, default=CheckStatus.QUEUED
    )
    message = models.CharField("说明", max_length=300, blank=True)
    period_start = models.DateField("核对期间起", null=True, blank=True)
    period_end = models.DateField("核对期间止", null=True, blank=True)
    # [Finding.to_dict()…] in the order of the text.
    findings = models.JSONField("核对结果", default=list, blank=True)
    total = models.PositiveIntegerField("数字", default=0)
    supported = models.PositiveIntegerField("有台账依据", default=0)
    unsupported = models.PositiveIntegerField("无依据", default=0)
    contradicted = models.PositiveIntegerField("与台账不符", default=0)
    runs = models.PositiveSmallIntegerField("核对次数", default=0)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    checked_at = models.DateTimeField("核对时间", null=True, blank=True)

    objects = ClaimCheckQuerySet.as_manager()

    class Meta:
        verbose_name = "数字核对"
        verbose_name_plural = "数字核对"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.version} 数字核对"

    def get_absolute_url(self) -> str:
        return reverse("claimcheck:version_check", args=[self.version_id])

    @property
    def is_done(self) -> bool:
        return self.status == CheckStatus.DONE

    def finding_list(self) -> list[Finding]:
        from .matching import Finding

        return [Finding.from_dict(item) for item in self.findings]

    def summary(self) -> Summary:
        from .matching import Summary

        return Summary(
            total=self.total,
            supported=self.supported,
            unsupported=self.unsupported,
            contradicted=self.contradicted,
        )

    def counts(self) -> dict[str, Any]:
        return {
            "数字": self.total,
            "有台账依据": self.supported,
            "无依据": self.unsupported,
            "与台账不符": self.contradicted,
        }
