"""Composition from hand-made records, without the database: each section, the sources of each
sentence, the prompts, wording that varies with the data and never stock reflection."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from guazhi.drafts.compose import SECTION_TITLES, compose, money_from_wan
from guazhi.drafts.draft import Draft
from guazhi.drafts.records import (
    CategoryWork,
    ContactGroup,
    FigureTotal,
    ProblemRecord,
    ProjectRecord,
    Records,
)

# Phrases of template-site reflections (范文网): a draft never writes them for the cadre.
STOCK = ("受益匪浅", "深刻体会到", "得到了锻炼", "开阔了视野", "增长了才干", "收获颇丰", "感触很深")


def figure(label: str, unit: str, total: str, ids: tuple[int, ...]) -> FigureTotal:
    return FigureTotal(label=label, unit=unit, total=Decimal(total), entry_ids=ids)


def work(
    name: str, ids: tuple[int, ...], titles: tuple[str, ...], *figures: FigureTotal
) -> CategoryWork:
    return CategoryWork(
        name=name,
        entry_ids=ids,
        titles=tuple(zip(ids, titles, strict=False)),
        places=("石桥村", "工业园区"),
        figures=figures,
        first=date(2026, 3, 10),
        last=date(2026, 10, 20),
    )


def records(**changes) -> Records:  # type: ignore[no-untyped-def]
    values = {
        "secondment_id": 7,
        "cadre_name": "张建国",
        "cohort_name": "2026年第二批",
        "host_unit": "柳溪镇",
        "post": "镇党委副书记",
        "duties": ("营商环境", "企业服务"),
        "start": date(2026, 3, 1),
        "end": date(2026, 11, 20),
        "categories": (
            work(
                "企业帮扶",
                (1, 2, 3),
                ("走访辖区企业了解经营情况", "协调银行为企业解决贷款", "年产 5 万吨项目对接"),
                figure("走访企业", "家", "245", (1, 3)),
                figure("协调贷款", "万元", "800", (2,)),
                figure("涉及投资", "万元", "550000", (3,)),
            ),
            work("信访接待", (4, 5), ("值班接待来访群众",), figure("接待来访", "件", "18", (4, 5))),
        ),
        "figures": (
            figure("走访企业", "家", "245", (1, 3)),
            figure("接待来访", "件", "18", (4, 5)),
            figure("协调贷款", "万元", "800", (2,)),
            figure("涉及投资", "万元", "550000", (3,)),
        ),
        "projects": (
            ProjectRecord(
                id=31,
                name="盐穴压缩空气储能电站项目",
                investment=Decimal("550000"),
                target="年底前开工",
                target_date=None,
                done=("立项", "用地预审"),
                in_progress=("环评",),
                blocked=(),
                remaining=("施工许可",),
                update_entry_ids=(3,),
                updates=1,
            ),
            ProjectRecord(
                id=32,
                name="城区雨污分流改造项目",
                investment=Decimal("5000"),
                target="",
                target_date=None,
                done=(),
                in_progress=(),
                blocked=("用地预审",),
                remaining=("立项",),
                update_entry_ids=(),
                updates=0,
            ),
        ),
        "problems": (
            ProblemRecord(
                41,
                "石桥村灌溉渠年久失修",
                "镇农业农村办",
                "resolved",
                "协调资金修缮渠道",
                date(2026, 6, 3),
                1,
            ),
            ProblemRecord(42, "园区企业反映用工招聘难", "镇人社所", "open", "", None, None),
            ProblemRecord(
                43, "3户危房需要改造", "镇建设办", "resolved", "", date(2026, 7, 1), None
            ),
        ),
        "contacts": (ContactGroup("household", "农户", (51, 52), (), 3),),
        "entry_ids": (1, 2, 3, 4, 5),
    }
    values.update(changes)
    return Records(**values)  # type: ignore[arg-type]


def section(draft: Draft, title: str):  # type: ignore[no-untyped-def]
    return next(s for s in draft.sections if s.title == title)


def test_sections_in_the_conventional_order() -> None:
    draft = compose(records())
    assert [s.title for s in draft.sections] == list(SECTION_TITLES)


def test_duties_section_opens_with_the_posting_and_describes_each_category() -> None:
    duties = section(compose(records()), "一、履职情况")
    opening = duties.paragraphs[0].sentences[0]
    assert (
        opening.text
        == "2026年3月，本人受组织选派到柳溪镇挂职，任镇党委副书记，分管营商环境、企业服务等工作。"
    )
    assert [(s.kind, s.id) for s in opening.sources] == [("secondment", 7)]
    headings = [p.heading for p in duties.paragraphs if p.heading]
    assert headings == ["（一）企业帮扶", "（二）信访接待"]
    enterprise = "".join(s.text for s in duties.paragraphs[1].sentences)
    assert "走访辖区企业了解经营情况、协调银行为企业解决贷款" in enterprise
    assert "年产" not in enterprise  # a title with its own figure is not quoted
    assert "走访企业245家、协调贷款800万元" in enterprise
    assert "涉及投资" not in enterprise  # not additive across entries
    figures = next(s for s in duties.paragraphs[1].sentences if "245家" in s.text)
    assert {src.id for src in figures.sources} == {1, 2, 3}


def test_results_section_totals_projects_and_resolved_problems() -> None:
    results = section(compose(records()), "二、主要成效")
    data = results.paragraphs[0]
    assert data.heading == "（一）主要工作数据"
    assert (
        data.sentences[0].text
        == "据工作纪实台账统计，挂职以来累计走访企业245家、接待来访18件、协调贷款800万元。"
    )
    projects = "".join(s.text for s in results.paragraphs[1].sentences)
    assert "牵头推进盐穴压缩空气储能电站项目，项目总投资55亿元，" in projects
    assert "年底前开工" in projects
    assert "立项、用地预审" in projects and "环评正在办理" in projects
    assert "参与推动总投资5000万元的城区雨污分流改造项目" in projects
    problems = results.paragraphs[2].sentences
    assert "石桥村灌溉渠年久失修" in problems[0].text and "2026年6月3日办结" in problems[0].text
    assert {(s.kind, s.id) for s in problems[0].sources} == {("problem", 41), ("entry", 1)}
    # A description with a figure of its own is not quoted.
    assert "3户" not in problems[1].text and "镇建设办" in problems[1].text
    contacts = results.paragraphs[3]
    assert contacts.heading == "（四）包联服务"
    assert {src.id for src in contacts.sentences[0].sources} == {51, 52}


def test_reflection_is_prompts_only_and_never_stock_phrasing() -> None:
    draft = compose(records())
    reflection = section(draft, "三、收获感悟")
    sentences = [s for p in reflection.paragraphs for s in p.sentences]
    assert sentences and all(s.prompt and not s.sources for s in sentences)
    assert all(s.text.startswith("【请") and s.text.endswith("】") for s in sentences)
    assert "企业帮扶" in sentences[0].text  # the prompt points at the cadre's own work
    assert "盐穴压缩空气储能电站项目" in sentences[1].text
    text = draft.text()
    assert not [phrase for phrase in STOCK if phrase in text]
    # Every factual sentence cites something; prompts are the only sentences without sources.
    assert all(s.sources for s in draft.facts())


def test_shortfalls_state_open_problems_and_blocked_procedures_then_prompts() -> None:
    shortfalls = section(compose(records()), "四、不足与打算")
    facts = shortfalls.paragraphs[0].sentences
    assert facts[0].text == "问题清单中“园区企业反映用工招聘难”的问题目前尚未解决。"
    assert facts[1].text == "城区雨污分流改造项目的用地预审手续目前受阻。"
    prompts = [s for p in shortfalls.paragraphs[1:] for s in p.sentences]
    assert len(prompts) == 2 and all(s.prompt for s in prompts)


def test_wording_varies_across_categories() -> None:
    names = ["企业帮扶", "项目帮办", "招商引资", "信访接待", "走访调研", "包联联系"]
    categories = tuple(
        work(
            n,
            (i * 10 + 1, i * 10 + 2),
            ("开展相关工作",),
            figure("走访企业", "家", str(i + 1), (i * 10 + 1,)),
        )
        for i, n in enumerate(names)
    )
    duties = section(compose(records(categories=categories)), "一、履职情况")
    openings = [p.sentences[0].text.split("，")[0] for p in duties.paragraphs if p.heading]
    leads = [o.replace(n, "{c}") for o, n in zip(openings, names, strict=True)]
    assert len(set(leads)) == len(leads), leads  # six categories, six different lead-ins
    figures = [p.sentences[-2].text[:2] for p in duties.paragraphs if p.heading]
    assert len(set(figures)) >= 3


def test_same_records_same_draft_and_json_round_trip() -> None:
    first, second = compose(records()), compose(records())
    assert first == second
    assert Draft.from_json(first.to_json()) == first


def test_blocks_carry_headings_paragraphs_and_prompts_but_no_citations() -> None:
    blocks = compose(records()).to_blocks()
    assert blocks[0] == {"type": "heading", "level": 1, "text": "一、履职情况"}
    assert {"type": "heading", "level": 2, "text": "（一）企业帮扶"} in blocks
    text = "\n".join(b["text"] for b in blocks)
    assert "【请在此写下" in text and "entry" not in text


def test_empty_ledger_still_gives_the_structure() -> None:
    draft = compose(
        records(categories=(), figures=(), projects=(), problems=(), contacts=(), entry_ids=())
    )
    assert "尚无已确认或待确认的记录" in draft.text()
    assert [s.title for s in draft.sections] == ["一、履职情况", "三、收获感悟", "四、不足与打算"]


def test_money_in_wan_as_reports_write_it() -> None:
    assert money_from_wan(Decimal("550000")) == "55亿元"
    assert money_from_wan(Decimal("12500")) == "1.25亿元"
    assert money_from_wan(Decimal("1250.50")) == "1250.5万元"
    assert money_from_wan(Decimal("12345.67")) == "12345.67万元"


def test_duties_and_long_descriptions_as_written_in_a_summary() -> None:
    from guazhi.drafts.compose import short
    from guazhi.drafts.records import split_duties

    assert split_duties("营商环境；企业服务\n重点项目推进、企业服务") == (
        "营商环境",
        "企业服务",
        "重点项目推进",
    )
    assert short(
        "柳溪镇企业融资难需金融专业指导：走访辖区企业发现，多家成长型企业订单增长快但缺少抵押物"
    ) == ("柳溪镇企业融资难需金融专业指导")
    assert short("石桥村灌溉渠年久失修。") == "石桥村灌溉渠年久失修"
