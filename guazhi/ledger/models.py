"""The work ledger (工作纪实/台账): dated entries by category, with structured figures,
attachments and a history of every change, confirmed or returned by the host liaison.

Rules about one entry live on `Entry` (who may edit or confirm it); which entries a user may see
is `Entry.objects.visible_to(user)`, built on `Secondment.objects.visible_to(user)` so that the
ledger and the roster never disagree. Changes go through `guazhi.ledger.actions`.
"""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from guazhi.lib.soft_delete import LiveManager
from guazhi.roster.models import Secondment, Unit

if TYPE_CHECKING:
    from guazhi.accounts.models import User

MAX_FIGURE = Decimal("999999999999.99")


# --- Categories and their figure fields ----------------------------------------------------------


class Category(models.Model):
    """A kind of work (企业帮扶, 信访接待…): a list the programme admin manages."""

    name = models.CharField("类别", max_length=20, unique=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "纪实类别"
        verbose_name_plural = "纪实类别"
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.name


class FigureKind(models.TextChoices):
    INTEGER = "integer", "整数"
    DECIMAL = "decimal", "小数"


class FigureField(models.Model):
    """One figure a category records, e.g. 走访企业 (家), 协调贷款 (万元)."""

    category = models.ForeignKey(
        Category, verbose_name="类别", on_delete=models.CASCADE, related_name="figure_fields"
    )
    key = models.SlugField("代码", max_length=40)
    label = models.CharField("名称", max_length=20)
    unit = models.CharField("单位", max_length=10)
    kind = models.CharField(
        "数值类型", max_length=10, choices=FigureKind.choices, default=FigureKind.INTEGER
    )
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "数据项"
        verbose_name_plural = "数据项"
        ordering = ["category_id", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "key"], name="figure_key_unique_in_category"
            )
        ]

    def __str__(self) -> str:
        return f"{self.label}（{self.unit}）"

    def clean_value(self, value: object) -> Decimal:
        """The value as a Decimal, or a Chinese ValidationError: a number, not negative, whole
        for counted things, two decimals at most for amounts."""
        if isinstance(value, float):
            value = str(value)
        try:
            number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            raise ValidationError(f"“{self.label}”应填写数字。") from None
        if not number.is_finite():
            raise ValidationError(f"“{self.label}”应填写数字。")
        if number < 0:
            raise ValidationError(f"“{self.label}”不能为负数。")
        if number > MAX_FIGURE:
            raise ValidationError(f"“{self.label}”数值过大，请核对。")
        if self.kind == FigureKind.INTEGER and number != number.to_integral_value():
            raise ValidationError(f"“{self.label}”应填写整数（单位：{self.unit}）。")
        if number != number.quantize(Decimal("0.01")):
            raise ValidationError(f"“{self.label}”最多保留两位小数。")
        return number.quantize(Decimal("0.01"))


# --- Entries -------------------------------------------------------------------------------------


class EntryStatus(models.TextChoices):
    PENDING = "pending", "待确认"
    CONFIRMED = "confirmed", "已确认"
    RETURNED = "returned", "已退回"


class EntryQuerySet(models.QuerySet["Entry"]):
    def visible_to(self, user: User) -> EntryQuerySet:
        """Admin: all; host liaison: entries of secondments to their units; home liaison: of
        their cadres (read-only); cadre: their own; IT admins: none — the roster's rule."""
        if user.is_programme_admin:
            return self.all()
        if not user.has_business_role:
            return self.none()
        if user.is_cadre:
            return self.filter(secondment__cadre_id=user.cadre_id)
        return self.filter(secondment__in=Secondment.objects.visible_to(user).values("pk"))

    def pending_for(self, user: User) -> EntryQuerySet:
        """The 待确认 queue: entries this user may confirm and that wait for it."""
        if not (user.is_programme_admin or user.is_host_liaison):
            return self.none()
        return self.visible_to(user).filter(status=EntryStatus.PENDING)

    def with_related(self) -> EntryQuerySet:
        return self.select_related(
            "secondment__cadre",
            "secondment__host_unit",
            "secondment__cohort",
            "category",
            "place_unit",
        )


