"""Assessment (考核): a cohort's schemes (indicator trees, rating bands, the cap on 优秀), its
periods (年度 / 期中 / 期满), and one `Assessment` per cadre and period holding the cadre's
self-assessment, the host unit's scores with their evidence, the home unit's comments and,
once the period is published, the frozen result.

Who sees what is `visible_to(user)` on each model; what a role may see *of* an assessment
(the host's scores and the result are hidden from the cadre and the home unit until the
period is published) is `Assessment.shows_result_to(user)`. The arithmetic is in
`guazhi.assessment.scoring`; changes go through `guazhi.assessment.actions`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from guazhi.assessment import scoring
from guazhi.roster.models import Cohort, Secondment

if TYPE_CHECKING:
    from guazhi.accounts.models import User

SCORE_VALIDATORS = [
    MinValueValidator(Decimal(0), "分数不能小于 0。"),
    MaxValueValidator(Decimal(100), "分数不能大于 100。"),
]


class ScoringScale(models.TextChoices):
    POINTS = "points", "百分制（每项 0–100 分）"
    GRADES = "grades", "五档制（好 / 较好 / 一般 / 较差 / 差）"


# --- Schemes -------------------------------------------------------------------------------------


class SchemeQuerySet(models.QuerySet["Scheme"]):
    def visible_to(self, user: User) -> SchemeQuerySet:
        # Schemes are the department's tool; the others meet a scheme through an assessment.
        return self.all() if user.is_programme_admin else self.none()


class Scheme(models.Model):
    cohort = models.ForeignKey(
        Cohort, verbose_name="批次", on_delete=models.PROTECT, related_name="assessment_schemes"
    )
    name = models.CharField("方案名称", max_length=100)
    scale = models.CharField(
        "评分方式", max_length=8, choices=ScoringScale.choices, default=ScoringScale.POINTS
    )
    excellent_min = models.DecimalField(
        "优秀分数线", max_digits=5, decimal_places=2, default=Decimal(90)
    )
    competent_min = models.DecimalField(
        "称职分数线", max_digits=5, decimal_places=2, default=Decimal(75)
    )
    basic_min = models.DecimalField(
        "基本称职分数线", max_digits=5, decimal_places=2, default=Decimal(60)
    )
    excellent_cap = models.PositiveSmallIntegerField(
        "优秀比例上限（%）",
        null=True,
        blank=True,
        validators=[MaxValueValidator(100, "比例不能超过 100%。")],
        help_text="例如 20 表示优秀不超过参加考核人数的 20%（向下取整）；留空表示不限。",
    )
    host_weight = models.PositiveSmallIntegerField(
        "接收单位评分权重（%）",
        default=70,
        validators=[MaxValueValidator(100, "权重不能超过 100。")],
    )
    evaluation_weight = models.PositiveSmallIntegerField(
        "民主测评权重（%）",
        default=30,
        validators=[MaxValueValidator(100, "权重不能超过 100。")],
        help_text="两项权重之和应为 100；没有民主测评结果的干部按接收单位评分计算。",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = SchemeQuerySet.as_manager()

    class Meta:
        verbose_name = "考核方案"
        verbose_name_plural = "考核方案"
        ordering = ["cohort_id", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "name"], name="scheme_name_unique_in_cohort")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("assessment:scheme_detail", args=[self.pk])

    @property
    def bands(self) -> scoring.Bands:
        return scoring.Bands(self.excellent_min, self.competent_min, self.basic_min)

    def is_in_use(self) -> bool:
        """A score (the host's or the cadre's own) has been recorded under it: from then on
        the scheme is fixed, so every score of a period is read against the same rules."""
        return IndicatorScore.objects.filter(indicator__scheme=self).exists()

    def tree(self) -> list[scoring.Node]:
        """The indicators as the scoring module's nodes, keyed by primary key."""
        indicators = list(self.indicators.all())
        children: dict[int, list[Indicator]] = {}
        for i in indicators:
            if i.parent_id is not None:
                children.setdefault(i.parent_id, []).append(i)
        return [
            scoring.Node(
                i.name,
                i.weight,
                i.note,
                tuple(
                    scoring.Node(c.name, c.weight, c.note, key=c.pk) for c in children.get(i.pk, [])
                ),
                key=i.pk,
            )
            for i in indicators
            if i.parent_id is None
        ]


