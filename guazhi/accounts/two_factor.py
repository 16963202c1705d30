"""Two-factor login (TOTP, django-otp) with one-time recovery codes.

Who must: the three IT admins and anyone shown unmasked personal data
(`User.may_reveal_personal_data`), while GUAZHI_TWO_FACTOR_REQUIRED is on. Anyone else may
enrol; once enrolled they are asked at every login too.

Recovery codes are django-otp static tokens, but stored as a keyed digest rather than as typed:
a copy of the database alone gives no usable code. The TOTP secret itself must be readable to
check a code, so it stays as django-otp stores it (docs/security.md says what that means).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from base64 import b32encode

import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from guazhi.accounts.models import User
from guazhi.audit.log import record
from guazhi.audit.models import Event, Result

RECOVERY_CODE_COUNT = 10
TOTP_NAME = "手机验证器"
RECOVERY_NAME = "恢复码"
# An alphabet without look-alikes (0/O, 1/I/L), read aloud or copied from paper.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def required_for(user: User) -> bool:
    """Whether this account may not work without a second factor."""
    if not getattr(settings, "GUAZHI_TWO_FACTOR_REQUIRED", True):
        return False
    return user.has_it_role or user.may_reveal_personal_data


def confirmed_totp(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def is_enrolled(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: User) -> int:
    device = StaticDevice.objects.filter(user=user, name=RECOVERY_NAME).first()
    return device.token_set.count() if device else 0


# --- Enrolment ----------------------------------------------------------------------------------


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed TOTP device being set up (one per user; reused on reload, so the code
    the user has already scanned stays valid)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    raw = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an inline SVG drawn here (segno): no outside service sees it."""
    return str(segno.make(device.config_url, error="m").svg_inline(scale=5, border=2))


def confirm_enrolment(*, user: User, device: TOTPDevice, token: str, ip: str = "") -> list[str]:
    """Checks the first code from the app; on success the device counts and fresh recovery
    codes are returned (shown once). An empty list means the code was wrong."""
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().filter(pk=device.pk, user=user).first()
        if locked is None or locked.confirmed or not locked.verify_token(_digits(token)):
            return []
        locked.confirmed = True
        locked.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=locked.pk).delete()
        codes = _new_recovery_codes(user)
        record(
            event=Event.EDIT,
            user=user,
            ip=ip,
            obj=user,
            detail=f"启用双因素认证（动态验证码），生成 {len(codes)} 个恢复码",
        )
    device.confirmed = True
    return codes


# --- Login --------------------------------------------------------------------------------------


def verify(*, user: User, token: str) -> tuple[Device | None, int]:
    """(the device that accepts this code, 0), or (None, seconds to wait) when django-otp's
    throttle (doubling after each wrong code) refuses to check it yet, or (None, 0) for a wrong
    code. The code is the app's six digits, or an unused recovery code, then spent."""
    token = token.strip()
    digits = _digits(token)
    with transaction.atomic():
        if digits.isdigit() and len(digits) == 6:
            devices: list[Device] = list(
                TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True)
            )
            code = digits
        else:
            devices = list(
                StaticDevice.objects.select_for_update().filter(user=user, name=RECOVERY_NAME)
            )
            code = recovery_digest(token)
        for device in devices:
            allowed, data = device.verify_is_allowed()
            if not allowed:
                until = (data or {}).get("locked_until")
                return None, max(
                    1, int((until - timezone.now()).total_seconds()) + 1
                ) if until else 1
            if device.verify_token(code):
                return device, 0
    return None, 0


def record_verification(*, user: User, device: Device | None, ip: str) -> None:
    if device is None:
        record(
            event=Event.LOGIN_FAILED,
            user=user,
            ip=ip,
            result=Result.FAILURE,
            detail="双因素认证：验证码错误",
        )
    elif isinstance(device, StaticDevice):
        left = device.token_set.count()
        record(
            event=Event.LOGIN, user=user, ip=ip, detail=f"双因素认证：使用恢复码，剩余 {left} 个"
        )
    else:
        record(event=Event.LOGIN, user=user, ip=ip, detail="双因素认证：动态验证码")


# --- Recovery codes and reset -------------------------------------------------------------------


def regenerate_recovery_codes(*, user: User, ip: str = "") -> list[str]:
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        codes = _new_recovery_codes(user)
        record(
            event=Event.EDIT,
            user=user,
            ip=ip,
            obj=user,
            detail=f"重新生成恢复码 {len(codes)} 个（旧恢复码作废）",
        )
    return codes


def remove_own(*, user: User, ip: str = "") -> None:
    """An optional user switches the second factor off (never one who must have it)."""
    if required_for(user):
        raise PermissionError("该账号必须使用双因素认证。")
    with transaction.atomic():
        _delete_devices(user)
        record(event=Event.EDIT, user=user, ip=ip, obj=user, detail="关闭双因素认证")


def reset_devices(user: User) -> int:
    """Removes every device of the user (inside the caller's transaction, which audits it).
    The next login asks them to enrol again: the unlock path for a lost phone."""
    return _delete_devices(user)


def _delete_devices(user: User) -> int:
    totp, _ = TOTPDevice.objects.filter(user=user).delete()
    static, _ = StaticDevice.objects.filter(user=user).delete()
    return int(totp) + int(static)


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [_random_code() for _ in range(RECOVERY_CODE_COUNT)]
    for code in codes:
        device.token_set.create(token=recovery_digest(code))
    return codes


def _random_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def recovery_digest(code: str) -> str:
    """What is stored for a recovery code: 16 hex characters of an HMAC under a key derived
    from SECRET_KEY. Spaces, dashes and case do not matter when typing it."""
    normal = "".join(ch for ch in code.lower() if ch.isalnum())
    key = hashlib.sha256(b"guazhi-recovery-code:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, normal.encode(), hashlib.sha256).hexdigest()[:16]


def _digits(token: str) -> str:
    return "".join(ch for ch in token if not ch.isspace())
