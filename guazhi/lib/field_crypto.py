"""Encryption of single values at rest (ID and mobile numbers) and their blind indexes.
Imports no Django: `guazhi.lib.encrypted_fields` wires it to the models and the settings.

A value is sealed with AES-256-GCM under a key derived from the field secret (HKDF, its own
purpose) with a fresh random nonce, so equal numbers never give equal ciphertexts. The token
names its format version and key, so a key rotation can run in batches with both keys loaded:

    gf1$<key id>$<base64url(nonce + ciphertext + tag)>

The associated data binds the token to its place ("roster_cadre.id_number") and key: a token
copied into another column or row of another table fails to open instead of showing there.

Exact lookup and uniqueness need something deterministic: the blind index, an HMAC-SHA256 of
the value under a second derived key. It reveals which rows hold equal values, nothing else to
someone without the key; with the key, a 4-digit tail index is trivially inverted, which is why
the key lives outside the database and the data directory.

>>> ring = Keyring(b"k" * 32)
>>> token = ring.encrypt("110105198504129991", "t.c")
>>> token.startswith("gf1$") and "1101051985" not in token
True
>>> ring.decrypt(token, "t.c")
'110105198504129991'
>>> ring.encrypt("", "t.c")
''
>>> ring.index("13812345678", "t.c") == ring.index("13812345678", "t.c")
True
>>> ring.index("13812345678", "t.c") != ring.index("13812345678", "t.other")
True
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from guazhi.lib.keys import derive, key_id

PREFIX = "gf1"
ENCRYPTION_PURPOSE = "guazhi field encryption v1"
INDEX_PURPOSE = "guazhi blind index v1"
KEY_ID_PURPOSE = "guazhi field key v1"
NONCE_BYTES = 12
INDEX_CHARS = 32  # 128 bits of the HMAC: collisions are out of reach at any roster size


class FieldCryptoError(Exception):
    """A stored value cannot be opened; the message (Chinese) says why and what to check."""


@dataclass(frozen=True)
class _Key:
    id: str
    aead: AESGCM
    index_key: bytes


def _key(secret: bytes) -> _Key:
    return _Key(
        id=key_id(secret, KEY_ID_PURPOSE),
        aead=AESGCM(derive(secret, ENCRYPTION_PURPOSE)),
        index_key=derive(secret, INDEX_PURPOSE),
    )


def _aad(context: str, kid: str) -> bytes:
    return f"{PREFIX}|{context}|{kid}".encode()


def index_context(context: str, tail: int) -> str:
    """A tail index hashes under its own context: equal tails never match whole values."""
    return f"{context}#tail{tail}" if tail else context


def is_token(value: str) -> bool:
    return value.startswith(PREFIX + "$")


def token_key_id(token: str) -> str:
    """The key a token was sealed under ('' for an empty value or something not a token)."""
    parts = token.split("$")
    return parts[1] if len(parts) == 3 and parts[0] == PREFIX else ""


class Keyring:
    """The current key (seals everything new) and older keys (still open what they sealed,
    while `rotate_field_key` re-seals it under the current one)."""

    def __init__(self, current: bytes, *, old: Iterable[bytes] = ()) -> None:
        self._current = _key(current)
        self._keys = {self._current.id: self._current}
        for secret in old:
            k = _key(secret)
            self._keys.setdefault(k.id, k)

    @property
    def current_id(self) -> str:
        return self._current.id

    @property
    def key_ids(self) -> list[str]:
        """Every loaded key, the current one first."""
        return list(self._keys)

    def encrypt(self, plain: str, context: str) -> str:
        if not plain:
            return ""
        k = self._current
        nonce = os.urandom(NONCE_BYTES)
        sealed = k.aead.encrypt(nonce, plain.encode(), _aad(context, k.id))
        return f"{PREFIX}${k.id}${base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def decrypt(self, token: str, context: str) -> str:
        if not token:
            return ""
        kid = token_key_id(token)
        if not kid:
            raise FieldCryptoError(
                f"{context} 中存放的不是密文（可能是未加密的旧数据或被直接改写）：请运行数据库迁移，"
                "并检查是否有人绕过系统改动了数据库。"
            )
        k = self._keys.get(kid)
        if k is None:
            raise FieldCryptoError(
                f"{context} 中的数据是用另一个密钥（标识 {kid}）加密的，当前加载的密钥为 "
                f"{'、'.join(self._keys)}：请检查 GUAZHI_FIELD_KEY，更换密钥期间用 "
                "GUAZHI_FIELD_KEY_OLD 提供旧密钥。"
            )
        try:
            raw = base64.urlsafe_b64decode(token.split("$", 2)[2])
            plain = k.aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(context, kid))
        except (InvalidTag, binascii.Error, ValueError):
            raise FieldCryptoError(
                f"{context} 中的一项密文校验失败：被改动、截断，或是从别处复制来的。"
            ) from None
        return plain.decode()

    def index(self, value: str, context: str) -> str:
        """The blind index of `value` under the current key."""
        return _digest(self._current.index_key, value, context)

    def indexes(self, value: str, context: str) -> list[str]:
        """Its blind index under every loaded key: a lookup during a rotation finds the rows
        not re-sealed yet too."""
        return [_digest(k.index_key, value, context) for k in self._keys.values()]


def _digest(key: bytes, value: str, context: str) -> str:
    mac = hmac.new(key, f"{context}\x00{value}".encode(), hashlib.sha256)
    return mac.hexdigest()[:INDEX_CHARS]
