from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as AuthUserManager
from django.db import models


class Role(models.TextChoices):
    PROGRAMME_ADMIN = "programme_admin", "组织部管理员"
    HOST_LIAISON = "host_liaison", "接收单位联络员"
    HOME_LIAISON = "home_liaison", "派出单位联络员"
    CADRE = "cadre", "挂职干部"
    # 三员分立: three IT roles, mutually exclusive, none with rights on business data.
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"
    AUDIT_ADMIN = "audit_admin", "审计管理员"


BUSINESS_ROLES = frozenset({Role.PROGRAMME_ADMIN, Role.HOST_LIAISON, Role.HOME_LIAISON, Role.CADRE})
IT_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
ROLES_WITH_UNIT = frozenset({Role.HOST_LIAISON, Role.HOME_LIAISON})


class AccountAction(models.TextChoices):
    """What an IT admin may do to an account through the web."""

    CREATE = "create", "新建账号"
    RESET_PASSWORD = "reset_password", "重置密码"
    UNLOCK = "unlock", "解除锁定"
    SET_ROLE = "set_role", "角色授权"
    DEACTIVATE = "deactivate", "停用或启用账号"
    RESET_TWO_FACTOR = "reset_two_factor", "重置双因素认证"


# 三员分立, written out once: which IT role may take each action. Whoever the actor, the target
# is a business account or one with no role yet, never an IT admin, a superuser or themselves.
# An IT admin's role, password, lock and active flag change only through the two-person
# procedure on the server (`manage.py it_admin`, docs/security.md).
ACTION_ROLES: dict[str, str] = {
    AccountAction.CREATE: Role.SYSTEM_ADMIN,
    AccountAction.RESET_PASSWORD: Role.SYSTEM_ADMIN,
    AccountAction.UNLOCK: Role.SYSTEM_ADMIN,
    AccountAction.DEACTIVATE: Role.SYSTEM_ADMIN,
    AccountAction.SET_ROLE: Role.SECURITY_ADMIN,
    # A lost phone: the security admin, who answers for authentication (docs/security.md).
    AccountAction.RESET_TWO_FACTOR: Role.SECURITY_ADMIN,
}


class UserQuerySet(models.QuerySet["User"]):
    def manageable_by(self, actor: Any, action: str) -> UserQuerySet:
        """The accounts `actor` may apply `action` to through the web (三员分立)."""
        if not isinstance(actor, User) or not actor.may_manage_accounts(action):
            return self.none()
        return (
            self.filter(models.Q(role="") | models.Q(role__in=BUSINESS_ROLES))
            .exclude(is_superuser=True)
            .exclude(pk=actor.pk)
        )


class UserManager(AuthUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    """One person, one role: a single `role` field makes the 三员 roles exclusive by design."""

    role = models.CharField("角色", max_length=32, choices=Role.choices, blank=True)
    full_name = models.CharField("姓名", max_length=64, blank=True)
    unit = models.ForeignKey(
        "roster.Unit",
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="liaisons",
        help_text="联络员负责的单位（含下级单位）。",
    )
    cadre = models.OneToOneField(
        "roster.Cadre",
        verbose_name="对应干部",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="user",
    )
    must_change_password = models.BooleanField("首次登录须修改密码", default=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

    objects: ClassVar[UserManager] = UserManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        constraints = [
            models.CheckConstraint(
                name="liaison_has_unit",
                condition=~models.Q(role__in=["host_liaison", "home_liaison"])
                | models.Q(unit__isnull=False),
            ),
            models.CheckConstraint(
                name="cadre_user_has_cadre",
                condition=~models.Q(role="cadre") | models.Q(cadre__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role else "未分配角色"

    @property
    def is_programme_admin(self) -> bool:
        return self.role == Role.PROGRAMME_ADMIN

    @property
    def is_host_liaison(self) -> bool:
        return self.role == Role.HOST_LIAISON

    @property
    def is_home_liaison(self) -> bool:
        return self.role == Role.HOME_LIAISON

    @property
    def is_cadre(self) -> bool:
        return self.role == Role.CADRE

    @property
    def is_system_admin(self) -> bool:
        return self.role == Role.SYSTEM_ADMIN

    @property
    def is_security_admin(self) -> bool:
        return self.role == Role.SECURITY_ADMIN

    @property
    def is_audit_admin(self) -> bool:
        return self.role == Role.AUDIT_ADMIN

    @property
    def has_business_role(self) -> bool:
        return self.role in BUSINESS_ROLES

    @property
    def has_it_role(self) -> bool:
        return self.role in IT_ROLES

    def may_manage_accounts(self, action: str) -> bool:
        """Whether this user's role may take `action` at all; on whom: `manageable_by`."""
        return self.is_active and ACTION_ROLES.get(action) == self.role

    @property
    def may_reveal_personal_data(self) -> bool:
        """Full ID and mobile numbers: the programme admin's work needs them."""
        return self.role == Role.PROGRAMME_ADMIN
