"""Session policy: idle and absolute lifetime, and forced password change.

The last-seen time is written at most once a minute (LAST_SEEN_RESOLUTION): writing the session
on every page view would make every request a database write, and on SQLite one long write
(an import, an export) would then stall every user. The idle limit is therefore exact to the
minute, which 等保 does not ask to be finer.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from guazhi.accounts import two_factor
from guazhi.audit.log import record
from guazhi.audit.models import Event

LOGIN_TIME_KEY = "guazhi_login_time"
LAST_SEEN_KEY = "guazhi_last_seen"
LAST_SEEN_RESOLUTION = 60  # seconds
# Set at login for users who enrolled a second factor without having to: they are asked too.
TWO_FACTOR_PENDING_KEY = "guazhi_two_factor_pending"


class SessionPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = time.time()
            started = request.session.get(LOGIN_TIME_KEY, now)
            last_seen = request.session.get(LAST_SEEN_KEY, now)
            # The idle check here as well as the cookie's age: a stolen cookie replayed after
            # the idle period must not work, whatever the client does with expiry.
            expired_absolute = now - started > settings.SESSION_ABSOLUTE_SECONDS
            expired_idle = now - last_seen > settings.SESSION_IDLE_SECONDS
            if expired_absolute or expired_idle:
                reason = "会话已超过最长时限" if expired_absolute else "长时间未操作"
                record(event=Event.SESSION_EXPIRED, request=request, user=user, detail=reason)
                logout(request)
                messages.info(request, f"{reason}，请重新登录。")
                return redirect(f"{reverse('login')}?next={request.path}")
            if now - last_seen >= LAST_SEEN_RESOLUTION or LAST_SEEN_KEY not in request.session:
                request.session[LAST_SEEN_KEY] = now
            # Not on the second-factor pages: the code comes first, then the new password.
            exempt = _password_paths() | _two_factor_paths()
            if user.must_change_password and request.path not in exempt:
                messages.warning(request, "首次登录或密码已被重置，请先修改密码。")
                return redirect("accounts:password_change")
        return self.get_response(request)


class TwoFactorMiddleware:
    """After the password, a user who must have a second factor (or has enrolled one) reaches
    no page but the code prompt (or the enrolment page) until django-otp's OTPMiddleware,
    which runs before this one, finds the session verified."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()  # type: ignore[union-attr,attr-defined]
            and request.path_info not in _two_factor_paths()
            and (
                two_factor.required_for(user)  # type: ignore[arg-type]
                or request.session.get(TWO_FACTOR_PENDING_KEY)
            )
        ):
            enrolled = two_factor.is_enrolled(user)  # type: ignore[arg-type]
            target = "accounts:two_factor_verify" if enrolled else "accounts:two_factor_setup"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


def _password_paths() -> set[str]:
    return {reverse("accounts:password_change"), reverse("accounts:logout")}


def _two_factor_paths() -> set[str]:
    return {
        reverse("login"),
        reverse("accounts:logout"),
        reverse("accounts:two_factor_verify"),
        reverse("accounts:two_factor_setup"),
    }
