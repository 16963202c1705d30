"""The cohort's shared library (交流): accepted writings their authors share with the cohort, and
the cohort's comments on them, moderated by the programme admin.

Who sees a shared writing is `Share.objects.visible_to(user)`: the cadres of its cohort, the
liaisons whose scope holds its author's secondment, the programme admin. Who sees a comment is
`Comment.objects.visible_to(user)`: what the viewer may see of a shared writing, less the
comments the admin hid (the admin and the comment's author still see those, marked). Changes go
through `guazhi.library.actions`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.urls import reverse
from django.utils import timezone

from guazhi.roster.models import Cohort, Secondment
from guazhi.writings.models import Writing, WritingStatus

if TYPE_CHECKING:
    from guazhi.accounts.models import User

MAX_COMMENT = 1000


def cohort_ids_of(user: User) -> models.QuerySet[Secondment, Any]:
    """The cohorts a cadre belongs to (a cadre may have been seconded more than once)."""
    return Secondment.objects.filter(cadre_id=user.cadre_id or 0).values("cohort_id")


class ShareQuerySet(models.QuerySet["Share"]):
    def active(self) -> ShareQuerySet:
        # A writing in the recycle bin leaves the library until it is restored.
        return self.filter(is_active=True, writing__deleted_at__isnull=True)

    def visible_to(self, user: User) -> ShareQuerySet:
        """Shared (not withdrawn) writings: a cadre sees their cohorts'; a liaison those whose
        author's secondment they see (the roster's rule); the programme admin all; IT admins
        none."""
        if not user.has_business_role:
            return self.none()
        shares = self.active()
        if user.is_programme_admin:
            return shares
        if user.is_cadre:
            return shares.filter(cohort_id__in=cohort_ids_of(user))
        return shares.filter(
            writing__secondment__in=Secondment.objects.visible_to(user).values("pk")
        )

    def with_related(self) -> ShareQuerySet:
        return self.select_related(
            "writing__secondment__cadre",
            "writing__secondment__host_unit",
            "cohort",
        )


class Share(models.Model):
    """An accepted writing its author shared with their cohort. Withdrawing keeps the row
    (and its comments) with `is_active` off; sharing again turns it back on."""

    writing = models.OneToOneField(
        Writing, verbose_name="材料", on_delete=models.PROTECT, related_name="share"
    )
    # The writing's cohort, kept here so the library filters and scopes without joins.
    cohort = models.ForeignKey(
        Cohort, verbose_name="批次", on_delete=models.PROTECT, related_name="shares"
    )
    is_active = models.BooleanField("分享中", default=True)
    shared_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    shared_at = models.DateTimeField("分享时间", default=timezone.now)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    objects = ShareQuerySet.as_manager()

    class Meta:
        verbose_name = "交流材料"
        verbose_name_plural = "交流材料"
        ordering = ["-shared_at", "-pk"]
        indexes = [
            models.Index(fields=["cohort", "is_active", "-shared_at"], name="share_cohort_list"),
            models.Index(fields=["is_active", "-shared_at"], name="share_list"),
        ]

    def __str__(self) -> str:
        return self.writing.title

    def get_absolute_url(self) -> str:
        return reverse("library:share_detail", args=[self.pk])

    def may_comment(self, user: User) -> bool:
        """Cadres of the writing's cohort comment; liaisons and the admin read (the admin
        moderates)."""
        return bool(
            self.is_active
            and user.is_cadre
            and Secondment.objects.filter(
                cadre_id=user.cadre_id or 0, cohort_id=self.cohort_id
            ).exists()
        )


def may_share(writing: Writing, user: User) -> bool:
    """Only the author shares, and only an accepted writing: what the host accepted is what the
    cohort reads. The admin does not share on a cadre's behalf (it is the author's choice)."""
    return writing.status == WritingStatus.ACCEPTED and writing.is_author(user)


class CommentQuerySet(models.QuerySet["Comment"]):
    def visible_to(self, user: User) -> CommentQuerySet:
        comments = self.filter(share__in=Share.objects.visible_to(user).values("pk"))
        if user.is_programme_admin:
            return comments
        return comments.filter(models.Q(is_hidden=False) | models.Q(author_id=user.pk))


class Comment(models.Model):
    share = models.ForeignKey(
        Share, verbose_name="交流材料", on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        "accounts.User", verbose_name="评论人", on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField("评论", max_length=MAX_COMMENT)
    created_at = models.DateTimeField("时间", default=timezone.now)
    is_hidden = models.BooleanField("已隐藏", default=False)
    hidden_by = models.ForeignKey(
        "accounts.User",
        verbose_name="隐藏人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    hidden_at = models.DateTimeField("隐藏时间", null=True, blank=True)
    hide_reason = models.CharField("隐藏原因", max_length=200, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = "交流评论"
        verbose_name_plural = "交流评论"
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["share", "created_at"], name="comment_share_time"),
            models.Index(fields=["is_hidden", "-created_at"], name="comment_moderation"),
        ]

    def __str__(self) -> str:
        return self.text[:30]
