"""Account actions take the acting admin and the client address (callable from commands and
tasks), lock the row, write only what they change and audit it in the same transaction."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from guazhi.accounts import actions
from guazhi.accounts.models import Role, User
from guazhi.audit.models import AuditRecord, Event


def test_actions_record_the_actor_and_the_address(system_admin, cadre_user):
    actions.reset_password(
        actor=system_admin, target=cadre_user, new_password="Reset#Pass2026", ip="10.1.2.3"
    )
    entry = AuditRecord.objects.get(event=Event.PASSWORD_RESET)
    assert (entry.user, entry.role, entry.ip) == (system_admin, Role.SYSTEM_ADMIN, "10.1.2.3")
    assert entry.object_id == str(cadre_user.pk)


def test_the_pages_pass_the_client_address(system_admin, cadre_user, client_for):
    client = client_for(system_admin)
    client.post(
        reverse("accounts:user_deactivate", args=[cadre_user.pk]), REMOTE_ADDR="192.168.7.9"
    )
    entry = AuditRecord.objects.get(event=Event.STATUS_CHANGE)
    assert entry.ip == "192.168.7.9" and entry.user == system_admin


def test_a_stale_copy_does_not_undo_a_concurrent_change(system_admin, security_admin, units):
    target = User.objects.create_user(username="newcomer", password="Temp#Pass2026")
    stale = User.objects.get(pk=target.pk)  # read by the system admin's page
    actions.set_role(
        actor=security_admin, target=target, role=Role.HOST_LIAISON, unit_id=units["town_a"].pk
    )
    actions.reset_password(actor=system_admin, target=stale, new_password="Reset#Pass2026")
    actions.set_active(actor=system_admin, target=stale, active=False)
    target.refresh_from_db()
    assert target.role == Role.HOST_LIAISON and target.unit == units["town_a"]
    assert target.check_password("Reset#Pass2026") and not target.is_active


def test_a_role_set_to_what_it_was_writes_no_record(security_admin, host_liaison, units):
    actions.set_role(
        actor=security_admin,
        target=host_liaison,
        role=Role.HOST_LIAISON,
        unit_id=units["town_a"].pk,
    )
    assert not AuditRecord.objects.filter(event=Event.ROLE_CHANGE).exists()


def test_a_new_role_clears_what_the_old_one_needed(security_admin, host_liaison, units):
    actions.set_role(actor=security_admin, target=host_liaison, role=Role.PROGRAMME_ADMIN)
    host_liaison.refresh_from_db()
    assert host_liaison.role == Role.PROGRAMME_ADMIN and host_liaison.unit_id is None
    entry = AuditRecord.objects.get(event=Event.ROLE_CHANGE)
    assert entry.before == {"role": "接收单位联络员", "unit": "柳溪镇", "cadre": None}
    assert entry.after == {"role": "组织部管理员", "unit": None, "cadre": None}


def test_only_the_system_admin_creates_accounts(system_admin, security_admin, audit_admin):
    for actor in (security_admin, audit_admin):
        with pytest.raises(PermissionDenied):
            actions.create_user(
                actor=actor, username="someone", full_name="某人", password="Temp#Pass2026"
            )
    user = actions.create_user(
        actor=system_admin, username="someone", full_name="某人", password="Temp#Pass2026"
    )
    assert user.role == "" and user.must_change_password
    entry = AuditRecord.objects.get(event=Event.CREATE)
    assert entry.user == system_admin and entry.after == {
        "username": "someone",
        "full_name": "某人",
    }


def test_deactivating_twice_changes_and_records_once(system_admin, cadre_user):
    assert actions.set_active(actor=system_admin, target=cadre_user, active=False)
    assert not actions.set_active(actor=system_admin, target=cadre_user, active=False)
    assert AuditRecord.objects.filter(event=Event.STATUS_CHANGE).count() == 1


def test_temporary_passwords_pass_the_password_rules():
    from django.contrib.auth.password_validation import validate_password

    for _ in range(20):
        validate_password(actions.temporary_password(), User(username="someone"))
