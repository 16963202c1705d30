"""The two-person procedure for IT admins' accounts (三员分立, docs/security.md).

Nobody changes a system, security or audit admin's role, password, lock or active flag through
the web. Two named people do it together on the server: an operator and a witness, each an
existing active account, each typing their own password. Every run is audited, refusals too.

    manage.py it_admin set-role USER ROLE [--unit ID] [--cadre ID] --by OPERATOR --witness WITNESS
    manage.py it_admin reset-password USER --by OPERATOR --witness WITNESS
    manage.py it_admin unlock|deactivate|reactivate USER --by OPERATOR --witness WITNESS
    manage.py it_admin reset-2fa USER --by OPERATOR --witness WITNESS
"""

from __future__ import annotations

from argparse import ArgumentParser
from getpass import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from guazhi.accounts import actions
from guazhi.accounts.models import ROLES_WITH_UNIT, Role, User
from guazhi.audit.log import record
from guazhi.audit.models import Event, Result

_EVENTS = {
    "set-role": Event.ROLE_CHANGE,
    "reset-password": Event.PASSWORD_RESET,
    "unlock": Event.UNLOCK,
    "deactivate": Event.STATUS_CHANGE,
    "reactivate": Event.STATUS_CHANGE,
    "reset-2fa": Event.EDIT,
}


def _role(value: str) -> str:
    """A role by its code (audit_admin) or its Chinese name (审计管理员)."""
    for role in Role:
        if value in (role.value, role.label):
            return role.value
    names = "、".join(f"{r.label}（{r.value}）" for r in Role)
    raise CommandError(f"没有这个角色：{value}。可选：{names}")


class Command(BaseCommand):
    help = (
        "三员账号的双人操作：由操作员和监督员两人在服务器上共同办理角色、密码、锁定和启停，"
        "并记入审计日志。 / Two-person procedure for IT admins' accounts."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="operation", required=True, metavar="操作")
        specs = {
            "set-role": "设置角色（含三员角色）",
            "reset-password": "重置密码，生成一次性临时密码",
            "unlock": "解除登录锁定",
            "deactivate": "停用账号",
            "reactivate": "重新启用账号",
            "reset-2fa": "重置双因素认证（手机丢失），本人下次登录时重新绑定",
        }
        for name, text in specs.items():
            p = sub.add_parser(name, help=text)
            p.add_argument("username", help="要办理的账号（用户名）")
            if name == "set-role":
                p.add_argument("role", help="角色代码或名称，如 audit_admin 或 审计管理员")
                p.add_argument("--unit", type=int, help="联络员负责的单位编号")
                p.add_argument("--cadre", type=int, help="干部账号对应的干部编号")
            p.add_argument("--by", required=True, dest="operator", help="操作员用户名")
            p.add_argument("--witness", required=True, help="监督员用户名（另一人）")

    def handle(self, *args: Any, **options: Any) -> None:
        operation: str = options["operation"]
        try:
            operator = self._person(options["operator"], "操作员")
            witness = self._person(options["witness"], "监督员")
            if operator.pk == witness.pk:
                raise CommandError("操作员和监督员必须是两个不同的人。")
            target = User.objects.filter(username=options["username"]).first()
            if target is None:
                raise CommandError(f"没有用户名为 {options['username']} 的账号。")
            if target.pk in (operator.pk, witness.pk):
                raise CommandError("操作员和监督员都不能办理自己的账号。")
            for person, title in ((operator, "操作员"), (witness, "监督员")):
                entered = getpass(f"请{title} {person.username} 输入自己的密码：")
                if not person.check_password(entered):
                    raise CommandError(f"{title} {person.username} 的密码不正确。")
            self._run(operation, operator, witness, target, options)
        except (CommandError, actions.TwoPersonRuleError) as error:
            self._refused(operation, options, str(error))
            raise CommandError(str(error)) from error

    def _person(self, username: str, title: str) -> User:
        person = User.objects.filter(username=username).first()
        if person is None:
            raise CommandError(f"{title} {username} 不存在：操作员和监督员须是已有账号。")
        if not person.is_active:
            raise CommandError(f"{title} {username} 的账号已停用。")
        return person

    def _run(
        self, operation: str, operator: User, witness: User, target: User, options: dict[str, Any]
    ) -> None:
        two = {"operator": operator, "witness": witness, "target": target}
        if operation == "set-role":
            role = _role(options["role"])
            unit_id, cadre_id = options.get("unit"), options.get("cadre")
            if role in ROLES_WITH_UNIT and not unit_id:
                raise CommandError("联络员须用 --unit 指定所负责的单位编号。")
            if role == Role.CADRE and not cadre_id:
                raise CommandError("挂职干部账号须用 --cadre 指定对应的干部编号。")
            actions.set_role_by_two(**two, role=role, unit_id=unit_id, cadre_id=cadre_id)
            self._done(f"{target.username} 的角色已设为{Role(role).label}。")
        elif operation == "reset-password":
            password = actions.reset_password_by_two(**two)
            self._done(f"{target.username} 的密码已重置。")
            self.stdout.write(f"临时密码（请当面交给本人，首次登录须修改）：{password}")
        elif operation == "reset-2fa":
            count = actions.reset_two_factor_by_two(**two)
            self._done(
                f"已重置 {target.username} 的双因素认证（删除 {count} 个设备），本人下次登录时重新绑定。"
            )
        elif operation == "unlock":
            count = actions.unlock_by_two(**two)
            self._done(f"已解除 {target.username} 的登录锁定（清除 {count} 条锁定记录）。")
        else:
            active = operation == "reactivate"
            changed = actions.set_active_by_two(**two, active=active)
            state = "启用" if active else "停用"
            self._done(
                f"{target.username} 已{state}。" if changed else f"{target.username} 本已{state}。"
            )

    def _done(self, text: str) -> None:
        self.stdout.write(self.style.SUCCESS(text))

    def _refused(self, operation: str, options: dict[str, Any], reason: str) -> None:
        """A refused attempt is audited too, under the name the operator gave."""
        with transaction.atomic():
            record(
                event=_EVENTS[operation],
                username=str(options.get("operator") or ""),
                object_type="accounts.user",
                object_repr=str(options.get("username") or ""),
                result=Result.FAILURE,
                detail=(
                    f"服务器双人操作被拒绝（{operation}）：{reason} "
                    f"操作员 {options.get('operator')}，监督员 {options.get('witness')}"
                ),
            )
