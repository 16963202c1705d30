"""Deployment checks of the audit chain (`manage.py check --deploy`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from guazhi.audit.chain import uses_development_key
from guazhi.lib.keys import KeyConfigError


@register(Tags.security, deploy=True)
def audit_chain_key(app_configs: Any, **kwargs: Any) -> list[Any]:
    try:
        development = uses_development_key()
    except KeyConfigError as e:
        return [Error(str(e), id="guazhi.audit.E002")]
    if development:
        return [
            Error(
                "审计日志使用公开的开发用密钥：任何能写数据库的人都能改写审计链。",
                hint="设置 GUAZHI_AUDIT_KEY 或 GUAZHI_AUDIT_KEY_FILE（数据目录之外），"
                "然后运行 manage.py audit_rekey。",
                id="guazhi.audit.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def audit_head_destination(app_configs: Any, **kwargs: Any) -> list[Any]:
    head_file = getattr(settings, "GUAZHI_AUDIT_HEAD_FILE", "")
    if not head_file and not getattr(settings, "GUAZHI_AUDIT_SYSLOG", ""):
        return [
            Warning(
                "审计链头没有导出到数据库管理员控制之外的地方：无法发现末尾记录被删除或整条链被改写。",
                hint="设置 GUAZHI_AUDIT_HEAD_FILE（另一卷上的只追加文件）或 GUAZHI_AUDIT_SYSLOG。",
                id="guazhi.audit.W001",
            )
        ]
    data_dir = Path(settings.DATA_DIR).resolve()
    if head_file and Path(head_file).resolve().is_relative_to(data_dir):
        return [
            Warning(
                f"审计链头文件 {head_file} 位于数据目录之内，管理数据库的人同样能改它。",
                hint="把 GUAZHI_AUDIT_HEAD_FILE 放到另一卷、由另一账号所有的目录，并 chattr +a。",
                id="guazhi.audit.W002",
            )
        ]
    return []
