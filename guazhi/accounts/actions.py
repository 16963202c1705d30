"""Account changes. Each locks the account row, saves only the columns it changes and writes its
audit record in the same short transaction.

Web actions take the acting IT admin (`actor`) and check 三员分立 under the lock through
`User.objects.manageable_by(actor, action)`; the two-person procedure for IT admins' own
accounts (`manage.py it_admin`) uses the `*_by_two` functions at the end.
"""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from guazhi.accounts import two_factor
from guazhi.accounts.models import BUSINESS_ROLES, AccountAction, Role, User
from guazhi.audit.log import record
from guazhi.audit.models import Event

_TWO_FACTOR_RESET = "重置双因素认证：删除动态验证码和恢复码，下次登录须重新绑定"


def _role_snapshot(user: User) -> dict[str, object]:
    return {
        "role": user.role_label,
        "unit": str(user.unit) if user.unit_id else None,
        "cadre": str(user.cadre) if user.cadre_id else None,
    }


def _lock(*, actor: User, action: str, target: User) -> User:
    """The target, locked and freshly read, if the rules still let `actor` act on it."""
    locked = (
        User.objects.manageable_by(actor, action).select_for_update().filter(pk=target.pk).first()
    )
    if locked is None:
        raise PermissionDenied("无权对该账号执行此操作。")
    return locked


# --- The user's own account -------------------------------------------------------------------


def change_own_password(*, user: User, new_password: str, ip: str = "") -> None:
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        _set_password(locked, new_password, temporary=False)
        record(event=Event.PASSWORD_CHANGE, user=locked, ip=ip, obj=locked)
    user.password = locked.password  # the caller keeps the session valid with this hash


# --- Web actions of the system admin and the security admin -----------------------------------


def create_user(*, actor: User, username: str, full_name: str, password: str, ip: str = "") -> User:
    if not actor.may_manage_accounts(AccountAction.CREATE):
        raise PermissionDenied("无权新建账号。")
    with transaction.atomic():
        user = User(username=username, full_name=full_name, role="", must_change_password=True)
        user.set_password(password)
        user.save(force_insert=True)
        record(
            event=Event.CREATE,
            user=actor,
            ip=ip,
            obj=user,
            after={"username": username, "full_name": full_name},
        )
    return user


def reset_password(*, actor: User, target: User, new_password: str, ip: str = "") -> None:
    """A temporary password the owner must change at the next login."""
    with transaction.atomic():
        locked = _lock(actor=actor, action=AccountAction.RESET_PASSWORD, target=target)
        _set_password(locked, new_password, temporary=True)
        record(event=Event.PASSWORD_RESET, user=actor, ip=ip, obj=locked)


def unlock(*, actor: User, target: User, ip: str = "") -> int:
    with transaction.atomic():
        locked = _lock(actor=actor, action=AccountAction.UNLOCK, target=target)
        count = _clear_lockout(locked)
        record(event=Event.UNLOCK, user=actor, ip=ip, obj=locked, detail=f"清除 {count} 条锁定记录")
    return count


def reset_two_factor(*, actor: User, target: User, ip: str = "") -> int:
    """The security admin's unlock path for a lost phone: every device of the owner goes, and
    the next login asks them to enrol again. Returns how many devices were removed."""
    with transaction.atomic():
        locked = _lock(actor=actor, action=AccountAction.RESET_TWO_FACTOR, target=target)
        count = two_factor.reset_devices(locked)
        if count:
            record(event=Event.EDIT, user=actor, ip=ip, obj=locked, detail=_TWO_FACTOR_RESET)
    return count


def set_role(
    *,
    actor: User,
    target: User,
    role: str,
    unit_id: int | None = None,
    cadre_id: int | None = None,
    ip: str = "",
) -> None:
    """The security admin grants business roles only; IT roles go through `it_admin`."""
    if role not in BUSINESS_ROLES:
        raise PermissionDenied("安全管理员只能分配业务角色。")
    with transaction.atomic():
        locked = _lock(actor=actor, action=AccountAction.SET_ROLE, target=target)
        before, after = _apply_role(locked, role=role, unit_id=unit_id, cadre_id=cadre_id)
        if before != after:
            record(
                event=Event.ROLE_CHANGE, user=actor, ip=ip, obj=locked, before=before, after=after
            )


def set_active(*, actor: User, target: User, active: bool, ip: str = "") -> bool:
    """Deactivate (a departing cadre, a liaison who changed jobs) or reactivate an account.
    Returns whether anything changed."""
    with transaction.atomic():
        locked = _lock(actor=actor, action=AccountAction.DEACTIVATE, target=target)
        return _apply_active(locked, active=active, actor=actor, ip=ip)


# --- The two-person procedure for IT admins (manage.py it_admin) ------------------------------


class TwoPersonRuleError(PermissionDenied):
    pass


