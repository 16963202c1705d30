"""The key of the audit chain.

Each record's hash is an HMAC-SHA256 under a key that lives outside the database
(GUAZHI_AUDIT_KEY or GUAZHI_AUDIT_KEY_FILE), so someone who can only write the database cannot
recompute the chain after changing a record. With no key configured a fixed development key is
used: fine for the demo and tests, flagged by `check --deploy` (guazhi.audit.E001) and by
`verify_audit`, worthless in production because it is public.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from guazhi.lib.keys import derive, key_id, load_secret

PURPOSE = "guazhi audit chain v1"
DEVELOPMENT_SECRET = b"guazhi-development-audit-key-public-do-not-use-in-production"
ALGORITHM = "hmac-sha256"


@lru_cache(maxsize=8)
def _key_for(value: str, file: str, data_dir: str) -> tuple[bytes, str, bool]:
    secret = load_secret(
        value=value,
        file=file or None,
        env_name="GUAZHI_AUDIT_KEY",
        file_env_name="GUAZHI_AUDIT_KEY_FILE",
        forbidden_dirs=(Path(data_dir),),
    )
    development = secret is None
    secret = secret or DEVELOPMENT_SECRET
    return derive(secret, PURPOSE), key_id(secret, PURPOSE), development


def _configured() -> tuple[bytes, str, bool]:
    return _key_for(
        getattr(settings, "GUAZHI_AUDIT_KEY", ""),
        str(getattr(settings, "GUAZHI_AUDIT_KEY_FILE", "") or ""),
        str(settings.DATA_DIR),
    )


def chain_key() -> bytes:
    return _configured()[0]


def chain_key_id() -> str:
    return _configured()[1]


def uses_development_key() -> bool:
    return _configured()[2]


def keyed_hash(payload: bytes, key: bytes | None = None) -> str:
    return hmac.new(key if key is not None else chain_key(), payload, hashlib.sha256).hexdigest()


def legacy_hash(payload: bytes) -> str:
    """The plain SHA-256 of chains written before the key (re-keyed by `audit_rekey`)."""
    return hashlib.sha256(payload).hexdigest()


def key_from_secret(secret: bytes) -> bytes:
    """The chain key for a given secret (the previous key when rotating)."""
    return derive(secret, PURPOSE)
