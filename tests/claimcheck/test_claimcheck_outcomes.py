"""The three outcomes, the approximation words and money scales (claims in 元, ledger in 万元)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from claimcheck_helpers import add_entry

from guazhi.claimcheck.matching import (
    CONTRADICTED,
    SUPPORTED,
    UNSUPPORTED,
    check_text,
    summarise,
)

START, END = date(2026, 3, 1), date(2026, 12, 31)


@pytest.fixture
def secondment(cadre_a):
    return cadre_a.secondments.get()


def outcome_of(text: str, secondment) -> tuple[str, Decimal | None, str]:
    [finding] = check_text(text, secondment=secondment, start=START, end=END)
    return finding.outcome, finding.ledger_value, finding.measure


def test_exact_figure_summed_over_entries_is_supported(secondment):
    a = add_entry(secondment, enterprises_visited=400)
    b = add_entry(secondment, category="走访调研", enterprises_visited=298)
    [finding] = check_text(
        "完成辖区内698家企业第一轮调研走访。", secondment=secondment, start=START, end=END
    )
    assert finding.outcome == SUPPORTED
    assert finding.ledger_value == Decimal(698)
    assert finding.measure == "走访企业（家）"
    assert finding.entry_ids == tuple(sorted((a.pk, b.pk)))


def test_exact_figure_tolerance_is_five_percent(secondment):
    add_entry(secondment, enterprises_visited=95)
    assert outcome_of("走访企业100家。", secondment)[0] == SUPPORTED
    # 94 % of the claim: short, but not "much less".
    assert outcome_of("走访企业101家。", secondment)[:2] == (UNSUPPORTED, Decimal(95))


def test_over_word_needs_at_least_the_figure(secondment):
    add_entry(secondment, households_visited=300, category="走访调研")
    assert outcome_of("走访群众三百余户。", secondment)[0] == SUPPORTED
    assert outcome_of("走访群众310余户。", secondment)[0] == UNSUPPORTED


def test_about_word_allows_fifteen_percent_below(secondment):
    add_entry(secondment, households_visited=86, category="走访调研")
    assert outcome_of("走访群众约100户。", secondment)[0] == SUPPORTED
    assert outcome_of("走访群众100户。", secondment)[0] == UNSUPPORTED


def test_near_word_allows_twenty_percent_below(secondment):
    add_entry(secondment, households_visited=82, category="走访调研")
    assert outcome_of("走访群众近100户。", secondment)[0] == SUPPORTED
    assert outcome_of("走访群众近120户。", secondment)[0] == UNSUPPORTED


def test_much_less_than_claimed_is_contradicted(secondment):
    entry = add_entry(secondment, enterprises_visited=120)
    [finding] = check_text("走访企业632家。", secondment=secondment, start=START, end=END)
    assert finding.outcome == CONTRADICTED
    assert finding.ledger_value == Decimal(120)
    assert finding.entry_ids == (entry.pk,)


def test_nothing_recorded_is_unsupported(secondment):
    outcome, value, measure = outcome_of("成功贷款800万元。", secondment)
    assert outcome == UNSUPPORTED
    assert value == Decimal(0)
    assert measure == "协调贷款（万元）"


def test_figure_with_no_ledger_measure_is_unsupported(secondment):
    add_entry(secondment, enterprises_visited=10)
    outcome, value, measure = outcome_of("全镇地区生产总值增长9.3%。", secondment)
    assert (outcome, value, measure) == (UNSUPPORTED, None, "")


def test_money_in_wan_and_yi_against_ledger_wan(secondment):
    add_entry(secondment, loans=500)
    add_entry(secondment, loans=300)
    add_entry(secondment, category="项目帮办", investment=550000)
    assert outcome_of("累计协调贷款800万元。", secondment)[:2] == (SUPPORTED, Decimal(800))
    assert outcome_of("帮办涉及投资55亿元。", secondment)[:2] == (SUPPORTED, Decimal(550000))
    assert outcome_of("协调贷款8000万元。", secondment)[0] == CONTRADICTED


def test_single_entry_figure_stands_as_evidence(secondment):
    add_entry(secondment, loans=200)
    loan = add_entry(secondment, loans=800)
    add_entry(secondment, loans=1500)
    [finding] = check_text("成功贷款800万元。", secondment=secondment, start=START, end=END)
    assert finding.outcome == SUPPORTED
    assert finding.single
    assert finding.entry_ids == (loan.pk,)
    assert finding.ledger_value == Decimal(800)


def test_entry_counts_where_the_text_names_the_work(secondment):
    for day in range(1, 19):
        add_entry(secondment, category="疫情防控", on=date(2026, 4, day))
    assert outcome_of("挂职至今已组织参与18轮核酸检测。", secondment)[0] == SUPPORTED
    assert outcome_of("走访调研18次。", secondment)[0] == UNSUPPORTED


def test_returned_entries_are_no_evidence(secondment):
    add_entry(secondment, enterprises_visited=50, status="returned")
    add_entry(secondment, enterprises_visited=50, status="pending")
    assert outcome_of("走访企业100家。", secondment)[:2] == (UNSUPPORTED, Decimal(50))


def test_summary_line(secondment):
    add_entry(secondment, enterprises_visited=698, loans=100)
    findings = check_text(
        "走访企业698家，协调贷款800万元，新增结对4对。", secondment=secondment, start=START, end=END
    )
    summary = summarise(findings)
    assert [f.outcome for f in findings] == [SUPPORTED, CONTRADICTED, UNSUPPORTED]
    assert summary.line == "3 处数字，1 处有台账依据，1 处无依据，1 处与台账不符"
    assert summarise([]).line == "文中未发现数字"


def test_findings_round_trip_through_json(secondment):
    add_entry(secondment, loans=800)
    from guazhi.claimcheck.matching import Finding

    for finding in check_text(
        "贷款800万元，约3至5家。", secondment=secondment, start=START, end=END
    ):
        assert Finding.from_dict(finding.to_dict()) == finding


def test_records_counted_in_tiao_and_bare_numbers_in_a_category_row(secondment):
    for day in (1, 2, 3):
        add_entry(secondment, category="会议活动", on=date(2026, 4, day))
    add_entry(secondment, category="走访调研", on=date(2026, 4, 9))
    findings = check_text(
        "会议活动纪实3条，纪实共4条。\n类别\t条数\n会议活动\t3\n走访调研\t5\n",
        secondment=secondment,
        start=START,
        end=END,
    )
    assert [(f.claim.text, f.outcome, f.measure) for f in findings] == [
        ("3条", SUPPORTED, "会议活动纪实（条）"),
        ("4条", SUPPORTED, "工作纪实（条）"),
        ("3", SUPPORTED, "会议活动纪实（条）"),
        ("5", CONTRADICTED, "走访调研纪实（条）"),
    ]


def test_measure_named_in_brackets_after_the_figure(secondment):
    add_entry(secondment, category="民生实事", funds="11.9")
    assert outcome_of("办理民生实事，11.9万元（投入资金）。", secondment)[:2] == (
        SUPPORTED,
        Decimal("11.9"),
    )


def test_a_wider_period_is_tried_for_cumulative_figures(secondment):
    add_entry(secondment, on=date(2026, 4, 2), enterprises_visited=50)
    add_entry(secondment, on=date(2026, 6, 2), enterprises_visited=20)
    quarter = {"secondment": secondment, "start": date(2026, 6, 1), "end": date(2026, 8, 31)}
    [narrow] = check_text("挂职以来走访企业70家。", **quarter)
    assert narrow.outcome == CONTRADICTED
    [wide] = check_text(
        "挂职以来走访企业70家。", **quarter, wider=(date(2026, 3, 1), date(2026, 9, 5))
    )
    assert wide.outcome == SUPPORTED and wide.ledger_value == Decimal(70)
