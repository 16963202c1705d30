"""The search index's rows (`search_document`). Written and queried with SQL by
`guazhi.lib.search_index` (which imports no app), declared here so that migrations create it.

Beside these columns each database keeps the text's tokens its own way, added by migration
0001: an FTS5 table `search_fts` on SQLite, a GIN-indexed `tsv` column on PostgreSQL. The rows
are derived data: `manage.py search_index --rebuild` writes them all again from the ledger and
the shared library.
"""

from __future__ import annotations

from django.db import models


class SearchDocument(models.Model):
    # object id × 8 + source (guazhi.lib.search_index.doc_id)
    id = models.BigIntegerField(primary_key=True)
    source = models.PositiveSmallIntegerField("来源")  # 0 ledger entry, 1 shared writing
    secondment_id = models.BigIntegerField("挂职任职", db_index=True)
    category_id = models.BigIntegerField("纪实类别", null=True, blank=True)
    kind = models.CharField("材料类型", max_length=16, blank=True)
    date = models.DateField("日期")

    class Meta:
        db_table = "search_document"
        verbose_name = "检索索引"
        verbose_name_plural = "检索索引"

    def __str__(self) -> str:
        return f"search_document {self.pk}"