class Indicator(models.Model):
    """One indicator; a second-level one has a parent. Weights are percentages of the level."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="indicators")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    name = models.CharField("指标", max_length=50)
    weight = models.DecimalField("权重", max_digits=5, decimal_places=2)
    note = models.CharField("评分要点", max_length=200, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "考核指标"
        verbose_name_plural = "考核指标"
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.name


# --- Periods -------------------------------------------------------------------------------------


class PeriodKind(models.TextChoices):
    ANNUAL = "annual", "年度考核"
    MIDTERM = "midterm", "期中考核"
    FINAL = "final", "期满考核"


class PeriodStatus(models.TextChoices):
    OPEN = "open", "进行中"
    PUBLISHED = "published", "已公布"


class PeriodQuerySet(models.QuerySet["Period"]):
    def visible_to(self, user: User) -> PeriodQuerySet:
        if user.is_programme_admin:
            return self.all()
        if not user.has_business_role:
            return self.none()
        return self.filter(cohort__in=Cohort.objects.visible_to(user).values("pk"))


class Period(models.Model):
    cohort = models.ForeignKey(
        Cohort, verbose_name="批次", on_delete=models.PROTECT, related_name="assessment_periods"
    )
    scheme = models.ForeignKey(
        Scheme, verbose_name="考核方案", on_delete=models.PROTECT, related_name="periods"
    )
    kind = models.CharField("考核类型", max_length=8, choices=PeriodKind.choices)
    title = models.CharField("名称", max_length=100, help_text="例如：2025年度考核。")
    start_date = models.DateField("考核期起")
    end_date = models.DateField("考核期止")
    status = models.CharField(
        "状态", max_length=10, choices=PeriodStatus.choices, default=PeriodStatus.OPEN
    )
    published_at = models.DateTimeField("公布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = "考核"
        verbose_name_plural = "考核"
        ordering = ["-end_date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "title"], name="period_title_unique"),
            models.CheckConstraint(
                name="period_end_after_start", condition=Q(end_date__gte=models.F("start_date"))
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("assessment:period_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == PeriodStatus.OPEN

    @property
    def is_published(self) -> bool:
        return self.status == PeriodStatus.PUBLISHED

    @property
    def form_title(self) -> str:
        """The title of the printed form for this kind of period."""
        return {
            PeriodKind.FINAL: "挂职期满鉴定表",
            PeriodKind.ANNUAL: "挂职干部年度考核登记表",
            PeriodKind.MIDTERM: "挂职干部期中考核登记表",
        }[PeriodKind(self.kind)]


# --- One cadre's assessment ----------------------------------------------------------------------


class AssessmentQuerySet(models.QuerySet["Assessment"]):
    def visible_to(self, user: User) -> AssessmentQuerySet:
        """The roster's rule: the admin all, a liaison the secondments of their unit(s), a cadre
        their own. What of it they see is `Assessment.shows_result_to`."""
        if user.is_programme_admin:
            return self.all()
        if not user.has_business_role:
            return self.none()
        return self.filter(secondment__in=Secondment.objects.visible_to(user).values("pk"))

    def with_related(self) -> AssessmentQuerySet:
        return self.select_related(
            "period",
            "period__scheme",
            "period__cohort",
            "secondment__cadre",
            "secondment__cadre__home_unit",
            "secondment__host_unit",
        )


class Assessment(models.Model):
    """A cadre's assessment in one period. Its three parts are written by three people, each
    with their own version number, so that the cadre saving a self-assessment does not make the
    liaison's open scoring form stale."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="assessments")
    secondment = models.ForeignKey(Secondment, on_delete=models.PROTECT, related_name="assessments")
    # The cadre's self-assessment (个人总结).
    self_text = models.TextField("个人总结", blank=True)
    self_score = models.DecimalField(
        "自评得分", max_digits=5, decimal_places=2, null=True, blank=True
    )
    self_submitted_at = models.DateTimeField("自评时间", null=True, blank=True)
    self_version = models.PositiveIntegerField(default=1)
    # The host unit's appraisal (接收单位鉴定意见) and weighted score.
    host_comment = models.TextField("接收单位鉴定意见", blank=True)
    host_score = models.DecimalField(
        "接收单位评分", max_digits=5, decimal_places=2, null=True, blank=True
    )
    host_scored_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    host_scored_at = models.DateTimeField("评分时间", null=True, blank=True)
    host_version = models.PositiveIntegerField(default=1)
    # The home unit's comments (派出单位意见).
    home_comment = models.TextField("派出单位意见", blank=True)
    home_commented_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    home_commented_at = models.DateTimeField("派出单位意见时间", null=True, blank=True)
    home_version = models.PositiveIntegerField(default=1)
    # The result, frozen when the period is published (later changes to evaluation rounds or
    # scores cannot alter a published result).
    evaluation_score = models.DecimalField(
        "民主测评得分", max_digits=5, decimal_places=2, null=True, blank=True
    )
    final_score = models.DecimalField(
        "综合得分", max_digits=5, decimal_places=2, null=True, blank=True
    )
    rating = models.CharField("考核等次", max_length=8, blank=True)
    rank = models.PositiveIntegerField("排名", null=True, blank=True)
    result_note = models.TextField("说明", blank=True)
    evaluation_summary = models.JSONField("民主测评情况", null=True, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = "考核表"
        verbose_name_plural = "考核表"
        ordering = ["period_id", "secondment__cadre__name_pinyin", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "secondment"], name="one_assessment_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period} · {self.secondment.cadre}"

    def get_absolute_url(self) -> str:
        return reverse("assessment:assessment_detail", args=[self.pk])

    def is_own(self, user: User) -> bool:
        return bool(user.is_cadre and user.cadre_id == self.secondment.cadre_id)

    def is_host(self, user: User) -> bool:
        """The host liaison of the secondment's host unit (or a unit above it)."""
        return bool(
            user.is_host_liaison
            and user.unit is not None
            and self.secondment.host_unit.path.startswith(user.unit.path)
        )

    def is_home(self, user: User) -> bool:
        return bool(
            user.is_home_liaison
            and user.unit is not None
            and self.secondment.cadre.home_unit.path.startswith(user.unit.path)
        )

    def may_self_assess(self, user: User) -> bool:
        return self.period.is_open and self.is_own(user)

    def may_score(self, user: User) -> bool:
        """The host liaison of the unit scores; the programme admin may enter scores for a unit
        (a paper form handed in), and the audit log says who did."""
        return self.period.is_open and (self.is_host(user) or user.is_programme_admin)

    def may_comment_home(self, user: User) -> bool:
        return self.period.is_open and self.is_home(user)

    def shows_result_to(self, user: User) -> bool:
        """The host's scores and the result: the admin and the host unit always; the cadre and
        the home unit once the period is published."""
        if user.is_programme_admin or self.is_host(user):
            return True
        return self.period.is_published and (self.is_own(user) or self.is_home(user))

    @property
    def has_self_assessment(self) -> bool:
        return self.self_submitted_at is not None

    @property
    def is_scored(self) -> bool:
        return self.host_score is not None


class ScoreSource(models.TextChoices):
    SELF = "self", "自评"
    HOST = "host", "接收单位评分"


class IndicatorScore(models.Model):
    """A score for one scored indicator, by the cadre (自评) or by the host unit, with the ledger
    entries and writings the host cites as evidence."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="scores")
    source = models.CharField(max_length=4, choices=ScoreSource.choices)
    score = models.DecimalField("得分", max_digits=5, decimal_places=2, validators=SCORE_VALIDATORS)
    comment = models.CharField("评语", max_length=300, blank=True)
    entries = models.ManyToManyField(
        "ledger.Entry", verbose_name="依据：工作纪实", blank=True, related_name="+"
    )
    writings = models.ManyToManyField(
        "writings.Writing", verbose_name="依据：材料", blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "指标得分"
        verbose_name_plural = "指标得分"
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator", "source"], name="one_score_per_indicator"
            ),
            models.CheckConstraint(
                name="indicator_score_in_range", condition=Q(score__gte=0) & Q(score__lte=100)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.score}"
