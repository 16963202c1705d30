"""The project's own production checks, run by `manage.py check --deploy` (and `make
deploy-check`, docs/deploy.md) beside Django's: DEBUG off, a real SECRET_KEY and backup key,
ALLOWED_HOSTS set, lockout on, two-factor login required, audit retention of at least 184 days,
HTTPS behind a trusted proxy. The audit and field-encryption keys have their own checks
(guazhi.audit.E001, guazhi.roster.E010). Messages are Chinese: the operator reads them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

from guazhi.lib.keys import KeyConfigError, load_secret

DEVELOPMENT_SECRET_KEY = "guazhi-insecure-development-key-change-me"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
MIN_AUDIT_RETENTION_DAYS = 184
MIN_SECRET_KEY_CHARS = 50


def _error(number: int, message: str, hint: str) -> Error:
    return Error(message, hint=hint, id=f"guazhi.deploy.E{number:03d}")


@register(Tags.security, deploy=True)
def production_settings(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    if settings.DEBUG:
        problems.append(
            _error(
                1,
                "调试模式已打开（GUAZHI_DEBUG）：出错时会向用户显示代码和设置。",
                "删除 GUAZHI_DEBUG 或设为 false。",
            )
        )
    try:
        key = settings.SECRET_KEY or ""
    except ImproperlyConfigured:  # GUAZHI_SECRET_KEY= left empty in the environment file
        key = ""
    if key == DEVELOPMENT_SECRET_KEY or len(key) < MIN_SECRET_KEY_CHARS:
        problems.append(
            _error(
                2,
                "GUAZHI_SECRET_KEY 未设置或仍是公开的开发用密钥（或短于 50 个字符）：会话和表单令牌可被伪造。",
                "python3 -c 'import secrets; print(secrets.token_urlsafe(50))' 生成后写入环境文件。",
            )
        )
    problems += _backup_key()
    hosts = [h for h in settings.ALLOWED_HOSTS if h]
    if not hosts or "*" in hosts or set(hosts) <= LOCAL_HOSTS:
        problems.append(
            _error(
                4,
                f"GUAZHI_ALLOWED_HOSTS 未设置为本站的域名或地址（现为 {','.join(hosts) or '空'}）。",
                "设为用户访问本站所用的域名或内网地址，逗号分隔，不要用 *。",
            )
        )
    problems += _lockout()
    if not getattr(settings, "GUAZHI_TWO_FACTOR_REQUIRED", False):
        problems.append(
            _error(
                6,
                "未强制双因素登录（GUAZHI_TWO_FACTOR_REQUIRED）：三员和可查看完整个人信息的账号只凭密码即可登录。",
                "删除 GUAZHI_TWO_FACTOR_REQUIRED 或设为 true。",
            )
        )
    days = getattr(settings, "GUAZHI_AUDIT_RETENTION_DAYS", 0)
    if days < MIN_AUDIT_RETENTION_DAYS:
        problems.append(
            _error(
                7,
                f"审计日志保存期限为 {days} 天，低于等保要求的 {MIN_AUDIT_RETENTION_DAYS} 天（六个月）。",
                "GUAZHI_AUDIT_RETENTION_DAYS 设为 184 或更大（默认 365）。",
            )
        )
    problems += _https()
    return problems


def _backup_key() -> list[CheckMessage]:
    try:
        secret = load_secret(
            value=getattr(settings, "GUAZHI_BACKUP_KEY", ""),
            file=getattr(settings, "GUAZHI_BACKUP_KEY_FILE", "") or None,
            env_name="GUAZHI_BACKUP_KEY",
            file_env_name="GUAZHI_BACKUP_KEY_FILE",
            forbidden_dirs=(Path(settings.DATA_DIR),),
        )
    except KeyConfigError as e:
        return [_error(3, str(e), "见 docs/backup.md「密钥」。")]
    if secret is None:
        return [
            _error(
                3,
                "未配置备份密钥（GUAZHI_BACKUP_KEY / GUAZHI_BACKUP_KEY_FILE）：定时备份无法运行。",
                "生成密钥文件放到数据目录之外，另行保存一份；见 docs/backup.md。",
            )
        ]
    return []


def _lockout() -> list[CheckMessage]:
    wired = (
        "axes" in settings.INSTALLED_APPS
        and getattr(settings, "AXES_ENABLED", True)
        and "axes.middleware.AxesMiddleware" in settings.MIDDLEWARE
        and any(b.startswith("axes.backends.") for b in settings.AUTHENTICATION_BACKENDS)
        and getattr(settings, "AXES_FAILURE_LIMIT", 0) > 0
    )
    if wired:
        return []
    return [
        _error(
            5,
            "登录失败锁定未启用（django-axes 未安装、被关闭或未接入）：密码可被无限次尝试。",
            "恢复 settings.py 中的 axes 应用、中间件和认证后端，AXES_ENABLED 不要设为 False。",
        )
    ]


def _https() -> list[CheckMessage]:
    if not getattr(settings, "GUAZHI_HTTPS", False):
        return [
            _error(
                8,
                "未启用 HTTPS（GUAZHI_HTTPS）：密码、会话和个人信息以明文在网络上传输，不符合等保三级的传输保密要求。",
                "在 nginx 上配置证书（deploy/nginx.conf），并设置 GUAZHI_HTTPS=true。",
            )
        ]
    problems: list[CheckMessage] = []
    if not (settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE):
        problems.append(
            _error(
                9,
                "已启用 HTTPS，但会话或 CSRF Cookie 未设置 Secure。",
                "检查 settings.py 中的 SESSION_COOKIE_SECURE 和 CSRF_COOKIE_SECURE。",
            )
        )
    if not getattr(settings, "GUAZHI_TRUSTED_PROXIES", []):
        problems.append(
            Warning(
                "已启用 HTTPS，但未设置 GUAZHI_TRUSTED_PROXIES：在 nginx 之后，本站看不出请求来自 HTTPS，"
                "也看不到用户的真实地址（登录锁定和审计日志都会记成 nginx 的地址）。",
                hint="设为 nginx 所在的地址，如 127.0.0.1（多台应用服务器时为代理的内网地址）。",
                id="guazhi.deploy.W001",
            )
        )
    return problems