def _check_two_people(operator: User, witness: User, target: User) -> None:
    if operator.pk == witness.pk:
        raise TwoPersonRuleError("操作员和监督员必须是两个不同的人。")
    if not (operator.is_active and witness.is_active):
        raise TwoPersonRuleError("操作员和监督员的账号必须处于启用状态。")
    if target.pk in (operator.pk, witness.pk):
        raise TwoPersonRuleError("操作员和监督员都不能办理自己的账号。")


def _two_people(operator: User, witness: User) -> str:
    return f"服务器双人操作：操作员 {operator.username}，监督员 {witness.username}"


def _lock_for_two(*, operator: User, witness: User, target: User) -> User:
    _check_two_people(operator, witness, target)
    return User.objects.select_for_update().get(pk=target.pk)


def set_role_by_two(
    *,
    operator: User,
    witness: User,
    target: User,
    role: str,
    unit_id: int | None = None,
    cadre_id: int | None = None,
) -> None:
    if role not in Role.values:
        raise ValueError(f"没有这个角色：{role}")
    with transaction.atomic():
        locked = _lock_for_two(operator=operator, witness=witness, target=target)
        before, after = _apply_role(locked, role=role, unit_id=unit_id, cadre_id=cadre_id)
        record(
            event=Event.ROLE_CHANGE,
            user=operator,
            obj=locked,
            before=before,
            after=after,
            detail=_two_people(operator, witness),
        )


def reset_password_by_two(*, operator: User, witness: User, target: User) -> str:
    """Returns a random temporary password, to be handed to the owner in person."""
    password = temporary_password()
    with transaction.atomic():
        locked = _lock_for_two(operator=operator, witness=witness, target=target)
        _set_password(locked, password, temporary=True)
        record(
            event=Event.PASSWORD_RESET,
            user=operator,
            obj=locked,
            detail=_two_people(operator, witness),
        )
    return password


def unlock_by_two(*, operator: User, witness: User, target: User) -> int:
    with transaction.atomic():
        locked = _lock_for_two(operator=operator, witness=witness, target=target)
        count = _clear_lockout(locked)
        record(
            event=Event.UNLOCK,
            user=operator,
            obj=locked,
            detail=f"清除 {count} 条锁定记录；{_two_people(operator, witness)}",
        )
    return count


def reset_two_factor_by_two(*, operator: User, witness: User, target: User) -> int:
    with transaction.atomic():
        locked = _lock_for_two(operator=operator, witness=witness, target=target)
        count = two_factor.reset_devices(locked)
        record(
            event=Event.EDIT,
            user=operator,
            obj=locked,
            detail=f"{_TWO_FACTOR_RESET}；{_two_people(operator, witness)}",
        )
    return count


def set_active_by_two(*, operator: User, witness: User, target: User, active: bool) -> bool:
    with transaction.atomic():
        locked = _lock_for_two(operator=operator, witness=witness, target=target)
        return _apply_active(
            locked, active=active, actor=operator, detail=_two_people(operator, witness)
        )


# --- Shared steps (inside the caller's transaction, on a locked row) --------------------------


def _set_password(user: User, password: str, *, temporary: bool) -> None:
    user.set_password(password)
    user.must_change_password = temporary
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])


def _clear_lockout(user: User) -> int:
    from axes.utils import reset

    return int(reset(username=user.username))


def _apply_role(
    user: User, *, role: str, unit_id: int | None, cadre_id: int | None
) -> tuple[dict[str, object], dict[str, object]]:
    before = _role_snapshot(user)
    user.role = role
    user.unit_id = unit_id if role in (Role.HOST_LIAISON, Role.HOME_LIAISON) else None
    user.cadre_id = cadre_id if role == Role.CADRE else None
    user.save(update_fields=["role", "unit", "cadre"])
    return before, _role_snapshot(user)


def _apply_active(user: User, *, active: bool, actor: User, ip: str = "", detail: str = "") -> bool:
    if user.is_active == active:
        return False
    user.is_active = active
    user.save(update_fields=["is_active"])
    record(
        event=Event.STATUS_CHANGE,
        user=actor,
        ip=ip,
        obj=user,
        before={"is_active": "启用" if not active else "停用"},
        after={"is_active": "启用" if active else "停用"},
        detail="；".join(filter(None, ["启用账号" if active else "停用账号", detail])),
    )
    return True


def temporary_password(length: int = 14) -> str:
    """Random, with every character class, no look-alike characters (0/O, 1/l/I)."""
    lower = "abcdefghijkmnpqrstuvwxyz"
    upper = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    digits = "23456789"
    symbols = "#%+=@"
    alphabet = lower + upper + digits + symbols
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(length))
        if all(set(password) & set(chars) for chars in (lower, upper, digits, symbols)):
            return password
