"""A small programme for the peers tests: 张建国 (cadre_a) and his near-duplicate 王晓东 of
another cohort both help enterprises get loans; 李秀英 (cadre_b, cadre_a's cohort) receives
petitioners."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from guazhi.accounts.models import Role, User
from guazhi.ledger import tallies
from guazhi.ledger.models import Category, EntryFigure, FigureField
from guazhi.roster.models import Cadre, Cohort, Secondment, SecondmentStatus, Unit, UnitKind
from tests.conftest import field_problem, ledger_entry

LOANS = [
    ("走访园区企业", "走访工业园区科技企业，了解融资需求，协调农商银行发放贷款，企业纾困。"),
    ("银企对接会", "组织银企对接会，为中小企业协调贷款，解决流动资金周转难题。"),
    ("企业融资服务", "上门服务科技企业，帮助申请贴息贷款，跟踪放款进度。"),
]
PETITIONS = [
    ("信访接待日", "接待来访群众，听取拆迁补偿诉求，化解邻里矛盾纠纷。"),
    ("化解信访积案", "上门调解多年信访积案，协调补偿方案，当事人息访。"),
]
SECRET = "（仅本人和联络员可见：某企业账户流水异常）"


@dataclass
class Programme:
    a: Secondment
    b: Secondment
    twin: Secondment
    twin_user: User


def _entries(
    secondment: Secondment,
    user: Any,
    category: str,
    items: list[tuple[str, str]],
    *,
    figure: str,
    value: int,
    extra: str = "",
) -> None:
    cat = Category.objects.get(name=category)
    field = FigureField.objects.get(category=cat, label=figure)
    for n, (title, text) in enumerate(items * 3):
        entry = ledger_entry(
            secondment,
            user,
            category=cat,
            title=title,
            text=text + (extra if n == 0 else ""),
            date=date(2026, 4, 1 + n),
        )
        EntryFigure.objects.create(entry=entry, field=field, value=Decimal(value))


def programme(
    cadre_a: Cadre, cadre_b: Cadre, cadre_user: User, other_cadre_user: User
) -> Programme:
    other_cohort = Cohort.objects.create(
        name="2025年第一批墩苗历练干部",
        year=2025,
        start_date=date(2025, 3, 1),
        end_date=date(2026, 2, 28),
    )
    town = Unit.objects.create(name="青石镇", kind=UnitKind.TOWN)
    twin_cadre = Cadre.objects.create(
        name="王晓东",
        gender="M",
        birth_date=date(1986, 7, 1),
        id_number="110105198607010031",
        home_unit=cadre_a.home_unit,
    )
    twin = Secondment.objects.create(
        cadre=twin_cadre,
        cohort=other_cohort,
        host_unit=town,
        post="镇长助理",
        start_date=date(2025, 3, 1),
        planned_end_date=date(2026, 2, 28),
        status=SecondmentStatus.COMPLETED,
    )
    twin_user = User.objects.create_user(
        username="wangxiaodong",
        password="Guazhi#2026pw",
        role=Role.CADRE,
        cadre=twin_cadre,
        must_change_password=False,
    )
    a, b = cadre_a.secondments.get(), cadre_b.secondments.get()
    _entries(a, cadre_user, "企业帮扶", LOANS, figure="协调贷款", value=800)
    _entries(twin, twin_user, "企业帮扶", LOANS[:2], figure="协调贷款", value=500, extra=SECRET)
    _entries(b, other_cadre_user, "信访接待", PETITIONS, figure="接待来访", value=3)
    field_problem(
        twin,
        twin_user,
        description="园区企业贷款审批慢，流动资金紧张",
        status="resolved",
        action_taken="协调农商银行开辟绿色通道",
        resolved_date=date(2026, 5, 20),
        evidence="三家企业获得贷款共 800 万元",
        found_date=date(2026, 5, 6),
    )
    tallies.rebuild()
    return Programme(a=a, b=b, twin=twin, twin_user=twin_user)
