"""Attendance (在岗): days on post per month, from the ledger and one-tap check-ins.

A day counts as a day on post when the cadre wrote a ledger entry dated that day or checked in
that day. Check-ins exist only where the cohort switched them on (its rule says so): the time
and place of a check-in are personal data the programme must have decided to keep.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone

from guazhi.roster.models import Secondment

if TYPE_CHECKING:
    from guazhi.accounts.models import User


class CheckInQuerySet(models.QuerySet["CheckIn"]):
    def visible_to(self, user: User) -> CheckInQuerySet:
        if not user.has_business_role:
            return self.none()
        return self.filter(secondment__in=Secondment.objects.visible_to(user).values("pk"))


class CheckIn(models.Model):
    secondment = models.ForeignKey(
        Secondment, verbose_name="挂职任职", on_delete=models.PROTECT, related_name="checkins"
    )
    date = models.DateField("日期")
    checked_at = models.DateTimeField("打卡时间", default=timezone.now)
    place = models.CharField("地点", max_length=100, blank=True)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        verbose_name = "在岗打卡"
        verbose_name_plural = "在岗打卡"
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["secondment", "date"], name="one_checkin_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.secondment.cadre} {self.date:%Y-%m-%d}"
