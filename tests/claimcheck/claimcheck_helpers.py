"""Shared helpers of the claims-check tests: entries with figures, written straight to the
database (the ledger's actions have their own tests)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from guazhi.ledger.models import Category, Entry, EntryFigure, EntryStatus, FigureField
from guazhi.roster.models import Secondment


def add_entry(
    secondment: Secondment,
    *,
    on: date = date(2026, 5, 6),
    category: str = "企业帮扶",
    status: str = EntryStatus.CONFIRMED,
    **figures: int | str,
) -> Entry:
    """An entry of `category` dated `on` holding figures by field key: add_entry(s, loans=800)."""
    entry = Entry.objects.create(
        secondment=secondment,
        date=on,
        category=Category.objects.get(name=category),
        title="测试纪实",
        text="测试纪实内容",
        status=status,
    )
    for key, value in figures.items():
        EntryFigure.objects.create(
            entry=entry,
            field=FigureField.objects.get(category__name=category, key=key),
            value=Decimal(str(value)),
        )
    return entry
