"""Keeping the ledger's running totals (tally_models.py) in step with its entries.

Every action that writes an entry describes what the entry counted for before and after
(`contribution`), and `record_change` applies the difference to the secondment's and the
programme's tallies in the caller's transaction. Bulk writers (the Excel import) pass many
contributions at once; seeders and benchmarks that insert rows directly call `rebuild`, which
recomputes everything with a few INSERT … SELECT statements.

`check` compares the tallies with a recomputation: `manage.py ledger_tallies --check`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.apps import apps as global_apps
from django.db import IntegrityError, connections, models, transaction
from django.db.models import BigIntegerField, Count, F, Max, Q, QuerySet, Sum
from django.db.models.functions import Cast, Round, TruncWeek

from guazhi.lib.soft_delete import has_soft_delete
from guazhi.roster.models import Secondment


def week_of(day: date) -> date:
    """The Monday of the day's week (as TruncWeek counts weeks)."""
    return day - timedelta(days=day.weekday())


def cents(value: Decimal) -> int:
    return int((value * 100).to_integral_value())


@dataclass(frozen=True)
class Contribution:
    """What one entry adds to the tallies."""

    secondment_id: int
    day: date
    week: date
    category_id: int
    pending: bool
    figures: tuple[tuple[int, int], ...]  # (figure field id, value in cents)


def contribution(entry: Any, figures: Mapping[Any, Decimal] | None = None) -> Contribution:
    """The entry's contribution; `figures` maps fields (or their ids) to values, read from the
    database when not given."""
    if figures is None:
        pairs = [(f.field_id, f.value) for f in entry.figures.all()]
    else:
        pairs = [(getattr(k, "pk", k), v) for k, v in figures.items()]
    return Contribution(
        secondment_id=entry.secondment_id,
        day=entry.date,
        week=week_of(entry.date),
        category_id=entry.category_id,
        pending=entry.status == "pending",
        figures=tuple(sorted((int(k), cents(v)) for k, v in pairs)),
    )


class _Deltas:
    """Differences to add, per tally row: [entries, pending] or [cents, entries]."""

    def __init__(self) -> None:
        self.weeks: defaultdict[tuple[int, date], int] = defaultdict(int)
        self.categories: defaultdict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
        self.figures: defaultdict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
        self.dates: set[int] = set()  # secondments whose latest entry date may have changed

    def add(self, c: Contribution | None, sign: int) -> None:
        if c is None:
            return
        self.dates.add(c.secondment_id)
        self.weeks[(c.secondment_id, c.week)] += sign
        row = self.categories[(c.secondment_id, c.category_id)]
        row[0] += sign
        row[1] += sign if c.pending else 0
        for field_id, value in c.figures:
            fig = self.figures[(c.secondment_id, field_id)]
            fig[0] += sign * value
            fig[1] += sign

    def write(self) -> None:
        from guazhi.ledger.models import (
            ProgrammeCategoryTally,
            ProgrammeFigureTally,
            ProgrammeWeekTally,
            SecondmentCategoryTally,
            SecondmentFigureTally,
            SecondmentWeekTally,
        )

        weeks: defaultdict[date, int] = defaultdict(int)
        categories: defaultdict[int, list[int]] = defaultdict(lambda: [0, 0])
        figures: defaultdict[int, list[int]] = defaultdict(lambda: [0, 0])
        # Sorted keys: two transactions touching the same rows lock them in the same order.
        for (sec, week), n in sorted(self.weeks.items()):
            if n:
                _bump(SecondmentWeekTally, {"secondment_id": sec, "week": week}, entries=n)
                weeks[week] += n
        for (sec, cat), (n, pending) in sorted(self.categories.items()):
            if n or pending:
                key = {"secondment_id": sec, "category_id": cat}
                _bump(SecondmentCategoryTally, key, entries=n, pending=pending)
                categories[cat][0] += n
                categories[cat][1] += pending
        for (sec, field), (total, n) in sorted(self.figures.items()):
            if total or n:
                key = {"secondment_id": sec, "field_id": field}
                _bump(SecondmentFigureTally, key, total_cents=total, entries=n)
                figures[field][0] += total
                figures[field][1] += n
        for week, n in sorted(weeks.items()):
            if n:
                _bump(ProgrammeWeekTally, {"week": week}, entries=n)
        for cat, (n, pending) in sorted(categories.items()):
            if n or pending:
                _bump(ProgrammeCategoryTally, {"category_id": cat}, entries=n, pending=pending)
        for field, (total, n) in sorted(figures.items()):
            if total or n:
                _bump(ProgrammeFigureTally, {"field_id": field}, total_cents=total, entries=n)
        self._write_activity()

    def _write_activity(self) -> None:
        """The latest entry date of each secondment whose entries were added, removed or moved
        in time: read back from the ledger (an index probe), so a date moved earlier is right."""
        from guazhi.ledger.models import Entry, SecondmentActivity

        for sec in sorted(self.dates):
            last = (
                Entry.objects.filter(secondment_id=sec)
                .order_by("-date")
                .values_list("date", flat=True)
                .first()
            )
            SecondmentActivity.objects.update_or_create(
                secondment_id=sec, defaults={"last_entry_date": last}
            )


