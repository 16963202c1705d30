"""等保2.0 login baseline: generic errors, timeouts, forced password change (lockout: test_lockout.py)."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse

from guazhi.accounts.middleware import LAST_SEEN_KEY, LOGIN_TIME_KEY
from guazhi.audit.models import AuditRecord, Event
from tests.conftest import PASSWORD

GENERIC = "用户名或密码错误，或账号已被锁定。"


def _login(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_succeeds_and_is_audited(programme_admin):
    client = Client()
    response = _login(client, "admin_wang", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    last = AuditRecord.objects.first()
    assert last.event == Event.LOGIN
    assert last.username == "admin_wang"
    assert last.role == "programme_admin"
    assert last.ip == "127.0.0.1"


def test_wrong_password_and_unknown_user_get_the_same_message(programme_admin):
    client = Client()
    wrong_password = _login(client, "admin_wang", "Nope#12345")
    unknown_user = _login(client, "nobody", "Nope#12345")
    assert GENERIC in wrong_password.content.decode()
    assert GENERIC in unknown_user.content.decode()
    failures = AuditRecord.objects.filter(event=Event.LOGIN_FAILED)
    assert sorted(failures.values_list("username", flat=True)) == ["admin_wang", "nobody"]


def test_login_required_everywhere_but_login_and_static():
    client = Client()
    for url in ["/", reverse("roster:cadre_list"), reverse("audit:record_list")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert client.get(reverse("login")).status_code == 200
    assert client.get("/static/vendor/bootstrap/bootstrap.min.css").status_code == 200


def test_idle_session_times_out(programme_admin):
    client = Client()
    _login(client, "admin_wang", PASSWORD)
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - 31 * 60
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert AuditRecord.objects.filter(event=Event.SESSION_EXPIRED).exists()
    assert client.get(reverse("home")).status_code == 302


def test_absolute_session_limit_applies_to_active_users(programme_admin):
    client = Client()
    _login(client, "admin_wang", PASSWORD)
    session = client.session
    session[LOGIN_TIME_KEY] = time.time() - 8 * 3600 - 60
    session[LAST_SEEN_KEY] = time.time()
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_session_limits_are_configurable(programme_admin, settings):
    settings.SESSION_IDLE_SECONDS = 5 * 60
    client = Client()
    _login(client, "admin_wang", PASSWORD)
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - 6 * 60
    session.save()
    assert client.get(reverse("home")).status_code == 302


def test_first_login_forces_a_password_change(programme_admin, settings):
    settings.GUAZHI_TWO_FACTOR_REQUIRED = False  # with it: test_two_factor.py
    programme_admin.must_change_password = True
    programme_admin.save()
    client = Client()
    _login(client, "admin_wang", PASSWORD)
    response = client.get(reverse("roster:cadre_list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change")
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Xinmima#2027",
            "new_password2": "Xinmima#2027",
        },
    )
    assert response.status_code == 302
    programme_admin.refresh_from_db()
    assert not programme_admin.must_change_password
    assert programme_admin.check_password("Xinmima#2027")
    assert client.get(reverse("home")).status_code == 200
    assert AuditRecord.objects.filter(
        event=Event.PASSWORD_CHANGE, object_id=str(programme_admin.pk)
    ).exists()


@pytest.mark.parametrize(
    ("new_password", "message"),
    [
        ("Ab1#", "至少 8 个字符"),
        ("abcdefgh12", "至少 3 类"),
        ("Admin_wang#1", "不能包含用户名或姓名"),
    ],
)
def test_password_change_rejects_weak_passwords(programme_admin, client_for, new_password, message):
    client = client_for(programme_admin)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    programme_admin.refresh_from_db()
    assert programme_admin.check_password(PASSWORD)


def test_logout_is_audited(programme_admin, client_for):
    client = client_for(programme_admin)
    client.post(reverse("accounts:logout"))
    assert AuditRecord.objects.filter(event=Event.LOGOUT, username="admin_wang").exists()
    assert client.get(reverse("home")).status_code == 302
