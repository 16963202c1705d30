"""A village with no signal: the cadre writes an entry offline, the phone keeps it, and it is
sent once — no more — when the connection returns (static/ledger/offline.js)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from guazhi.ledger.models import Category, Entry

pytestmark = pytest.mark.browser


def test_an_entry_written_offline_is_sent_once_when_back_online(
    page, log_in, screenshot, cadre_user
):
    category = Category.objects.get(name="信访接待")
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(cadre_user)
    page.goto("/ledger/new/")

    page.context.set_offline(True)
    page.get_by_label("类别").select_option(label=category.name)
    page.get_by_label("标题").fill("夜间暴雨转移土坯房住户")
    page.get_by_label("工作内容").fill("连夜冒雨转移两户土坯房住户到安全地点。")
    page.get_by_test_id("save").click()

    expect(page.get_by_text("已保存在手机上")).to_be_visible()
    expect(page.locator("#outbox [data-count]")).to_have_text("1")
    assert not Entry.objects.filter(title="夜间暴雨转移土坯房住户").exists()
    screenshot("kept-on-the-phone")

    page.context.set_offline(False)
    expect(page.get_by_text("已提交")).to_be_visible(timeout=20_000)
    expect(page.locator("#outbox [data-count]")).to_have_text("0")
    screenshot("sent")

    # Reloading (or a second 'online' event) sends nothing again.
    page.reload()
    page.wait_for_load_state("networkidle")
    assert Entry.objects.filter(title="夜间暴雨转移土坯房住户").count() == 1
    entry = Entry.objects.get(title="夜间暴雨转移土坯房住户")
    assert entry.secondment.cadre_id == cadre_user.cadre_id
