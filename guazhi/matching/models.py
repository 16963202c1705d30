"""Needs and resources matching (项目资源对接).

A host unit posts a `Need` (funding, a project, expertise, a market for its produce,
training…); a home unit or a cadre posts a `Resource`. A `Match` pairs them: proposed by
either side (or the admin), then accepted — which turns it into a key project or a problem-list
action pushed by a cadre on post there — or declined. Changes go through
`guazhi.matching.actions`.

Who sees what (docs/matching.md):
* programme admin: everything;
* host liaison: the needs of their units (and below); resources open to all or offered to
  their area, and any resource matched to their needs;
* home liaison: their units' resources; open needs (a need is posted to be answered), and any
  need matched to their resources;
* cadre: the needs of their host unit's county or district (and any matched to their own
  resources); their own resources and their home unit's open ones; the matches of their own
  and their home unit's resources;
* IT admins: nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from guazhi.matching.ranking import tokens
from guazhi.roster.models import PROGRAMME_DATE_VALIDATORS, Secondment, Unit, UnitKind

if TYPE_CHECKING:
    from guazhi.accounts.models import User

COUNTY_KINDS = (UnitKind.COUNTY, UnitKind.DISTRICT)
# Above these a unit is no "area": a cadre posted to the city sees no county's needs by it.
TOO_HIGH = (UnitKind.PROVINCE, UnitKind.CITY)


class Kind(models.TextChoices):
    FUNDING = "funding", "资金"
    PROJECT = "project", "项目"
    EXPERTISE = "expertise", "人才/技术"
    MARKET = "market", "产品销路"
    TRAINING = "training", "培训"
    OTHER = "other", "其他"


# Matches of these kinds become key projects (investment, milestones); the rest become a
# problem-list action (找到谁、做什么、何时办结).
PROJECT_KINDS = frozenset({Kind.FUNDING, Kind.PROJECT})


class NeedStatus(models.TextChoices):
    OPEN = "open", "待对接"
    MATCHED = "matched", "已对接"
    CLOSED = "closed", "已关闭"


class ResourceStatus(models.TextChoices):
    OPEN = "open", "可对接"
    WITHDRAWN = "withdrawn", "已撤回"


class MatchStatus(models.TextChoices):
    PROPOSED = "proposed", "待确认"
    ACCEPTED = "accepted", "已达成"
    DECLINED = "declined", "已婉拒"


def county_of(unit: Unit) -> Unit | None:
    """The county or district the unit is in (itself if it is one), else None."""
    ids = [int(i) for i in unit.path.strip("/").split("/") if i]
    return (
        Unit.objects.filter(pk__in=ids, kind__in=COUNTY_KINDS).order_by("-path").first()
        if ids
        else None
    )


def cadre_area_paths(user: User) -> list[str]:
    """Paths of the areas a cadre's needs come from: the county or district of each of their
    secondments' host units (the host unit itself when it has no county above it)."""
    paths = []
    for s in Secondment.objects.filter(cadre_id=user.cadre_id or 0).select_related("host_unit"):
        county = county_of(s.host_unit)
        paths.append(county.path if county is not None else s.host_unit.path)
    return sorted(set(paths))


def _under(field: str, paths: list[str]) -> Q:
    q = Q(pk__in=[])
    for p in paths:
        q |= Q(**{f"{field}__path__startswith": p})
    return q


def _ancestor_paths(path: str) -> list[str]:
    """ "/1/4/17/" → ["/1/", "/1/4/", "/1/4/17/"]."""
    parts = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


