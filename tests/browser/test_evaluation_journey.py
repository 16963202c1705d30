"""The democratic evaluation as it happens: the town's liaison opens a round and prints the
slips; three raters vote on their phones (the QR code's address fills in the code); a fourth use
of a used code is refused; the liaison closes the round and sees the results."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from guazhi.evaluation.models import Code, Round, Vote

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _fits_the_phone(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the ballot is {width} px wide on a 390 px phone"


def test_three_raters_vote_on_phones_the_liaison_closes_and_sees_results(
    page, log_in, screenshot, settings, host_liaison, cadre_a
):
    settings.GUAZHI_EVALUATION_MIN_BALLOTS_FLOOR = 3  # three raters are enough in this test

    # 1. The liaison of 柳溪镇 opens a round for 张建国: one group of three raters.
    log_in(host_liaison)
    page.goto("/evaluation/new/")
    page.get_by_label("测评名称").fill("2026年度挂职干部民主测评")
    page.get_by_label("张建国").check()
    page.get_by_label("最少票数").fill("3")
    names = page.locator("input[name$='-name']")
    sizes = page.locator("input[name$='-size']")
    names.nth(0).fill("干部职工")
    sizes.nth(0).fill("3")
    for i in (1, 2):
        names.nth(i).fill("")
        sizes.nth(i).fill("")
    page.get_by_test_id("open-round").click()
    expect(page.get_by_text("测评码已生成")).to_be_visible()
    round_ = Round.objects.get()
    page.get_by_test_id("print-slips").click()
    slip_codes = [c.strip() for c in page.get_by_test_id("slip-code").all_inner_texts()]
    assert len(slip_codes) == 3 and all(
        re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}", c) for c in slip_codes
    )
    expect(page.locator(".slip svg")).to_have_count(3)
    screenshot("slips")
    page.context.clear_cookies()

    # 2. Three raters scan their slips on phones: the address carries the code after "#".
    page.set_viewport_size(PHONE)
    for number, (code, rating) in enumerate(zip(slip_codes, ["优秀", "优秀", "称职"], strict=True)):
        page.goto(f"/vote/{round_.key}/#{code}")
        expect(page.get_by_label("请输入纸条上的 8 位测评码")).to_have_value(code)
        assert "#" not in page.url  # taken out of the address bar
        expect(page.get_by_text("匿名说明")).to_be_visible()
        _fits_the_phone(page)
        if number == 0:
            screenshot("phone-code")
        page.get_by_test_id("start").click()
        page.get_by_test_id(f"subject-{cadre_a.secondments.get().pk}").get_by_text(
            rating, exact=True
        ).click()
        page.get_by_label("意见建议（选填）").fill(f"第{number + 1}位测评人的意见")
        _fits_the_phone(page)
        if number == 0:
            screenshot("phone-ballot")
        page.get_by_test_id("submit-ballot").click()
        expect(page.get_by_test_id("ballot-done")).to_be_visible()
    screenshot("phone-done")
    assert Vote.objects.count() == 3
    assert Code.objects.filter(round=round_, used=True).count() == 3

    # 3. A fourth use of a used code is refused, in words.
    page.goto(f"/vote/{round_.key}/#{slip_codes[0]}")
    page.get_by_test_id("start").click()
    expect(page.get_by_test_id("ballot-error")).to_contain_text("已经投过票")
    screenshot("phone-used-code")
    assert Vote.objects.count() == 3

    # 4. The liaison closes the round and sees the results.
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(host_liaison)
    page.goto(round_.get_absolute_url())
    expect(page.get_by_test_id("group-counts")).to_contain_text("干部职工")
    page.get_by_test_id("close-round").click()
    expect(page.get_by_test_id("score")).to_have_text("93.33")  # (100 + 100 + 80) / 3
    expect(page.get_by_text("第2位测评人的意见")).to_be_visible()
    screenshot("results")
    round_.refresh_from_db()
    assert round_.is_closed
