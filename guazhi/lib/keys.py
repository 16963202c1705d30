"""Secrets kept outside the database: read from an environment value or a key file, and turned
into purpose-bound keys.

A secret is any string of at least 32 characters (e.g. `secrets.token_urlsafe(32)`). It is
never used directly: `derive(secret, purpose)` gives each use (audit chain, backups) its own
key, so one leaked derived key reveals nothing about the others.

>>> len(derive(b"x" * 32, "demo"))
32
>>> key_id(b"x" * 32, "demo") == key_id(b"x" * 32, "demo") != key_id(b"y" * 32, "demo")
True
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MIN_SECRET_CHARS = 32
GENERATE_HINT = "生成方法：python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"


class KeyConfigError(Exception):
    """The key is missing or misplaced; the message (Chinese) says what to set."""


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def load_secret(
    *,
    value: str,
    file: str | Path | None,
    env_name: str,
    file_env_name: str,
    forbidden_dirs: tuple[Path, ...] = (),
) -> bytes | None:
    """The secret from `value` (an environment variable's content) or from `file`; None when
    neither is set. A key file inside one of `forbidden_dirs` (the data directory) is refused:
    whoever copies that directory would carry the key along with what it protects."""
    if value:
        secret = value.strip()
        source = f"环境变量 {env_name}"
    elif file:
        path = Path(file)
        for folder in forbidden_dirs:
            if _inside(path, folder):
                raise KeyConfigError(
                    f"密钥文件 {path} 位于数据目录 {folder} 之内：复制数据目录的人会同时拿到密钥。"
                    f"请把它放到数据目录之外（{file_env_name}）。"
                )
        try:
            secret = path.read_text(encoding="utf-8").strip()
        except OSError as e:
            raise KeyConfigError(
                f"无法读取密钥文件 {path}（{file_env_name}）：{e.strerror or e}。"
            ) from None
        source = f"密钥文件 {path}"
    else:
        return None
    if len(secret) < MIN_SECRET_CHARS:
        raise KeyConfigError(
            f"{source} 中的密钥太短（{len(secret)} 个字符），至少需要 {MIN_SECRET_CHARS} 个字符。"
            f"{GENERATE_HINT}"
        )
    return secret.encode()


def derive(secret: bytes, purpose: str, *, salt: bytes | None = None) -> bytes:
    """A 32-byte key for one purpose (HKDF-SHA256)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=purpose.encode()).derive(
        secret
    )


def key_id(secret: bytes, purpose: str) -> str:
    """A short public name of the key: tells "another key" apart from "damaged" without
    revealing anything usable about the key."""
    return hmac.new(derive(secret, purpose), b"key-id", hashlib.sha256).hexdigest()[:16]
