"""The IT admins' forms and the password forms speak natural Chinese: each is sent the bad input
a real person types, and every error on the page is read."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from guazhi.accounts.models import Role, User
from tests.conftest import PASSWORD

LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
# Fragments of Django's own messages: English, or its zh-hans catalogue's machine Chinese.
STOCK = (
    "确保该",
    "具有 ",
    "这个字段",
    "输入一个",
    "选择一个有效",
    "已经存在",
    "已存在一位",
    "输入合法",
)
LONG = "很长的名字" * 40  # 200 characters


def _errors(response) -> list[str]:
    form = response.context["form"]
    return [str(e) for errors in form.errors.values() for e in errors]


def _assert_chinese(messages: list[str]) -> None:
    assert messages, "the bad input was accepted"
    for message in messages:
        assert not LATIN_WORD.search(message), message
        assert not any(f in message for f in STOCK), message


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"username": "", "full_name": "", "password": ""}, "请填写用户名"),
        ({"username": "a" * 151, "full_name": LONG, "password": "Ab1#"}, "不能超过 150 个字符"),
        ({"username": "zhang san", "full_name": "张三", "password": "Temp#Pass2026"}, "不能有空格"),
        ({"username": "newbie", "full_name": "张三", "password": "Ab1#"}, "至少 8 个字符"),
        ({"username": "newbie", "full_name": "张三", "password": "P@ssw0rd"}, "太常见"),
        ({"username": "newbie", "full_name": "张三", "password": "abcdefgh"}, "至少 3 类"),
    ],
    ids=["empty", "too-long", "space", "short", "common", "simple"],
)
def test_user_create_errors_are_chinese(system_admin, client_for, data, expected):
    response = client_for(system_admin).post(reverse("accounts:user_create"), data)
    assert response.status_code == 200
    messages = _errors(response)
    _assert_chinese(messages)
    assert expected in "".join(messages)


def test_a_taken_username_reads_naturally_whatever_its_case(system_admin, cadre_user, client_for):
    data = {
        "username": cadre_user.username.upper(),
        "full_name": "张三",
        "password": "Temp#Pass2026",
    }
    response = client_for(system_admin).post(reverse("accounts:user_create"), data)
    messages = _errors(response)
    _assert_chinese(messages)
    assert "该用户名已被使用" in "".join(messages)
    assert User.objects.filter(username__iexact=cadre_user.username).count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"new_password1": "", "new_password2": ""},
        {"new_password1": "Reset#Pass2026", "new_password2": "Reset#Pass2027"},
        {"new_password1": "Ab1#", "new_password2": "Ab1#"},
    ],
    ids=["empty", "mismatch", "short"],
)
def test_reset_password_errors_are_chinese(system_admin, cadre_user, client_for, data):
    url = reverse("accounts:user_reset_password", args=[cadre_user.pk])
    response = client_for(system_admin).post(url, data)
    assert response.status_code == 200
    _assert_chinese(_errors(response))


@pytest.mark.parametrize(
    "data",
    [
        {"role": ""},
        {"role": Role.AUDIT_ADMIN},
        {"role": Role.HOST_LIAISON, "unit": "999999"},
        {"role": Role.CADRE, "cadre": "abc"},
    ],
    ids=["empty", "it-role", "no-such-unit", "bad-cadre"],
)
def test_role_form_errors_are_chinese(security_admin, client_for, data):
    target = User.objects.create_user(username="newcomer", password="Temp#Pass2026")
    response = client_for(security_admin).post(
        reverse("accounts:user_role", args=[target.pk]), data
    )
    assert response.status_code == 200
    _assert_chinese(_errors(response))


def test_own_password_change_errors_are_chinese(programme_admin, client_for):
    response = client_for(programme_admin).post(
        reverse("accounts:password_change"),
        {"old_password": "", "new_password1": "", "new_password2": ""},
    )
    _assert_chinese(_errors(response))
    response = client_for(programme_admin).post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "P@ssw0rd", "new_password2": "P@ssw0rd"},
    )
    _assert_chinese(_errors(response))


def test_account_forms_are_styled_with_labels(system_admin, security_admin, client_for, units):
    html = client_for(system_admin).get(reverse("accounts:user_create")).content.decode()
    assert 'class="form-control"' in html and '<label class="form-label" for="id_username">' in html
    target = User.objects.create_user(username="newcomer", password="Temp#Pass2026")
    html = (
        client_for(security_admin)
        .get(reverse("accounts:user_role", args=[target.pk]))
        .content.decode()
    )
    assert 'class="form-select"' in html
    assert 'id="id_cadre_filter"' in html and "user_role.js" in html
    # the unit tree is indented: 柳溪镇 sits under 安平区 under 青川市
    assert "\u3000\u3000柳溪镇" in html and "\u3000安平区" in html


def test_the_cadre_picker_lists_only_cadres_without_an_account(
    security_admin, client_for, cadre_user, cadre_b
):
    target = User.objects.create_user(username="newcomer", password="Temp#Pass2026")
    html = (
        client_for(security_admin)
        .get(reverse("accounts:user_role", args=[target.pk]))
        .content.decode()
    )
    assert "李秀英（市财政局，身份证尾号 0028）" in html
    assert "张建国（" not in html  # cadre_a already has cadre_user's account
