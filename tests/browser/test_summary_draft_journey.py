"""Issue 11 item 3: a cadre with a demo-like ledger generates a term-summary draft, reads each
sentence's citations (on a phone too), starts their term summary from it, cannot submit while the
【请…】 prompts remain, writes their own reflections in their place and submits; the host liaison
sees the claims check's summary line on the writing: every figure has ledger evidence."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from guazhi.ledger import tallies
from guazhi.ledger.models import Category, Entry, EntryFigure, FigureField
from guazhi.writings.models import Writing
from guazhi.writings.plan import ensure_plan

pytestmark = pytest.mark.browser

WORK = {
    "企业帮扶": ("走访辖区企业了解经营情况", "协调银行为企业解决贷款"),
    "信访接待": ("值班接待来访群众", "化解失地农民养老保险补偿积案"),
    "走访调研": ("入户走访了解群众诉求",),
    "疫情防控": ("值守防疫检查站", "组织全员核酸检测"),
}
OWN_WORDS = "在石桥村和群众一起算细账，我才真正懂得政策落地要靠一户一户做工作。"


def demo_like_ledger(secondment, user) -> None:  # type: ignore[no-untyped-def]
    """Two to three entries a week from March, confirmed, with figures in demo ranges."""
    rng = random.Random(2026)
    day = date(2026, 3, 3)
    while day < date(2026, 11, 1):
        name = rng.choice(list(WORK))
        category = Category.objects.get(name=name)
        entry = Entry.objects.create(
            secondment=secondment,
            created_by=user,
            date=day,
            category=category,
            title=rng.choice(WORK[name]),
            text="按计划开展工作。",
            status="confirmed",
        )
        for field in FigureField.objects.filter(category=category):
            if "投资" not in field.label and rng.random() < 0.8:
                high = 40 if field.kind == "integer" else 800
                EntryFigure.objects.create(
                    entry=entry, field=field, value=Decimal(rng.randint(1, high))
                )
        day += timedelta(days=rng.choice((2, 3, 4)))
    tallies.rebuild()


def _switch_user(page, log_in, user) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    log_in(user)


def test_cadre_drafts_edits_and_submits_and_the_liaison_sees_the_claims_line(
    page, log_in, screenshot, cadre_user, cadre_a, host_liaison, cohort, make_project
):
    secondment = cadre_a.secondments.get()
    demo_like_ledger(secondment, cadre_user)
    make_project(secondment, cadre_user)
    ensure_plan(cohort)

    log_in(cadre_user)
    page.goto("/writings/")
    page.get_by_test_id("summary-draft").click()
    page.get_by_test_id("generate").click()
    expect(page.get_by_role("heading", name="挂职总结初稿")).to_be_visible()
    expect(page.get_by_text("文中数字均与台账一致")).to_be_visible()
    for title in ("一、履职情况", "二、主要成效", "三、收获感悟", "四、不足与打算"):
        expect(page.get_by_role("heading", name=title)).to_be_visible()
    expect(page.get_by_test_id("prompt").first).to_contain_text("【请在此写下")
    screenshot("draft")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("draft-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the draft scrolls sideways on a phone ({width} px)"
    page.set_viewport_size({"width": 1366, "height": 900})

    # A citation opens the record it comes from.
    citation = page.locator('a[data-testid="citation"][href*="/ledger/"]').first
    title = citation.inner_text().split(" ", 1)[1]
    citation.click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    page.go_back()

    page.get_by_test_id("start-writing").click()
    expect(page.get_by_text("已将初稿写入挂职总结")).to_be_visible()
    content = page.locator("#id_content")
    text = content.input_value()
    assert "# 一、履职情况" in text and "【请在此写下" in text and "依据" not in text

    # Submitting with the prompts still there is refused.
    page.get_by_role("button", name="保存并去提交").click()
    page.get_by_test_id("submit").click()
    expect(page.get_by_text("提示没有改写")).to_be_visible()
    screenshot("prompts-left")

    # The cadre writes their own words in place of every prompt, and submits.
    page.goto(
        Writing.objects.get(secondment=secondment, kind="term_summary").get_absolute_url() + "edit/"
    )
    lines = page.locator("#id_content").input_value().splitlines()
    page.locator("#id_content").fill(
        "\n".join(OWN_WORDS if "【请" in line else line for line in lines)
    )
    page.get_by_role("button", name="保存并去提交").click()
    page.get_by_test_id("submit").click()
    writing = Writing.objects.get(secondment=secondment, kind="term_summary")
    assert writing.status == "submitted" and OWN_WORDS in writing.text

    # The host liaison sees the claims check's line: every figure has ledger evidence.
    _switch_user(page, log_in, host_liaison)
    page.goto(writing.get_absolute_url())
    line = page.get_by_test_id("claimcheck-line")
    expect(line).to_contain_text("处有台账依据，0 处无依据，0 处与台账不符")
    count = int(line.inner_text().split(" 处数字")[0])
    assert count >= 10
    expect(line).to_contain_text(f"{count} 处数字，{count} 处有台账依据")
    screenshot("liaison-claims")
