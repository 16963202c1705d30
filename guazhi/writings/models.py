"""Writings (材料): reflections, exchange speeches, quarterly and term summaries.

A cohort's `WritingRequirement` rows say which writings are due and when (the programme admin
edits them; `ensure_plan` gives a new cohort a default set). A cadre's `Writing` belongs to their
secondment, has a kind and, usually, the requirement it answers. Its body is structured (JSON
blocks, see `guazhi.lib.writing_text`) with the plain text beside it for checking and search.
Every manual save, upload and submission freezes a `WritingVersion`, which is never changed;
every step of the workflow is a `WritingEvent`. Who may do what is `ROLE_TRANSITIONS` below and
`Writing.allowed_actions(user)`; who may see what is `Writing.objects.visible_to(user)`. Changes
go through `guazhi.writings.actions`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from guazhi.accounts.models import Role
from guazhi.lib.soft_delete import LiveManager
from guazhi.roster.models import Cohort, Secondment

if TYPE_CHECKING:
    from guazhi.accounts.models import User


class WritingKind(models.TextChoices):
    REFLECTION = "reflection", "心得体会"
    SPEECH = "speech", "交流发言"
    QUARTERLY = "quarterly", "季度小结"
    TERM_SUMMARY = "term_summary", "挂职总结"


# --- What a cohort requires ----------------------------------------------------------------------


class WritingPlan(models.Model):
    """Marks that a cohort's requirements were set up (with the default set), so that a cohort
    whose admin removed every requirement is not given the defaults again."""

    cohort = models.OneToOneField(
        Cohort, verbose_name="批次", on_delete=models.CASCADE, related_name="writing_plan"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "材料要求设置"
        verbose_name_plural = "材料要求设置"

    def __str__(self) -> str:
        return f"{self.cohort} 材料要求"


class WritingRequirement(models.Model):
    """One writing a cohort's cadres owe, with its due date: 第一季度小结 by 6 月 10 日."""

    cohort = models.ForeignKey(
        Cohort, verbose_name="批次", on_delete=models.CASCADE, related_name="writing_requirements"
    )
    kind = models.CharField("材料类型", max_length=16, choices=WritingKind.choices)
    title = models.CharField("名称", max_length=50)
    due_date = models.DateField("截止日期")
    note = models.CharField("说明", max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "材料要求"
        verbose_name_plural = "材料要求"
        ordering = ["due_date", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "title"], name="writing_requirement_title_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.due_date:%Y-%m-%d} 前）"


# --- Writings ------------------------------------------------------------------------------------


class WritingStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    RETURNED = "returned", "已退回"
    ACCEPTED = "accepted", "已通过"


class WritingAction(models.TextChoices):
    SUBMIT = "submit", "提交"
    RETURN = "return", "退回"
    ACCEPT = "accept", "通过"


# The workflow, per role: (status, action) → new status. The cadre acts only on their own
# writings, the host liaison only on writings of cadres posted to their unit (or below it); the
# programme admin on all. Nothing else moves a writing: there is no way back from 已通过.
ROLE_TRANSITIONS: dict[str, dict[tuple[str, str], str]] = {
    Role.CADRE: {
        (WritingStatus.DRAFT, WritingAction.SUBMIT): WritingStatus.SUBMITTED,
        (WritingStatus.RETURNED, WritingAction.SUBMIT): WritingStatus.SUBMITTED,
    },
    Role.HOST_LIAISON: {
        (WritingStatus.SUBMITTED, WritingAction.RETURN): WritingStatus.RETURNED,
        (WritingStatus.SUBMITTED, WritingAction.ACCEPT): WritingStatus.ACCEPTED,
    },
    Role.PROGRAMME_ADMIN: {
        (WritingStatus.SUBMITTED, WritingAction.RETURN): WritingStatus.RETURNED,
        (WritingStatus.SUBMITTED, WritingAction.ACCEPT): WritingStatus.ACCEPTED,
    },
}

EDITABLE_STATUSES = (WritingStatus.DRAFT, WritingStatus.RETURNED)


class WritingSource(models.TextChoices):
    EDITOR = "editor", "在线撰写"
    DOCX = "docx", "Word 文档"
    DOC = "doc", "Word 97-2003 / WPS 文档"
    PDF = "pdf", "PDF 文件"
    TXT = "txt", "文本文件"


class WritingQuerySet(models.QuerySet["Writing"]):
    def visible_to(self, user: User) -> WritingQuerySet:
        """The author sees their own writings in every state. Everyone else sees a writing once it
        has been submitted (a draft is the author's own business): the programme admin all of
        them, liaisons those of the secondments they see (the roster's rule), other cadres none
        (sharing with the cohort comes with the shared library). IT admins: none."""
        if not user.has_business_role:
            return self.none()
        if user.is_cadre:
            return self.filter(secondment__cadre_id=user.cadre_id)
        submitted = self.exclude(status=WritingStatus.DRAFT)
        if user.is_programme_admin:
            return submitted
        return submitted.filter(secondment__in=Secondment.objects.visible_to(user).values("pk"))

    def to_decide_for(self, user: User) -> WritingQuerySet:
        """Submitted writings waiting for this user's decision."""
        if not (user.is_programme_admin or user.is_host_liaison):
            return self.none()
        return self.visible_to(user).filter(status=WritingStatus.SUBMITTED)

    def with_related(self) -> WritingQuerySet:
        return self.select_related(
            "secondment__cadre",
            "secondment__cadre__home_unit",
            "secondment__host_unit",
            "secondment__cohort",
            "requirement",
        )


class Writing(models.Model):
    """One writing of a cadre. `title`, `body` and `text` are the working copy (the author's
    latest draft); readers other than the author are shown the last submitted version."""

    secondment = models.ForeignKey(
        Secondment, verbose_name="挂职任职", on_delete=models.PROTECT, related_name="writings"
    )
    kind = models.CharField("材料类型", max_length=16, choices=WritingKind.choices)
    requirement = models.ForeignKey(
        WritingRequirement,
        verbose_name="对应要求",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="writings",
    )
    title = models.CharField("标题", max_length=100)
    # A list of blocks: {"type": "heading", "level": 1|2, "text"}, {"type": "paragraph",
    # "text"}, {"type": "table", "rows": [[cell, …], …]} (see guazhi.lib.writing_text).
    body = models.JSONField("正文", default=list, blank=True)
    text = models.TextField("正文（纯文本）", blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=WritingStatus.choices, default=WritingStatus.DRAFT
    )
    source = models.CharField(
        "来源", max_length=8, choices=WritingSource.choices, default=WritingSource.EDITOR
    )
    source_name = models.CharField("上传文件名", max_length=200, blank=True)
    # Optimistic concurrency: every change (autosaves too) adds one; an editor carries the
    # version it loaded, so two tabs cannot silently overwrite each other.
    version = models.PositiveIntegerField("版本", default=1)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        "accounts.User",
        verbose_name="审阅人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("审阅时间", null=True, blank=True)
    return_comment = models.TextField("退回意见", blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # In the recycle bin (guazhi/retention): left out by `objects`, restorable.
    deleted_at = models.DateTimeField("删除时间", null=True, blank=True, db_index=True)
    deleted_by = models.ForeignKey(
        "accounts.User",
        verbose_name="删除人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = LiveManager.from_queryset(WritingQuerySet)()
    all_objects = WritingQuerySet.as_manager()

    class Meta:
        verbose_name = "材料"
        verbose_name_plural = "材料"
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="writing_status_submitted"),
            models.Index(fields=["secondment", "kind"], name="writing_secondment_kind"),
        ]
        constraints = [
            # A requirement (第一季度小结) is answered by one writing per secondment.
            models.UniqueConstraint(
                fields=["secondment", "requirement"],
                # A deleted one (in the recycle bin) leaves room for a new one.
                condition=Q(requirement__isnull=False, deleted_at__isnull=True),
                name="one_writing_per_requirement",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("writings:writing_detail", args=[self.pk])

    def is_author(self, user: User) -> bool:
        return bool(user.is_cadre and user.cadre_id == self.secondment.cadre_id)

    def is_reviewer(self, user: User) -> bool:
        """The host liaison of the secondment's host unit (or a unit above it), or the admin."""
        if user.is_programme_admin:
            return True
        return bool(
            user.is_host_liaison
            and user.unit is not None
            and self.secondment.host_unit.path.startswith(user.unit.path)
        )

    def is_editable_by(self, user: User) -> bool:
        """The author edits a draft, or a writing returned to them; nobody else edits."""
        return self.is_author(user) and self.status in EDITABLE_STATUSES

    def next_status(self, user: User, action: str) -> str | None:
        """The status `action` by `user` leads to, or None if the table or scope refuses it."""
        target = ROLE_TRANSITIONS.get(user.role, {}).get((self.status, action))
        if target is None:
            return None
        in_scope = self.is_author(user) if user.is_cadre else self.is_reviewer(user)
        return target if in_scope else None

    def allowed_actions(self, user: User) -> list[WritingAction]:
        return [a for a in WritingAction if self.next_status(user, a) is not None]

    def is_late(self) -> bool:
        """Submitted (or still not submitted) after the requirement's due date."""
        if self.requirement is None:
            return False
        moment = self.submitted_at or timezone.now()
        return timezone.localdate(moment) > self.requirement.due_date


# --- Versions and history ------------------------------------------------------------------------


class VersionQuerySet(models.QuerySet["WritingVersion"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("材料的历史版本不能修改。")

    def visible_to(self, user: User) -> VersionQuerySet:
        """The author sees every version of their writings; other readers the submitted ones."""
        writings = Writing.objects.visible_to(user).values("pk")
        versions = self.filter(writing__in=writings)
        if user.is_cadre:
            return versions
        return versions.filter(is_submission=True)


class WritingVersion(models.Model):
    """A frozen copy of a writing: made by a manual save, an upload and every submission (the
    copy the reviewer decides on and the originality check reads). Never changed."""

    writing = models.ForeignKey(Writing, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    title = models.CharField("标题", max_length=100)
    body = models.JSONField("正文", default=list)
    text = models.TextField("正文（纯文本）", blank=True)
    source = models.CharField("来源", max_length=8, choices=WritingSource.choices)
    source_name = models.CharField("上传文件名", max_length=200, blank=True)
    is_submission = models.BooleanField("提交版本", default=False)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = VersionQuerySet.as_manager()

    class Meta:
        verbose_name = "材料版本"
        verbose_name_plural = "材料版本"
        ordering = ["writing_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["writing", "number"], name="writing_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title}（第 {self.number} 版）"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("材料的历史版本不能修改。")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("writings:version_detail", args=[self.pk])

    @property
    def char_count(self) -> int:
        return sum(1 for c in self.text if not c.isspace())


class EventAction(models.TextChoices):
    CREATE = "create", "新建"
    SAVE = "save", "保存"
    UPLOAD = "upload", "上传文件"
    SUBMIT = "submit", "提交"
    RETURN = "return", "退回"
    ACCEPT = "accept", "通过"


class WritingEvent(models.Model):
    """One step in a writing's history, written by the action in the same transaction."""

    writing = models.ForeignKey(Writing, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("操作", max_length=10, choices=EventAction.choices)
    actor = models.ForeignKey(
        "accounts.User", verbose_name="操作人", on_delete=models.PROTECT, related_name="+"
    )
    time = models.DateTimeField("时间", default=timezone.now)
    from_status = models.CharField("原状态", max_length=12, choices=WritingStatus.choices)
    to_status = models.CharField("新状态", max_length=12, choices=WritingStatus.choices)
    version_number = models.PositiveIntegerField("版本号", null=True, blank=True)
    comment = models.TextField("意见", blank=True)

    class Meta:
        verbose_name = "材料处理记录"
        verbose_name_plural = "材料处理记录"
        ordering = ["time", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.writing_id}"