def _bump(model: type[models.Model], key: dict[str, Any], **deltas: int) -> None:
    """Add `deltas` to the row `key`, creating it when it is the first."""
    increments = {name: F(name) + value for name, value in deltas.items()}
    manager = model._default_manager
    if manager.filter(**key).update(**increments):
        return
    try:
        with transaction.atomic():  # a savepoint: a concurrent first insert may win
            manager.create(**key, **deltas)
    except IntegrityError:
        manager.filter(**key).update(**increments)


def record_change(before: Contribution | None, after: Contribution | None) -> None:
    """Apply one entry's change (None before: created; None after: removed). Call inside the
    transaction that writes the entry."""
    if before == after:
        return
    deltas = _Deltas()
    deltas.add(before, -1)
    deltas.add(after, +1)
    if before is not None and after is not None and before.day == after.day:
        deltas.dates.clear()  # same date: the latest entry date cannot have changed
    deltas.write()


def record_many(added: Iterable[Contribution]) -> None:
    """Apply many new entries at once (one bump per tally row, not per entry)."""
    deltas = _Deltas()
    for c in added:
        deltas.add(c, +1)
    deltas.write()


# --- Reading --------------------------------------------------------------------------------


def scoped(user: Any) -> tuple[QuerySet[Any], QuerySet[Any], QuerySet[Any]]:
    """The tallies of what `user` may see (weeks, categories, figures): the programme's own
    rows for the admin (a number that does not grow with the ledger), else the rows of the
    secondments the user may see — the same scope as `Entry.objects.visible_to(user)`."""
    from guazhi.ledger import models as m

    if user.is_programme_admin:
        return (
            m.ProgrammeWeekTally.objects.all(),
            m.ProgrammeCategoryTally.objects.all(),
            m.ProgrammeFigureTally.objects.all(),
        )
    visible = Secondment.objects.visible_to(user).values("pk")
    return (
        m.SecondmentWeekTally.objects.filter(secondment__in=visible),
        m.SecondmentCategoryTally.objects.filter(secondment__in=visible),
        m.SecondmentFigureTally.objects.filter(secondment__in=visible),
    )


def visible_count(user: Any) -> int:
    """How many entries `user` may see, without counting them."""
    _weeks, categories, _figures = scoped(user)
    return categories.aggregate(n=Sum("entries"))["n"] or 0


# --- Rebuilding from the entries -------------------------------------------------------------


def _insert_select(model: type[models.Model], columns: list[str], query: Any, using: str) -> None:
    sql, params = query.query.sql_with_params()
    table = model._meta.db_table
    connection = connections[using]
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) {sql}", params)


