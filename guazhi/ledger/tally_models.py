"""Running totals of the ledger, so that dashboards read a few hundred rows instead of
aggregating every entry they may see (5 million at province scale).

Two levels: per secondment (what a liaison's or a cadre's scope sums, joined to the roster so
that a posting moved to another unit takes its totals with it) and for the whole programme (what
the programme admin's dashboard reads: a constant number of rows whatever the ledger's size).
`guazhi.ledger.tallies` keeps them in step with every entry written, in the same transaction,
and can rebuild them from the entries.
"""

from __future__ import annotations

from django.db import models

from guazhi.roster.models import Secondment


class SecondmentWeekTally(models.Model):
    """Entries of one secondment in one category in one week (weeks start on Monday)."""

    secondment = models.ForeignKey(Secondment, on_delete=models.CASCADE, related_name="+")
    week = models.DateField()
    category = models.ForeignKey("ledger.Category", on_delete=models.CASCADE, related_name="+")
    entries = models.IntegerField(default=0)
    pending = models.IntegerField(default=0)  # of which 待确认

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["secondment", "week", "category"], name="secondment_week_tally_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.secondment_id} {self.week} {self.category_id}: {self.entries}"


class ProgrammeWeekTally(models.Model):
    """Entries of the whole programme in one category in one week."""

    week = models.DateField()
    category = models.ForeignKey("ledger.Category", on_delete=models.CASCADE, related_name="+")
    entries = models.IntegerField(default=0)
    pending = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["week", "category"], name="programme_week_tally_key")
        ]

    def __str__(self) -> str:
        return f"{self.week} {self.category_id}: {self.entries}"


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


class ProgrammeFigureTally(models.Model):
    field = models.OneToOneField(
        "ledger.FigureField", on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    total_cents = models.BigIntegerField(default=0)
    entries = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.field_id}: {self.total_cents / 100}"
