"""Honest demo writings: each composed from one cadre's own posting and ledger, and quoting
passages of the government work reports no other cadre quotes, so that two cadres' texts share
no more than real honest writings do (a stock phrase here and there).

The originality check finds any run of about 13 characters two texts share, punctuation aside,
and follows a shared sentence skeleton however its words are swapped. So the parts written from
pools are short and sparse: every sentence interleaves a few characters of frame with the
cadre's own facts (dates, villages, the figures of their ledger entries, host unit, post and
duties), each cadre has their own "voice" (a subset of the frames), and about half of the
reflections are the cadre's own quotations (`guazhi.lib.demo_corpus`, read at run time) with
their facts. A cadre's writings may repeat each other: self-reuse is not counted as copying.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from guazhi.ledger.demo_data import ENTERPRISES, PROJECTS
from guazhi.ledger.models import Entry
from guazhi.lib.writing_text import Block, heading, paragraph, table
from guazhi.roster.models import Secondment
from guazhi.writings.models import WritingKind

NUMBERS = "一二三四五六七八九十"

# What a cadre did, by ledger category: short verb phrases (the figures follow).
ACTIONS: dict[str, tuple[str, ...]] = {
    "企业帮扶": ("走访企业", "上门服务企业", "到企业现场办公", "对接企业需求", "帮企业解难题"),
    "项目帮办": ("跑办项目手续", "盯项目节点", "协调项目推进", "帮办审批事项", "现场督办项目"),
    "招商引资": ("接洽客商", "外出招商", "陪同客商考察", "跟进签约项目", "对接投资意向"),
    "信访接待": ("接待来访群众", "坐班接访", "调处矛盾纠纷", "化解信访积案", "下访包案"),
    "走访调研": ("入户调研", "蹲点走访", "专题调研", "摸排情况", "走村入户"),
    "包联联系": ("走访包联户", "上门联系农户", "入户回访", "到联系点走访", "帮包联户办事"),
    "疫情防控": ("值守检查站", "组织核酸检测", "排查返乡人员", "驻守卡口", "协调防疫物资"),
    "防汛救灾": ("防汛值守", "巡查河堤", "转移受困群众", "排查隐患点", "连夜抢险"),
    "民生实事": ("办理民生实事", "解决群众急难事", "推动实事落地", "修路灯修水管", "回应群众诉求"),
    "对口帮扶": ("推动结对帮扶", "筹措帮扶资金", "对接帮扶资源", "牵线产销对接", "促成村村结对"),
    "学习培训": ("参加集中学习", "跟班学习", "参加专题培训", "自学政策文件", "参加研讨"),
    "会议活动": ("参加党委会议", "参加交流座谈", "列席专题会", "参加工作例会", "参加推进会"),
    "其他": ("完成交办事项", "起草材料", "迎检准备", "处理临时任务", "配合中心工作"),
}
# How a subsection heading names a category; {d} is one of the cadre's duties.
HEADINGS: dict[str, tuple[str, ...]] = {
    "企业帮扶": ("服务企业", "助企纾困", "为企业办实事", "优化营商环境"),
    "项目帮办": ("项目帮办", "推进重点项目", "跑项目手续", "抓项目落地"),
    "招商引资": ("招商引资", "引项目聚产业", "招商洽谈"),
    "信访接待": ("信访接待", "化解矛盾纠纷", "接访下访"),
    "走访调研": ("调查研究", "走访摸底", "蹲点调研"),
    "包联联系": ("包联联系群众", "联系服务农户", "包村联户"),
    "疫情防控": ("疫情防控", "守好防疫关口"),
    "防汛救灾": ("防汛救灾", "守护群众安全"),
    "民生实事": ("办好民生实事", "解决群众急难愁盼"),
    "对口帮扶": ("对口帮扶", "结对帮扶", "资源对接"),
    "学习培训": ("学习提高", "学理论学业务"),
    "会议活动": ("参与决策", "交流研讨"),
    "其他": ("完成交办任务", "配合中心工作"),
}
SECTION_ONE = ("主要工作", "工作开展情况", "做了哪些事", "履职情况", "{d}工作", "围绕{d}抓落实")
SECTION_TWO = ("几点体会", "收获和体会", "认识和感悟", "体会与思考", "在{u}的收获", "挂职心得")
SECTION_THREE = ("下一步打算", "今后打算", "努力方向", "下步工作", "下一阶段重点")

# Openings: {s} start, {u} host unit, {p} post, {d} one duty, {h} home unit, {f} the cadre's
# first ledger day and place. Short: cadres of one unit share post, duties and start date.
OPENINGS = (
    "{s}到{u}，我分管的{d}从{f}开始。",
    "从{h}来到{u}，{f}是我第一次下去。",
    "作为{p}，{f}算是我在{u}的起点。",
    "到{u}挂职，头一件事是{f}。",
    "{f}，是我到{u}后记下的第一条纪实。",
    "我在{u}的工作，要从{f}说起。",
)
SPEECH_OPENINGS = (
    "各位领导、同志们：",
    "尊敬的各位领导，各位同事：",
    "同志们：",
)
SPEECH_CLOSINGS = (
    "以上是我在{u}的一点做法和体会，请大家批评指正。",
    "我就汇报这些，不当之处请各位指正。",
    "这是我在{u}挂职的一些收获，说得不对的地方请大家指出。",
    "发言到此，谢谢大家。",
)
# Reflections: a concrete moment of the cadre's own, then what it taught.
# After a quotation: how the cadre's own work bears it out ({m} a moment of theirs).
QUOTE_LEADS = (
    "{y}年政府工作报告提出：",
    "{y}年《政府工作报告》讲：",
    "记得{y}年的政府工作报告里有这样一段：",
)
QUOTE_LINKS = (
    "{m}，我对这段话才有了切身的体会。",
    "这段话，{m}时我又想了一遍。",
    "{m}，我才明白这话落到基层是什么分量。",
    "回头看{m}，说的正是这个道理。",
)
FEEL = ("让我体会到", "使我认识到", "我由此明白", "我深深感到", "这件事告诉我", "从中我懂得")
# Each lesson holds one of the cadre's facts: {v} a place of theirs, {n} a figure, {u} the unit.
LESSONS = (
    "政策落到{v}，要走完最后一公里",
    "{n}户人家，就是{n}本账",
    "办事先摸底，{v}的底数我跑了{n}趟才清楚",
    "在{v}，耐心听比急着答复管用",
    "手续节点要提前盯，{n}天的等待企业耗不起",
    "企业最怕等，{u}的干部最该跑在前面",
    "{v}缺的往往不是钱，是有人牵头协调",
    "数字背后是人，{n}这个数我记得每一户",
    "问题记下来，{v}的事才办得下去",
    "说十遍不如陪着跑一趟，{v}的群众看的是行动",
    "调研要到{v}的田间地头去",
    "承诺{v}的事，要有回音",
    "在{v}，干部先要把自己当村民",
    "算清{u}的发展账，也要算清群众的小账",
    "安全无小事，{v}的每一处隐患都要盯住",
    "结对帮扶贵在长久，{n}个项目要一个个跟",
    "会上定的事，会后{n}天内就要有人跟",
    "在{v}，方言听懂了，话才说得通",
    "台账是底气，{n}条纪实是我在{u}的脚印",
    "群众信的是办成的事，{v}的{n}件事就是证明",
    "{u}的事，要当成自己的事来办",
    "基层不缺热情，缺的是{n}个能落地的办法",
)
LESSON_TAILS = (
    "这一点我会带回{h}。",
    "今后还要在{d}上用好。",
    "这是在机关里学不到的。",
    "这也是{p}这个岗位教给我的。",
    "",
    "",
    "",
)
PLAN_VERBS = (
    "继续跟进", "力争办结", "完成", "推动", "抓好", "做实", "牵头落实", "协调推进",
)  # fmt: skip
PLAN_OBJECTS = (
    "{e}的融资需求",
    "{v}的问题清单销号",
    "{j}的剩余手续",
    "{v}群众回访",
    "{d}工作台账",
    "{v}{n}户包联户的走访",
    "{e}等{n}家企业的回访",
    "挂职经验材料",
)


@dataclass
class Voice:
    """One cadre's habits: which frames they use and how they join sentences."""

    openings: list[str]
    feel: list[str]
    lessons: list[str]
    lesson_tails: list[str]
    plan_verbs: list[str]
    joiners: list[str] = field(default_factory=list)


