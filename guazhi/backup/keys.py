"""The backup key: GUAZHI_BACKUP_KEY or GUAZHI_BACKUP_KEY_FILE, never a default."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from guazhi.lib.keys import GENERATE_HINT, KeyConfigError, load_secret


class BackupError(Exception):
    """A backup or restore refused or failed; the message (Chinese) says why."""


def backup_secret(key_file: str | Path | None = None) -> bytes:
    """The configured secret, or the one in `key_file` (e.g. the key of an older backup)."""
    forbidden = (Path(settings.DATA_DIR),)
    try:
        if key_file:
            secret = load_secret(
                value="",
                file=key_file,
                env_name="",
                file_env_name="--key-file",
                forbidden_dirs=forbidden,
            )
        else:
            secret = load_secret(
                value=settings.GUAZHI_BACKUP_KEY,
                file=settings.GUAZHI_BACKUP_KEY_FILE or None,
                env_name="GUAZHI_BACKUP_KEY",
                file_env_name="GUAZHI_BACKUP_KEY_FILE",
                forbidden_dirs=forbidden,
            )
    except KeyConfigError as e:
        raise BackupError(str(e)) from None
    if secret is None:
        raise BackupError(
            "未配置备份密钥：请设置环境变量 GUAZHI_BACKUP_KEY，或用 GUAZHI_BACKUP_KEY_FILE "
            f"指向数据目录之外的密钥文件。{GENERATE_HINT}。密钥务必另行妥善保存："
            "没有它，备份无法恢复。"
        )
    return secret
