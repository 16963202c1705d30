"""What the ledger holds for one secondment over a period, as measures a claim can be set
against: figure fields, entry counts per category, key projects, paired contacts, problems.

The catalog is read in a handful of queries and then matched in memory (`matching.py`). Which
records count, and the mapping tables, are documented in docs/claimcheck.md.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from guazhi.contacts.models import Contact, ContactKind, Problem, ProblemStatus
from guazhi.ledger.models import Category, Entry, EntryFigure, EntryStatus, FigureField
from guazhi.projects.models import Project
from guazhi.roster.models import Secondment

# Entries that are evidence: confirmed and waiting for confirmation. A returned entry was sent
# back by the host as wrong or incomplete, so it backs nothing until the cadre resubmits it.
EVIDENCE_STATUSES = (EntryStatus.CONFIRMED, EntryStatus.PENDING)

# Claim units (as guazhi.claims writes them) → the class a ledger unit must share. 人 and 人次,
# 户 and 户次 are one class: writers use them interchangeably for people and households reached.
UNIT_CLASS: dict[str, str] = {
    "家": "家",
    "家次": "家",
    "户": "户",
    "户次": "户",
    "人": "人",
    "名": "人",
    "位": "人",
    "人次": "人",
    "辆": "辆",
    "辆次": "辆",
    "台": "辆",
    "台次": "辆",
    "车次": "辆",
    "轮": "轮",
    "次": "次",
    "场": "次",
    "场次": "次",
    "期": "次",
    "件": "件",
    "件次": "件",
    "起": "件",
    "宗": "件",
    "个": "个",
    "项": "个",
    "篇": "篇",
    "份": "篇",
    "对": "对",
    "条": "条",
    "学时": "学时",
    "课时": "学时",
    "小时": "小时",
    "元": "元",
    "万元": "元",
    "亿元": "元",
}

# A ledger unit's size in the claim's base unit (claims normalise 万元 and 亿元 to 元).
UNIT_SCALE: dict[str, Decimal] = {"万元": Decimal(10000), "亿元": Decimal(100000000)}

# Words writers use for what a ledger label names: a label containing the key also answers to
# these. Kept small on purpose: each line is a pairing seen in cadres' reports.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "贷款": ("融资", "授信"),
    "资金": ("筹集", "筹措", "募集", "争取", "帮扶资金", "捐款"),
    "农户": ("群众", "住户", "家庭", "村民", "脱贫户"),
    "群众": ("居民", "村民", "人员", "老百姓"),
    "住户": ("群众", "家庭", "农户"),
    "来访": ("信访", "上访", "来信"),
    "矛盾": ("纠纷",),
    "客商": ("企业", "投资商"),
    "结对": ("签约", "协议"),
    "车辆": ("车次",),
    "就业": ("务工", "岗位"),
    "实事": ("民生",),
}

# Two-character pieces of labels that say nothing about what is counted.
STOP_BIGRAMS = frozenset({"组织", "参加", "形成", "涉及", "新增", "办理", "接待"})

# Entry counts as a measure only where the text names the work (「走访调研 18 次」, 「18轮核酸
# 检测」): category name → (claim unit classes, words that must appear near the figure).
CATEGORY_COUNTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "走访调研": (("次",), ("走访", "调研")),
    "信访接待": (("次", "件"), ("信访", "来访", "接访")),
    "会议活动": (("次",), ("会议", "活动", "座谈")),
    "学习培训": (("次",), ("培训", "学习", "授课")),
    "疫情防控": (("轮", "次"), ("核酸", "检测", "防控", "值守")),
    "防汛救灾": (("次",), ("防汛", "救灾", "抢险")),
    "企业帮扶": (("次",), ("帮扶企业", "服务企业", "企业服务")),
    "招商引资": (("次",), ("招商", "推介")),
    "民生实事": (("件",), ("实事",)),
    "项目帮办": (("次",), ("帮办", "代办")),
}

# Paired contacts by kind: (unit class, label, words).
CONTACT_MEASURES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    ContactKind.HOUSEHOLD: ("户", "包联农户（户）", ("包联", "结对", "联系", "农户", "帮扶")),
    ContactKind.ENTERPRISE: ("家", "包联企业（家）", ("包联", "挂钩", "联系", "企业")),
    ContactKind.VILLAGE: ("个", "包联村（社区）（个）", ("包联", "挂钩", "村", "社区")),
    ContactKind.PETITIONER: ("人", "包联信访人（人）", ("包联", "包案", "信访")),
}


@dataclass
class Measure:
    """One thing the ledger counts or sums, with the records behind it."""

    label: str  # 走访企业（家）
    unit: str  # the ledger's unit: 家, 万元
    unit_class: str
    keywords: dict[str, float]  # word → weight
    record_kind: str = "entry"  # entry, project, contact, problem
    items: dict[int, Decimal] = field(default_factory=dict)  # record id → value
    category: str = ""  # a category's entry count in 条: what a bare number in its row counts

    @property
    def scale(self) -> Decimal:
        return UNIT_SCALE.get(self.unit, Decimal(1))

    @property
    def total(self) -> Decimal:
        return sum(self.items.values(), Decimal(0))

    def score(self, context: str) -> float:
        """How well the words around a claim name this measure (0: not at all)."""
        return sum(weight for word, weight in self.keywords.items() if word in context)


def label_keywords(label: str, category: str = "") -> dict[str, float]:
    """A label's two-character pieces and their synonyms; the category's pieces weigh half."""
    words: dict[str, float] = {}
    for name, weight in ((category, 0.5), (label, 1.0)):
        for i in range(len(name) - 1):
            piece = name[i : i + 2]
            if piece not in STOP_BIGRAMS:
                words[piece] = max(words.get(piece, 0.0), weight)
    for key, synonyms in SYNONYMS.items():
        if key in label:
            for word in synonyms:
                words.setdefault(word, 1.0)
    return words


def load_catalog(secondment: Secondment, start: date, end: date) -> list[Measure]:
    """Every measure the secondment's records give over [start, end] (both included)."""
    entries = Entry.objects.filter(
        secondment=secondment, date__gte=start, date__lte=end, status__in=EVIDENCE_STATUSES
    )
    measures: list[Measure] = []

    # Figure fields, one measure per (label, unit): 走访企业（家） of 企业帮扶 and 走访调研 add up.
    # Every field is a measure, holding nothing when no entry records it: a claim then names
    # what it was compared with ("协调贷款（万元）: 台账中未找到对应记录").
    by_label: dict[tuple[str, str], Measure] = {}
    for label, unit, category in FigureField.objects.values_list("label", "unit", "category__name"):
        unit_class = UNIT_CLASS.get(unit)
        if unit_class is None:
            continue
        measure = by_label.get((label, unit))
        if measure is None:
            by_label[(label, unit)] = Measure(
                label=f"{label}（{unit}）",
                unit=unit,
                unit_class=unit_class,
                keywords=label_keywords(label, category),
            )
        else:
            for word, weight in label_keywords("", category).items():
                measure.keywords.setdefault(word, weight)
    figures = EntryFigure.objects.filter(entry__in=entries, value__gt=0).values_list(
        "entry_id", "value", "field__label", "field__unit"
    )
    for entry_id, value, label, unit in figures:
        if (label, unit) in by_label:
            items = by_label[(label, unit)].items
            items[entry_id] = items.get(entry_id, Decimal(0)) + value
    measures.extend(by_label.values())

    # Entry counts: of the categories the mapping table names, in the units work is counted in
    # (「走访调研18次」); of every category and of the whole ledger in 条, the unit of records
    # (「会议活动纪实7条」, 「纪实56条」).
    per_category: dict[str, list[int]] = defaultdict(list)
    for entry_id, category in entries.values_list("pk", "category__name"):
        per_category[category].append(entry_id)
    for category, (classes, words) in CATEGORY_COUNTS.items():
        for unit_class in classes:
            measures.append(
                Measure(
                    label=f"{category}纪实（{unit_class}）",
                    unit=unit_class,
                    unit_class=unit_class,
                    keywords=dict.fromkeys(words, 1.0),
                    items=dict.fromkeys(per_category.get(category, ()), Decimal(1)),
                )
            )
    for category in Category.objects.values_list("name", flat=True):
        measures.append(
            Measure(
                label=f"{category}纪实（条）",
                unit="条",
                unit_class="条",
                keywords={category: 2.0, "纪实": 0.5, "记录": 0.5},
                items=dict.fromkeys(per_category.get(category, ()), Decimal(1)),
                category=category,
            )
        )
    measures.append(
        Measure(
            label="工作纪实（条）",
            unit="条",
            unit_class="条",
            keywords=dict.fromkeys(("纪实", "记录", "台账"), 1.0),
            items={pk: Decimal(1) for ids in per_category.values() for pk in ids},
        )
    )

    # Key projects the cadre had taken on by the end of the period: each one's investment, and
    # how many there are. A project is standing work, so one begun before the period counts.
    projects = Project.objects.filter(secondment=secondment, created_at__date__lte=end)
    investments = dict(projects.values_list("pk", "investment"))
    measures.extend(
        (
            Measure(
                label="重点项目总投资（万元）",
                unit="万元",
                unit_class="元",
                keywords=dict.fromkeys(("项目", "投资", "总投资", "重点项目"), 1.0),
                record_kind="project",
                items={pk: value for pk, value in investments.items() if value > 0},
            ),
            Measure(
                label="重点项目（个）",
                unit="个",
                unit_class="个",
                keywords=dict.fromkeys(("项目", "重点项目"), 1.0),
                record_kind="project",
                items=dict.fromkeys(investments, Decimal(1)),
            ),
        )
    )

    # Paired contacts by kind, the list as it stood at the end of the period.
    contacts: dict[str, list[int]] = defaultdict(list)
    for pk, kind in Contact.objects.filter(
        secondment=secondment, created_at__date__lte=end
    ).values_list("pk", "kind"):
        contacts[kind].append(pk)
    for kind, (unit_class, label, words) in CONTACT_MEASURES.items():
        ids = contacts.get(kind, [])
        measures.append(
            Measure(
                label=label,
                unit=unit_class,
                unit_class=unit_class,
                keywords=dict.fromkeys(words, 1.0),
                record_kind="contact",
                items=dict.fromkeys(ids, Decimal(1)),
            )
        )

    # Problems: found in the period, and resolved in it.
    problems = Problem.objects.filter(secondment=secondment)
    found = list(
        problems.filter(found_date__gte=start, found_date__lte=end).values_list("pk", flat=True)
    )
    resolved = list(
        problems.filter(
            status=ProblemStatus.RESOLVED, resolved_date__gte=start, resolved_date__lte=end
        ).values_list("pk", flat=True)
    )
    for ids, label, words in (
        (found, "发现问题（个）", ("发现", "梳理", "收集", "排查", "问题")),
        (resolved, "解决问题（个）", ("解决", "化解", "问题", "难题", "诉求")),
    ):
        for unit_class in ("个", "件"):
            measures.append(
                Measure(
                    label=label if unit_class == "个" else label.replace("个", "件"),
                    unit=unit_class,
                    unit_class=unit_class,
                    keywords=dict.fromkeys(words, 1.0),
                    record_kind="problem",
                    items=dict.fromkeys(ids, Decimal(1)),
                )
            )
    return measures
