"""三员分立: every IT admin against every IT admin, both directions, every action — refused, on
the pages and in the actions alike; the allowed ones work."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from guazhi.accounts import actions
from guazhi.accounts.models import AccountAction, Role, User
from guazhi.audit.models import AuditRecord, Event

IT = ("system_admin", "security_admin", "audit_admin")
PAIRS = [(a, t) for a in IT for t in IT]  # includes each admin on themselves

# (url name, method, POST data) for every web action on an account
PAGES = {
    AccountAction.RESET_PASSWORD: (
        "accounts:user_reset_password",
        "POST",
        {"new_password1": "Reset#Pass2026", "new_password2": "Reset#Pass2026"},
    ),
    AccountAction.UNLOCK: ("accounts:user_unlock", "POST", {}),
    AccountAction.DEACTIVATE: ("accounts:user_deactivate", "POST", {}),
    "reactivate": ("accounts:user_reactivate", "POST", {}),
    AccountAction.SET_ROLE: ("accounts:user_role", "POST", {"role": Role.PROGRAMME_ADMIN}),
}


def _snapshot(user: User) -> tuple[object, ...]:
    user.refresh_from_db()
    return (user.role, user.password, user.is_active, user.unit_id, user.cadre_id)


@pytest.fixture
def it_admins(system_admin, security_admin, audit_admin):
    return {
        "system_admin": system_admin,
        "security_admin": security_admin,
        "audit_admin": audit_admin,
    }


@pytest.mark.parametrize(("actor_role", "target_role"), PAIRS)
@pytest.mark.parametrize("action", list(PAGES))
def test_no_it_admin_acts_on_an_it_admin_through_the_web(
    it_admins, client_for, actor_role, target_role, action
):
    actor, target = it_admins[actor_role], it_admins[target_role]
    before = _snapshot(target)
    name, method, data = PAGES[action]
    client = client_for(actor)
    url = reverse(name, args=[target.pk])
    assert client.get(url).status_code in (404, 405)
    assert client.post(url, data).status_code == 404
    assert _snapshot(target) == before
    assert (
        not AuditRecord.objects.filter(object_id=str(target.pk)).exclude(event=Event.LOGIN).exists()
    )


@pytest.mark.parametrize(("actor_role", "target_role"), PAIRS)
@pytest.mark.parametrize("action", [a for a in AccountAction if a != AccountAction.CREATE])
def test_manageable_by_never_yields_an_it_admin(it_admins, actor_role, target_role, action):
    actor, target = it_admins[actor_role], it_admins[target_role]
    assert not User.objects.manageable_by(actor, action).filter(pk=target.pk).exists()


@pytest.mark.parametrize(("actor_role", "target_role"), PAIRS)
def test_the_actions_refuse_an_it_admin_target_too(it_admins, actor_role, target_role):
    """Called from a command or a task, not only from the pages."""
    actor, target = it_admins[actor_role], it_admins[target_role]
    before = _snapshot(target)
    with pytest.raises(PermissionDenied):
        actions.reset_password(actor=actor, target=target, new_password="Reset#Pass2026")
    with pytest.raises(PermissionDenied):
        actions.unlock(actor=actor, target=target)
    with pytest.raises(PermissionDenied):
        actions.set_active(actor=actor, target=target, active=False)
    with pytest.raises(PermissionDenied):
        actions.set_role(actor=actor, target=target, role=Role.PROGRAMME_ADMIN)
    assert _snapshot(target) == before


@pytest.mark.parametrize("it_role", [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN])
def test_the_security_admin_cannot_give_an_it_role(security_admin, client_for, it_role):
    target = User.objects.create_user(username="newcomer", password="Temp#Pass2026")
    response = client_for(security_admin).post(
        reverse("accounts:user_role", args=[target.pk]), {"role": it_role}
    )
    assert response.status_code == 200
    assert "请从列表中选择角色" in response.content.decode()
    target.refresh_from_db()
    assert target.role == ""
    with pytest.raises(PermissionDenied):
        actions.set_role(actor=security_admin, target=target, role=it_role)
    target.refresh_from_db()
    assert target.role == ""


def test_the_role_form_offers_business_roles_only(security_admin, client_for):
    target = User.objects.create_user(username="newcomer", password="Temp#Pass2026")
    page = client_for(security_admin).get(reverse("accounts:user_role", args=[target.pk]))
    html = page.content.decode()
    for role in (Role.PROGRAMME_ADMIN, Role.HOST_LIAISON, Role.HOME_LIAISON, Role.CADRE):
        assert f'value="{role.value}"' in html
    for role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
        assert f'value="{role.value}"' not in html


def test_a_superuser_is_out_of_reach_of_the_web(system_admin, security_admin):
    boss = User.objects.create_superuser(username="root", password="Root#Pass2026")
    for actor in (system_admin, security_admin):
        for action in AccountAction:
            assert not User.objects.manageable_by(actor, action).filter(pk=boss.pk).exists()


@pytest.mark.parametrize(
    "target_name", ["programme_admin", "host_liaison", "home_liaison", "cadre_user", "unassigned"]
)
def test_the_system_admin_manages_business_and_unassigned_accounts(
    request, system_admin, client_for, target_name
):
    target = (
        User.objects.create_user(username="newcomer", password="Temp#Pass2026")
        if target_name == "unassigned"
        else request.getfixturevalue(target_name)
    )
    client = client_for(system_admin)
    response = client.post(
        reverse("accounts:user_reset_password", args=[target.pk]),
        {"new_password1": "Reset#Pass2026", "new_password2": "Reset#Pass2026"},
    )
    assert response.status_code == 302
    assert client.post(reverse("accounts:user_unlock", args=[target.pk])).status_code == 302
    assert client.post(reverse("accounts:user_deactivate", args=[target.pk])).status_code == 302
    target.refresh_from_db()
    assert target.check_password("Reset#Pass2026") and not target.is_active
    assert client.post(reverse("accounts:user_reactivate", args=[target.pk])).status_code == 302
    target.refresh_from_db()
    assert target.is_active
    # ...but grants no role
    assert client.get(reverse("accounts:user_role", args=[target.pk])).status_code == 404


@pytest.mark.parametrize("target_name", ["programme_admin", "cadre_user", "unassigned"])
def test_the_security_admin_grants_business_roles_but_touches_nothing_else(
    request, security_admin, units, client_for, target_name
):
    target = (
        User.objects.create_user(username="newcomer", password="Temp#Pass2026")
        if target_name == "unassigned"
        else request.getfixturevalue(target_name)
    )
    client = client_for(security_admin)
    response = client.post(
        reverse("accounts:user_role", args=[target.pk]),
        {"role": Role.HOME_LIAISON, "unit": units["dept_b"].pk},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.role == Role.HOME_LIAISON and target.unit == units["dept_b"]
    for name in ("accounts:user_unlock", "accounts:user_deactivate", "accounts:user_reactivate"):
        assert client.post(reverse(name, args=[target.pk])).status_code == 404
    assert client.get(reverse("accounts:user_reset_password", args=[target.pk])).status_code == 404
    assert client.get(reverse("accounts:user_create")).status_code == 404


def test_business_users_manage_no_account(programme_admin, cadre_user, host_liaison):
    for actor in (programme_admin, cadre_user, host_liaison):
        for action in AccountAction:
            assert not User.objects.manageable_by(actor, action).exists()
            assert not actor.may_manage_accounts(action)


def test_a_deactivated_it_admin_manages_nothing(system_admin, cadre_user):
    system_admin.is_active = False
    system_admin.save(update_fields=["is_active"])
    assert not User.objects.manageable_by(system_admin, AccountAction.RESET_PASSWORD).exists()


def test_a_deactivated_account_cannot_sign_in_and_its_session_ends(
    system_admin, cadre_user, client_for
):
    session = client_for(cadre_user)
    assert session.get(reverse("home")).status_code == 200
    client_for(system_admin).post(reverse("accounts:user_deactivate", args=[cadre_user.pk]))
    assert session.get(reverse("home")).status_code == 302
    login = Client().post(
        reverse("login"), {"username": cadre_user.username, "password": "Guazhi#2026"}
    )
    assert login.status_code == 200  # the form again, with the one generic message
    assert "用户名或密码错误" in login.content.decode()
    entry = AuditRecord.objects.get(event=Event.STATUS_CHANGE, object_id=str(cadre_user.pk))
    assert entry.user == system_admin
    assert entry.before == {"is_active": "启用"} and entry.after == {"is_active": "停用"}


def test_the_user_list_shows_what_each_row_allows(
    system_admin, security_admin, audit_admin, cadre_user, client_for
):
    html = client_for(system_admin).get(reverse("accounts:user_list")).content.decode()
    assert reverse("accounts:user_reset_password", args=[cadre_user.pk]) in html
    assert reverse("accounts:user_deactivate", args=[cadre_user.pk]) in html
    for it_admin in (system_admin, security_admin, audit_admin):
        assert reverse("accounts:user_reset_password", args=[it_admin.pk]) not in html
        assert reverse("accounts:user_deactivate", args=[it_admin.pk]) not in html
    assert "服务器双人办理" in html and "本人账号" in html
    html = client_for(security_admin).get(reverse("accounts:user_list")).content.decode()
    assert reverse("accounts:user_role", args=[cadre_user.pk]) in html
    for it_admin in (system_admin, security_admin, audit_admin):
        assert reverse("accounts:user_role", args=[it_admin.pk]) not in html
    for pk in User.objects.values_list("pk", flat=True):
        assert reverse("accounts:user_reset_password", args=[pk]) not in html
        assert reverse("accounts:user_deactivate", args=[pk]) not in html
