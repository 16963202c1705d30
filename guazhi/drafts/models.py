"""A generated term-summary draft (挂职总结初稿), kept so that its citations stay on the draft
page while the cadre writes: the writing itself carries no machine markup.

The composition lives in `guazhi.drafts.compose` (pure) over `guazhi.drafts.records`; this
model stores the result as JSON (`guazhi.drafts.draft.Draft.to_json`). Changes go through
`guazhi.drafts.actions`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.urls import reverse
from django.utils import timezone

from guazhi.roster.models import Secondment

if TYPE_CHECKING:
    from guazhi.accounts.models import User
    from guazhi.drafts.draft import Draft


class SummaryDraftQuerySet(models.QuerySet["SummaryDraft"]):
    def visible_to(self, user: User) -> SummaryDraftQuerySet:
        """A draft is the cadre's own working material: only its cadre sees it (liaisons see
        the writing once it is submitted)."""
        if not user.is_cadre or not user.cadre_id:
            return self.none()
        return self.filter(secondment__cadre_id=user.cadre_id)


class SummaryDraft(models.Model):
    secondment = models.ForeignKey(
        Secondment,
        verbose_name="挂职任职",
        on_delete=models.CASCADE,
        related_name="summary_drafts",
    )
    # Draft.to_json(): title, meta (period), sections → paragraphs → sentences with sources.
    content = models.JSONField("内容", default=dict)
    generated_at = models.DateTimeField("生成时间", default=timezone.now)
    generated_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    polished_at = models.DateTimeField("润色时间", null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = SummaryDraftQuerySet.as_manager()

    class Meta:
        verbose_name = "挂职总结初稿"
        verbose_name_plural = "挂职总结初稿"
        ordering = ["-generated_at", "-pk"]
        indexes = [models.Index(fields=["secondment", "-generated_at"], name="draft_sec_time")]

    def __str__(self) -> str:
        return f"挂职总结初稿（{timezone.localtime(self.generated_at):%Y-%m-%d %H:%M}）"

    def get_absolute_url(self) -> str:
        return reverse("drafts:draft_detail", args=[self.pk])

    @property
    def draft(self) -> Draft:
        from guazhi.drafts.draft import Draft

        return Draft.from_json(self.content)
