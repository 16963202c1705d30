"""Startup checks of the retention settings: a period below the floor stops the site (every
management command, `runserver`, `migrate`) instead of silently pruning too early."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from guazhi.audit.retention import MIN_RETENTION_DAYS

MIN_ANONYMISE_DAYS = 365


@register("guazhi")
def retention_periods(app_configs: Any, **kwargs: Any) -> list[Any]:
    errors = []
    audit_days = getattr(settings, "GUAZHI_AUDIT_RETENTION_DAYS", 365)
    if audit_days < MIN_RETENTION_DAYS:
        errors.append(
            Error(
                f"审计日志保存期限 GUAZHI_AUDIT_RETENTION_DAYS={audit_days} 天，"
                f"低于等保要求的至少 {MIN_RETENTION_DAYS} 天（六个月）。",
                hint=f"设为 {MIN_RETENTION_DAYS} 或更大（默认 365）。",
                id="guazhi.retention.E001",
            )
        )
    anonymise_days = getattr(settings, "GUAZHI_ANONYMISE_AFTER_DAYS", 3 * 365)
    if anonymise_days < MIN_ANONYMISE_DAYS:
        errors.append(
            Error(
                f"挂职结束后个人信息匿名化的期限 GUAZHI_ANONYMISE_AFTER_DAYS={anonymise_days} 天，"
                f"少于 {MIN_ANONYMISE_DAYS} 天：期满考核、鉴定表归档前就会抹去身份证号和手机号。",
                hint=f"设为 {MIN_ANONYMISE_DAYS} 或更大（默认 1095，即三年）。",
                id="guazhi.retention.E002",
            )
        )
    return errors
