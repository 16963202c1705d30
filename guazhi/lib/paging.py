"""Pagination of long lists (a province's ledger runs to millions of rows).

`IdFirstPaginator` finds the page's ids with the filter and the order alone — an index walk —
and only then reads those rows with their joins and prefetches. Django's Paginator slices the
full query, so a deep page (page 1,000 = 20,000 rows skipped) made the database join every
skipped row before throwing it away. `count` may be given when it is already known (the ledger
keeps running totals), sparing a COUNT(*) over the whole table.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


class IdFirstPaginator(Paginator):
    def __init__(self, object_list: QuerySet[Any], per_page: int, *, count: int | None = None):
        super().__init__(object_list, per_page)
        self.queryset = object_list  # typed: Paginator's own attribute is any sequence
        if count is not None:
            self.__dict__["count"] = count  # Paginator.count is a cached_property

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = list(self.queryset.values_list("pk", flat=True)[bottom : bottom + self.per_page])
        rows = self.queryset.filter(pk__in=ids)
        return Page(rows, number, self)
