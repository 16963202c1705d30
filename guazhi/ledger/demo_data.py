"""A believable ledger for the demo programme: `seed_ledger(actor=...)`.

For every secondment on post (or finished) that has no entry yet, it writes one to three
entries a week from the start of the posting until today, by category, with figures in the
ranges real reports give (698 enterprises surveyed, an 8 million yuan loan, 300+ vehicles a
day at an epidemic checkpoint, 18 rounds of testing…). Older entries are mostly confirmed by the
host unit's liaison. Deterministic (a seeded generator) and idempotent (secondments that already
have entries are left alone); written with bulk_create, so a few thousand entries take seconds.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from guazhi.accounts.models import Role, User
from guazhi.audit.log import record
from guazhi.audit.models import Event
from guazhi.ledger import tallies
from guazhi.ledger.models import (
    Category,
    Entry,
    EntryFigure,
    EntryRevision,
    EntryStatus,
    FigureField,
    RevisionAction,
)
from guazhi.roster.models import Secondment, SecondmentStatus, Unit, UnitKind

SEED = 20260507

ENTERPRISES = (
    "青川新材料科技有限公司", "安平精密机械有限公司", "临江港务物流有限公司", "云台生态农业合作社",
    "柳溪茶业有限公司", "白沙水产养殖合作社", "龙泉食品有限公司", "东关电子科技有限公司",
    "石门建材有限公司", "滨江纺织有限公司", "港口冷链物流有限公司", "青川盐化集团",
)  # fmt: skip
BANKS = ("农商银行", "建设银行", "农业银行", "邮储银行", "工商银行")
PROJECTS = (
    "盐穴压缩空气储能电站项目", "年产 5 万吨新型建材项目", "农产品冷链物流园项目",
    "乡村振兴示范片区项目", "工业园区标准化厂房项目", "城区雨污分流改造项目",
)  # fmt: skip
PLACES = ("镇政府会议室", "工业园区", "镇便民服务中心", "高速路口防疫检查站", "区行政服务中心")


@dataclass(frozen=True)
class Template:
    title: str
    text: str
    figures: dict[str, tuple[float, float]]  # key → (low, high)


T = Template
TEMPLATES: dict[str, list[Template]] = {
    "企业帮扶": [
        T("走访辖区企业了解经营情况",
          "带队走访{enterprise}等{enterprises_visited}家企业，逐一了解生产经营、用工和融资情况，"
          "现场解决问题{problems_solved}个，其余梳理成清单报区相关部门跟进。",
          {"enterprises_visited": (5, 40), "problems_solved": (1, 8)}),
        T("协调银行为企业解决贷款",
          "{enterprise}订单增长快、流动资金紧张，牵头对接{bank}，组织银企座谈，"
          "协助企业准备授信材料，促成贷款{loans}万元。",
          {"loans": (100, 800), "enterprises_visited": (1, 3)}),
        T("组织企业大走访并形成报告",
          "按照区里部署组织第一轮企业大走访，分片包干走访企业{enterprises_visited}家，汇总用地、用工、融资、"
          "物流等问题，形成调研报告上报。",
          {"enterprises_visited": (60, 698), "problems_solved": (5, 30)}),
        T("帮助企业申报扶持资金",
          "指导{enterprise}申报技术改造专项资金，协调区经信局审核材料，争取资金{funds_raised}万元。",
          {"funds_raised": (20, 300)}),
    ],
    "项目帮办": [
        T("推进重点项目前期手续",
          "为{project}跑办用地预审和环评手续，与自然资源、生态环境部门逐项对接，"
          "办结手续{procedures}项，明确剩余节点和时限。",
          {"projects": (1, 2), "procedures": (1, 4), "investment": (5000, 550000)}),
        T("召开项目推进协调会",
          "组织{project}推进协调会，梳理施工许可前置条件，协调解决临时用电和道路问题。",
          {"projects": (1, 3), "procedures": (0, 2)}),
    ],
    "招商引资": [
        T("接待客商考察",
          "陪同{investors_met}家外地客商考察工业园区，介绍土地、电价和扶持政策，跟进意向项目。",
          {"investors_met": (1, 6)}),
        T("赴外招商洽谈",
          "随队赴长三角开展招商，洽谈企业{investors_met}家，签约项目{projects_signed}个，签约金额{investment_signed}万元。",
          {"investors_met": (3, 12), "projects_signed": (1, 3), "investment_signed": (2000, 50000)}),
    ],
    "信访接待": [
        T("值班接待来访群众",
          "在镇信访接待室值班，接待来访{petitions}件{people_received}人次，当场解释政策、化解矛盾{disputes_resolved}件。",
          {"petitions": (2, 10), "people_received": (3, 20), "disputes_resolved": (1, 5)}),
        T("化解失地农民养老保险补偿积案",
          "就{village}失地农民养老保险补偿的多年积案，逐户核对名单，协调区人社局和财政局，"
          "确定补偿办法并张榜公示符合条件的村民名单。",
          {"petitions": (1, 3), "disputes_resolved": (1, 2), "people_received": (10, 60)}),
        T("做通滑坡点住户搬迁工作",
          "到{village}滑坡隐患点入户，和住户一起算现金补偿和产权置换两笔账，做通{disputes_resolved}户搬迁工作。",
          {"people_received": (4, 15), "disputes_resolved": (1, 4)}),
    ],
    "走访调研": [
        T("入户走访了解群众诉求",
          "到{village}入户走访{households_visited}户，重点了解独居老人、困难家庭生活情况，记录诉求并跟进。",
          {"households_visited": (8, 40)}),
        T("开展专题调研",
          "围绕营商环境开展专题调研，走访企业{enterprises_visited}家，形成调研报告 1 篇报镇党委。",
          {"enterprises_visited": (5, 20), "reports": (1, 1)}),
    ],
    "包联联系": [
        T("走访包联农户",
          "到包联的{village}走访联系农户{households_contacted}户、入户{home_visits}次，宣讲惠农政策，帮助解决灌溉用水等问题{problems_solved}个。",
          {"households_contacted": (3, 15), "home_visits": (3, 15), "problems_solved": (1, 4)}),
    ],
    "疫情防控": [
        T("值守防疫检查站",
          "在高速路口防疫检查站值守，当日检查车辆{vehicles_checked}辆次，登记人员{people_registered}人次。",
          {"vehicles_checked": (300, 600), "people_registered": (1000, 1800)}),
        T("组织全员核酸检测",
          "组织{village}全员核酸检测，安排采样点和人员分流，累计组织{testing_rounds}轮检测、登记{people_registered}人次。",
          {"testing_rounds": (1, 18), "people_registered": (800, 5000)}),
    ],
    "防汛救灾": [
        T("暴雨夜转移危房群众",
          "夜间暴雨，连夜赶到{village}排查土坯房，转移住户{households_moved}户{people_moved}人到安置点，值守{duty_hours}小时。",
          {"households_moved": (2, 6), "people_moved": (5, 20), "duty_hours": (6, 12)}),
        T("防汛值班巡查",
          "防汛值班，巡查{village}河堤和山塘水库，清理排水沟渠。",
          {"duty_hours": (8, 24)}),
    ],
    "民生实事": [
        T("办理群众身边实事",
          "协调解决{village}路灯损坏、饮水管道老化等问题{matters_done}件，投入资金{funds}万元，惠及群众{people_served}人。",
          {"matters_done": (1, 5), "people_served": (50, 800), "funds": (2, 30)}),
    ],
    "对口帮扶": [
        T("推动村村结对",
          "推动派出单位所在地与本地村组结对帮扶，新增签订结对协议{pairs_signed}对。",
          {"pairs_signed": (1, 4)}),
        T("筹资建设村民广场",
          "为{village}村民文化广场筹集建设资金{funds_raised}万元，协调施工队进场。",
          {"funds_raised": (20, 120)}),
        T("建设特色农产品展销中心",
          "牵头筹建对口地区特色农产品展销中心，对接商超和电商平台，筹集资金{funds_raised}万元，带动就业{jobs}人。",
          {"jobs": (5, 40), "funds_raised": (10, 80)}),
    ],
    "学习培训": [
        T("参加挂职干部集中学习",
          "参加挂职干部集中学习，学习乡村振兴和营商环境相关政策，并作交流发言。",
          {"study_hours": (4, 16), "sessions": (1, 1)}),
    ],
    "会议活动": [
        T("参加镇党委会议",
          "参加镇党委会议，汇报分管工作进展，研究部署下阶段任务。",
          {"meetings": (1, 2), "attendees": (10, 30)}),
        T("参加挂职干部交流座谈会",
          "参加本批次挂职干部交流座谈会，交流经验做法，对接派出单位资源。",
          {"meetings": (1, 1), "attendees": (20, 80)}),
    ],
    "其他": [
        T("完成镇党委交办事项", "完成镇党委交办的材料起草和检查迎检工作。", {}),
    ],
}  # fmt: skip

# How often each category comes up in a cadre's ledger (weights).
WEIGHTS = {
    "企业帮扶": 16, "项目帮办": 8, "招商引资": 5, "信访接待": 10, "走访调研": 14, "包联联系": 10,
    "疫情防控": 3, "防汛救灾": 3, "民生实事": 8, "对口帮扶": 4, "学习培训": 7, "会议活动": 9,
    "其他": 3,
}  # fmt: skip


def seed_ledger(*, actor: User, rng_seed: int = SEED, today: date | None = None) -> int:
    """Write the demo ledger; returns the number of entries created (0 on a second run)."""
    rng = random.Random(rng_seed)
    today = today or timezone.localdate()
    categories = {c.name: c for c in Category.objects.all()}
    fields = {(f.category_id, f.key): f for f in FigureField.objects.all()}
    liaisons = list(User.objects.filter(role=Role.HOST_LIAISON).select_related("unit"))
    secondments = list(
        Secondment.objects.filter(
            status__in=[SecondmentStatus.ACTIVE, SecondmentStatus.COMPLETED],
            start_date__lt=today,
        )
        .exclude(ledger_entries__isnull=False)
        .select_related("cadre", "host_unit")
        .order_by("pk")
    )
    users_by_cadre = dict(
        User.objects.filter(cadre_id__in=[s.cadre_id for s in secondments]).values_list(
            "cadre_id", "pk"
        )
    )
    entries: list[Entry] = []
    reviewers: list[User] = []
    plans: list[tuple[Template, dict[str, Decimal]]] = []
    for secondment in secondments:
        villages = list(
            Unit.objects.subtree(secondment.host_unit).filter(
                kind__in=[UnitKind.VILLAGE, UnitKind.COMMUNITY]
            )
        )
        reviewer = _reviewer(secondment, liaisons) or actor
        author_id = users_by_cadre.get(secondment.cadre_id)
        end = min(today, secondment.actual_end_date or secondment.planned_end_date)
        day = secondment.start_date + timedelta(days=rng.randint(1, 4))
        while day <= end:
            entry, template, figures = _entry(rng, secondment, day, categories, fields, villages)
            entry.created_by_id = author_id
            _review(rng, entry, reviewer, today)
            entries.append(entry)
            reviewers.append(reviewer)
            plans.append((template, figures))
            day += timedelta(days=rng.choice((3, 4, 5, 6, 7)))
    if not entries:
        return 0
    with transaction.atomic():
        Entry.objects.bulk_create(entries, batch_size=500)
        EntryFigure.objects.bulk_create(
            (
                EntryFigure(entry=entry, field=fields[(entry.category_id, key)], value=value)
                for entry, (_, figures) in zip(entries, plans, strict=True)
                for key, value in figures.items()
            ),
            batch_size=1000,
        )
        EntryRevision.objects.bulk_create(_revisions(entries, reviewers, actor), batch_size=1000)
        tallies.rebuild()
        record(
            event=Event.CREATE,
            user=actor,
            object_type="ledger.entry",
            detail=f"生成演示工作纪实 {len(entries)} 条（{len(secondments)} 名在岗或期满干部）",
        )
    return len(entries)


def _reviewer(secondment: Secondment, liaisons: list[User]) -> User | None:
    path = secondment.host_unit.path
    mine = [u for u in liaisons if u.unit is not None and path.startswith(u.unit.path)]
    # The closest unit's liaison confirms (a town's, before the district's).
    return max(mine, key=lambda u: len(u.unit.path) if u.unit else 0, default=None)


def _entry(
    rng: random.Random,
    secondment: Secondment,
    day: date,
    categories: dict[str, Category],
    fields: dict[tuple[int, str], FigureField],
    villages: list[Unit],
) -> tuple[Entry, Template, dict[str, Decimal]]:
    name = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
    category = categories[name]
    template = rng.choice(TEMPLATES[name])
    village = rng.choice(villages) if villages else None
    figures: dict[str, Decimal] = {}
    for key, (low, high) in template.figures.items():
        field = fields.get((category.pk, key))
        if field is None:
            continue
        if field.kind == "decimal":
            figures[key] = Decimal(str(round(rng.uniform(low, high), 1)))
        else:
            figures[key] = Decimal(rng.randint(int(low), int(high)))
    figures = {key: value for key, value in figures.items() if value}
    slots = {
        "enterprise": rng.choice(ENTERPRISES),
        "bank": rng.choice(BANKS),
        "project": rng.choice(PROJECTS),
        "village": village.name if village else secondment.host_unit.name,
        **{key: _fmt(value) for key, value in figures.items()},
    }
    place_unit = village if village and rng.random() < 0.6 else None
    entry = Entry(
        secondment=secondment,
        date=day,
        category=category,
        place_unit=place_unit,
        place_text="" if place_unit else rng.choice(PLACES),
        title=template.title,
        text=template.text.format(**slots),
        tags=" ".join(rng.sample(("营商环境", "乡村振兴", "安全生产", "民生", "基层治理"), 1)),
        client_uuid=uuid.UUID(int=rng.getrandbits(128), version=4),
        created_at=min(timezone.make_aware(datetime.combine(day, time(20))), timezone.now()),
    )
    return entry, template, figures


def _fmt(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _review(rng: random.Random, entry: Entry, reviewer: User, today: date) -> None:
    """Older entries are mostly confirmed; the last fortnight's mostly wait."""
    age = (today - entry.date).days
    roll = rng.random()
    if (age > 14 and roll < 0.9) or (age > 3 and roll < 0.4):
        entry.status = EntryStatus.CONFIRMED
        entry.confirmed_by = reviewer
        moment = datetime.combine(entry.date + timedelta(days=rng.randint(1, 4)), time(10))
        entry.confirmed_at = min(timezone.make_aware(moment), timezone.now())
        entry.version = 2
    elif age > 14 and roll < 0.95:
        entry.status = EntryStatus.RETURNED
        entry.return_comment = rng.choice(
            (
                "请补充现场照片。",
                "数据与台账不一致，请核对后重新提交。",
                "请写明走访的具体企业名单。",
            )
        )
        entry.version = 2


def _revisions(entries: list[Entry], reviewers: list[User], actor: User) -> list[EntryRevision]:
    """A 填写 revision for each entry, then its confirmation or return, at believable times."""
    revisions = []
    for entry, reviewer in zip(entries, reviewers, strict=True):
        written = entry.created_at
        author_id = entry.created_by_id or actor.pk
        revisions.append(
            EntryRevision(
                entry=entry,
                action=RevisionAction.CREATE,
                actor_id=author_id,
                version=1,
                time=written,
            )
        )
        if entry.status == EntryStatus.CONFIRMED and entry.confirmed_by is not None:
            revisions.append(
                EntryRevision(
                    entry=entry,
                    action=RevisionAction.CONFIRM,
                    actor=entry.confirmed_by,
                    version=2,
                    time=entry.confirmed_at or written,
                )
            )
        elif entry.status == EntryStatus.RETURNED:
            revisions.append(
                EntryRevision(
                    entry=entry,
                    action=RevisionAction.RETURN,
                    actor=reviewer,
                    version=2,
                    time=min(written + timedelta(days=2), timezone.now()),
                    comment=entry.return_comment,
                )
            )
    return revisions
