"""Generated records for the draft tests: a random ledger (seeded), projects, problems and
contacts for one secondment, written straight to the database."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from guazhi.contacts.models import Contact, ContactVisit, Problem
from guazhi.ledger import tallies
from guazhi.ledger.models import Category, Entry, EntryFigure, FigureField
from guazhi.projects.models import Milestone, MilestoneTemplate, Project
from guazhi.roster.models import Secondment

PROJECT_NAMES = (
    "盐穴压缩空气储能电站项目", "农产品冷链物流园项目", "乡村振兴示范片区项目",
    "工业园区标准化厂房项目", "城区雨污分流改造项目",
)  # fmt: skip
PROBLEMS = (
    "石桥村灌溉渠年久失修，春灌期间漏水严重", "园区企业反映用工招聘难",
    "老旧小区路灯损坏影响夜间出行", "失地农民养老保险补偿名单有争议",
)  # fmt: skip
TITLES = ("走访辖区企业了解经营情况", "值班接待来访群众", "入户走访了解群众诉求", "组织全员核酸检测",
          "推进重点项目前期手续", "参加镇党委会议", "推动村村结对", "办理群众身边实事")  # fmt: skip
START = date(2026, 3, 2)
AWARE_START = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)


def generated_records(secondment: Secondment, user, seed: int, entries: int = 40) -> dict:  # type: ignore[no-untyped-def]
    """Random entries (some returned: they must not count), 0–3 projects, problems and
    contacts. Returns what was written, for the tests' own totals."""
    rng = random.Random(seed)
    categories = list(Category.objects.filter(figure_fields__isnull=False).distinct())
    chosen = rng.sample(categories, rng.randint(2, min(9, len(categories))))
    written: dict = {"entries": [], "returned": []}
    for _ in range(entries):
        category = rng.choice(chosen)
        status = rng.choice(["confirmed", "confirmed", "pending", "returned"])
        entry = Entry.objects.create(
            secondment=secondment,
            created_by=user,
            date=START + timedelta(days=rng.randint(0, 240)),
            category=category,
            title=rng.choice(TITLES),
            text="按计划开展工作。",
            status=status,
        )
        (written["returned"] if status == "returned" else written["entries"]).append(entry)
        for field in FigureField.objects.filter(category=category):
            if rng.random() < 0.7:
                value = (
                    Decimal(rng.randint(1, 600))
                    if field.kind == "integer"
                    else Decimal(rng.randint(100, 99999)) / 100
                )
                EntryFigure.objects.create(entry=entry, field=field, value=value)
    tallies.rebuild()
    template = MilestoneTemplate.objects.get(is_default=True)
    for name in rng.sample(PROJECT_NAMES, rng.randint(0, 3)):
        project = Project.objects.create(
            secondment=secondment,
            name=name,
            investment=Decimal(rng.choice([800, 5000, 12500, 550000, 32000])),
            target=rng.choice(["年底前开工", "", "明年上半年投产"]),
            template=template,
            created_by=user,
            created_at=AWARE_START,
        )
        steps = list(template.steps.all())
        done = rng.randint(0, len(steps))
        for i, step in enumerate(steps, start=1):
            status = "done" if i <= done else ("in_progress" if i == done + 1 else "not_started")
            Milestone.objects.create(
                project=project,
                name=step.name,
                sort_order=i,
                status=status,
                done_date=START + timedelta(days=i * 10) if status == "done" else None,
            )
    for description in rng.sample(PROBLEMS, rng.randint(0, 3)):
        resolved = rng.random() < 0.5
        found = START + timedelta(days=rng.randint(0, 100))
        Problem.objects.create(
            secondment=secondment,
            created_by=user,
            found_date=found,
            description=description,
            owner="镇农业农村办",
            action_taken="协调镇农业农村办制定整改方案" if resolved else "",
            deadline=found + timedelta(days=60),
            status="resolved" if resolved else "open",
            resolved_date=found + timedelta(days=30) if resolved else None,
            evidence="已整改到位" if resolved else "",
        )
    if rng.random() < 0.7:
        contact = Contact.objects.create(
            secondment=secondment,
            created_by=user,
            kind="household",
            name="王德福",
            created_at=AWARE_START,
        )
        ContactVisit.objects.create(
            contact=contact, date=START + timedelta(days=5), method="visit", text="入户走访。"
        )
    return written
