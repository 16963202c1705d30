"""Second-factor pages: enrolment (QR code and secret), the code prompt after the password, the
recovery codes (shown once, downloadable as .txt), the user's own security page, and the
security admin's reset for a lost phone."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from guazhi.accounts import actions, two_factor
from guazhi.accounts.forms import OneTimeCodeForm
from guazhi.accounts.middleware import TWO_FACTOR_PENDING_KEY
from guazhi.accounts.models import AccountAction, User
from guazhi.accounts.views import _manageable_user
from guazhi.audit.log import client_ip

# Fresh recovery codes wait here between the page that shows them and the download, and are
# dropped as soon as the user says they are kept.
CODES_KEY = "guazhi_recovery_codes"


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _verified(request: HttpRequest) -> bool:
    return bool(request.user.is_verified())  # type: ignore[union-attr]


def two_factor_verify(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if _verified(request):
        return redirect(_next(request))
    if not two_factor.is_enrolled(user):
        return redirect("accounts:two_factor_setup")
    form = OneTimeCodeForm(request.POST or None, recovery=True)
    if request.method == "POST" and form.is_valid():
        device, wait = two_factor.verify(user=user, token=form.cleaned_data["code"])
        with transaction.atomic():
            two_factor.record_verification(user=user, device=device, ip=client_ip(request))
        if device is not None:
            otp_login(request, device)
            request.session.pop(TWO_FACTOR_PENDING_KEY, None)
            left = two_factor.recovery_codes_left(user)
            if device.name == two_factor.RECOVERY_NAME:
                messages.warning(
                    request,
                    f"您使用了一个恢复码，还剩 {left} 个。手机找回或更换后，请在“登录安全”页重新生成恢复码。",
                )
            return redirect(_next(request))
        if wait:
            form.add_error("code", f"输错次数较多，请 {wait} 秒后再输入。")
        else:
            form.add_error("code", "验证码不正确或已过期，请重新输入。")
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _next(request)}
    )


def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if two_factor.is_enrolled(user):
        # Replacing a device needs the old one (or the security admin's reset): a stolen
        # password alone must not let anyone enrol their own phone.
        return redirect("accounts:security" if _verified(request) else "accounts:two_factor_verify")
    device = two_factor.pending_device(user)
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm_enrolment(
            user=user, device=device, token=form.cleaned_data["code"], ip=client_ip(request)
        )
        if codes:
            otp_login(request, device)
            request.session.pop(TWO_FACTOR_PENDING_KEY, None)
            request.session[CODES_KEY] = codes
            return redirect(f"{_codes_url()}?next={_next(request)}")
        form.add_error(
            "code", "验证码不正确。请确认手机时间准确，再输入验证器里当前显示的 6 位数字。"
        )
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr": two_factor.qr_svg(device),
            "secret": two_factor.secret_text(device),
            "required": two_factor.required_for(user),
            "next": _next(request),
        },
    )


def _codes_url() -> str:
    return reverse("accounts:recovery_codes")


def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Shows the codes just made, once; POST (「我已妥善保存」) drops them from the session."""
    codes = request.session.get(CODES_KEY)
    if request.method == "POST":
        request.session.pop(CODES_KEY, None)
        return redirect(_next(request))
    if not codes:
        return redirect("accounts:security")
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next(request)})


def recovery_codes_download(request: HttpRequest) -> HttpResponse:
    codes = request.session.get(CODES_KEY)
    if not codes:
        raise Http404
    user = _user(request)
    lines = [
        "挂职锻炼管理平台 · 双因素认证恢复码",
        f"账号：{user.username}",
        "每个恢复码只能使用一次。请打印或抄写后妥善保管，不要与密码放在一起。",
        "",
        *codes,
        "",
    ]
    response = HttpResponse("\r\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="guazhi-recovery-codes.txt"'
    return response


def security(request: HttpRequest) -> HttpResponse:
    """The user's own page: second-factor status, recovery codes left, regenerate or switch off."""
    user = _user(request)
    return render(
        request,
        "accounts/security.html",
        {
            "enrolled": two_factor.is_enrolled(user),
            "required": two_factor.required_for(user),
            "codes_left": two_factor.recovery_codes_left(user),
        },
    )


@require_POST
def recovery_codes_regenerate(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not (two_factor.is_enrolled(user) and _verified(request)):
        raise Http404
    request.session[CODES_KEY] = two_factor.regenerate_recovery_codes(
        user=user, ip=client_ip(request)
    )
    messages.success(request, "已生成新的恢复码，旧恢复码全部作废。")
    return redirect("accounts:recovery_codes")


@require_POST
def two_factor_remove(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if two_factor.required_for(user) or not _verified(request):
        raise Http404
    two_factor.remove_own(user=user, ip=client_ip(request))
    messages.success(request, "已关闭双因素认证。")
    return redirect("accounts:security")


@require_POST
def user_two_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """The security admin's unlock path for a lost phone: the owner enrols again at login."""
    actor, target = _manageable_user(request, pk, AccountAction.RESET_TWO_FACTOR)
    count = actions.reset_two_factor(actor=actor, target=target, ip=client_ip(request))
    if count:
        messages.success(
            request, f"已重置 {target.username} 的双因素认证，对方下次登录时重新绑定。"
        )
    else:
        messages.info(request, f"{target.username} 没有绑定双因素认证，无需重置。")
    return redirect("accounts:user_list")
