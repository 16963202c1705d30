"""The security admin grants a cadre account on a phone: finds the cadre among many by typing,
picks them, saves. The picker is a search box over the list (static/guazhi/user_role.js)."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from guazhi.accounts.models import Role, User
from guazhi.roster.models import Cadre

pytestmark = pytest.mark.browser

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"


def test_security_admin_finds_a_cadre_and_grants_the_role_on_a_phone(
    page, log_in, screenshot, security_admin, units
):
    for i, surname in enumerate(SURNAMES):
        Cadre.objects.create(
            name=f"{surname}晓{i}",
            gender="M",
            birth_date=date(1985, 1, 1),
            id_number=f"1101051985010{i:04d}1",
            home_unit=units["dept_a"],
        )
    wanted = Cadre.objects.get(name__startswith="韩")
    target = User.objects.create_user(username="hanxiao", password="Temp#Pass2026")

    page.set_viewport_size({"width": 390, "height": 844})
    log_in(security_admin)
    page.goto(f"/accounts/users/{target.pk}/role/")
    page.get_by_label("角色").select_option(Role.CADRE.value)
    search = page.get_by_placeholder("输入姓名、单位或身份证尾号查找干部")
    expect(search).to_be_visible()
    expect(page.get_by_label("联络单位")).to_be_hidden()
    search.fill("韩")
    options = page.locator("#id_cadre option")
    expect(options).to_have_count(2)  # the blank choice and the one 韩, picked by itself
    expect(page.locator("#id_cadre")).to_have_value(str(wanted.pk))
    screenshot("cadre-found")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px phone"
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已更新 hanxiao 的角色")).to_be_visible()
    target.refresh_from_db()
    assert target.role == Role.CADRE and target.cadre == wanted
