"""Democratic evaluation (民主测评): rounds, rater groups, one-time codes and anonymous votes.

A round is opened by the host liaison (or the programme admin) for one or more cadres posted to
their unit; each rater group (领导班子, 干部职工, 服务对象…) gets as many one-time codes as it
has raters. A rater with a code rates every cadre of the round once.

Anonymity is a property of what is stored (docs/evaluation.md says what remains):
- `Vote` rows carry the round, the rater group, the cadre, the rating and the comment, and
  nothing else: no code, no ballot number joining one rater's votes, no time, no address, no
  session. Their primary key is random (`RandomKey`), which on SQLite is the rowid itself, so
  the table's stored order is random, not the casting order; on PostgreSQL every ballot rewrites
  the round's votes in a fresh random order (`guazhi.evaluation.actions`).
- `Code` rows know only that they were used (a flag, no time).
- A round is anonymous from the start and cannot be made otherwise; there is no named mode.
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from guazhi.roster.models import Secondment, Unit

if TYPE_CHECKING:
    from guazhi.accounts.models import User


class RoundStatus(models.TextChoices):
    OPEN = "open", "进行中"
    CLOSED = "closed", "已结束"


class Rating(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    COMPETENT = "competent", "称职"
    BASIC = "basic", "基本称职"
    INCOMPETENT = "incompetent", "不称职"


# Points per rating for the overall score (0–100): docs/evaluation.md.
RATING_POINTS: dict[str, Decimal] = {
    Rating.EXCELLENT: Decimal(100),
    Rating.COMPETENT: Decimal(80),
    Rating.BASIC: Decimal(60),
    Rating.INCOMPETENT: Decimal(0),
}

MAX_RATERS_PER_GROUP = 2000
MAX_COMMENT_LENGTH = 300


def min_ballots_floor() -> int:
    """The lowest ballot floor a round may set (GUAZHI_EVALUATION_MIN_BALLOTS_FLOOR, 5)."""
    return int(getattr(settings, "GUAZHI_EVALUATION_MIN_BALLOTS_FLOOR", 5))


class RoundQuerySet(models.QuerySet["Round"]):
    def visible_to(self, user: User) -> RoundQuerySet:
        """The rounds a user runs: the programme admin all of them, a host liaison those of
        their unit and the units below it. Nobody else sees rounds (a cadre's and a home
        liaison's view is the published assessment result)."""
        if user.is_programme_admin:
            return self.all()
        if user.is_host_liaison and user.unit is not None:
            return self.filter(host_unit__path__startswith=user.unit.path)
        return self.none()


class Round(models.Model):
    title = models.CharField("测评名称", max_length=100)
    host_unit = models.ForeignKey(
        Unit, verbose_name="组织单位", on_delete=models.PROTECT, related_name="evaluation_rounds"
    )
    # The assessment period the result feeds (guazhi.assessment); a round may also stand alone
    # with a free label.
    period = models.ForeignKey(
        "assessment.Period",
        verbose_name="考核",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluation_rounds",
    )
    period_label = models.CharField(
        "考核期", max_length=50, blank=True, help_text="例如：2026年度、期满考核。"
    )
    secondments = models.ManyToManyField(
        Secondment, verbose_name="测评对象", related_name="evaluation_rounds"
    )
    status = models.CharField(
        "状态", max_length=16, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    min_ballots = models.PositiveSmallIntegerField(
        "最少票数",
        default=5,
        validators=[MaxValueValidator(MAX_RATERS_PER_GROUP)],
        help_text="某一类测评人的有效票少于此数时，不单独显示该类结果，以免推断个人投票。",
    )
    # The public part of the ballot address (/vote/<key>/): not a secret, the codes are.
    key = models.CharField(max_length=12, unique=True, editable=False)
    opened_at = models.DateTimeField("发起时间", auto_now_add=True)
    opened_by = models.ForeignKey(
        "accounts.User",
        verbose_name="发起人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        "accounts.User",
        verbose_name="结束人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = "民主测评"
        verbose_name_plural = "民主测评"
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="evaluation_closed_round_has_time",
                condition=Q(status="open", closed_at__isnull=True)
                | Q(status="closed", closed_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("evaluation:round_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == RoundStatus.CLOSED

    @property
    def ballot_path(self) -> str:
        return reverse("vote:ballot", args=[self.key])

    def effective_min_ballots(self) -> int:
        """Never below the settings floor, even for a round saved before the floor was raised."""
        return max(self.min_ballots, min_ballots_floor())


class RaterGroup(models.Model):
    """One kind of rater (领导班子, 干部职工, 服务对象…), with its codes."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField("测评人类别", max_length=30)
    size = models.PositiveIntegerField(
        "人数", validators=[MinValueValidator(1), MaxValueValidator(MAX_RATERS_PER_GROUP)]
    )
    weight = models.PositiveSmallIntegerField(
        "权重（%）", null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "测评人类别"
        verbose_name_plural = "测评人类别"
        ordering = ["round_id", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="evaluation_group_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Code(models.Model):
    """A one-time code, stored as a keyed hash (`guazhi.evaluation.codes`). No time is kept:
    `used` is a flag set in the ballot's transaction, nothing says when."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="codes")
    group = models.ForeignKey(RaterGroup, on_delete=models.CASCADE, related_name="codes")
    nonce = models.BigIntegerField()
    digest = models.CharField(max_length=64, unique=True)
    batch = models.PositiveSmallIntegerField(default=1)
    used = models.BooleanField(default=False)
    voided = models.BooleanField(default=False)

    class Meta:
        verbose_name = "测评码"
        verbose_name_plural = "测评码"
        ordering = ["round_id", "group_id", "pk"]

    def __str__(self) -> str:
        return f"{self.round} · {self.group.name} 测评码"


class RandomKey(models.BigIntegerField):
    """A primary key the application fills with a random number.

    On SQLite the column is declared INTEGER so that it *is* the rowid: a random rowid puts
    rows in random order in the table's B-tree. A BIGINT key would leave a hidden rowid that
    counts up, i.e. the insertion order."""

    def db_type(self, connection: Any) -> str | None:
        if connection.vendor == "sqlite":
            return "integer"
        return super().db_type(connection)


def random_key() -> int:
    return secrets.randbits(62) + 1


class Vote(models.Model):
    """One rater's rating of one cadre. Deliberately no code, no ballot id joining a rater's
    votes, no timestamp, no address or session, and a random primary key."""

    id = RandomKey(primary_key=True, default=random_key, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="votes", db_index=False)
    group = models.ForeignKey(RaterGroup, on_delete=models.CASCADE, related_name="votes")
    secondment = models.ForeignKey(
        Secondment, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    rating = models.CharField(max_length=16, choices=Rating.choices)
    comment = models.CharField(max_length=MAX_COMMENT_LENGTH, blank=True)

    class Meta:
        verbose_name = "测评票"
        verbose_name_plural = "测评票"
        indexes = [
            models.Index(fields=["round", "secondment", "group"], name="evaluation_vote_tally")
        ]

    def __str__(self) -> str:
        return "测评票"


class Throttle(models.Model):
    """Wrong codes per client address and per round in the current window (rate limiting).
    Only failures are counted; a bucket names a hashed address or a round, never a code."""

    bucket = models.CharField(max_length=80, unique=True)
    window_start = models.DateTimeField()
    failures = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "测评码输入限制"
        verbose_name_plural = "测评码输入限制"

    def __str__(self) -> str:
        return self.bucket