class NeedQuerySet(models.QuerySet["Need"]):
    def visible_to(self, user: User) -> NeedQuerySet:
        if user.is_programme_admin:
            return self.all()
        if user.is_host_liaison and user.unit is not None:
            return self.filter(unit__path__startswith=user.unit.path)
        if user.is_home_liaison and user.unit is not None:
            matched = Match.objects.filter(resource__unit__path__startswith=user.unit.path)
            return self.filter(Q(status=NeedStatus.OPEN) | Q(pk__in=matched.values("need_id")))
        if user.is_cadre:
            mine = Match.objects.filter(resource__cadre_id=user.cadre_id or 0)
            return self.filter(
                _under("unit", cadre_area_paths(user)) | Q(pk__in=mine.values("need_id"))
            )
        return self.none()

    def with_related(self) -> NeedQuerySet:
        return self.select_related("unit", "created_by")


class Need(models.Model):
    unit = models.ForeignKey(
        Unit, verbose_name="需求单位", on_delete=models.PROTECT, related_name="matching_needs"
    )
    kind = models.CharField("需求类别", max_length=12, choices=Kind.choices)
    title = models.CharField("需求名称", max_length=60)
    description = models.TextField("需求描述", max_length=2000)
    amount = models.DecimalField(
        "资金额度（万元）",
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(Decimal("0.01"), "资金额度应大于 0。"),
            MaxValueValidator(Decimal("9999999"), "资金额度过大，请核对单位是否为万元。"),
        ],
    )
    deadline = models.DateField(
        "期望解决时间", null=True, blank=True, validators=PROGRAMME_DATE_VALIDATORS
    )
    status = models.CharField(
        "状态", max_length=10, choices=NeedStatus.choices, default=NeedStatus.OPEN
    )
    close_reason = models.CharField("关闭原因", max_length=200, blank=True)
    # jieba tokens of title and description, kept by the actions: ranking reads, not cuts.
    terms = models.TextField(default="", editable=False)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = "需求"
        verbose_name_plural = "需求"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="matching_need_status")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("matching:need_detail", args=[self.pk])

    @property
    def text(self) -> str:
        """What the ranking reads."""
        return f"{self.title}\n{self.description}"

    def fill_terms(self) -> None:
        """Set `terms` from the title and description; the actions call it before saving."""
        self.terms = " ".join(tokens(self.text))

    @property
    def becomes_project(self) -> bool:
        return self.kind in PROJECT_KINDS

    def open_days(self, today: date | None = None) -> int:
        today = today or timezone.localdate()
        return (today - timezone.localdate(self.created_at)).days

    def may_edit(self, user: User) -> bool:
        """The admin, or a host liaison of the need's unit (or a unit above it)."""
        return user.is_programme_admin or bool(
            user.is_host_liaison and user.unit and self.unit.path.startswith(user.unit.path)
        )


class ResourceQuerySet(models.QuerySet["Resource"]):
    def visible_to(self, user: User) -> ResourceQuerySet:
        if user.is_programme_admin:
            return self.all()
        if user.is_home_liaison and user.unit is not None:
            return self.filter(unit__path__startswith=user.unit.path)
        if user.is_host_liaison and user.unit is not None:
            # Open to all, or offered to a unit above theirs or below it.
            offered = Q(offered_to__isnull=True) | Q(
                offered_to__path__in=_ancestor_paths(user.unit.path)
            )
            offered |= Q(offered_to__path__startswith=user.unit.path)
            matched = Match.objects.filter(need__unit__path__startswith=user.unit.path)
            return self.filter(
                (Q(status=ResourceStatus.OPEN) & offered) | Q(pk__in=matched.values("resource_id"))
            )
        if user.is_cadre:
            own = Q(cadre_id=user.cadre_id or 0)
            cadre = user.cadre
            if cadre is None:
                return self.filter(own)
            home = Q(status=ResourceStatus.OPEN, unit__path__startswith=cadre.home_unit.path)
            return self.filter(own | home)
        return self.none()

    def with_related(self) -> ResourceQuerySet:
        return self.select_related("unit", "cadre", "offered_to", "created_by")