class Entry(models.Model):
    """One piece of work a cadre did on post. It belongs to the secondment (not the cadre),
    so the host unit and cohort of the time are known. Key projects, paired contacts and
    problems can point at it with a foreign key."""

    secondment = models.ForeignKey(
        Secondment, verbose_name="挂职任职", on_delete=models.PROTECT, related_name="ledger_entries"
    )
    date = models.DateField("日期")
    category = models.ForeignKey(
        Category, verbose_name="类别", on_delete=models.PROTECT, related_name="entries"
    )
    place_unit = models.ForeignKey(
        Unit,
        verbose_name="地点（单位或村）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    place_text = models.CharField("地点（其他）", max_length=100, blank=True)
    title = models.CharField("标题", max_length=100)
    text = models.TextField("工作内容", max_length=5000)
    tags = models.CharField("标签", max_length=200, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=EntryStatus.choices, default=EntryStatus.PENDING
    )
    confirmed_by = models.ForeignKey(
        "accounts.User",
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    return_comment = models.TextField("退回意见", blank=True)
    # Optimistic concurrency: every change adds one; a form carries the version it showed.
    version = models.PositiveIntegerField("版本", default=1)
    # Chosen by the phone (or the form) when the entry is written: a resend is recognised.
    client_uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
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

    objects = LiveManager.from_queryset(EntryQuerySet)()
    all_objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = "工作纪实"
        verbose_name_plural = "工作纪实"
        ordering = ["-date", "-pk"]
        indexes = [
            # The admin's unfiltered list, newest first (the default order).
            models.Index(fields=["-date", "-id"], name="ledger_entry_date"),
            # A cadre's ledger and the timeline, newest first.
            models.Index(fields=["secondment", "-date"], name="ledger_entry_sec_date"),
            # The 待确认 queue and status filters.
            models.Index(fields=["status", "-date"], name="ledger_entry_status_date"),
            models.Index(fields=["category", "-date"], name="ledger_entry_cat_date"),
            # Category and status filtered together (a list of 已确认 企业帮扶 since a date):
            # the count and a deep page walk this index alone.
            models.Index(fields=["category", "status", "-date"], name="ledger_entry_cat_status"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("ledger:entry_detail", args=[self.pk])

    def clean(self) -> None:
        if self.place_unit_id and self.place_text:
            raise ValidationError({"place_text": "地点请在单位和其他地点中二选一。"})

    @property
    def place(self) -> str:
        return self.place_unit.name if self.place_unit else self.place_text

    @property
    def tag_list(self) -> list[str]:
        return split_tags(self.tags)

    def is_editable_by(self, user: User) -> bool:
        """Only the cadre edits their own entries."""
        return bool(user.is_cadre and user.cadre_id == self.secondment.cadre_id)

    def is_confirmable_by(self, user: User) -> bool:
        """The host liaison of the secondment's host unit (or a unit above it), or the admin."""
        if user.is_programme_admin:
            return True
        return bool(
            user.is_host_liaison
            and user.unit is not None
            and self.secondment.host_unit.path.startswith(user.unit.path)
        )


def split_tags(text: str) -> list[str]:
    """Tags typed with spaces, commas or 、 between them, without duplicates."""
    for sep in ("，", ",", "、", "；", ";", "#"):
        text = text.replace(sep, " ")
    return list(dict.fromkeys(t[:20] for t in text.split() if t))


class EntryFigure(models.Model):
    """A number with a unit (the unit is the field's), never free text."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="figures")
    field = models.ForeignKey(FigureField, verbose_name="数据项", on_delete=models.PROTECT)
    value = models.DecimalField("数值", max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = "纪实数据"
        verbose_name_plural = "纪实数据"
        ordering = ["field__sort_order", "field_id"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "field"], name="one_figure_per_field"),
            models.CheckConstraint(name="figure_not_negative", condition=Q(value__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.field.label} {self.display_value}{self.field.unit}"

    @property
    def display_value(self) -> str:
        """The value as typed: 800.5, 698 (no trailing zeros)."""
        text = f"{self.value:f}"
        return text.rstrip("0").rstrip(".") if "." in text else text

    @property
    def readable_value(self) -> str:
        """The value for reading, with thousands separators: 220,231.1."""
        text = f"{self.value:,f}"
        return text.rstrip("0").rstrip(".") if "." in text else text


# --- Attachments ---------------------------------------------------------------------------------


class AttachmentKind(models.TextChoices):
    IMAGE = "image", "图片"
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word 文档"


class Attachment(models.Model):
    """A file kept as evidence. Stored under MEDIA_ROOT and served only through a view that
    checks the entry's visibility; its type was decided by its content, not its name."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("文件", max_length=200)
    kind = models.CharField("类型", max_length=8, choices=AttachmentKind.choices)
    content_type = models.CharField(max_length=100)
    original_name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField(max_length=64)
    thumbnail = models.FileField("缩略图", max_length=200, blank=True)
    exif_time = models.DateTimeField("拍摄时间", null=True, blank=True)
    gps_kept = models.BooleanField("保留了位置信息", default=False)
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.kind == AttachmentKind.IMAGE


# --- History -------------------------------------------------------------------------------------


class RevisionAction(models.TextChoices):
    CREATE = "create", "填写"
    EDIT = "edit", "修改"
    CONFIRM = "confirm", "确认"
    RETURN = "return", "退回"
    ATTACH = "attach", "添加附件"
    DETACH = "detach", "删除附件"


class EntryRevision(models.Model):
    """One change of an entry: who, when, what (field → [before, after]), and the comment of a
    return. Written by the action that made the change, in the same transaction."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="revisions")
    action = models.CharField("操作", max_length=10, choices=RevisionAction.choices)
    actor = models.ForeignKey(
        "accounts.User", verbose_name="操作人", on_delete=models.PROTECT, related_name="+"
    )
    time = models.DateTimeField("时间", default=timezone.now)
    version = models.PositiveIntegerField("版本")
    changes = models.JSONField("变更内容", default=dict, blank=True)
    comment = models.TextField("意见", blank=True)

    class Meta:
        verbose_name = "纪实修改记录"
        verbose_name_plural = "纪实修改记录"
        ordering = ["time", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.entry_id}"


# The dashboards' running totals (tally_models.py), kept by guazhi.ledger.tallies.
from guazhi.ledger.tally_models import (  # noqa: E402, F401
    ProgrammeCategoryTally,
    ProgrammeFigureTally,
    ProgrammeWeekTally,
    SecondmentActivity,
    SecondmentCategoryTally,
    SecondmentFigureTally,
    SecondmentWeekTally,
)
