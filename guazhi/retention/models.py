"""What the retention run has done: which secondments' personal data it anonymised. Kept here,
not as columns on the roster, so each run skips them with one indexed anti-join whatever the
roster's fields look like (encrypted or not)."""

from __future__ import annotations

from django.db import models


class AnonymisedSecondment(models.Model):
    secondment = models.OneToOneField(
        "roster.Secondment",
        verbose_name="挂职任职",
        on_delete=models.CASCADE,
        related_name="+",
    )
    anonymised_at = models.DateTimeField("匿名化时间")
    cadre_anonymised = models.BooleanField("干部本人信息已匿名化", default=False)
    contacts = models.PositiveIntegerField("匿名化的包联对象", default=0)

    class Meta:
        verbose_name = "已匿名化的挂职任职"
        verbose_name_plural = "已匿名化的挂职任职"

    def __str__(self) -> str:
        return f"{self.secondment_id} @ {self.anonymised_at:%Y-%m-%d}"
