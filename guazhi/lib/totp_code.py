"""The current code for a TOTP secret, for trying the demo without a phone:

    .venv/bin/python -m guazhi.lib.totp_code "ABCD EFGH IJKL ..."

The secret is the one the enrolment page shows as text (「密钥」); nothing is read from the
database, so this is no way round anyone's second factor.
"""

from __future__ import annotations

import sys
import time
from base64 import b32decode

from django_otp.oath import hotp


def current_code(secret: str, at: float | None = None) -> str:
    """The six digits an authenticator app shows for `secret` (30-second steps, SHA-1).

    RFC 6238's test key "12345678901234567890" at T = 59 s:
    >>> current_code("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", at=59)
    '287082'
    """
    raw = "".join(secret.split()).upper()
    key = b32decode(raw + "=" * (-len(raw) % 8))
    now = time.time() if at is None else at
    return f"{hotp(key, int(now) // 30, digits=6):06d}"


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit('用法：python -m guazhi.lib.totp_code "密钥"')
    print(current_code(sys.argv[1]))
