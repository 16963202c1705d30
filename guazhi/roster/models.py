from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from guazhi.lib.encrypted_fields import BlindIndexField, EncryptedCharField, index_fields_for
from guazhi.lib.identity import (
    InvalidValue,
    birth_date_from_id,
    gender_from_id,
    mask_id_number,
    mask_mobile,
    normalize_id_number,
    normalize_mobile,
)
from guazhi.lib.soft_delete import LiveManager
from guazhi.lib.zh import name_initials, name_sort_key

if TYPE_CHECKING:
    from guazhi.accounts.models import User


# Programme dates outside these bounds are typing mistakes (1800, 99999), not plans.
EARLIEST_PROGRAMME_DATE = date(2000, 1, 1)
LATEST_PROGRAMME_DATE = date(2099, 12, 31)
PROGRAMME_DATE_VALIDATORS = [
    MinValueValidator(EARLIEST_PROGRAMME_DATE, "日期不能早于 2000 年 1 月 1 日，请检查年份。"),
    MaxValueValidator(LATEST_PROGRAMME_DATE, "日期不能晚于 2099 年 12 月 31 日，请检查年份。"),
]


class StaleEdit(Exception):
    """The record changed since the form was opened; nothing was saved."""

    def __init__(self, what: str = "这条记录") -> None:
        super().__init__(
            f"{what}在您打开编辑页面之后已被他人修改（或状态已变更），您的修改没有保存。"
            "请重新打开页面，在最新内容上再次修改。"
        )


# --- Units --------------------------------------------------------------------------------------


