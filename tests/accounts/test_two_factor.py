"""Two-factor login: mandatory enrolment for the IT admins and whoever sees unmasked data, the code
prompt at every login, recovery codes, optional enrolment for others, and the reset paths."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from guazhi.accounts.two_factor import recovery_digest
from guazhi.audit.models import AuditRecord, Event, Result
from tests.conftest import PASSWORD


def _password(client: Client, username: str, password: str = PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def code_for(device: TOTPDevice, drift: int = 0) -> str:
    """The app's six digits now (drift=1: the next step's, within django-otp's tolerance, for a
    second login in the same 30 s, since a step's code is accepted once)."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):06d}"


def _past_the_throttle() -> None:
    """As if the user had waited out django-otp's delay after a wrong code."""
    past = {"throttling_failure_timestamp": None, "throttling_failure_count": 0}
    TOTPDevice.objects.update(**past)
    StaticDevice.objects.update(**past)


def _enrol(client: Client) -> tuple[TOTPDevice, list[str]]:
    page = client.get(reverse("accounts:two_factor_setup"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post(reverse("accounts:two_factor_setup"), {"code": code_for(device)})
    assert response.status_code == 302
    codes_page = client.get(response["Location"])
    codes = re.findall(
        r'<li class="list-group-item">([a-z0-9-]+)</li>', codes_page.content.decode()
    )
    return device, codes


def test_a_required_user_is_sent_to_enrol_after_the_password(programme_admin):
    client = Client()
    assert _password(client, "admin_wang").status_code == 302
    response = client.get(reverse("roster:cadre_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))
    page = client.get(response["Location"])
    body = page.content.decode()
    assert "<svg" in body and 'data-testid="totp-secret"' in body
    assert "<script" not in body.split("</header>")[1]  # no inline script on the page


def test_enrolment_gives_ten_recovery_codes_once_and_as_text(programme_admin):
    client = Client()
    _password(client, "admin_wang")
    device, codes = _enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    download = client.get(reverse("accounts:recovery_codes_download"))
    assert download["Content-Disposition"].startswith("attachment")
    text = download.content.decode()
    assert all(code in text for code in codes)
    assert client.post(reverse("accounts:recovery_codes"), {"next": "/"}).status_code == 302
    assert client.get(reverse("accounts:recovery_codes_download")).status_code == 404
    assert client.get(reverse("roster:cadre_list")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditRecord.objects.filter(event=Event.EDIT, detail__contains="启用双因素认证").exists()


def test_a_wrong_first_code_does_not_enrol(programme_admin):
    client = Client()
    _password(client, "admin_wang")
    client.get(reverse("accounts:two_factor_setup"))
    response = client.post(reverse("accounts:two_factor_setup"), {"code": "000000"})
    assert response.status_code == 200
    assert "验证码不正确" in response.content.decode()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()


def test_every_login_asks_for_the_code(programme_admin):
    first = Client()
    _password(first, "admin_wang")
    device, _ = _enrol(first)
    client = Client()
    _password(client, "admin_wang")
    response = client.get(reverse("roster:cadre_list"))
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))
    wrong = client.post(response["Location"], {"code": "123456"})
    assert "验证码不正确" in wrong.content.decode()
    assert client.get(reverse("roster:cadre_list")).status_code == 302
    # django-otp's throttle: right after a wrong code even the right one waits a second.
    hurried = client.post(reverse("accounts:two_factor_verify"), {"code": code_for(device, 1)})
    assert "秒后再输入" in hurried.content.decode()
    _past_the_throttle()
    ok = client.post(
        reverse("accounts:two_factor_verify"),
        {"code": code_for(device, drift=1), "next": reverse("roster:cadre_list")},
    )
    assert ok["Location"] == reverse("roster:cadre_list")
    assert client.get(reverse("roster:cadre_list")).status_code == 200
    failed = AuditRecord.objects.filter(event=Event.LOGIN_FAILED, username="admin_wang")
    assert failed.count() == 2  # the wrong code, and the right one tried too soon
    assert all(f.result == Result.FAILURE and "双因素" in f.detail for f in failed)
    assert AuditRecord.objects.filter(event=Event.LOGIN, detail="双因素认证：动态验证码").exists()


def test_a_recovery_code_works_once(programme_admin):
    first = Client()
    _password(first, "admin_wang")
    _, codes = _enrol(first)
    client = Client()
    _password(client, "admin_wang")
    response = client.post(reverse("accounts:two_factor_verify"), {"code": codes[3].upper()})
    assert response.status_code == 302
    assert client.get(reverse("roster:cadre_list")).status_code == 200
    assert AuditRecord.objects.filter(detail="双因素认证：使用恢复码，剩余 9 个").exists()
    again = Client()
    _password(again, "admin_wang")
    response = again.post(reverse("accounts:two_factor_verify"), {"code": codes[3]})
    assert response.status_code == 200
    assert again.get(reverse("roster:cadre_list")).status_code == 302


def test_recovery_codes_are_stored_as_keyed_digests(programme_admin):
    client = Client()
    _password(client, "admin_wang")
    _, codes = _enrol(client)
    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert not stored & set(codes)
    assert stored == {recovery_digest(code) for code in codes}


def test_regenerated_recovery_codes_replace_the_old_ones(programme_admin):
    client = Client()
    _password(client, "admin_wang")
    _, old = _enrol(client)
    response = client.post(reverse("accounts:recovery_codes_regenerate"))
    assert response["Location"] == reverse("accounts:recovery_codes")
    page = client.get(reverse("accounts:recovery_codes")).content.decode()
    new = re.findall(r'<li class="list-group-item">([a-z0-9-]+)</li>', page)
    assert len(new) == 10 and not set(new) & set(old)
    later = Client()
    _password(later, "admin_wang")
    assert later.post(reverse("accounts:two_factor_verify"), {"code": old[0]}).status_code == 200
    _past_the_throttle()
    assert later.post(reverse("accounts:two_factor_verify"), {"code": new[0]}).status_code == 302


def test_an_enrolled_user_cannot_enrol_another_phone_with_the_password_alone(programme_admin):
    first = Client()
    _password(first, "admin_wang")
    _enrol(first)
    thief = Client()
    _password(thief, "admin_wang")
    response = thief.get(reverse("accounts:two_factor_setup"))
    assert response["Location"] == reverse("accounts:two_factor_verify")
    assert TOTPDevice.objects.count() == 1


def test_it_admins_must_enrol_too(system_admin):
    client = Client()
    _password(client, "sysadmin")
    response = client.get(reverse("accounts:user_list"))
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))


def test_other_users_are_not_asked_until_they_enrol(cadre_user):
    client = Client()
    _password(client, "zhangjianguo")
    assert client.get(reverse("home")).status_code == 200
    security = client.get(reverse("accounts:security")).content.decode()
    assert "未启用" in security
    _enrol(client)
    later = Client()
    _password(later, "zhangjianguo")
    assert later.get(reverse("home"))["Location"].startswith(reverse("accounts:two_factor_verify"))


def test_an_optional_user_may_switch_it_off(cadre_user):
    client = Client()
    _password(client, "zhangjianguo")
    _enrol(client)
    assert client.post(reverse("accounts:two_factor_remove")).status_code == 302
    assert not TOTPDevice.objects.exists()
    later = Client()
    _password(later, "zhangjianguo")
    assert later.get(reverse("home")).status_code == 200


def test_a_required_user_may_not_switch_it_off(programme_admin):
    client = Client()
    _password(client, "admin_wang")
    _enrol(client)
    assert client.post(reverse("accounts:two_factor_remove")).status_code == 404
    assert TOTPDevice.objects.filter(confirmed=True).exists()


def test_the_security_admin_resets_a_lost_phone(programme_admin, security_admin, client_for):
    first = Client()
    _password(first, "admin_wang")
    _enrol(first)
    response = client_for(security_admin).post(
        reverse("accounts:user_two_factor_reset", args=[programme_admin.pk])
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=programme_admin).exists()
    entry = AuditRecord.objects.get(
        event=Event.EDIT, object_id=str(programme_admin.pk), user=security_admin
    )
    assert "重置双因素认证" in entry.detail
    again = Client()
    _password(again, "admin_wang")
    assert again.get(reverse("home"))["Location"].startswith(reverse("accounts:two_factor_setup"))


def test_the_system_admin_cannot_reset_two_factor(programme_admin, system_admin, client_for):
    response = client_for(system_admin).post(
        reverse("accounts:user_two_factor_reset", args=[programme_admin.pk])
    )
    assert response.status_code == 404


def test_the_setting_switches_the_requirement_off(programme_admin, settings):
    settings.GUAZHI_TWO_FACTOR_REQUIRED = False
    client = Client()
    _password(client, "admin_wang")
    assert client.get(reverse("home")).status_code == 200


def test_the_code_comes_before_a_forced_password_change(programme_admin):
    programme_admin.must_change_password = True
    programme_admin.save()
    client = Client()
    _password(client, "admin_wang")
    first = client.get(reverse("home"))
    # The password page is reached first, but it too asks for the second factor.
    second = client.get(first["Location"])
    assert second["Location"].startswith(reverse("accounts:two_factor_setup"))
    _enrol(client)
    assert client.get(reverse("home"))["Location"] == reverse("accounts:password_change")


def test_the_next_parameter_cannot_leave_the_site(programme_admin):
    client = Client()
    _password(client, "admin_wang")
    device, _ = _enrol(client)
    later = Client()
    _password(later, "admin_wang")
    response = later.post(
        reverse("accounts:two_factor_verify"),
        {"code": code_for(device, drift=1), "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def test_two_people_reset_an_it_admins_two_factor(
    system_admin, security_admin, audit_admin, monkeypatch
):
    """IT admins' accounts are out of the web's reach: the two-person command resets them."""
    from io import StringIO

    from django.core.management import call_command

    TOTPDevice.objects.create(user=audit_admin, name="手机验证器", confirmed=True)
    answers = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr(
        "guazhi.accounts.management.commands.it_admin.getpass", lambda prompt: next(answers)
    )
    out = StringIO()
    call_command(
        "it_admin",
        "reset-2fa",
        "auditadmin",
        "--by",
        "sysadmin",
        "--witness",
        "secadmin",
        stdout=out,
    )
    assert "已重置 auditadmin 的双因素认证" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=audit_admin).exists()
    entry = AuditRecord.objects.get(event=Event.EDIT, object_id=str(audit_admin.pk))
    assert entry.user == system_admin and "监督员 secadmin" in entry.detail


def test_the_secret_shown_as_text_is_the_one_the_app_needs(programme_admin):
    """Manual entry (no camera, or the demo without a phone): the code computed from the text
    on the page enrols, and the QR code carries the same secret."""
    import html

    from guazhi.lib.totp_code import current_code

    client = Client()
    _password(client, "admin_wang")
    page = client.get(reverse("accounts:two_factor_setup")).content.decode()
    secret = html.unescape(re.search(r'data-testid="totp-secret">([^<]+)<', page).group(1))
    device = TOTPDevice.objects.get(confirmed=False)
    assert "".join(secret.split()) in device.config_url
    response = client.post(reverse("accounts:two_factor_setup"), {"code": current_code(secret)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed


def test_doctests_of_the_pure_helpers():
    import doctest

    from guazhi.lib import client_address, totp_code

    for module in (client_address, totp_code):
        assert doctest.testmod(module).failed == 0
