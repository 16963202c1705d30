"""Believable fieldwork for the demo programme: `seed_fieldwork(rng_seed=...)`.

Run after `manage.py seed_demo` (and, for links to the ledger, after the ledger's
`seed_ledger`):

    .venv/bin/python manage.py shell -c \
        "from guazhi.contacts.demo_data import seed_fieldwork; print(seed_fieldwork())"

It gives the on-post secondments about twenty key projects (see `guazhi.projects.demo_data`),
about 150 paired contacts — households, enterprises, petitioners and villages — with a contact
log, and about 60 problems found on those visits, some resolved with evidence, some overdue.
Households' and petitioners' ID numbers are well-formed (valid check digit) but invented.
Deterministic (a seeded generator) and idempotent: secondments that already have contacts are
left alone, so a second call creates nothing.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from guazhi.audit.log import record
from guazhi.audit.models import Event
from guazhi.contacts.models import (
    Contact,
    ContactKind,
    ContactVisit,
    Problem,
    ProblemStatus,
    VisitMethod,
)
from guazhi.ledger.models import Entry
from guazhi.lib.identity import id_check_char
from guazhi.projects.demo_data import seed_projects
from guazhi.roster.models import Secondment, SecondmentStatus, Unit, UnitKind

SEED = 20261124
CONTACTS_PER_SECONDMENT = 3
PROBLEMS_TARGET = 60

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = (
    "德福", "秀兰", "建华", "桂英", "国强", "玉梅", "志刚", "淑珍", "长顺", "春花",
    "有财", "凤英", "金生", "海燕", "明亮", "翠萍", "永红", "大勇", "丽娟", "守田",
)  # fmt: skip
ENTERPRISES = (
    "青川新材料科技有限公司", "安平精密机械有限公司", "临江港务物流有限公司", "云台生态农业合作社",
    "柳溪茶业有限公司", "白沙水产养殖合作社", "龙泉食品有限公司", "东关电子科技有限公司",
    "石门建材有限公司", "滨江纺织有限公司", "港口冷链物流有限公司", "青川盐化集团",
)  # fmt: skip
HOUSEHOLD_NOTES = (
    "脱贫监测户，家中 4 口人，主要收入为务工和种植。",
    "独居老人，子女在外务工，需定期上门看望。",
    "住房为土坯房，汛期需重点关注。",
    "种植大户，流转土地 120 亩。",
)
PETITIONER_NOTES = (
    "反映征地补偿款发放问题，已多次来访。",
    "反映邻里宅基地纠纷。",
    "反映失地农民养老保险待遇问题。",
)
VISIT_TEXTS = {
    ContactKind.HOUSEHOLD: (
        "入户走访，了解家庭收入和就医情况，宣传防返贫监测政策。",
        "汛前排查房屋安全，提醒雨天注意转移。",
        "了解春耕备耕和用工需求，帮助联系种苗供应。",
    ),
    ContactKind.ENTERPRISE: (
        "走访企业，了解订单、用工和融资情况。",
        "召开银企座谈，协助企业准备授信材料。",
        "了解用地、用电需求，梳理问题清单。",
    ),
    ContactKind.PETITIONER: (
        "接待来访，听取诉求，答复政策依据。",
        "电话回访办理进度，做好解释和疏导。",
        "陪同到区相关部门协调，明确办理时限。",
    ),
    ContactKind.VILLAGE: (
        "到村召开座谈会，研究村集体经济发展思路。",
        "检查人居环境整治进度，现场协调垃圾转运。",
        "与村两委研究灌溉水利设施维修。",
    ),
}
PROBLEMS = {
    ContactKind.HOUSEHOLD: (
        ("住房屋顶漏雨，汛期存在安全隐患。", "镇村镇建设办"),
        ("家中老人慢性病用药报销不及时。", "镇医保服务站"),
        ("灌溉渠年久失修，春灌期间漏水严重。", "镇农业农村办"),
    ),
    ContactKind.ENTERPRISE: (
        ("企业流动资金紧张，急需贷款周转。", "区金融服务中心"),
        ("园区道路未通，货车进出困难。", "园区管委会"),
        ("用电负荷不足，新生产线无法投产。", "区供电公司"),
    ),
    ContactKind.PETITIONER: (
        ("征地补偿款部分未发放到位。", "镇征迁办"),
        ("失地农民养老保险待遇未落实。", "区人社局"),
        ("宅基地界址争议未调处。", "镇司法所"),
    ),
    ContactKind.VILLAGE: (
        ("村集体经济收入偏低，缺少稳定项目。", "镇经管站"),
        ("村内部分路段路灯损坏。", "镇村镇建设办"),
        ("垃圾转运不及时，群众有意见。", "镇环卫所"),
    ),
}
ACTIONS = (
    "已协调责任单位现场查看，明确整改方案和时限。",
    "已报镇党委会研究，列入近期重点事项。",
    "已对接区直部门，申请专项资金支持。",
)
EVIDENCE = (
    "已整改完毕，现场复查合格，群众表示满意。",
    "问题已解决，有关部门出具书面答复。",
    "已办结，相关资金已发放到位。",
)
KINDS = (
    ContactKind.HOUSEHOLD,
    ContactKind.HOUSEHOLD,
    ContactKind.ENTERPRISE,
    ContactKind.PETITIONER,
    ContactKind.VILLAGE,
)


def seed_fieldwork(*, rng_seed: int = SEED, today: date | None = None) -> dict[str, int]:
    """Seed key projects, paired contacts, visits and problems for every secondment on post
    that has none yet. Returns the numbers created."""
    today = today or timezone.localdate()
    created = {"projects": seed_projects(rng_seed=rng_seed, today=today)}
    created.update(seed_contacts(rng_seed=rng_seed, today=today))
    return created


def seed_contacts(*, rng_seed: int = SEED, today: date | None = None) -> dict[str, int]:
    rng = random.Random(rng_seed + 1)
    today = today or timezone.localdate()
    secondments = list(
        Secondment.objects.filter(status=SecondmentStatus.ACTIVE, start_date__lt=today)
        .exclude(contacts__isnull=False)
        .select_related("cadre", "host_unit")
        .order_by("pk")
    )
    if not secondments:
        return {"contacts": 0, "visits": 0, "problems": 0}
    from guazhi.accounts.models import User

    users = dict(
        User.objects.filter(cadre_id__in=[s.cadre_id for s in secondments]).values_list(
            "cadre_id", "pk"
        )
    )
    entries: dict[int, list[Entry]] = {}
    for entry in Entry.objects.filter(
        secondment__in=secondments, category__name__in=["包联联系", "走访调研", "信访接待"]
    ).order_by("date", "pk"):
        entries.setdefault(entry.secondment_id, []).append(entry)

    contacts: list[Contact] = []
    visits: list[tuple[Contact, ContactVisit]] = []
    for secondment in secondments:
        villages = list(
            Unit.objects.subtree(secondment.host_unit).filter(
                kind__in=[UnitKind.VILLAGE, UnitKind.COMMUNITY]
            )
        ) or [secondment.host_unit]
        # The demo cadre with an account gets a fuller list to browse.
        count = CONTACTS_PER_SECONDMENT * (3 if secondment.cadre_id in users else 1)
        for i in range(count):
            kind = KINDS[(i + secondment.pk) % len(KINDS)]
            contact = _contact(rng, secondment, kind, villages, users.get(secondment.cadre_id))
            contacts.append(contact)
            for _ in range(rng.randint(1, 4)):
                visits.append((contact, _visit(rng, contact, secondment, today, entries, users)))

    chosen = rng.sample(visits, min(PROBLEMS_TARGET, len(visits)))
    chosen.sort(key=lambda pair: pair[1].date)
    problems = [_problem(rng, contact, visit, today, entries, users) for contact, visit in chosen]

    with transaction.atomic():
        Contact.objects.bulk_create(contacts)
        for contact, visit in visits:
            visit.contact = contact
        ContactVisit.objects.bulk_create([v for _, v in visits])
        for (_, visit), problem in zip(chosen, problems, strict=True):
            problem.visit = visit
        Problem.objects.bulk_create(problems)
        record(
            event=Event.CREATE,
            username="系统",
            object_type="contacts.contact",
            detail=(
                f"生成演示包联对象 {len(contacts)} 个、联系记录 {len(visits)} 条、"
                f"问题 {len(problems)} 个"
            ),
        )
    return {"contacts": len(contacts), "visits": len(visits), "problems": len(problems)}


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _id_number(rng: random.Random) -> str:
    born = date(1945, 1, 1) + timedelta(days=rng.randint(0, 45 * 365))
    first17 = f"510{rng.randint(100, 999)}{born:%Y%m%d}{rng.randint(100, 999)}"
    return first17 + id_check_char(first17)


def _contact(
    rng: random.Random,
    secondment: Secondment,
    kind: ContactKind,
    villages: list[Unit],
    user_id: int | None,
) -> Contact:
    village = rng.choice(villages)
    contact = Contact(secondment=secondment, kind=kind, unit=village, created_by_id=user_id)
    if kind == ContactKind.HOUSEHOLD:
        contact.name = _person(rng)
        contact.address = f"{rng.randint(1, 9)}组"
        contact.note = rng.choice(HOUSEHOLD_NOTES)
    elif kind == ContactKind.PETITIONER:
        contact.name = _person(rng)
        contact.note = rng.choice(PETITIONER_NOTES)
    elif kind == ContactKind.ENTERPRISE:
        contact.name = rng.choice(ENTERPRISES)
        contact.note = f"包联企业，年产值约 {rng.randint(2, 80) * 100} 万元。"
    else:
        contact.name = village.name
        contact.note = "包联村，重点推进集体经济和人居环境整治。"
    if kind in (ContactKind.HOUSEHOLD, ContactKind.PETITIONER):
        contact.phone = f"1{rng.choice('3578')}{rng.randint(0, 999_999_999):09d}"
        contact.id_number = _id_number(rng)
    return contact


def _visit(
    rng: random.Random,
    contact: Contact,
    secondment: Secondment,
    today: date,
    entries: dict[int, list[Entry]],
    users: dict[int, int],
) -> ContactVisit:
    days = max((today - secondment.start_date).days, 1)
    on = secondment.start_date + timedelta(days=rng.randint(1, days))
    near = [e for e in entries.get(secondment.pk, []) if abs((e.date - on).days) <= 3]
    method = (
        VisitMethod.MEETING
        if contact.kind == ContactKind.VILLAGE
        else rng.choice((VisitMethod.VISIT, VisitMethod.VISIT, VisitMethod.PHONE))
    )
    return ContactVisit(
        date=min(on, today),
        method=method,
        text=rng.choice(VISIT_TEXTS[ContactKind(contact.kind)]),
        entry=rng.choice(near) if near else None,
        created_by_id=users.get(secondment.cadre_id),
    )


def _problem(
    rng: random.Random,
    contact: Contact,
    visit: ContactVisit,
    today: date,
    entries: dict[int, list[Entry]],
    users: dict[int, int],
) -> Problem:
    description, owner = rng.choice(PROBLEMS[ContactKind(contact.kind)])
    found = visit.date
    deadline = found + timedelta(days=rng.choice((15, 30, 45, 60)))
    problem = Problem(
        secondment=contact.secondment,
        found_date=found,
        description=f"{contact.name}：{description}",
        owner=owner,
        deadline=deadline,
        created_by_id=users.get(contact.secondment.cadre_id),
    )
    roll = rng.random()
    age = (today - found).days
    long_overdue = deadline < today - timedelta(days=30)
    if age > 10 and (roll < 0.6 or (long_overdue and roll < 0.9)):
        problem.status = ProblemStatus.RESOLVED
        problem.action_taken = rng.choice(ACTIONS)
        problem.resolved_date = min(found + timedelta(days=rng.randint(3, 40)), today)
        problem.evidence = rng.choice(EVIDENCE)
        later = [e for e in entries.get(contact.secondment_id, []) if e.date >= found]
        problem.evidence_entry = rng.choice(later) if later and rng.random() < 0.5 else None
    elif roll < 0.8:
        problem.status = ProblemStatus.IN_PROGRESS
        problem.action_taken = rng.choice(ACTIONS)
    return problem