def _rebuild_steps(entries: QuerySet[Any], figures: QuerySet[Any], model: Any) -> list[Any]:
    """(tally model name, its columns, a function giving the SELECT that fills it), in order:
    the programme's rows are summed from the secondments' once those are written."""
    return [
        (
            "SecondmentWeekTally",
            ["secondment_id", "week", "entries"],
            lambda: (
                entries.annotate(w=TruncWeek("date"))
                .values("secondment_id", "w")
                .annotate(n=Count("pk"))
                .values_list("secondment_id", "w", "n")
            ),
        ),
        (
            "SecondmentCategoryTally",
            ["secondment_id", "category_id", "entries", "pending"],
            lambda: (
                entries.values("secondment_id", "category_id")
                .annotate(n=Count("pk"), p=Count("pk", filter=Q(status="pending")))
                .values_list("secondment_id", "category_id", "n", "p")
            ),
        ),
        (
            "SecondmentFigureTally",
            ["secondment_id", "field_id", "total_cents", "entries"],
            lambda: (
                figures.values("entry__secondment_id", "field_id")
                .annotate(t=Sum(Cast(Round(F("value") * 100), BigIntegerField())), n=Count("pk"))
                .values_list("entry__secondment_id", "field_id", "t", "n")
            ),
        ),
        (
            "SecondmentActivity",
            ["secondment_id", "last_entry_date"],
            lambda: (
                entries.values("secondment_id")
                .annotate(last=Max("date"))
                .values_list("secondment_id", "last")
            ),
        ),
        (
            "ProgrammeWeekTally",
            ["week", "entries"],
            lambda: (
                model("SecondmentWeekTally")
                .values("week")
                .annotate(n=Sum("entries"))
                .values_list("week", "n")
            ),
        ),
        (
            "ProgrammeCategoryTally",
            ["category_id", "entries", "pending"],
            lambda: (
                model("SecondmentCategoryTally")
                .values("category_id")
                .annotate(n=Sum("entries"), p=Sum("pending"))
                .values_list("category_id", "n", "p")
            ),
        ),
        (
            "ProgrammeFigureTally",
            ["field_id", "total_cents", "entries"],
            lambda: (
                model("SecondmentFigureTally")
                .values("field_id")
                .annotate(t=Sum("total_cents"), n=Sum("entries"))
                .values_list("field_id", "t", "n")
            ),
        ),
    ]


def rebuild(*, apps: Any = global_apps, using: str = "default") -> None:
    """Recompute every tally from the entries (a few statements, whatever the ledger's size).
    `apps` lets a migration run it with its historical models; tallies those models do not
    have yet are left to the migration that adds them."""
    present = {m.__name__ for m in apps.get_app_config("ledger").get_models()}

    def model(name: str) -> Any:
        return apps.get_model("ledger", name)._default_manager.using(using).order_by()

    entries, figures = model("Entry"), model("EntryFigure")
    if has_soft_delete(apps.get_model("ledger", "Entry")):
        # Entries in the recycle bin count for nothing (historical managers do not filter).
        entries = entries.filter(deleted_at__isnull=True)
        figures = figures.filter(entry__deleted_at__isnull=True)
    steps = [step for step in _rebuild_steps(entries, figures, model) if step[0] in present]
    with transaction.atomic(using=using):
        for name, _columns, _select in steps:
            model(name).delete()
        for name, columns, select in steps:
            _insert_select(apps.get_model("ledger", name), columns, select(), using)


def _snapshot() -> dict[str, set[tuple[Any, ...]]]:
    from guazhi.ledger import models as m

    def rows(model: type[models.Model], keys: list[str], counts: list[str]) -> set[Any]:
        # Rows whose counts fell back to zero are as good as absent.
        return {
            r for r in model._default_manager.values_list(*keys, *counts) if any(r[len(keys) :])
        }

    return {
        "secondment_weeks": rows(m.SecondmentWeekTally, ["secondment_id", "week"], ["entries"]),
        "secondment_categories": rows(
            m.SecondmentCategoryTally, ["secondment_id", "category_id"], ["entries", "pending"]
        ),
        "secondment_figures": rows(
            m.SecondmentFigureTally, ["secondment_id", "field_id"], ["total_cents", "entries"]
        ),
        "secondment_activity": rows(m.SecondmentActivity, ["secondment_id"], ["last_entry_date"]),
        "programme_weeks": rows(m.ProgrammeWeekTally, ["week"], ["entries"]),
        "programme_categories": rows(
            m.ProgrammeCategoryTally, ["category_id"], ["entries", "pending"]
        ),
        "programme_figures": rows(m.ProgrammeFigureTally, ["field_id"], ["total_cents", "entries"]),
    }


def check() -> list[str]:
    """The tallies that differ from a recomputation (empty when all agree). Runs the rebuild
    inside a transaction that is rolled back, so nothing changes."""
    kept = _snapshot()

    class _Rollback(Exception):
        pass

    fresh: dict[str, set[tuple[Any, ...]]] = {}
    try:
        with transaction.atomic():
            rebuild()
            fresh.update(_snapshot())
            raise _Rollback
    except _Rollback:
        pass
    return [
        f"{name}: 多 {len(kept[name] - fresh[name])} 行，少 {len(fresh[name] - kept[name])} 行"
        for name in kept
        if kept[name] != fresh[name]
    ]
