"""The ledger's whole loop, as its three users live it: a cadre writes an entry on a phone with a
photo taken there; the town's liaison confirms it; the programme admin's dashboard counts it."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from guazhi.ledger.models import Category, Entry, EntryStatus, FigureField

pytestmark = pytest.mark.browser


def _photo(tmp_path):
    path = tmp_path / "现场照片.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), (180, 120, 60)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def test_cadre_writes_on_a_phone_liaison_confirms_admin_sees_it(
    page, log_in, screenshot, tmp_path, media_root, cadre_user, host_liaison, programme_admin
):
    category = Category.objects.get(name="企业帮扶")
    assert FigureField.objects.filter(category=category).exists()

    # 1. The cadre, on a 390 px phone.
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(cadre_user)
    page.goto("/ledger/new/")
    page.get_by_label("类别").select_option(label=category.name)
    # Only the chosen category's figures are enabled (the same label exists in other categories).
    page.locator(f'[data-category="{category.pk}"] input').first.fill("698")
    page.get_by_label("标题").fill("完成辖区企业第一轮走访")
    page.get_by_label("工作内容").fill("组织完成辖区内698家企业第一轮调研走访，汇总问题并上报。")
    page.locator("#files").set_input_files(str(_photo(tmp_path)))
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391)"
        ".slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right))"
    )
    assert width <= 390, f"the entry form is {width} px wide on a 390 px phone: {wide}"
    screenshot("cadre-writes")
    page.get_by_test_id("save").click()
    expect(page.get_by_text("完成辖区企业第一轮走访").first).to_be_visible()
    entry = Entry.objects.get(title="完成辖区企业第一轮走访")
    assert entry.attachments.count() == 1
    assert entry.figures.get().value == 698
    screenshot("cadre-saved")
    page.context.clear_cookies()

    # 2. The liaison of 柳溪镇 confirms it from the 待确认 queue.
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(host_liaison)
    page.goto("/ledger/pending/")
    page.get_by_role("link", name="完成辖区企业第一轮走访").first.click()
    page.get_by_role("button", name="确认").first.click()
    expect(page.get_by_text("已确认").first).to_be_visible()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.CONFIRMED
    screenshot("liaison-confirmed")
    page.context.clear_cookies()

    # 3. The programme admin's dashboard counts the figure.
    log_in(programme_admin)
    page.goto("/")
    totals = page.locator("section", has_text="工作数据累计")
    expect(totals.get_by_role("cell", name="698")).to_be_visible()
    screenshot("admin-dashboard")
