"""Believable key projects for the demo programme: `seed_projects(rng_seed=...)`.

About twenty projects for cadres on post at towns and sub-districts — the 5.5 billion yuan
salt-cavern compressed-air energy-storage project that must break ground by the year's end, an
industrial park expansion, a rural road… — each with its template's milestones at believable
stages (the early ones done, one in hand, some overdue or blocked) and a short progress log
linked to the cadre's 项目帮办 ledger entries. Deterministic and idempotent: secondments that
already have a project are left alone. Usually called through
`guazhi.contacts.demo_data.seed_fieldwork`.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from guazhi.audit.log import record
from guazhi.audit.models import Event
from guazhi.ledger.models import Entry
from guazhi.projects.models import (
    Milestone,
    MilestoneStatus,
    MilestoneTemplate,
    Project,
    ProjectUpdate,
)
from guazhi.roster.models import Secondment, SecondmentStatus, UnitKind

SEED = 20261124
DEFAULT = "审批类投资项目（默认）"
INDUSTRY = "备案类产业项目"
ROAD = "农村公路项目"

# (name, investment in 万元, target, template, description)
CATALOGUE: tuple[tuple[str, int, str, str, str], ...] = (
    ("盐穴压缩空气储能电站项目", 550000, "年底前开工", DEFAULT,
     "利用废弃盐穴建设压缩空气储能电站，总投资 55 亿元，建成后可参与电网调峰。"),
    ("工业园区扩区项目", 86000, "明年上半年完成一期", DEFAULT,
     "园区向东扩区 1200 亩，配套道路、供水、污水管网和标准化厂房。"),
    ("通村公路提质改造工程", 3200, "汛期前完工", ROAD,
     "改造通村公路 18.6 公里，路面加宽至 6 米，增设安全防护设施。"),
    ("年产 5 万吨新型建材项目", 42000, "年内投产", INDUSTRY,
     "建设新型墙体材料生产线两条，吸纳就业 300 人。"),
    ("农产品冷链物流园项目", 28000, "明年 6 月建成", INDUSTRY,
     "建设冷库 3 万立方米及分拣中心，服务周边茶叶、水产和果蔬外运。"),
    ("城区雨污分流改造项目", 15600, "年底前完成主管网", DEFAULT,
     "改造雨污合流管网 22 公里，解决老城区雨季内涝。"),
    ("乡村振兴示范片区项目", 9800, "年内完成村庄整治", DEFAULT,
     "串联 5 个村打造示范片区，实施人居环境整治和产业配套。"),
    ("滨江 200 兆瓦渔光互补光伏项目", 98000, "明年一季度并网", INDUSTRY,
     "利用养殖水面建设渔光互补光伏电站，上层发电、下层养殖。"),
    ("精密机械产业园二期", 36000, "年底主体封顶", INDUSTRY,
     "引进精密零部件企业 6 家，建设标准化厂房 8 万平方米。"),
    ("老旧小区改造项目", 5400, "年底前完工", DEFAULT,
     "改造老旧小区 12 个，加装电梯、更新管网、增设停车位。"),
    ("镇区污水处理厂扩容项目", 7600, "明年 5 月通水", DEFAULT,
     "日处理能力由 5000 吨扩至 1.5 万吨。"),
    ("茶旅融合综合体项目", 12000, "明年春茶季开园", INDUSTRY,
     "建设茶文化展示中心、民宿和观光茶园步道。"),
    ("港口冷链仓储中心项目", 23000, "年内开工", INDUSTRY,
     "新建港口冷链仓库及配套码头堆场。"),
    ("高标准农田建设项目", 4100, "秋收后开工", ROAD,
     "建设高标准农田 1.2 万亩，配套机耕路和灌排渠系。"),
    ("镇卫生院迁建项目", 6800, "年底前主体完工", DEFAULT,
     "迁建镇卫生院，新增床位 80 张。"),
    ("东部片区供水管网工程", 3900, "枯水期完工", ROAD,
     "新建供水主管 14 公里，解决 6 个村饮水安全问题。"),
    ("电子信息产业孵化基地", 18000, "年内首批企业入驻", INDUSTRY,
     "改造闲置厂房建设孵化基地，配套公共技术服务平台。"),
    ("农村物流服务站点建设", 850, "年底前覆盖全部行政村", ROAD,
     "建设镇级物流中心 1 个、村级站点 24 个。"),
    ("地质灾害隐患点搬迁安置项目", 5200, "汛期前完成搬迁", DEFAULT,
     "对滑坡隐患点 46 户实施搬迁，货币补偿与产权置换两种方式可选。"),
    ("文体广场建设项目", 1100, "国庆前建成", DEFAULT,
     "东西部协作资金支持建设文体广场，含篮球场和文化长廊。"),
)  # fmt: skip

UPDATES = (
    "与自然资源部门对接用地指标，明确用地预审材料清单。",
    "陪同业主单位到区发改局汇报，项目已列入年度重点项目计划。",
    "环评报告已完成专家评审，按意见修改后报批。",
    "召开项目推进会，协调供电、供水接入方案。",
    "现场查看施工准备情况，督促完成临时道路和围挡。",
    "节能审查材料退回补正，已协调第三方机构三日内修改完毕。",
    "规划方案经镇党委会研究通过，报区规划委员会审议。",
    "施工许可材料已受理，预计两周内办结。",
)
BLOCKERS = (
    "涉及基本农田调整，需等待省级批复。",
    "环评公示期间收到群众意见，正在组织答复。",
    "能耗指标不足，已向区发改局申请统筹。",
)


def seed_projects(*, rng_seed: int = SEED, today: date | None = None) -> int:
    """Give on-post secondments at towns and sub-districts about twenty projects. Returns the
    number of projects created (0 when they were seeded before)."""
    rng = random.Random(rng_seed)
    today = today or timezone.localdate()
    templates = {t.name: t for t in MilestoneTemplate.objects.prefetch_related("steps")}
    fallback = MilestoneTemplate.objects.filter(is_default=True).first()
    secondments = list(
        Secondment.objects.filter(
            status=SecondmentStatus.ACTIVE,
            start_date__lt=today,
            host_unit__kind__in=[UnitKind.TOWN, UnitKind.SUBDISTRICT],
        )
        .select_related("cadre", "host_unit")
        .order_by("pk")
    )
    if not secondments or Project.objects.filter(secondment__in=secondments).exists():
        return 0
    users = _cadre_users(secondments)
    # The demo cadre with an account gets the flagship project first.
    secondments.sort(key=lambda s: (s.cadre_id not in users, s.pk))
    chosen = secondments[: len(CATALOGUE)]
    entries = _project_entries(chosen)

    projects, milestones, updates = [], [], []
    for (name, investment, target, template_name, description), secondment in zip(
        CATALOGUE, chosen, strict=False
    ):
        template = templates.get(template_name) or fallback
        start = secondment.start_date + timedelta(days=rng.randint(3, 20))
        target_date = (
            date(today.year, 12, 31)
            if "年底" in target
            else today + timedelta(days=rng.randint(60, 240))
        )
        project = Project(
            secondment=secondment,
            name=name,
            investment=Decimal(investment),
            owner_unit=secondment.host_unit,
            target=target,
            target_date=target_date,
            description=description,
            template=template,
            created_by_id=users.get(secondment.cadre_id),
            created_at=timezone.make_aware(datetime.combine(min(start, today), time(9))),
        )
        projects.append(project)
        steps = [s.name for s in template.steps.all()] if template else []
        milestones.append(_milestones(rng, steps, start, target_date, today))
        updates.append(
            _updates(rng, start, today, entries.get(secondment.pk, []), users, secondment)
        )

    with transaction.atomic():
        Project.objects.bulk_create(projects)
        for project, rows, logs in zip(projects, milestones, updates, strict=True):
            for row in rows:
                row.project = project
            for log in logs:
                log.project = project
        Milestone.objects.bulk_create([m for rows in milestones for m in rows])
        ProjectUpdate.objects.bulk_create([u for logs in updates for u in logs])
        record(
            event=Event.CREATE,
            username="系统",
            object_type="projects.project",
            detail=f"生成演示重点项目 {len(projects)} 个",
        )
    return len(projects)


def _cadre_users(secondments: list[Secondment]) -> dict[int, int]:
    from guazhi.accounts.models import User

    return dict(
        User.objects.filter(cadre_id__in=[s.cadre_id for s in secondments]).values_list(
            "cadre_id", "pk"
        )
    )


def _project_entries(secondments: list[Secondment]) -> dict[int, list[Entry]]:
    found: dict[int, list[Entry]] = {}
    for entry in Entry.objects.filter(
        secondment__in=secondments, category__name="项目帮办"
    ).order_by("date", "pk"):
        found.setdefault(entry.secondment_id, []).append(entry)
    return found


def _milestones(
    rng: random.Random, steps: list[str], start: date, target: date, today: date
) -> list[Milestone]:
    """Planned dates spread from the start to the target; the ones planned well before today
    are mostly done, the next is in hand, and a few slipped (overdue) or are blocked."""
    if not steps:
        return []
    span = max((target - start).days, len(steps) * 10)
    rows = []
    stalled, stalled_at = False, 0
    for i, name in enumerate(steps, start=1):
        planned = start + timedelta(days=span * i // len(steps))
        if stalled:
            # Re-planned after the step in hand: only that one may be overdue.
            planned = max(planned, today + timedelta(days=20 * (i - stalled_at)))
        row = Milestone(name=name, sort_order=i, planned_date=planned)
        if not stalled and planned <= today - timedelta(days=5) and rng.random() < 0.85:
            row.status = MilestoneStatus.DONE
            row.done_date = min(planned + timedelta(days=rng.randint(-8, 6)), today)
        elif not stalled:
            stalled, stalled_at = True, i
            roll = rng.random()
            if roll < 0.2:
                row.status = MilestoneStatus.BLOCKED
                row.note = rng.choice(BLOCKERS)
            elif roll < 0.85:
                row.status = MilestoneStatus.IN_PROGRESS
                row.note = "材料已报送，等待审批。"
        rows.append(row)
    return rows


def _updates(
    rng: random.Random,
    start: date,
    today: date,
    entries: list[Entry],
    users: dict[int, int],
    secondment: Secondment,
) -> list[ProjectUpdate]:
    days = max((today - start).days, 1)
    logs = []
    for text in rng.sample(UPDATES, rng.randint(2, 4)):
        on = start + timedelta(days=rng.randint(0, days))
        linked = [e for e in entries if abs((e.date - on).days) <= 10]
        logs.append(
            ProjectUpdate(
                date=min(on, today),
                text=text,
                entry=rng.choice(linked) if linked else None,
                created_by_id=users.get(secondment.cadre_id),
            )
        )
    return logs
