"""Lockout per username and client address, a generous per-address limit, identical answers for
a locked account and a wrong password, the unlock path, and which address counts."""

from __future__ import annotations

import re
from datetime import timedelta

from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from guazhi.audit.models import AuditRecord, Event
from tests.conftest import PASSWORD

GENERIC = "用户名或密码错误，或账号已被锁定。"
WRONG = "Wrong#pass1"


def _post(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def _fail(client: Client, username: str, times: int = 5) -> None:
    for _ in range(times):
        _post(client, username, WRONG)


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _without_csrf(body: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", body)


def test_five_failures_lock_the_pair_even_with_the_right_password(programme_admin):
    client = Client()
    _fail(client, "admin_wang")
    response = _post(client, "admin_wang", PASSWORD)
    assert response.status_code == 200
    assert GENERIC in response.content.decode()
    assert not _logged_in(client)
    assert AuditRecord.objects.filter(event=Event.LOCKOUT, username="admin_wang").exists()


def test_locked_and_wrong_password_answers_are_identical(programme_admin):
    client = Client()
    wrong = _post(client, "admin_wang", WRONG)
    _fail(client, "admin_wang", 4)
    locked = _post(client, "admin_wang", PASSWORD)
    assert not _logged_in(client)
    assert (wrong.status_code, locked.status_code) == (200, 200)
    assert _without_csrf(wrong.content) == _without_csrf(locked.content)
    assert wrong["Content-Type"] == locked["Content-Type"]
    assert sorted(wrong.headers) == sorted(locked.headers)


def test_a_locked_attempt_costs_a_password_hash_like_a_wrong_one(programme_admin, monkeypatch):
    """The timing side channel: the locked path hashes the submitted password too."""
    from guazhi.accounts import views

    hashed: list[str] = []
    real = views.make_password
    monkeypatch.setattr(views, "make_password", lambda p: hashed.append(p) or real(p))
    client = Client()
    _fail(client, "admin_wang")
    _post(client, "admin_wang", PASSWORD)
    assert PASSWORD in hashed


def test_an_outsider_elsewhere_cannot_lock_the_admin_out(programme_admin):
    outsider = Client(REMOTE_ADDR="203.0.113.9")
    _fail(outsider, "admin_wang", 10)
    _post(outsider, "admin_wang", PASSWORD)
    assert not _logged_in(outsider)
    office = Client(REMOTE_ADDR="10.1.2.3")
    _post(office, "admin_wang", PASSWORD)
    assert _logged_in(office)


def test_a_lock_on_one_name_leaves_other_names_at_that_address(programme_admin, cadre_user):
    client = Client()
    _fail(client, "admin_wang")
    _post(client, "zhangjianguo", PASSWORD)
    assert _logged_in(client)


def test_spraying_many_names_from_one_address_locks_that_address(
    programme_admin, cadre_user, settings
):
    settings.GUAZHI_LOGIN_ADDRESS_FAILURE_LIMIT = 12
    sprayer = Client(REMOTE_ADDR="198.51.100.7")
    for i in range(12):
        _post(sprayer, f"guess{i}", WRONG)  # two tries each would stay under the pair limit
    _post(sprayer, "zhangjianguo", PASSWORD)
    assert not _logged_in(sprayer)
    office = Client(REMOTE_ADDR="10.1.2.3")
    _post(office, "zhangjianguo", PASSWORD)
    assert _logged_in(office)


def test_a_forged_forwarded_for_is_ignored_without_a_trusted_proxy(programme_admin):
    """An outsider cannot move the failures onto the office's address with a header."""
    outsider = Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.1.2.3")
    _fail(outsider, "admin_wang")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}
    office = Client(REMOTE_ADDR="10.1.2.3")
    _post(office, "admin_wang", PASSWORD)
    assert _logged_in(office)


def test_behind_a_trusted_proxy_the_forwarded_address_counts(programme_admin, settings):
    settings.GUAZHI_TRUSTED_PROXIES = ["127.0.0.1"]
    outsider = Client(HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    _fail(outsider, "admin_wang")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}
    office = Client(HTTP_X_FORWARDED_FOR="10.1.2.3")
    _post(office, "admin_wang", PASSWORD)
    assert _logged_in(office)


def test_lock_expires_after_the_cooloff(programme_admin):
    client = Client()
    _fail(client, "admin_wang")
    _post(client, "admin_wang", PASSWORD)
    assert not _logged_in(client)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.first().attempt_time - timedelta(minutes=31)
    )
    _post(client, "admin_wang", PASSWORD)
    assert _logged_in(client)


def test_the_system_admin_unlocks_every_address_of_a_name(cadre_user, system_admin, client_for):
    for address in ("10.1.2.3", "10.9.9.9"):
        _fail(Client(REMOTE_ADDR=address), "zhangjianguo")
    assert AccessAttempt.objects.filter(username="zhangjianguo").count() == 2
    response = client_for(system_admin).post(reverse("accounts:user_unlock", args=[cadre_user.pk]))
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="zhangjianguo").exists()
    for address in ("10.1.2.3", "10.9.9.9"):
        client = Client(REMOTE_ADDR=address)
        _post(client, "zhangjianguo", PASSWORD)
        assert _logged_in(client)
    unlock = AuditRecord.objects.get(event=Event.UNLOCK)
    assert unlock.user == system_admin and "清除 2 条" in unlock.detail