class Resource(models.Model):
    unit = models.ForeignKey(
        Unit, verbose_name="提供单位", on_delete=models.PROTECT, related_name="matching_resources"
    )
    cadre = models.ForeignKey(
        "roster.Cadre",
        verbose_name="提供干部",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="matching_resources",
    )
    kind = models.CharField("资源类别", max_length=12, choices=Kind.choices)
    title = models.CharField("资源名称", max_length=60)
    description = models.TextField("资源说明", max_length=2000)
    capacity = models.CharField(
        "可提供规模", max_length=100, blank=True, help_text="例如：年度 2000 万元、每年 6 期培训。"
    )
    offered_to = models.ForeignKey(
        Unit,
        verbose_name="定向对接单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="留空表示面向所有接收单位；选择后只有该单位（含上下级）能看到。",
    )
    status = models.CharField(
        "状态", max_length=10, choices=ResourceStatus.choices, default=ResourceStatus.OPEN
    )
    terms = models.TextField(default="", editable=False)  # as Need.terms
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = "资源"
        verbose_name_plural = "资源"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("matching:resource_detail", args=[self.pk])

    @property
    def text(self) -> str:
        """What the ranking reads."""
        return f"{self.title}\n{self.description}"

    def fill_terms(self) -> None:
        """Set `terms` from the title and description; the actions call it before saving."""
        self.terms = " ".join(tokens(self.text))

    def may_edit(self, user: User) -> bool:
        """The admin, the cadre who posted it, or a home liaison of its unit."""
        if user.is_programme_admin:
            return True
        if user.is_cadre:
            return self.cadre_id is not None and self.cadre_id == user.cadre_id
        return bool(
            user.is_home_liaison and user.unit and self.unit.path.startswith(user.unit.path)
        )


class MatchQuerySet(models.QuerySet["Match"]):
    def visible_to(self, user: User) -> MatchQuerySet:
        if user.is_programme_admin:
            return self.all()
        if user.is_host_liaison and user.unit is not None:
            return self.filter(need__unit__path__startswith=user.unit.path)
        if user.is_home_liaison and user.unit is not None:
            return self.filter(resource__unit__path__startswith=user.unit.path)
        if user.is_cadre:
            # Their own resources' matches and their home unit's: what they can bring in.
            own = Q(resource__cadre_id=user.cadre_id or 0)
            cadre = user.cadre
            if cadre is not None:
                own |= Q(resource__unit__path__startswith=cadre.home_unit.path)
            return self.filter(own)
        return self.none()

    def with_related(self) -> MatchQuerySet:
        return self.select_related(
            "need__unit",
            "resource__unit",
            "resource__cadre",
            "proposed_by",
            "decided_by",
            "secondment__cadre",
            "project",
            "problem",
        )


class Match(models.Model):
    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="matches")
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="matches")
    score = models.FloatField("匹配度", default=0)
    reasons = models.JSONField("匹配理由", default=dict, blank=True)
    note = models.CharField("对接说明", max_length=500, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=MatchStatus.choices, default=MatchStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField("婉拒原因", max_length=200, blank=True)
    # What an accepted match became, pushed by a cadre on post in the need's area.
    secondment = models.ForeignKey(
        Secondment,
        verbose_name="负责干部",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="重点项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    problem = models.ForeignKey(
        "contacts.Problem",
        verbose_name="问题清单事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = MatchQuerySet.as_manager()

    class Meta:
        verbose_name = "对接"
        verbose_name_plural = "对接"
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["need", "resource"], name="matching_one_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.need.title} ↔ {self.resource.title}"

    def get_absolute_url(self) -> str:
        return reverse("matching:match_detail", args=[self.pk])

    def may_decide(self, user: User) -> bool:
        """Accept or decline: the admin, a host liaison of the need's unit or a home liaison
        of the resource's unit — either side."""
        return self.status == MatchStatus.PROPOSED and (
            self.need.may_edit(user)
            or bool(
                user.is_home_liaison
                and user.unit
                and self.resource.unit.path.startswith(user.unit.path)
            )
        )
