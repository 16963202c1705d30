"""Composing a term-summary draft (挂职总结初稿) from gathered records. Pure: no ORM access.

The structure is the conventional one — 一、履职情况 二、主要成效 三、收获感悟 四、不足与打算.
Every factual sentence is built from records and carries them as sources; the reflective parts
are prompts (【请…】) for the cadre to write, never stock phrasing. Wording varies with the data
(a lead-in per category, a phrasing per project), chosen deterministically so the same records
give the same draft.

Numbers come only from totals of recorded figures, stated as 「label + amount + unit」
(走访企业245家, 协调贷款1250.5万元) so that the claims check can match each one to its measure.
Free text typed by the cadre (problem descriptions, entry titles) is quoted only when it holds
no figure of its own: a number the ledger does not total would not be grounded.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from guazhi.claims import extract
from guazhi.drafts.draft import (
    CONTACT,
    ENTRY,
    PROBLEM,
    PROJECT,
    SECONDMENT,
    Draft,
    Paragraph,
    Section,
    Sentence,
    Source,
)
from guazhi.drafts.records import CategoryWork, FigureTotal, ProblemRecord, ProjectRecord, Records

TITLE = "挂职锻炼工作总结"
SECTION_TITLES = ("一、履职情况", "二、主要成效", "三、收获感悟", "四、不足与打算")
CHINESE_ORDINALS = "一二三四五六七八九十"

# Measures that do not add up across entries (the same project's investment recorded at each
# visit, the attendance of each meeting): stated nowhere as a total.
NOT_ADDITIVE_WORDS = ("投资", "人数")

MAX_CATEGORIES = 8  # second-level headings in 履职情况; the rest are named in one sentence
MAX_TITLES = 3
MAX_PLACES = 4
MAX_PROBLEMS = 5
MEASURES_PER_SENTENCE = 4

CATEGORY_LEADS = (
    "围绕{c}工作，",
    "在{c}方面，",
    "{c}工作中，",
    "聚焦{c}，",
    "结合分管的{c}工作，",
    "{c}方面，",
)
ACTIVITY_FORMS = (
    "{lead}先后{titles}等。",
    "{lead}重点抓了{titles}等工作。",
    "{lead}主要{titles}。",
    "{lead}着力{titles}等。",
)
FIGURE_FORMS = (
    "累计{measures}。",
    "据台账统计，共{measures}。",
    "其间{measures}。",
    "合计{measures}。",
)
PLACE_FORMS = (
    "工作足迹涉及{places}等地。",
    "主要在{places}等地开展。",
    "相关工作在{places}等处进行。",
)
TOTAL_LEADS = ("据工作纪实台账统计，挂职以来累计", "同时，", "此外，", "另外，还", "其他方面，")
CONTACT_FORMS = ("挂职期间多次联系走访", "挂职期间保持经常联系", "挂职期间多次上门或电话联系")


def compose(records: Records) -> Draft:
    sections = (
        Section(SECTION_TITLES[0], _duties_section(records)),
        Section(SECTION_TITLES[1], _results_section(records)),
        Section(SECTION_TITLES[2], _reflection_prompts(records)),
        Section(SECTION_TITLES[3], _shortfalls_section(records)),
    )
    return Draft(
        title=TITLE,
        sections=tuple(s for s in sections if s.paragraphs),
        meta={"start": records.start.isoformat(), "end": records.end.isoformat()},
    )


# --- Wording helpers ---------------------------------------------------------------------------


def _pick(options: Sequence[str], *keys: object) -> str:
    """One of the options, the same for the same keys (crc32 is stable across runs)."""
    return options[zlib.crc32("|".join(map(str, keys)).encode()) % len(options)]


def _rotate(options: Sequence[str], index: int, seed: object) -> str:
    """Options in turn from an offset chosen by the seed: neighbours never share a phrasing."""
    return options[(zlib.crc32(str(seed).encode()) + index) % len(options)]


def number(value: Decimal) -> str:
    """245, 1250.5 (no trailing zeros, no separators)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def money_from_wan(value: Decimal) -> str:
    """An amount in 万元 as written in reports: 55亿元 from 550000, else 1250.5万元."""
    if value >= 10000 and (value / 10000) == (value / 10000).quantize(Decimal("0.01")):
        return f"{number(value / 10000)}亿元"
    return f"{number(value)}万元"


