"""Key projects (重点项目) a cadre pushes through their approval procedures (手续节点).

A project belongs to a secondment (the cadre pushing it, at the host unit of the time), the
same way a ledger entry does; `Project.objects.visible_to(user)` is built on
`Secondment.objects.visible_to(user)`, so projects, the ledger and the roster never disagree.
Its milestones are copied from a `MilestoneTemplate` when the project is created, then edited
one by one. Changes go through `guazhi.projects.actions`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from guazhi.ledger.models import Entry
from guazhi.roster.models import PROGRAMME_DATE_VALIDATORS, Secondment, Unit

if TYPE_CHECKING:
    from guazhi.accounts.models import User

MAX_INVESTMENT = Decimal("99999999.99")  # 万元: about a trillion yuan


# --- Templates -----------------------------------------------------------------------------------


class MilestoneTemplate(models.Model):
    """A named list of procedure steps (立项, 用地预审, 环评…), kept by the programme admin."""

    name = models.CharField("模板名称", max_length=50, unique=True)
    is_default = models.BooleanField("默认模板", default=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "手续节点模板"
        verbose_name_plural = "手续节点模板"
        ordering = ["-is_default", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:template_edit", args=[self.pk])


class MilestoneTemplateStep(models.Model):
    template = models.ForeignKey(MilestoneTemplate, on_delete=models.CASCADE, related_name="steps")
    name = models.CharField("节点名称", max_length=30)
    sort_order = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "模板节点"
        verbose_name_plural = "模板节点"
        ordering = ["template_id", "sort_order", "pk"]

    def __str__(self) -> str:
        return self.name


# --- Projects ------------------------------------------------------------------------------------


class ProjectQuerySet(models.QuerySet["Project"]):
    def visible_to(self, user: User) -> ProjectQuerySet:
        """Admin: all; host liaison: projects of secondments to their units; home liaison: of
        their cadres (read-only); cadre: their own; IT admins: none — the roster's rule."""
        if user.is_programme_admin:
            return self.all()
        if not user.has_business_role:
            return self.none()
        if user.is_cadre:
            return self.filter(secondment__cadre_id=user.cadre_id)
        return self.filter(secondment__in=Secondment.objects.visible_to(user).values("pk"))

    def with_related(self) -> ProjectQuerySet:
        return self.select_related(
            "secondment__cadre", "secondment__host_unit", "owner_unit", "template"
        )

    def with_overdue_count(self, today: date | None = None) -> ProjectQuerySet:
        """Annotate `overdue_count`: milestones whose planned date has passed, not done."""
        today = today or timezone.localdate()
        return self.annotate(
            overdue_count=Count(
                "milestones",
                filter=Q(milestones__planned_date__lt=today)
                & ~Q(milestones__status=MilestoneStatus.DONE),
            )
        )


class Project(models.Model):
    secondment = models.ForeignKey(
        Secondment,
        verbose_name="负责干部（挂职任职）",
        on_delete=models.PROTECT,
        related_name="projects",
    )
    name = models.CharField("项目名称", max_length=100)
    investment = models.DecimalField(
        "总投资（万元）",
        max_digits=12,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal(0), "总投资不能为负数。"),
            MaxValueValidator(MAX_INVESTMENT, "总投资数值过大，请核对单位是否为万元。"),
        ],
    )
    owner_unit = models.ForeignKey(
        Unit,
        verbose_name="责任单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    target_date = models.DateField(
        "目标日期", null=True, blank=True, validators=PROGRAMME_DATE_VALIDATORS
    )
    target = models.CharField("目标", max_length=100, blank=True)
    description = models.TextField("项目简介", max_length=3000, blank=True)
    template = models.ForeignKey(
        MilestoneTemplate,
        verbose_name="手续节点模板",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = "重点项目"
        verbose_name_plural = "重点项目"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="project_investment_not_negative", condition=Q(investment__gte=0)
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:project_detail", args=[self.pk])

    def is_editable_by(self, user: User) -> bool:
        """Only the cadre pushing the project edits it, its milestones and its progress log."""
        return bool(user.is_cadre and user.cadre_id == self.secondment.cadre_id)


# --- Milestones ----------------------------------------------------------------------------------


class MilestoneStatus(models.TextChoices):
    NOT_STARTED = "not_started", "未开始"
    IN_PROGRESS = "in_progress", "办理中"
    DONE = "done", "已完成"
    BLOCKED = "blocked", "受阻"


class MilestoneQuerySet(models.QuerySet["Milestone"]):
    def visible_to(self, user: User) -> MilestoneQuerySet:
        """The milestones of the projects the user may see (the admin's need no subquery)."""
        if user.is_programme_admin:
            return self.all()
        return self.filter(project__in=Project.objects.visible_to(user).values("pk"))

    def overdue(self, today: date | None = None) -> MilestoneQuerySet:
        today = today or timezone.localdate()
        # Listed statuses rather than "not done": the (status, planned_date) index serves it.
        open_statuses = [s for s in MilestoneStatus if s != MilestoneStatus.DONE]
        return self.filter(planned_date__lt=today, status__in=open_statuses)


class Milestone(models.Model):
    """One procedure step of a project, copied from its template on creation."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField("节点名称", max_length=30)
    sort_order = models.PositiveIntegerField("顺序", default=0)
    status = models.CharField(
        "状态", max_length=12, choices=MilestoneStatus.choices, default=MilestoneStatus.NOT_STARTED
    )
    planned_date = models.DateField(
        "计划完成日期", null=True, blank=True, validators=PROGRAMME_DATE_VALIDATORS
    )
    done_date = models.DateField(
        "实际完成日期", null=True, blank=True, validators=PROGRAMME_DATE_VALIDATORS
    )
    note = models.CharField("备注", max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = "手续节点"
        verbose_name_plural = "手续节点"
        ordering = ["project_id", "sort_order", "pk"]
        indexes = [
            models.Index(fields=["status", "planned_date"], name="milestone_overdue"),
            # The most overdue first: walked in date order until enough open ones are found.
            models.Index(fields=["planned_date"], name="milestone_planned"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.status == MilestoneStatus.DONE and not self.done_date:
            errors["done_date"] = "状态为“已完成”时，请填写实际完成日期。"
        if self.done_date and self.status != MilestoneStatus.DONE:
            errors["done_date"] = "只有“已完成”的节点才填写实际完成日期。"
        if self.done_date and self.done_date > timezone.localdate():
            errors["done_date"] = "实际完成日期不能晚于今天。"
        if errors:
            raise ValidationError(errors)

    def is_overdue(self, today: date | None = None) -> bool:
        """The planned date has passed and the step is not done."""
        today = today or timezone.localdate()
        return bool(
            self.planned_date and self.planned_date < today and self.status != MilestoneStatus.DONE
        )

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    @property
    def overdue_days(self) -> int:
        if not self.is_overdue() or self.planned_date is None:
            return 0
        return (timezone.localdate() - self.planned_date).days


# --- Progress log --------------------------------------------------------------------------------


class ProjectUpdate(models.Model):
    """A dated line of the progress log, optionally pointing at the ledger entry that records
    the work (one of the cadre's own entries)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField("日期", validators=PROGRAMME_DATE_VALIDATORS)
    text = models.TextField("进展情况", max_length=2000)
    entry = models.ForeignKey(
        Entry,
        verbose_name="关联工作纪实",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Blank only for demo data seeded for cadres who have no account yet.
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "项目进展"
        verbose_name_plural = "项目进展"
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.text[:20]}"
