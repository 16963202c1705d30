"""Paired contacts (包联对象) with their contact log, and the problem list (问题清单).

One app, not two: a problem is found on a visit to a paired contact (or while doing the work a
ledger entry records), and both are the cadre's fieldwork with the same owners and the same
scoping — splitting them would put a foreign key across apps for no gain.

Everything belongs to a secondment, like a ledger entry; `visible_to(user)` on each model is
built on `Secondment.objects.visible_to(user)`, so these lists never disagree with the roster.
Households' and petitioners' phone and ID numbers are personal data: shown masked, in full only
on an audited reveal. Changes go through `guazhi.contacts.actions`.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from guazhi.ledger.models import Entry
from guazhi.lib.encrypted_fields import BlindIndexField, EncryptedCharField, index_fields_for
from guazhi.lib.identity import (
    InvalidValue,
    mask_id_number,
    mask_mobile,
    normalize_id_number,
    normalize_mobile,
)
from guazhi.roster.models import PROGRAMME_DATE_VALIDATORS, Secondment, Unit

if TYPE_CHECKING:
    from guazhi.accounts.models import User


class FieldworkQuerySet(models.QuerySet[Any]):
    """`visible_to` for models with a `secondment` foreign key: the roster's rule."""

    def visible_to(self, user: User) -> Any:
        if user.is_programme_admin:
            return self.all()
        if not user.has_business_role:
            return self.none()
        if user.is_cadre:
            return self.filter(secondment__cadre_id=user.cadre_id)
        return self.filter(secondment__in=Secondment.objects.visible_to(user).values("pk"))


# --- Paired contacts -----------------------------------------------------------------------------


class ContactKind(models.TextChoices):
    HOUSEHOLD = "household", "农户"
    ENTERPRISE = "enterprise", "企业"
    PETITIONER = "petitioner", "信访人"
    VILLAGE = "village", "村"


PERSONAL_KINDS = (ContactKind.HOUSEHOLD, ContactKind.PETITIONER)


class ContactQuerySet(FieldworkQuerySet):
    def with_related(self) -> ContactQuerySet:
        return self.select_related("secondment__cadre", "secondment__host_unit", "unit")


