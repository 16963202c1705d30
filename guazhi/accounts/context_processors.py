"""The left menu, by role: one list of (section, [(label, url name, icon)])."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from guazhi.accounts.models import Role

_MENU: dict[str, list[tuple[str, list[tuple[str, str, str]]]]] = {
    Role.PROGRAMME_ADMIN: [
        ("工作台", [("首页", "home", "speedometer2")]),
        (
            "人员",
            [
                ("干部名册", "roster:cadre_list", "people"),
                ("挂职任职", "roster:secondment_list", "briefcase"),
                ("批次", "roster:cohort_list", "collection"),
                ("单位", "roster:unit_list", "diagram-3"),
                ("名册导入", "roster:import_upload", "upload"),
                ("在岗天数", "attendance:month_report", "calendar-check"),
            ],
        ),
    ],
    Role.HOST_LIAISON: [
        ("工作台", [("首页", "home", "speedometer2")]),
        (
            "人员",
            [
                ("本单位挂职干部", "roster:secondment_list", "people"),
                ("在岗天数", "attendance:month_report", "calendar-check"),
            ],
        ),
    ],
    Role.HOME_LIAISON: [
        ("工作台", [("首页", "home", "speedometer2")]),
        (
            "人员",
            [
                ("本单位派出干部", "roster:secondment_list", "people"),
                ("在岗天数", "attendance:month_report", "calendar-check"),
            ],
        ),
    ],
    Role.CADRE: [
        ("工作台", [("首页", "home", "speedometer2")]),
        ("我的", [("我的挂职", "roster:secondment_list", "person-badge")]),
    ],
    Role.SYSTEM_ADMIN: [
        (
            "系统管理",
            [("首页", "home", "speedometer2"), ("用户账号", "accounts:user_list", "person-gear")],
        ),
    ],
    Role.SECURITY_ADMIN: [
        (
            "安全管理",
            [("首页", "home", "speedometer2"), ("角色授权", "accounts:user_list", "shield-lock")],
        ),
    ],
    Role.AUDIT_ADMIN: [
        (
            "安全审计",
            [("首页", "home", "speedometer2"), ("审计日志", "audit:record_list", "journal-text")],
        ),
    ],
}


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": []}
    return {"menu": _MENU.get(user.role, [])}
