"""Running totals of the ledger, so that dashboards read a few hundred rows instead of
aggregating every entry they may see (5 million at province scale).

Two levels: per secondment (what a liaison's or a cadre's scope sums, joined to the roster so
that a posting moved to another unit takes its totals with it) and for the whole programme (what
the programme admin's dashboard reads: a number of rows that does not grow with the ledger).
Weeks and categories are tallied apart: the weekly chart needs a few recent weeks, the category
mix all time, and a secondment × week × category table would hold almost a row per entry.
`guazhi.ledger.tallies` keeps them in step with every entry written, in the same transaction,
and can rebuild them from the entries.
"""

from __future__ import annotations

from django.db import models

from guazhi.roster.models import Secondment


class SecondmentWeekTally(models.Model):
    """Entries of one secondment dated in one week (weeks start on Monday)."""

    secondment = models.ForeignKey(Secondment, on_delete=models.CASCADE, related_name="+")
    week = models.DateField()
    entries = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["secondment", "week"], name="secondment_week_tally_key")
        ]

    def __str__(self) -> str:
        return f"{self.secondment_id} {self.week}: {self.entries}"


class SecondmentCategoryTally(models.Model):
    """Entries of one secondment in one category, and how many of them are 待确认."""

    secondment = models.ForeignKey(Secondment, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey("ledger.Category", on_delete=models.CASCADE, related_name="+")
    entries = models.IntegerField(default=0)
    pending = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["secondment", "category"], name="secondment_category_tally_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.secondment_id} {self.category_id}: {self.entries}"


class SecondmentFigureTally(models.Model):
    """The total of one figure field over a secondment's entries. Totals are kept in cents (an
    integer) so that millions of increments add up exactly on SQLite too."""

    secondment = models.ForeignKey(Secondment, on_delete=models.CASCADE, related_name="+")
    field = models.ForeignKey("ledger.FigureField", on_delete=models.CASCADE, related_name="+")
    total_cents = models.BigIntegerField(default=0)
    entries = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["secondment", "field"], name="secondment_figure_tally_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.secondment_id} {self.field_id}: {self.total_cents / 100}"


class ProgrammeWeekTally(models.Model):
    week = models.DateField(primary_key=True)
    entries = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.week}: {self.entries}"


class ProgrammeCategoryTally(models.Model):
    category = models.OneToOneField(
        "ledger.Category", on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    entries = models.IntegerField(default=0)
    pending = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.category_id}: {self.entries}"


class ProgrammeFigureTally(models.Model):
    field = models.OneToOneField(
        "ledger.FigureField", on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    total_cents = models.BigIntegerField(default=0)
    entries = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.field_id}: {self.total_cents / 100}"


class SecondmentActivity(models.Model):
    """The date of a secondment's latest entry: the dashboards' list of cadres on post who have
    written nothing for two weeks reads it instead of probing the ledger once per cadre."""

    secondment = models.OneToOneField(
        Secondment, on_delete=models.CASCADE, primary_key=True, related_name="ledger_activity"
    )
    last_entry_date = models.DateField(null=True)

    def __str__(self) -> str:
        return f"{self.secondment_id}: {self.last_entry_date}"