def amount(value: Decimal, unit: str) -> str:
    return money_from_wan(value) if unit == "万元" else f"{number(value)}{unit}"


def month(day: date) -> str:
    return f"{day.year}年{day.month}月"


def day_text(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def has_figures(text: str) -> bool:
    return bool(extract(text, counted=False))


def clause(text: str) -> str:
    """Free text as a clause: trailing punctuation dropped, inner sentence ends softened."""
    text = " ".join(text.split()).strip().rstrip("。；;，,！!")
    return text.replace("。", "，")


def short(text: str, limit: int = 30) -> str:
    """A long description by its first clause (「融资难需专业指导：走访发现，……」 → its head)."""
    text = clause(text)
    if len(text) <= limit:
        return text
    cut = min((i for i in (text.find(c) for c in "：:，,；;") if i >= 6), default=-1)
    return text[:cut] if 0 < cut <= limit else text[:limit] + "……"


def _join(items: Sequence[str]) -> str:
    return "、".join(items)


def additive(total: FigureTotal) -> bool:
    return not any(word in total.label for word in NOT_ADDITIVE_WORDS)


def measure(total: FigureTotal) -> str:
    return f"{total.label}{amount(total.total, total.unit)}"


def entry_sources(ids: Sequence[int]) -> tuple[Source, ...]:
    return tuple(Source(ENTRY, i) for i in dict.fromkeys(ids))


# --- 一、履职情况 -------------------------------------------------------------------------------


def _duties_section(records: Records) -> tuple[Paragraph, ...]:
    post = Source(SECONDMENT, records.secondment_id, "挂职任职信息")
    opening = [
        Sentence(
            f"{month(records.start)}，本人受组织选派到{records.host_unit}挂职，任{records.post}"
            + (f"，分管{_join(records.duties[:4])}等工作。" if records.duties else "。"),
            (post,),
        )
    ]
    categories = records.categories
    if categories:
        names = _join([c.name for c in categories[:4]])
        more = "等" if len(categories) > 4 else ""
        opening.append(
            Sentence(
                f"截至{month(records.end)}，工作纪实台账记录的工作涉及{names}{more}方面。",
                entry_sources(records.entry_ids),
            )
        )
    else:
        opening.append(
            Sentence(f"截至{month(records.end)}，工作纪实台账中尚无已确认或待确认的记录。", (post,))
        )
    paragraphs = [Paragraph(tuple(opening))]
    shown = categories[:MAX_CATEGORIES]
    for index, work in enumerate(shown):
        paragraphs.append(
            Paragraph(
                _category_sentences(work, index, records.secondment_id),
                heading=f"（{CHINESE_ORDINALS[index]}）{work.name}",
            )
        )
    rest = categories[MAX_CATEGORIES:]
    if rest:
        paragraphs.append(
            Paragraph(
                (
                    Sentence(
                        f"此外，还承担了{_join([c.name for c in rest])}等方面的工作。",
                        entry_sources([i for c in rest for i in c.entry_ids]),
                    ),
                )
            )
        )
    return tuple(paragraphs)


def _category_sentences(work: CategoryWork, index: int, seed: int) -> tuple[Sentence, ...]:
    lead = _rotate(CATEGORY_LEADS, index, seed).format(c=work.name)
    if (work.first.year, work.first.month) == (work.last.year, work.last.month):
        period = f"{month(work.first)}，"
    elif work.first.year == work.last.year:
        period = f"{month(work.first)}至{work.last.month}月，"
    else:
        period = f"{month(work.first)}至{month(work.last)}，"
    # Titles with figures of their own are not quoted: those numbers are not totals. No count
    # of entries either: the claims check has no measure in 条, and the figures say more.
    titles = [(i, t) for i, t in work.titles if not has_figures(t)][:MAX_TITLES]
    sentences = []
    if titles:
        form = _rotate(ACTIVITY_FORMS, index, f"{seed}:activity")
        sentences.append(
            Sentence(
                form.format(lead=lead + period, titles=_join([clause(t) for _, t in titles])),
                tuple(Source(ENTRY, i, t) for i, t in titles),
            )
        )
    else:
        sentences.append(
            Sentence(f"{lead}{period}持续开展相关工作。", entry_sources(work.entry_ids))
        )
    figures = [f for f in work.figures if additive(f)]
    if figures:
        form = _rotate(FIGURE_FORMS, index, f"{seed}:figures")
        sentences.append(
            Sentence(
                form.format(measures="、".join(measure(f) for f in figures)),
                entry_sources([i for f in figures for i in f.entry_ids]),
            )
        )
    places = [p for p in work.places if not has_figures(p)][:MAX_PLACES]
    if len(places) >= 2:
        form = _pick(PLACE_FORMS, seed, work.name)
        sentences.append(Sentence(form.format(places=_join(places)), entry_sources(work.entry_ids)))
    return tuple(sentences)


# --- 二、主要成效 -------------------------------------------------------------------------------


def _results_section(records: Records) -> tuple[Paragraph, ...]:
    paragraphs = []
    totals = [t for t in records.figures if additive(t)]
    if totals:
        sentences = []
        # Four measures a sentence, more when there are many: never more sentences than leads.
        size = max(MEASURES_PER_SENTENCE, -(-len(totals) // len(TOTAL_LEADS)))
        for n, start in enumerate(range(0, len(totals), size)):
            group = totals[start : start + size]
            lead = TOTAL_LEADS[n]
            sentences.append(
                Sentence(
                    f"{lead}{'、'.join(measure(t) for t in group)}。",
                    entry_sources([i for t in group for i in t.entry_ids]),
                )
            )
        paragraphs.append(Paragraph(tuple(sentences), heading="（一）主要工作数据"))
    number_ = len(paragraphs)
    if records.projects:
        sentences = [s for i, p in enumerate(records.projects) for s in _project_sentences(p, i)]
        paragraphs.append(
            Paragraph(tuple(sentences), heading=f"（{CHINESE_ORDINALS[number_]}）重点项目推进")
        )
        number_ += 1
    resolved = [p for p in records.problems if p.resolved_date][:MAX_PROBLEMS]
    if resolved:
        paragraphs.append(
            Paragraph(
                tuple(_resolved_sentence(p, i) for i, p in enumerate(resolved)),
                heading=f"（{CHINESE_ORDINALS[number_]}）解决实际问题",
            )
        )
        number_ += 1
    contact_sentences = _contact_sentences(records)
    if contact_sentences:
        paragraphs.append(
            Paragraph(contact_sentences, heading=f"（{CHINESE_ORDINALS[number_]}）包联服务")
        )
    return tuple(paragraphs)


def _project_sentences(p: ProjectRecord, index: int) -> list[Sentence]:
    sources = (Source(PROJECT, p.id, p.name), *entry_sources(p.update_entry_ids))
    target = clause(p.target) if p.target and not has_figures(p.target) else ""
    investment = money_from_wan(p.investment) if p.investment > 0 else ""
    if index % 2 == 0:
        text = f"牵头推进{p.name}" + (f"，项目总投资{investment}" if investment else "")
    else:
        text = f"参与推动总投资{investment}的{p.name}" if investment else f"参与推动{p.name}"
    if target:
        text += _pick(("，目标是{t}", "，按照{t}的目标推进", "，力争{t}"), p.id).format(t=target)
    elif p.target_date:
        text += f"，计划于{day_text(p.target_date)}前完成"
    sentences = [Sentence(text + "。", sources)]
    steps = []
    if p.done:
        steps.append(
            _rotate(
                ("已完成{d}等手续", "{d}等手续已经办结", "已办结{d}等手续"), index, p.id
            ).format(d=_join(p.done[:3]))
        )
    if p.in_progress:
        steps.append(f"{_join(p.in_progress[:2])}正在办理")
    if steps:
        lead = _rotate(("目前", "截至目前，", "从手续上看，"), index, p.name)
        sentences.append(Sentence(f"{lead}{'，'.join(steps)}。", sources))
    elif p.updates:
        sentences.append(Sentence("项目进展已逐次记入项目进展记录。", sources))
    return sentences


def _resolved_sentence(p: ProblemRecord, index: int) -> Sentence:
    sources = [Source(PROBLEM, p.id, clause(p.description)[:30])]
    if p.evidence_entry_id:
        sources.append(Source(ENTRY, p.evidence_entry_id))
    when = day_text(p.resolved_date) if p.resolved_date else ""
    action = clause(p.action_taken) if p.action_taken and not has_figures(p.action_taken) else ""
    if has_figures(p.description):
        text = f"协调{clause(p.owner)}解决了问题清单中登记的一项问题"
    else:
        desc = short(p.description)
        forms = ("针对“{d}”的问题，", "发现“{d}”的问题后，", "对于“{d}”这一问题，")
        text = _rotate(forms, index, p.id).format(d=desc)
        text += f"{action}，" if action else f"协调{clause(p.owner)}，"
        text += "推动问题得到解决"
    return Sentence(f"{text}（{when}办结）。" if when else f"{text}。", tuple(sources))


def _contact_sentences(records: Records) -> tuple[Sentence, ...]:
    sentences = []
    for index, group in enumerate(records.contacts):
        sources = tuple(Source(CONTACT, i) for i in group.contact_ids)
        if group.names:
            names = _join(group.names[:4]) + ("等" if len(group.names) > 4 else "")
            text = f"包联{names}，"
        else:
            text = f"与包联的{group.kind_label}建立了联系，"
        if group.visits >= 2:
            text += _rotate(CONTACT_FORMS, index, records.secondment_id) + "。"
        elif group.visits == 1:
            text += "挂职期间联系走访过。"
        else:
            text += "相关情况记入包联对象台账。"
        sentences.append(Sentence(text, sources))
    return tuple(sentences)


# --- 三、收获感悟 -------------------------------------------------------------------------------


def _reflection_prompts(records: Records) -> tuple[Paragraph, ...]:
    """Prompts only, each pointing at the cadre's own work so that what they write is theirs."""
    top = records.categories[0].name if records.categories else "分管"
    project = records.projects[0].name if records.projects else ""
    prompts = [
        f"【请在此写下思想认识上的收获：例如在{top}工作中，对基层实际和群众所盼有了哪些新的认识。】",
        "【请在此写下能力上的提升："
        + (f"例如推进{project}时，" if project else "例如处理具体问题时，")
        + "在协调推动、解决难题方面学到了什么。】",
        "【请在此写下作风上的锤炼，以及对今后工作的启示，用自己的经历来写。】",
    ]
    return tuple(Paragraph((Sentence(p, prompt=True),)) for p in prompts)


# --- 四、不足与打算 -----------------------------------------------------------------------------


def _shortfalls_section(records: Records) -> tuple[Paragraph, ...]:
    facts = []
    open_problems = [p for p in records.problems if not p.resolved_date]
    quotable = [p for p in open_problems if not has_figures(p.description)]
    if quotable:
        descs = _join([f"“{short(p.description)}”" for p in quotable[:3]])
        facts.append(
            Sentence(
                f"问题清单中{descs}{'等' if len(open_problems) > 3 else ''}的问题目前尚未解决。",
                tuple(Source(PROBLEM, p.id, clause(p.description)[:30]) for p in quotable[:3]),
            )
        )
    for p in records.projects:
        if p.blocked:
            facts.append(
                Sentence(
                    f"{p.name}的{_join(p.blocked[:2])}手续目前受阻。",
                    (Source(PROJECT, p.id, p.name),),
                )
            )
        elif p.remaining and not p.in_progress and not p.done:
            facts.append(
                Sentence(f"{p.name}的手续尚未启动办理。", (Source(PROJECT, p.id, p.name),))
            )
    paragraphs = [Paragraph(tuple(facts))] if facts else []
    paragraphs.append(
        Paragraph(
            (
                Sentence(
                    "【请在此写下自身存在的不足，可对照上面尚未完成的事项，实事求是地写。】",
                    prompt=True,
                ),
            )
        )
    )
    paragraphs.append(
        Paragraph(
            (
                Sentence(
                    "【请在此写下下一步打算：挂职剩余时间或回到派出单位后，准备怎样继续做好这些工作。】",
                    prompt=True,
                ),
            )
        )
    )
    return tuple(paragraphs)