class Contact(models.Model):
    secondment = models.ForeignKey(
        Secondment,
        verbose_name="包联干部（挂职任职）",
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    kind = models.CharField("类型", max_length=12, choices=ContactKind.choices)
    name = models.CharField("名称", max_length=100)
    # Personal data of households and petitioners: masked in lists, full on an audited reveal.
    # Encrypted at rest; the digests (blind indexes) allow an exact lookup.
    phone = EncryptedCharField(
        "手机号", max_length=11, blank=True, context="contacts_contact.phone"
    )
    id_number = EncryptedCharField(
        "身份证号", max_length=18, blank=True, context="contacts_contact.id_number"
    )
    phone_digest = BlindIndexField(source="phone", db_index=True)
    id_number_digest = BlindIndexField(source="id_number", db_index=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name="所在村（社区）或单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField("地址", max_length=100, blank=True)
    note = models.TextField("基本情况", max_length=2000, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = "包联对象"
        verbose_name_plural = "包联对象"
        ordering = ["kind", "name", "pk"]
        indexes = [models.Index(fields=["secondment", "kind"], name="contact_sec_kind")]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *index_fields_for(Contact, update_fields)}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("contacts:contact_detail", args=[self.pk])

    def clean(self) -> None:
        """Phone and ID numbers only for households and petitioners, and valid ones."""
        errors: dict[str, str] = {}
        if self.kind not in PERSONAL_KINDS:
            if self.phone:
                errors["phone"] = "只有农户和信访人登记手机号，企业和村请写在“基本情况”里。"
            if self.id_number:
                errors["id_number"] = "只有农户和信访人登记身份证号。"
        if self.phone and "phone" not in errors:
            try:
                self.phone = normalize_mobile(self.phone)
            except InvalidValue as e:
                errors["phone"] = str(e)
        if self.id_number and "id_number" not in errors:
            try:
                self.id_number = normalize_id_number(self.id_number)
            except InvalidValue as e:
                errors["id_number"] = str(e)
        if errors:
            raise ValidationError(errors)

    @property
    def has_personal_data(self) -> bool:
        return bool(self.phone or self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_mobile(self.phone)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    def is_editable_by(self, user: User) -> bool:
        """Only the cadre the contact is paired with edits it and logs visits."""
        return bool(user.is_cadre and user.cadre_id == self.secondment.cadre_id)

    def may_reveal(self, user: User) -> bool:
        """Full phone and ID numbers: the paired cadre and the programme admin."""
        return self.has_personal_data and (
            user.may_reveal_personal_data or self.is_editable_by(user)
        )


class VisitMethod(models.TextChoices):
    VISIT = "visit", "走访"
    PHONE = "phone", "电话"
    MEETING = "meeting", "座谈"


class ContactVisit(models.Model):
    """One line of the contact log."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="visits")
    date = models.DateField("日期", validators=PROGRAMME_DATE_VALIDATORS)
    method = models.CharField("方式", max_length=10, choices=VisitMethod.choices)
    text = models.TextField("联系情况", max_length=2000)
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
        verbose_name = "联系记录"
        verbose_name_plural = "联系记录"
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_method_display()} {self.contact.name}"


# --- Problems ------------------------------------------------------------------------------------


class ProblemStatus(models.TextChoices):
    OPEN = "open", "待解决"
    IN_PROGRESS = "in_progress", "解决中"
    RESOLVED = "resolved", "已解决"


class ProblemQuerySet(FieldworkQuerySet):
    def with_related(self) -> ProblemQuerySet:
        return self.select_related(
            "secondment__cadre",
            "secondment__host_unit",
            "visit__contact",
            "entry",
            "evidence_entry",
        )

    def overdue(self, today: date | None = None) -> ProblemQuerySet:
        today = today or timezone.localdate()
        # Listed statuses rather than "not resolved": the (status, deadline) index serves it.
        return self.filter(
            deadline__lt=today, status__in=[ProblemStatus.OPEN, ProblemStatus.IN_PROGRESS]
        )


class Problem(models.Model):
    """A problem found on the ground: found → action → resolved, with evidence."""

    secondment = models.ForeignKey(
        Secondment, verbose_name="挂职任职", on_delete=models.PROTECT, related_name="problems"
    )
    found_date = models.DateField("发现日期", validators=PROGRAMME_DATE_VALIDATORS)
    visit = models.ForeignKey(
        ContactVisit,
        verbose_name="发现于（联系记录）",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="problems",
    )
    entry = models.ForeignKey(
        Entry,
        verbose_name="发现于（工作纪实）",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    description = models.TextField("问题描述", max_length=2000)
    owner = models.CharField("责任单位（人）", max_length=100)
    action_taken = models.TextField("整改措施", max_length=2000, blank=True)
    deadline = models.DateField("办结时限", validators=PROGRAMME_DATE_VALIDATORS)
    status = models.CharField(
        "状态", max_length=12, choices=ProblemStatus.choices, default=ProblemStatus.OPEN
    )
    resolved_date = models.DateField(
        "解决日期", null=True, blank=True, validators=PROGRAMME_DATE_VALIDATORS
    )
    evidence = models.TextField("解决情况及佐证", max_length=2000, blank=True)
    evidence_entry = models.ForeignKey(
        Entry,
        verbose_name="佐证工作纪实",
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

    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = "问题"
        verbose_name_plural = "问题清单"
        ordering = ["-found_date", "-pk"]
        indexes = [
            models.Index(fields=["secondment", "status"], name="problem_sec_status"),
            models.Index(fields=["status", "deadline"], name="problem_status_deadline"),
        ]
        constraints = [
            models.CheckConstraint(
                name="problem_deadline_not_before_found",
                condition=Q(deadline__gte=models.F("found_date")),
            )
        ]

    def __str__(self) -> str:
        return self.description[:30]

    def get_absolute_url(self) -> str:
        return reverse("contacts:problem_detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, str] = {}
        today = timezone.localdate()
        if self.found_date and self.found_date > today:
            errors["found_date"] = "发现日期不能晚于今天。"
        if self.found_date and self.deadline and self.deadline < self.found_date:
            errors["deadline"] = "办结时限不能早于发现日期。"
        if self.status == ProblemStatus.RESOLVED:
            if not self.resolved_date:
                errors["resolved_date"] = "标记为“已解决”时，请填写解决日期。"
            if not self.evidence.strip():
                errors["evidence"] = "标记为“已解决”时，请写明解决情况和佐证。"
        elif self.resolved_date:
            errors["resolved_date"] = "问题尚未解决，请不要填写解决日期。"
        if self.resolved_date and "resolved_date" not in errors:
            if self.resolved_date > today:
                errors["resolved_date"] = "解决日期不能晚于今天。"
            elif self.found_date and self.resolved_date < self.found_date:
                errors["resolved_date"] = "解决日期不能早于发现日期。"
        if errors:
            raise ValidationError(errors)

    def is_editable_by(self, user: User) -> bool:
        return bool(user.is_cadre and user.cadre_id == self.secondment.cadre_id)

    def is_overdue(self, today: date | None = None) -> bool:
        """The deadline has passed and the problem is not resolved."""
        today = today or timezone.localdate()
        return self.status != ProblemStatus.RESOLVED and self.deadline < today

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    @property
    def overdue_days(self) -> int:
        return (timezone.localdate() - self.deadline).days if self.is_overdue() else 0
