"""三员分立: the system admin opens accounts, the security admin grants roles."""

from django.urls import reverse

from guazhi.accounts.models import Role, User
from guazhi.audit.models import AuditRecord, Event


def test_system_admin_creates_an_account_without_a_role(system_admin, client_for):
    client = client_for(system_admin)
    response = client.post(
        reverse("accounts:user_create"),
        {"username": "newliaison", "full_name": "赵新", "password": "Temp#Pass2026"},
    )
    assert response.status_code == 302
    user = User.objects.get(username="newliaison")
    assert user.role == "" and user.must_change_password
    assert AuditRecord.objects.filter(event=Event.CREATE, object_id=str(user.pk)).exists()


def test_system_admin_cannot_grant_roles(system_admin, cadre_user, client_for):
    client = client_for(system_admin)
    assert client.get(reverse("accounts:user_role", args=[cadre_user.pk])).status_code == 404


def test_security_admin_grants_a_role_and_it_is_audited(security_admin, units, client_for):
    target = User.objects.create_user(username="newliaison", password="Temp#Pass2026")
    client = client_for(security_admin)
    response = client.post(
        reverse("accounts:user_role", args=[target.pk]),
        {"role": Role.HOST_LIAISON, "unit": units["town_b"].pk, "cadre": ""},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.role == Role.HOST_LIAISON and target.unit == units["town_b"]
    entry = AuditRecord.objects.get(event=Event.ROLE_CHANGE)
    assert entry.before["role"] == "未分配角色"
    assert entry.after == {"role": "接收单位联络员", "unit": "东关街道", "cadre": None}


def test_a_liaison_role_needs_a_unit(security_admin, client_for):
    target = User.objects.create_user(username="newliaison", password="Temp#Pass2026")
    response = client_for(security_admin).post(
        reverse("accounts:user_role", args=[target.pk]), {"role": Role.HOST_LIAISON}
    )
    assert "联络员必须指定所负责的单位" in response.content.decode()
    target.refresh_from_db()
    assert target.role == ""


def test_it_admins_cannot_change_their_own_account(security_admin, client_for):
    client = client_for(security_admin)
    assert client.get(reverse("accounts:user_role", args=[security_admin.pk])).status_code == 404


def test_reset_password_forces_a_change_and_unlock_clears_the_lock(
    system_admin, cadre_user, client_for
):
    from django.test import Client

    for _ in range(5):
        Client().post(reverse("login"), {"username": "zhangjianguo", "password": "bad#Pass1"})
    client = client_for(system_admin)
    response = client.post(
        reverse("accounts:user_reset_password", args=[cadre_user.pk]),
        {"new_password1": "Reset#Pass2026", "new_password2": "Reset#Pass2026"},
    )
    assert response.status_code == 302
    assert client.post(reverse("accounts:user_unlock", args=[cadre_user.pk])).status_code == 302
    other = Client()
    login = other.post(reverse("login"), {"username": "zhangjianguo", "password": "Reset#Pass2026"})
    assert login.status_code == 302
    assert other.get(reverse("home"))["Location"] == reverse("accounts:password_change")
    events = set(AuditRecord.objects.values_list("event", flat=True))
    assert {Event.PASSWORD_RESET, Event.UNLOCK, Event.LOCKOUT} <= events
