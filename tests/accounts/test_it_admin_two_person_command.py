"""`manage.py it_admin`: an IT admin's account changes only when two named people act together
on the server, each with their own password; every run, refused or not, is audited."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from guazhi.accounts.models import Role, User
from guazhi.audit.models import AuditRecord, Event, Result
from tests.conftest import PASSWORD

COMMAND = "guazhi.accounts.management.commands.it_admin.getpass"


@pytest.fixture
def passwords(monkeypatch):
    """What each person types at the password prompts, in order."""
    typed: list[str] = []
    monkeypatch.setattr(COMMAND, lambda prompt: typed.pop(0))
    return typed


def _run(*args: str) -> str:
    out = StringIO()
    call_command("it_admin", *args, stdout=out)
    return out.getvalue()


def test_two_people_reset_the_audit_admins_password(
    system_admin, security_admin, audit_admin, passwords
):
    passwords[:] = [PASSWORD, PASSWORD]
    out = _run("reset-password", "auditadmin", "--by", "sysadmin", "--witness", "secadmin")
    temporary = out.strip().rsplit("：", 1)[1]
    audit_admin.refresh_from_db()
    assert audit_admin.check_password(temporary) and audit_admin.must_change_password
    entry = AuditRecord.objects.get(event=Event.PASSWORD_RESET)
    assert entry.user == system_admin and entry.object_id == str(audit_admin.pk)
    assert "操作员 sysadmin" in entry.detail and "监督员 secadmin" in entry.detail
    assert temporary not in str(entry.detail)


def test_two_people_appoint_an_audit_admin(system_admin, security_admin, passwords):
    newcomer = User.objects.create_user(username="newaudit", password="Temp#Pass2026")
    passwords[:] = [PASSWORD, PASSWORD]
    _run("set-role", "newaudit", "审计管理员", "--by", "secadmin", "--witness", "sysadmin")
    newcomer.refresh_from_db()
    assert newcomer.role == Role.AUDIT_ADMIN
    entry = AuditRecord.objects.get(event=Event.ROLE_CHANGE)
    assert entry.before["role"] == "未分配角色" and entry.after["role"] == "审计管理员"
    assert entry.user == security_admin and "监督员 sysadmin" in entry.detail


def test_two_people_unlock_deactivate_and_reactivate(
    system_admin, security_admin, audit_admin, passwords
):
    for _ in range(5):
        Client().post(reverse("login"), {"username": "auditadmin", "password": "bad#Pass1"})
    login = {"username": "auditadmin", "password": PASSWORD}
    locked = Client()
    locked.post(reverse("login"), login)
    assert "_auth_user_id" not in locked.session  # locked: the right password is refused
    passwords[:] = [PASSWORD] * 6
    args = ("--by", "sysadmin", "--witness", "secadmin")
    _run("unlock", "auditadmin", *args)
    assert Client().post(reverse("login"), login).status_code == 302
    _run("deactivate", "auditadmin", *args)
    audit_admin.refresh_from_db()
    assert not audit_admin.is_active
    _run("reactivate", "auditadmin", *args)
    audit_admin.refresh_from_db()
    assert audit_admin.is_active
    events = list(
        AuditRecord.objects.filter(object_id=str(audit_admin.pk), user=system_admin)
        .order_by("seq")
        .values_list("event", flat=True)
    )
    assert events == [Event.UNLOCK, Event.STATUS_CHANGE, Event.STATUS_CHANGE]


def _refused(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        _run(*args)
    entry = AuditRecord.objects.filter(result=Result.FAILURE).latest("seq")
    assert "服务器双人操作被拒绝" in entry.detail and message in entry.detail


def test_one_person_alone_is_refused_and_audited(system_admin, audit_admin, passwords):
    before = audit_admin.password
    passwords[:] = [PASSWORD, PASSWORD]
    _refused(
        ["reset-password", "auditadmin", "--by", "sysadmin", "--witness", "sysadmin"],
        "两个不同的人",
    )
    audit_admin.refresh_from_db()
    assert audit_admin.password == before


def test_the_witness_must_exist(system_admin, audit_admin, passwords):
    passwords[:] = [PASSWORD, PASSWORD]
    _refused(
        ["deactivate", "auditadmin", "--by", "sysadmin", "--witness", "nobody"], "nobody 不存在"
    )
    audit_admin.refresh_from_db()
    assert audit_admin.is_active


def test_each_person_types_their_own_password(system_admin, security_admin, audit_admin, passwords):
    passwords[:] = [PASSWORD, "not-the-witness-password"]
    _refused(
        ["set-role", "auditadmin", "cadre", "--by", "sysadmin", "--witness", "secadmin"],
        "监督员 secadmin 的密码不正确",
    )
    audit_admin.refresh_from_db()
    assert audit_admin.role == Role.AUDIT_ADMIN


def test_nobody_acts_on_their_own_account_even_in_two(system_admin, security_admin, passwords):
    passwords[:] = [PASSWORD, PASSWORD]
    _refused(
        ["set-role", "sysadmin", "programme_admin", "--by", "sysadmin", "--witness", "secadmin"],
        "不能办理自己的账号",
    )
    system_admin.refresh_from_db()
    assert system_admin.role == Role.SYSTEM_ADMIN


def test_a_deactivated_operator_is_refused(system_admin, security_admin, audit_admin, passwords):
    security_admin.is_active = False
    security_admin.save(update_fields=["is_active"])
    passwords[:] = [PASSWORD, PASSWORD]
    _refused(["unlock", "auditadmin", "--by", "secadmin", "--witness", "sysadmin"], "已停用")


def test_a_liaison_role_needs_a_unit(system_admin, security_admin, audit_admin, passwords):
    passwords[:] = [PASSWORD] * 4
    _refused(
        ["set-role", "auditadmin", "host_liaison", "--by", "sysadmin", "--witness", "secadmin"],
        "--unit",
    )
    _refused(
        ["set-role", "auditadmin", "boss", "--by", "sysadmin", "--witness", "secadmin"],
        "没有这个角色",
    )
