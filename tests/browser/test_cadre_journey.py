"""A cadre signs in and sees their own secondment, and nobody else's."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_cadre_sees_only_their_own_pages(page, log_in, screenshot, cadre_user, cadre_b):
    own = cadre_user.cadre
    own_secondment = own.secondments.get()
    other_secondment = cadre_b.secondments.get()

    log_in(cadre_user)
    expect(page.get_by_role("heading", name=f"您好，{cadre_user.display_name}")).to_be_visible()
    screenshot("home")

    page.get_by_role("link", name="我的挂职").first.click()
    expect(page.get_by_role("heading", name="我的挂职")).to_be_visible()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(own.name)
    expect(rows.first).to_contain_text(own_secondment.host_unit.name)
    expect(rows.first).to_contain_text(own_secondment.post)
    expect(rows.first).to_contain_text("在岗")
    expect(page.locator("body")).not_to_contain_text(cadre_b.name)
    # No roster or import pages in the cadre's menu.
    menu = page.get_by_role("navigation", name="主菜单")
    expect(menu.get_by_role("link", name="干部名册")).to_have_count(0)
    expect(menu.get_by_role("link", name="名册导入")).to_have_count(0)
    screenshot("my-secondment")

    rows.first.get_by_role("link", name=own.name).click()
    expect(page.get_by_role("heading", name=own.name)).to_be_visible()
    expect(page.get_by_text(own.home_unit.name).first).to_be_visible()
    screenshot("own-profile")

    for url in (cadre_b.get_absolute_url(), other_secondment.get_absolute_url()):
        response = page.goto(url)
        assert response is not None and response.status == 404, url
        expect(page.get_by_role("heading", name="页面不存在")).to_be_visible()
        expect(page.locator("body")).not_to_contain_text(cadre_b.name)
    screenshot("other-cadre-404")
