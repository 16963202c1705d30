"""Account changes: each writes its audit record in the same transaction."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from guazhi.accounts.models import Role, User
from guazhi.audit.log import record
from guazhi.audit.models import Event


def _role_snapshot(user: User) -> dict[str, object]:
    return {
        "role": user.role_label,
        "unit": str(user.unit) if user.unit_id else None,
        "cadre": str(user.cadre) if user.cadre_id else None,
    }


@transaction.atomic
def change_own_password(*, request: HttpRequest, user: User, new_password: str) -> None:
    user.set_password(new_password)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    record(event=Event.PASSWORD_CHANGE, request=request, user=user, obj=user)


@transaction.atomic
def reset_password(*, request: HttpRequest, target: User, new_password: str) -> None:
    """A temporary password the owner must change at the next login."""
    target.set_password(new_password)
    target.must_change_password = True
    target.password_changed_at = timezone.now()
    target.save(update_fields=["password", "must_change_password", "password_changed_at"])
    record(event=Event.PASSWORD_RESET, request=request, obj=target)


@transaction.atomic
def create_user(*, request: HttpRequest, username: str, full_name: str, password: str) -> User:
    user = User(username=username, full_name=full_name, role="", must_change_password=True)
    user.set_password(password)
    user.save()
    record(
        event=Event.CREATE,
        request=request,
        obj=user,
        after={"username": username, "full_name": full_name},
    )
    return user


@transaction.atomic
def set_role(
    *, request: HttpRequest, target: User, role: str, unit_id: int | None, cadre_id: int | None
) -> None:
    before = _role_snapshot(target)
    target.role = role
    target.unit_id = unit_id if role in (Role.HOST_LIAISON, Role.HOME_LIAISON) else None
    target.cadre_id = cadre_id if role == Role.CADRE else None
    target.save(update_fields=["role", "unit", "cadre"])
    target.refresh_from_db()
    record(
        event=Event.ROLE_CHANGE,
        request=request,
        obj=target,
        before=before,
        after=_role_snapshot(target),
    )


@transaction.atomic
def unlock(*, request: HttpRequest, target: User) -> int:
    from axes.utils import reset

    count = reset(username=target.username)
    record(event=Event.UNLOCK, request=request, obj=target, detail=f"清除 {count} 条锁定记录")
    return count
