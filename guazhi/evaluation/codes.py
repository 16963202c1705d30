"""One-time ballot codes: generation, normalisation and the keyed hash they are stored as.

A code is 8 characters from a 31-character alphabet without the look-alikes 0/O, 1/I/L:
31**8 ≈ 8.5 × 10**11 codes (39.6 bits). With entry rate-limited per client address and per
round (see `guazhi.evaluation.throttle`), guessing one of a round's 500 codes takes far longer
than any round lasts.

The database never holds a code. Each code row keeps a random `nonce` and a `digest`; the code is
HMAC(key, nonce) written in the alphabet, the digest HMAC(key, code). The key comes from the
environment (GUAZHI_EVALUATION_KEY, else derived from GUAZHI_SECRET_KEY), never from the
database, so a copy of the database alone reveals no code; the server, which holds the key, can
print the slips again. A code typed by a rater is looked up by its digest: an indexed equality on
a keyed hash, so response time says nothing about how close a guess was.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata

from django.conf import settings

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
ROUND_KEY_LENGTH = 6
# What people type between groups, or what a phone's keyboard adds.
_SEPARATORS = str.maketrans("", "", " -_·.\u3000\u2010\u2011\u2012\u2013\u2014\u2212")


def evaluation_key() -> bytes:
    """The HMAC key. Changing it makes every code issued so far unusable."""
    configured = getattr(settings, "GUAZHI_EVALUATION_KEY", "")
    if configured:
        return configured.encode()
    return hmac.new(
        settings.SECRET_KEY.encode(), b"guazhi-evaluation-codes", hashlib.sha256
    ).digest()


def _in_alphabet(number: int, length: int) -> str:
    chars = []
    for _ in range(length):
        number, index = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[index])
    return "".join(chars)


def new_nonce() -> int:
    """A random number a code is derived from (fits a signed 64-bit column)."""
    return secrets.randbits(62)


def code_for(nonce: int, *, key: bytes | None = None) -> str:
    """The code a nonce stands for.

    >>> code_for(1, key=b"k")
    'FU993VWX'
    """
    mac = hmac.new(key or evaluation_key(), b"code:%d" % nonce, hashlib.sha256).digest()
    # 64 bits reduced modulo 31**8 (< 2**40): the bias is below 2**-24, nothing to exploit.
    return _in_alphabet(int.from_bytes(mac[:8], "big"), CODE_LENGTH)


def digest(code: str, *, key: bytes | None = None) -> str:
    """The stored form of a (normalised) code."""
    return hmac.new(key or evaluation_key(), b"digest:" + code.encode(), hashlib.sha256).hexdigest()


def normalise(text: str) -> str | None:
    """A typed code in its canonical form, or None if it cannot be one.

    Full-width letters (a Chinese input method), lower case, spaces and dashes are forgiven.

    >>> normalise(" abcd-efgh ")
    'ABCDEFGH'
    >>> normalise("ＡＢＣＤ　ＥＦＧＨ")
    'ABCDEFGH'
    >>> normalise("ABCD0EFG") is None
    True
    """
    text = unicodedata.normalize("NFKC", text or "").translate(_SEPARATORS).upper()
    if len(text) != CODE_LENGTH or any(ch not in ALPHABET for ch in text):
        return None
    return text


def pretty(code: str) -> str:
    """For printing: two groups of four.

    >>> pretty("ABCDEFGH")
    'ABCD-EFGH'
    """
    return f"{code[:4]}-{code[4:]}"


def new_round_key() -> str:
    """The public part of a round's ballot address (not a secret: the codes are)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(ROUND_KEY_LENGTH))