def voice_of(secondment: Secondment) -> Voice:
    rng = random.Random(f"voice-{secondment.pk}")
    return Voice(
        openings=rng.sample(OPENINGS, 3),
        feel=rng.sample(FEEL, 3),
        lessons=rng.sample(LESSONS, 8),
        lesson_tails=rng.sample(LESSON_TAILS, 4),
        plan_verbs=rng.sample(PLAN_VERBS, 5),
        joiners=rng.sample(["此外", "同时", "另外", "还有", "其间", "与此同时"], 3),
    )


@dataclass(frozen=True)
class Facts:
    """What the cadre's ledger says about a period."""

    entries: list[Entry]
    places: list[str]
    enterprises: list[str]
    projects: list[str]
    totals: dict[str, dict[tuple[str, str], Decimal]]  # category → (label, unit) → sum


def facts_of(entries: list[Entry]) -> Facts:
    places, enterprises, projects = [], [], []
    totals: dict[str, dict[tuple[str, str], Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for e in entries:
        if e.place_unit is not None:
            places.append(e.place_unit.name)
        enterprises += [name for name in ENTERPRISES if name in e.text]
        projects += [name for name in PROJECTS if name in e.text]
        for f in e.figures.all():
            totals[e.category.name][(f.field.label, f.field.unit)] += f.value
    return Facts(
        entries,
        [p for p, _ in Counter(places).most_common()],
        [p for p, _ in Counter(enterprises).most_common()],
        [p for p, _ in Counter(projects).most_common()],
        {k: dict(v) for k, v in totals.items()},
    )


def _num(value: Decimal) -> str:
    return str(int(value)) if value == value.to_integral() else f"{value:.1f}"


def _figures(values: dict[tuple[str, str], Decimal], rng: random.Random, most: int = 3) -> str:
    items = [(label, unit, v) for (label, unit), v in values.items() if v]
    rng.shuffle(items)
    forms = ("{l} {n} {u}", "{l}共{n}{u}", "{n}{u}（{l}）", "{l}达{n}{u}")
    return "，".join(
        rng.choice(forms).format(l=label, n=_num(v), u=unit) for label, unit, v in items[:most]
    )


def _own_figures(entry: Entry, rng: random.Random, most: int) -> str:
    return _figures(
        {(f.field.label, f.field.unit): f.value for f in entry.figures.all()}, rng, most
    )


def _day(d: date) -> str:
    return f"{d.month}月{d.day}日"


def _place(entry: Entry, unit: str) -> str:
    # The demo's other places (镇政府会议室, 工业园区…) are the same for every cadre.
    return entry.place_unit.name if entry.place_unit is not None else unit


def compose(
    rng: random.Random,
    secondment: Secondment,
    kind: str,
    entries: list[Entry],
    until: date,
    quotes: list[tuple[int, str]] = (),  # type: ignore[assignment]
) -> list[Block]:
    """A writing of `kind` by the cadre of `secondment`, from their ledger `entries` up to
    `until` (figures and places prefetched) and the report passages only they quote."""
    voice = voice_of(secondment)
    facts = facts_of(entries)
    unit, post = secondment.host_unit.name, secondment.post
    duties = secondment.duty_list or ["分管工作"]
    home = secondment.cadre.home_unit.name if secondment.cadre.home_unit_id else "原单位"
    start = secondment.start_date
    first = facts.entries[0] if facts.entries else None
    slots = {
        "s": f"{start.year}年{start.month}月",
        "u": unit,
        "p": post,
        "d": rng.choice(duties),
        "h": home,
        "f": f"{_day(first.date)}去{_place(first, unit)}" if first else f"{_day(start)}报到",
    }
    blocks: list[Block] = []
    if kind == WritingKind.SPEECH:
        blocks.append(paragraph(rng.choice(SPEECH_OPENINGS)))
    blocks.append(paragraph(rng.choice(voice.openings).format(**slots)))
    one = rng.choice(SECTION_ONE).format(d=rng.choice(duties), u=unit)
    blocks.append(heading(f"一、{one}", 1))
    blocks += _work(rng, facts, unit, kind)
    two = rng.choice(SECTION_TWO).format(u=unit)
    blocks.append(heading(f"二、{two}", 1))
    blocks += _lessons(rng, voice, facts, slots, list(quotes))
    if kind == WritingKind.SPEECH:
        blocks.append(paragraph(rng.choice(SPEECH_CLOSINGS).format(**slots)))
    else:
        three = rng.choice(SECTION_THREE)
        blocks.append(heading(f"三、{three}", 1))
        blocks.append(paragraph(_plans(rng, voice, facts, slots, until)))
    return blocks


def _moment(rng: random.Random, entry: Entry, unit: str, figures: int) -> str:
    own = _own_figures(entry, rng, figures) if figures else ""
    action = rng.choice(ACTIONS.get(entry.category.name, ("开展工作",)))
    moment = f"{_day(entry.date)}在{_place(entry, unit)}{action}"
    return moment + (f"，{own}" if own else "")


def _work(rng: random.Random, facts: Facts, unit: str, kind: str) -> list[Block]:
    by_category: dict[str, list[Entry]] = defaultdict(list)
    for e in facts.entries:
        by_category[e.category.name].append(e)
    if not by_category:
        return [paragraph(f"到{unit}后先熟悉情况，跑了{'、'.join(facts.places[:3]) or unit}。")]
    blocks: list[Block] = []
    long_form = kind in (WritingKind.QUARTERLY, WritingKind.TERM_SUMMARY)
    ranked = [
        name for name, _ in Counter({k: len(v) for k, v in by_category.items()}).most_common()
    ]
    for i, name in enumerate(ranked[: rng.randint(2, 4)]):
        mine = by_category[name]
        if long_form:
            title = rng.choice(HEADINGS.get(name, (name,)))
            blocks.append(heading(f"（{NUMBERS[i]}）{title}", 2))
        # Every paragraph opens with a fact, so no heading runs into shared words.
        sentences = [
            _moment(rng, e, unit, 2) for e in rng.sample(mine, min(len(mine), rng.randint(1, 2)))
        ]
        first, last = mine[0].date, mine[-1].date
        summary = rng.choice(
            (
                f"{_day(first)}到{_day(last)}共{len(mine)}条",
                f"{name}纪实{len(mine)}条（{_day(first)}—{_day(last)}）",
                f"记了{len(mine)}次，起于{_day(first)}",
            )
        )
        figures = _figures(facts.totals.get(name, {}), rng)
        if figures:
            summary += rng.choice(("，", "；")) + figures
        position = rng.randint(1, len(sentences))
        sentences.insert(position, summary)
        if facts.projects and name == "项目帮办":
            sentences.append(f"{facts.projects[0]}是重点")
        blocks.append(paragraph(rng.choice(("；", "。")).join(sentences) + "。"))
    if long_form:
        rows = [["类别", "条数", "主要数据"]]
        for n in ranked[:6]:
            rows.append([n, str(len(by_category[n])), _figures(facts.totals.get(n, {}), rng, 2)])
        blocks.append(
            paragraph(f"截至{_day(facts.entries[-1].date)}，纪实{len(facts.entries)}条：")
        )
        blocks.append(table(rows))
    return blocks


def _lessons(
    rng: random.Random,
    voice: Voice,
    facts: Facts,
    slots: dict[str, str],
    quotes: list[tuple[int, str]],
) -> list[Block]:
    unit = slots["u"]
    picked = rng.sample(facts.entries, min(len(facts.entries), 4))
    moments = [_moment(rng, e, unit, figures=i % 2) for i, e in enumerate(picked)]
    moments += [f"到{unit}第{rng.randint(20, 300)}天" for _ in range(5 - len(moments))]
    blocks: list[Block] = []
    for year, quote in rng.sample(quotes, min(len(quotes), 3)):
        lead = rng.choice(QUOTE_LEADS).format(y=year)
        link = rng.choice(QUOTE_LINKS).format(m=moments.pop())
        blocks.append(paragraph(f"{lead}“{quote}”{link}"))
    for i, lesson in enumerate(rng.sample(voice.lessons, max(1, 4 - len(blocks)))):
        fill = {
            "v": rng.choice(facts.places or [unit]),
            "n": str(len(facts.entries) + 3 * i + rng.randint(2, 40)),
            "u": unit,
        }
        lesson = lesson.format(**fill)
        tail = rng.choice(voice.lesson_tails).format(**slots)
        feel = rng.choice(voice.feel)
        moment = moments.pop()
        blocks.append(
            paragraph(
                rng.choice(
                    (
                        f"{moment}，{feel}：{lesson}。{tail}",
                        f"{lesson}。{moment}，{feel}这一点。{tail}",
                    )
                )
            )
        )
    rng.shuffle(blocks)
    return blocks


def _plans(
    rng: random.Random, voice: Voice, facts: Facts, slots: dict[str, str], until: date
) -> str:
    items = []
    objects = rng.sample(PLAN_OBJECTS, 3)
    for i, verb in enumerate(rng.sample(voice.plan_verbs, 3)):
        when = until + timedelta(days=30 * (i + 1) + rng.randint(0, 20))
        obj = objects[i].format(
            e=(facts.enterprises or ["辖区企业"])[0],
            v=rng.choice(facts.places or [slots["u"]]),
            j=(facts.projects or ["在建项目"])[0],
            d=slots["d"].split("、")[0],
            n=rng.randint(3, 30),
        )
        items.append(f"{when.month}月{when.day}日前{verb}{obj}")
    return "；".join(items) + "。"