class UnitKind(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县"
    DISTRICT = "district", "区"
    TOWN = "town", "镇"
    SUBDISTRICT = "subdistrict", "街道"
    TOWNSHIP = "township", "乡"
    VILLAGE = "village", "村"
    COMMUNITY = "community", "社区"
    DEPARTMENT = "department", "部门"
    ENTERPRISE = "enterprise", "企事业单位"
    OTHER = "other", "其他"


class UnitQuerySet(models.QuerySet["Unit"]):
    def subtree(self, unit: Unit) -> UnitQuerySet:
        """The unit and every unit below it."""
        return self.filter(path__startswith=unit.path)

    def visible_to(self, user: User) -> UnitQuerySet:
        # Units are programme structure: the admin maintains them; a liaison sees their own
        # subtree; cadres and IT admins do not browse them.
        if user.is_programme_admin:
            return self.all()
        if (user.is_host_liaison or user.is_home_liaison) and user.unit is not None:
            return self.subtree(user.unit)
        return self.none()


class Unit(models.Model):
    """A node of the unit tree: province → city → county/district → town → village, or a
    department. `path` ("/1/4/17/") is a materialised path so that "this unit and everything
    below" is one indexed prefix query."""

    name = models.CharField("单位名称", max_length=100)
    kind = models.CharField("类型", max_length=16, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    sort_order = models.PositiveIntegerField("排序", default=0)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="unit_name_unique_in_parent")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        # The path needs the primary key, so a new unit is saved twice.
        if self.pk is None:
            super().save(*args, **kwargs)
            kwargs.pop("force_insert", None)
        self.path = f"{self.parent.path if self.parent else '/'}{self.pk}/"
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.parent is not None and self.pk and self.parent.path.startswith(self.path or "\0"):
            raise ValidationError({"parent": "上级单位不能是本单位或其下级单位。"})

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    @property
    def full_name(self) -> str:
        """Names from the city down, e.g. 青川市安平区柳溪镇 (the province is implied)."""
        ids = [int(i) for i in self.path.strip("/").split("/") if i]
        names = dict(Unit.objects.filter(pk__in=ids).values_list("pk", "name"))
        parts = [names[i] for i in ids if i in names]
        return "".join(parts[1:] if len(parts) > 2 else parts)


# --- Cohorts ------------------------------------------------------------------------------------


class CohortQuerySet(models.QuerySet["Cohort"]):
    def visible_to(self, user: User) -> CohortQuerySet:
        if user.is_programme_admin:
            return self.all()
        if user.has_business_role:
            ids = Secondment.objects.visible_to(user).values("cohort_id")
            return self.filter(pk__in=ids)
        return self.none()


class Cohort(models.Model):
    name = models.CharField("批次名称", max_length=100, unique=True)
    year = models.PositiveIntegerField(
        "年度",
        validators=[
            MinValueValidator(2000, "年度应在 2000 至 2099 之间。"),
            MaxValueValidator(2099, "年度应在 2000 至 2099 之间。"),
        ],
    )
    start_date = models.DateField("开始日期", validators=PROGRAMME_DATE_VALIDATORS)
    end_date = models.DateField("结束日期", validators=PROGRAMME_DATE_VALIDATORS)
    description = models.TextField("说明", blank=True)
    # Attendance rules (在岗要求) of this cohort.
    checkin_enabled = models.BooleanField(
        "启用在岗打卡",
        default=False,
        help_text="启用后，干部可在手机上一键打卡，记录打卡时间和地点；未启用则不记录。",
    )
    min_days_per_month = models.PositiveSmallIntegerField(
        "每月最少在岗天数",
        null=True,
        blank=True,
        validators=[MaxValueValidator(31, "每月最少在岗天数不能超过 31。")],
        help_text="例如驻村干部每月不少于 20 天；留空表示不作要求。",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = CohortQuerySet.as_manager()

    class Meta:
        verbose_name = "批次"
        verbose_name_plural = "批次"
        ordering = ["-start_date", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("roster:cohort_detail", args=[self.pk])

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            raise ValidationError({"end_date": "结束日期应晚于开始日期。"})


# --- Cadres -------------------------------------------------------------------------------------


class Gender(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class PoliticalStatus(models.TextChoices):
    CPC = "cpc", "中共党员"
    CPC_PROBATIONARY = "cpc_probationary", "中共预备党员"
    CYL = "cyl", "共青团员"
    DEMOCRATIC = "democratic", "民主党派"
    NONE = "masses", "群众"


class Education(models.TextChoices):
    DOCTORATE = "doctorate", "博士研究生"
    MASTER = "master", "硕士研究生"
    BACHELOR = "bachelor", "大学本科"
    COLLEGE = "college", "大学专科"
    SECONDARY = "secondary", "中专及以下"


# Secondary fields a roster may leave blank; the cadre list can show who still lacks them.
INCOMPLETE_PROFILE_FIELDS = ("political_status", "ethnicity", "education")


class CadreQuerySet(models.QuerySet["Cadre"]):
    def visible_to(self, user: User) -> CadreQuerySet:
        if user.is_programme_admin:
            return self.all()
        if user.is_cadre:
            return self.filter(pk=user.cadre_id)
        if user.is_host_liaison and user.unit is not None:
            posted = Secondment.objects.filter(host_unit__path__startswith=user.unit.path)
            return self.filter(pk__in=posted.values("cadre_id"))
        if user.is_home_liaison and user.unit is not None:
            return self.filter(home_unit__path__startswith=user.unit.path)
        return self.none()

    def search(self, text: str, *, prefix: str = "") -> CadreQuerySet:
        """By name, pinyin initials (zjg) or the last digits (4 or more, up to the whole number)
        of the ID or mobile number. `prefix` reaches the cadre through a relation, e.g.
        "cadre__" from secondments."""
        text = text.strip()
        if not text:
            return self
        q = Q(**{f"{prefix}name__contains": text})
        if text.isascii() and text.isalpha():
            q |= Q(**{f"{prefix}name_initials__startswith": text.lower()})
        digits = text.upper()
        if len(digits) >= 4 and (digits.isdigit() or digits[:-1].isdigit() and digits[-1] == "X"):
            q |= Q(**{f"{prefix}pk__in": Cadre.objects.ending_with(digits)})
        return self.filter(q)

    def ending_with(self, digits: str) -> list[int]:
        """Cadres whose ID or mobile number ends with `digits` (4 or more). The numbers are
        encrypted: the blind index of the last 4 digits finds the few candidates, and only
        those are decrypted to compare the rest."""
        tail = digits[-4:]
        candidates = self.filter(Q(id_number__endswith=tail) | Q(mobile__endswith=tail))
        if len(digits) == 4:
            return list(candidates.values_list("pk", flat=True))
        return [
            pk
            for pk, id_number, mobile in candidates.values_list("pk", "id_number", "mobile")
            if id_number.endswith(digits) or (mobile or "").endswith(digits)
        ]

    def incomplete(self, *, prefix: str = "") -> CadreQuerySet:
        """Cadres with a secondary field still blank."""
        q = Q()
        for name in INCOMPLETE_PROFILE_FIELDS:
            q |= Q(**{f"{prefix}{name}": ""})
        return self.filter(q)


class Cadre(models.Model):
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    birth_date = models.DateField("出生日期")
    # Encrypted at rest; the digests (blind indexes) serve uniqueness, lookups and the search by
    # the last 4 digits (guazhi.lib.encrypted_fields, docs/security.md 「静态加密」).
    id_number = EncryptedCharField("身份证号", max_length=18, context="roster_cadre.id_number")
    mobile = EncryptedCharField("手机号", max_length=11, blank=True, context="roster_cadre.mobile")
    id_number_digest = BlindIndexField(source="id_number", unique=True)
    id_number_tail_digest = BlindIndexField(source="id_number", tail=4, db_index=True)
    mobile_digest = BlindIndexField(source="mobile", db_index=True)
    mobile_tail_digest = BlindIndexField(source="mobile", tail=4, db_index=True)
    # Secondary fields: a real roster often lacks them; blank means "to complete", never a guess.
    ethnicity = models.CharField("民族", max_length=20, blank=True)
    political_status = models.CharField(
        "政治面貌", max_length=20, choices=PoliticalStatus.choices, blank=True
    )
    education = models.CharField("学历", max_length=20, choices=Education.choices, blank=True)
    home_unit = models.ForeignKey(
        Unit, verbose_name="派出单位", on_delete=models.PROTECT, related_name="sent_cadres"
    )
    original_post = models.CharField("原任职务", max_length=100, blank=True)
    rank = models.CharField("职级", max_length=50, blank=True)
    # Derived from the name (see fill_sort_key): pinyin order and search by initials.
    name_pinyin = models.CharField(max_length=200, default="", editable=False)
    name_initials = models.CharField(max_length=50, default="", editable=False, db_index=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
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

    objects = LiveManager.from_queryset(CadreQuerySet)()
    all_objects = CadreQuerySet.as_manager()

    class Meta:
        verbose_name = "干部"
        verbose_name_plural = "干部"
        ordering = ["name_pinyin", "pk"]
        indexes = [models.Index(fields=["name_pinyin", "id"], name="cadre_pinyin_order")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.fill_sort_key()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            derived = index_fields_for(Cadre, update_fields)
            if "name" in update_fields:
                derived |= {"name_pinyin", "name_initials"}
            kwargs["update_fields"] = {*update_fields, *derived}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("roster:cadre_detail", args=[self.pk])

    def fill_sort_key(self) -> None:
        """Set the pinyin fields from the name; call before bulk_create (save() calls it)."""
        self.name_pinyin = name_sort_key(self.name)
        self.name_initials = name_initials(self.name)

    def clean(self) -> None:
        """The ID number is valid and agrees with the gender and birth date; the mobile is a
        mainland mobile number. Used by the edit form and the importer alike."""
        errors: dict[str, str] = {}
        try:
            self.id_number = normalize_id_number(self.id_number)
        except InvalidValue as e:
            errors["id_number"] = str(e)
        else:
            born = birth_date_from_id(self.id_number)
            if self.birth_date and self.birth_date != born:
                errors["birth_date"] = f"出生日期与身份证号中的出生日期（{born:%Y-%m-%d}）不一致。"
            expected_gender = gender_from_id(self.id_number)
            if self.gender and self.gender != expected_gender:
                errors["gender"] = (
                    f"性别与身份证号不符：按身份证号应为“{Gender(expected_gender).label}”。"
                )
        if self.mobile:
            try:
                self.mobile = normalize_mobile(self.mobile)
            except InvalidValue as e:
                errors["mobile"] = str(e)
        if errors:
            raise ValidationError(errors)

    @property
    def missing_fields(self) -> list[str]:
        """Labels of the secondary fields still to complete (政治面貌, 民族, 学历)."""
        return [
            str(getattr(self._meta.get_field(name), "verbose_name", name))
            for name in INCOMPLETE_PROFILE_FIELDS
            if not getattr(self, name)
        ]

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile)

    @property
    def age(self) -> int:
        today = timezone.localdate()
        b = self.birth_date
        return today.year - b.year - ((today.month, today.day) < (b.month, b.day))


# --- Secondments --------------------------------------------------------------------------------


class SecondmentStatus(models.TextChoices):
    PENDING = "pending", "待报到"
    ACTIVE = "active", "在岗"
    COMPLETED = "completed", "期满"
    ENDED_EARLY = "ended_early", "提前结束"


# 待报到 → 在岗 → 期满 / 提前结束, and nothing else.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    SecondmentStatus.PENDING: frozenset({SecondmentStatus.ACTIVE}),
    SecondmentStatus.ACTIVE: frozenset({SecondmentStatus.COMPLETED, SecondmentStatus.ENDED_EARLY}),
    SecondmentStatus.COMPLETED: frozenset(),
    SecondmentStatus.ENDED_EARLY: frozenset(),
}


class SecondmentCategory(models.TextChoices):
    SENT = "sent", "派出挂职"
    RECEIVED = "received", "接收挂职"
    PAIRED_ASSISTANCE = "paired", "对口帮扶·东西部协作"
    VILLAGE = "village", "驻村"


class SendingLevel(models.TextChoices):
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"
    TOWNSHIP = "township", "乡镇级"


# Suggestions for Secondment.programme (any text is allowed: programmes have local names).
PROGRAMME_SUGGESTIONS = ("墩苗历练", "东西部协作", "对口支援", "乡村振兴驻村", "优秀年轻干部培养")


class SecondmentQuerySet(models.QuerySet["Secondment"]):
    def visible_to(self, user: User) -> SecondmentQuerySet:
        if user.is_programme_admin:
            return self.all()
        if user.is_cadre:
            return self.filter(cadre_id=user.cadre_id)
        if user.is_host_liaison and user.unit is not None:
            return self.filter(host_unit__path__startswith=user.unit.path)
        if user.is_home_liaison and user.unit is not None:
            return self.filter(cadre__home_unit__path__startswith=user.unit.path)
        return self.none()

    def with_related(self) -> SecondmentQuerySet:
        return self.select_related("cadre", "cadre__home_unit", "cohort", "host_unit")


class Secondment(models.Model):
    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="secondments"
    )
    cohort = models.ForeignKey(
        Cohort, verbose_name="批次", on_delete=models.PROTECT, related_name="secondments"
    )
    host_unit = models.ForeignKey(
        Unit, verbose_name="接收单位", on_delete=models.PROTECT, related_name="hosted_secondments"
    )
    post = models.CharField("挂任职务", max_length=100)
    duties = models.TextField("分管工作", blank=True)
    start_date = models.DateField("开始日期", validators=PROGRAMME_DATE_VALIDATORS)
    planned_end_date = models.DateField("计划结束日期", validators=PROGRAMME_DATE_VALIDATORS)
    actual_end_date = models.DateField(
        "实际结束日期", null=True, blank=True, validators=PROGRAMME_DATE_VALIDATORS
    )
    status = models.CharField(
        "状态", max_length=16, choices=SecondmentStatus.choices, default=SecondmentStatus.PENDING
    )
    # What the best cadre systems record about a posting.
    category = models.CharField(
        "挂职类别",
        max_length=16,
        choices=SecondmentCategory.choices,
        default=SecondmentCategory.SENT,
    )
    programme = models.CharField(
        "所属项目", max_length=50, blank=True, help_text="例如：墩苗历练、东西部协作。"
    )
    sending_level = models.CharField(
        "派出机关层级", max_length=16, choices=SendingLevel.choices, blank=True
    )
    in_resume = models.BooleanField(
        "写入任免审批表", default=False, help_text="挂职经历是否写入干部任免审批表（简历）。"
    )
    end_reason = models.CharField("提前结束原因", max_length=200, blank=True)
    # Villages and enterprises the host unit pairs the cadre with (包联/挂钩联系).
    paired_units = models.ManyToManyField(
        Unit, verbose_name="包联村（社区）、企业", blank=True, related_name="paired_secondments"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
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

    objects = LiveManager.from_queryset(SecondmentQuerySet)()
    all_objects = SecondmentQuerySet.as_manager()

    class Meta:
        verbose_name = "挂职任职"
        verbose_name_plural = "挂职任职"
        ordering = ["-start_date", "pk"]
        indexes = [
            # The secondment list: newest cohort first, then roster order, from one index.
            models.Index(fields=["-cohort", "id"], name="secondment_list_order"),
            # Counts by cohort and status (home page, cohort list) from the index alone.
            models.Index(fields=["cohort", "status"], name="secondment_cohort_status"),
        ]
        constraints = [
            # One live secondment per cadre and cohort: a deleted one leaves room for a new one.
            models.UniqueConstraint(
                fields=["cadre", "cohort"],
                condition=Q(deleted_at__isnull=True),
                name="one_secondment_per_cadre_per_cohort",
            ),
            models.CheckConstraint(
                name="planned_end_after_start",
                condition=Q(planned_end_date__gt=models.F("start_date")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} · {self.host_unit} {self.post}"

    def get_absolute_url(self) -> str:
        return reverse("roster:secondment_detail", args=[self.pk])

    def clean(self) -> None:
        if self.start_date and self.planned_end_date and self.planned_end_date <= self.start_date:
            raise ValidationError({"planned_end_date": "计划结束日期应晚于开始日期。"})
        if self.actual_end_date and self.start_date and self.actual_end_date < self.start_date:
            raise ValidationError({"actual_end_date": "实际结束日期不能早于开始日期。"})

    def allowed_next_statuses(self) -> list[SecondmentStatus]:
        return [SecondmentStatus(s) for s in ALLOWED_TRANSITIONS[self.status]]

    def can_move_to(self, status: str) -> bool:
        return status in ALLOWED_TRANSITIONS[self.status]

    def move_to(self, status: str, *, on: date, reason: str = "") -> None:
        """Change status in memory, enforcing the transitions; the caller saves and audits.
        Ending early needs a reason."""
        if not self.can_move_to(status):
            raise ValidationError(
                f"状态不能从“{self.get_status_display()}”变为“{SecondmentStatus(status).label}”。"
            )
        if status == SecondmentStatus.ENDED_EARLY and not reason.strip():
            raise ValidationError("提前结束挂职须填写原因。")
        self.status = status
        if status in (SecondmentStatus.COMPLETED, SecondmentStatus.ENDED_EARLY):
            if on < self.start_date:
                raise ValidationError("结束日期不能早于开始日期。")
            self.actual_end_date = on
        if status == SecondmentStatus.ENDED_EARLY:
            self.end_reason = reason.strip()[:200]

    @property
    def duty_list(self) -> list[str]:
        return [
            d.strip()
            for d in self.duties.replace("；", "\n").replace(";", "\n").splitlines()
            if d.strip()
        ]


# Roster imports live in their own module; importing them here registers them with the app.
from guazhi.roster.import_models import RosterImport, RosterImportStatus  # noqa: E402, F401
