"""Roster imports: one uploaded roster file, kept between validation and commit.

Registered through `guazhi.roster.models` (which imports this module), so the app label stays
`roster` and the import paths `guazhi.roster.models.RosterImport` keep working.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from guazhi.lib.encrypted_fields import EncryptedJSONField
from guazhi.roster.models import Cohort


class RosterImportStatus(models.TextChoices):
    VALIDATED = "validated", "校验通过，待确认"
    REJECTED = "rejected", "校验未通过"
    COMMITTED = "committed", "已导入"


class RosterImport(models.Model):
    """One uploaded roster file. The workbook is parsed once, at upload: `parsed` keeps the
    validated rows (units by key, dates as ISO strings) until the commit, which then needs no
    parsing; it is emptied once committed or rejected. The file itself is not kept."""

    cohort = models.ForeignKey(
        Cohort, verbose_name="批次", on_delete=models.PROTECT, related_name="imports"
    )
    file_name = models.CharField("文件名", max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    # Full ID and mobile numbers until the commit: encrypted like the cadre's own.
    parsed = EncryptedJSONField(
        "校验通过的数据", default=dict, blank=True, context="roster_rosterimport.parsed"
    )
    uploaded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="roster_imports"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=16, choices=RosterImportStatus.choices)
    row_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    # Kept for good: ID and mobile numbers in it are masked (import_report.mask_numbers).
    report = models.JSONField("校验报告", default=list)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "名册导入"
        verbose_name_plural = "名册导入"
        ordering = ["-uploaded_at"]
        constraints = [
            # Importing the same file twice is refused (also enforced with a clear message).
            models.UniqueConstraint(
                fields=["sha256"],
                condition=Q(status="committed"),
                name="roster_file_committed_once",
            )
        ]

    def __str__(self) -> str:
        return self.file_name
