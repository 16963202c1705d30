"""Deployment checks of the key that encrypts ID and mobile numbers (`check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, Tags, register

from guazhi.lib.encrypted_fields import uses_development_key
from guazhi.lib.keys import KeyConfigError


@register(Tags.security, deploy=True)
def field_encryption_key(app_configs: Any, **kwargs: Any) -> list[Any]:
    try:
        development = uses_development_key()
    except KeyConfigError as e:
        return [Error(str(e), id="guazhi.roster.E011")]
    if development:
        return [
            Error(
                "身份证号和手机号使用公开的开发用密钥加密：拿到数据库文件的人就能解密。",
                hint="设置 GUAZHI_FIELD_KEY 或 GUAZHI_FIELD_KEY_FILE（数据目录之外），然后以 "
                "GUAZHI_FIELD_KEY_OLD=development 运行 manage.py rotate_field_key。",
                id="guazhi.roster.E010",
            )
        ]
    return []
