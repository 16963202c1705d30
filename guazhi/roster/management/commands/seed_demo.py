"""`manage.py seed_demo`: load the demo programme (青川市, three cohorts, ~120 cadres) and a
demo login for every role.

Idempotent: every row is looked up by its natural key (unit: parent + name; cohort: name;
cadre: ID number; secondment: cadre + cohort; user: username) and created only when missing,
so a second run changes nothing, and rows the demo users edited are left as they are. Rows are
created through the same actions as the pages use (validated, audited as made by 系统). All of
it runs in one transaction: an interrupted run leaves nothing behind.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from guazhi.accounts.models import Role, User
from guazhi.audit.log import record
from guazhi.audit.models import Event
from guazhi.roster import actions, demo_data
from guazhi.roster.models import Cadre, Cohort, Secondment, Unit, UnitKind


class Command(BaseCommand):
    help = "载入演示数据（青川市挂职锻炼项目）并创建各角色演示账号；可重复运行。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--without-ledger",
            action="store_true",
            help="只载入名册和账号，不生成演示工作纪实（测试用，更快）。",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        plan = demo_data.build_plan()
        with transaction.atomic():
            created = seed(plan, ledger=not options["without_ledger"])
        if options["verbosity"] >= 1:
            self.stdout.write(summary(created))
            self.stdout.write(logins_table(plan))


def seed(plan: demo_data.Plan, *, ledger: bool = True) -> dict[str, int]:
    """Write the plan; return how many rows of each kind were created."""
    created = {
        "units": 0,
        "cohorts": 0,
        "cadres": 0,
        "secondments": 0,
        "users": 0,
        "entries": 0,
        "projects": 0,
        "contacts": 0,
        "problems": 0,
        "writings": 0,
        "reports": 0,
    }
    units: dict[tuple[str, ...], Unit] = {}

    def unit(path: tuple[str, ...], kind: str, order: int) -> Unit:
        parent = units[path[:-1]] if len(path) > 1 else None
        obj = Unit.objects.filter(parent=parent, name=path[-1]).first()
        if obj is None:
            obj = actions.create_unit(
                actor=None,
                unit=Unit(parent=parent, name=path[-1], kind=kind, sort_order=order),
            )
            created["units"] += 1
        units[path] = obj
        return obj

    province = (demo_data.PROVINCE,)
    city = (*province, demo_data.CITY)
    unit(province, UnitKind.PROVINCE, 0)
    unit(city, UnitKind.CITY, 0)
    for d, (district, towns) in enumerate(demo_data.DISTRICTS.items(), start=1):
        unit((*city, district), UnitKind.DISTRICT, d)
        for t, (town, villages) in enumerate(towns.items(), start=1):
            town_kind = UnitKind.SUBDISTRICT if town.endswith("街道") else UnitKind.TOWN
            unit((*city, district, town), town_kind, t)
            for v, village in enumerate(villages, start=1):
                village_kind = UnitKind.COMMUNITY if village.endswith("社区") else UnitKind.VILLAGE
                unit((*city, district, town, village), village_kind, v)
    for order, department in enumerate(demo_data.DEPARTMENTS, start=100):
        unit((*city, department), UnitKind.DEPARTMENT, order)

    cohorts: dict[str, Cohort] = {}
    for c in demo_data.COHORTS:
        existing = Cohort.objects.filter(name=c.name).first()
        if existing is None:
            existing = actions.create_cohort(
                actor=None,
                cohort=Cohort(
                    name=c.name,
                    year=c.year,
                    start_date=c.start_date,
                    end_date=c.end_date,
                    description=c.description,
                    checkin_enabled=c.checkin_enabled,
                    min_days_per_month=c.min_days_per_month,
                ),
            )
            created["cohorts"] += 1
        cohorts[c.name] = existing

    cadres: dict[str, Cadre] = {}
    existing_cadres = {
        c.id_number: c
        for c in Cadre.objects.filter(id_number__in=[p.id_number for p in plan.cadres])
    }
    for p in plan.cadres:
        cadre = existing_cadres.get(p.id_number)
        if cadre is None:
            cadre = actions.create_cadre(
                actor=None,
                cadre=Cadre(
                    id_number=p.id_number,
                    name=p.name,
                    gender=p.gender,
                    birth_date=p.birth_date,
                    mobile=p.mobile,
                    ethnicity=p.ethnicity,
                    political_status=p.political_status,
                    education=p.education,
                    home_unit=units[(*city, p.home_unit)],
                    original_post=p.original_post,
                    rank=p.rank,
                ),
            )
            created["cadres"] += 1
        cadres[p.id_number] = cadre

    existing_secondments = set(Secondment.objects.values_list("cadre_id", "cohort_id"))
    for s in plan.secondments:
        cadre, cohort = cadres[s.cadre_id_number], cohorts[s.cohort]
        if (cadre.pk, cohort.pk) in existing_secondments:
            continue
        actions.create_secondment(
            actor=None,
            secondment=Secondment(
                cadre=cadre,
                cohort=cohort,
                host_unit=units[(*city, *s.host_unit)],
                post=s.post,
                duties=s.duties,
                start_date=s.start_date,
                planned_end_date=s.planned_end_date,
                actual_end_date=s.actual_end_date,
                status=s.status,
            ),
        )
        created["secondments"] += 1

    for u in plan.users:
        if User.objects.filter(username=u.username).exists():
            continue  # never reset a demo user's password or role behind their back
        user = User(
            username=u.username,
            role=u.role,
            full_name=u.full_name,
            unit=units[(*province, *u.unit)] if u.unit else None,
            cadre=cadres[u.cadre_id_number] if u.cadre_id_number else None,
            must_change_password=False,
            password_changed_at=timezone.now(),
        )
        validate_password(demo_data.PASSWORD, user)  # the demo password obeys the policy
        user.set_password(demo_data.PASSWORD)
        # Not through accounts.actions: those need a system or security admin as the actor,
        # and the demo's first IT admins are among the accounts made here. Audited all the same.
        user.save()
        record(
            event=Event.CREATE,
            user=None,
            username=actions.SERVER_ACTOR,
            obj=user,
            detail=f"创建演示账号（{user.role_label}）",
        )
        created["users"] += 1

    # The ledger sits above the roster; the demo command is the one place that loads both.
    from guazhi.ledger.demo_data import seed_ledger

    admin = User.objects.filter(role=Role.PROGRAMME_ADMIN).order_by("pk").first()
    if ledger and admin is not None:
        from guazhi.contacts.demo_data import seed_fieldwork

        created["entries"] = seed_ledger(actor=admin)
        fieldwork = seed_fieldwork()
        created["projects"] = fieldwork.get("projects", 0)
        created["contacts"] = fieldwork.get("contacts", 0)
        created["problems"] = fieldwork.get("problems", 0)
        from guazhi.writings.demo_data import seed_writings

        created["writings"] = seed_writings(actor=admin)
        from guazhi.similarity.demo_data import seed_similarity

        created["reports"] = seed_similarity(actor=admin)
        from guazhi.claimcheck.demo_data import seed_claimcheck

        # After the similarity demo: its writings are checked against the ledger too.
        created["claim_checks"] = seed_claimcheck(admin=admin)
        from guazhi.assessment.demo_data import publish_demo, seed_assessment
        from guazhi.evaluation.demo_data import seed_evaluation

        # Periods first, then the evaluation rounds that belong to them, then publication:
        # the published results include the democratic evaluation.
        created["assessments"] = seed_assessment(actor=admin, publish=False)
        created["evaluation_rounds"] = seed_evaluation()
        if created["assessments"]:
            publish_demo(actor=admin)
        from guazhi.library.demo_data import seed_library

        created["shares"] = seed_library(admin=admin)
        from guazhi.matching.demo_data import seed_matching

        # After the fieldwork demo: accepted matches add projects, which it would then skip.
        created["needs"] = seed_matching(admin=admin)
        from guazhi.drafts.demo_data import seed_drafts

        # After the ledger, fieldwork and matching demos: the draft totals what they wrote.
        created["drafts"] = seed_drafts()
        if created["entries"] or created["writings"]:
            # The seeders insert in bulk, past the actions that keep the search index current.
            from guazhi.search.indexing import rebuild as rebuild_search_index

            rebuild_search_index()
        if created["entries"] or created["shares"]:
            # 同届经验: each secondment's peers, from the ledger and shares just written.
            from guazhi.peers.refresh import refresh as refresh_peers

            refresh_peers()
    return created


def summary(created: dict[str, int]) -> str:
    if not any(created.values()):
        return "演示数据已存在，未做任何修改。 / Demo data already present; nothing changed.\n"
    counts = "，".join(
        f"{label} {created[key]}"
        for key, label in (
            ("units", "单位"),
            ("cohorts", "批次"),
            ("cadres", "干部"),
            ("secondments", "挂职任职"),
            ("users", "账号"),
            ("entries", "工作纪实"),
            ("projects", "重点项目"),
            ("contacts", "包联对象"),
            ("problems", "问题"),
            ("writings", "材料"),
            ("reports", "查重报告"),
        )
    )
    return f"已载入演示数据（新增{counts}）。 / Demo data loaded.\n"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def logins_table(plan: demo_data.Plan) -> str:

    headers = ("角色 Role", "用户名 Username", "密码 Password", "姓名 Name", "说明 Scope")
    rows = []
    for u in plan.users:
        scope = u.unit[-1] if u.unit else ""
        if u.cadre_id_number:
            scope = f"{demo_data.DEMO_HOME_DEPARTMENT} → {demo_data.DEMO_HOST_TOWN[-1]}"
        rows.append(
            (
                f"{Role(u.role).label} {u.role_label_en}",
                u.username,
                demo_data.PASSWORD,
                u.full_name,
                scope,
            )
        )
    widths = [max(_width(r[i]) for r in (headers, *rows)) for i in range(len(headers))]
    rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    lines = ["演示账号 / Demo logins:", rule]
    for i, row in enumerate((headers, *rows)):
        lines.append("| " + " | ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)) + " |")
        if i == 0:
            lines.append(rule)
    lines.append(rule)
    lines.append(
        "组织部管理员和三员首次登录须绑定验证器（任意 TOTP 应用扫码；没有手机时复制页面上的密钥，运行\n"
        '  .venv/bin/python -m guazhi.lib.totp_code "密钥"  得到验证码）。见 README“演示账号与双因素认证”。'
    )
    return "\n".join(lines) + "\n"
