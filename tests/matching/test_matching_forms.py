"""Posting needs and resources through the pages: Chinese errors, who provides, edits with a
version."""

from __future__ import annotations

import pytest

from guazhi.matching.models import Need, Resource
from tests.conftest import login
from tests.matching.matching_helpers import make_need

pytestmark = pytest.mark.django_db


def test_need_form_errors_are_chinese(host_liaison, units) -> None:
    client = login(host_liaison)
    response = client.post(
        "/matching/needs/new/",
        {
            "unit": units["town_b"].pk,
            "kind": "nonsense",
            "title": "",
            "amount": "很多",
            "deadline": "明天",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and not Need.objects.exists()
    for message in (
        "请选择列表中的单位。",  # 东关街道 is not the liaison's
        "请选择列表中的类别。",
        "此项为必填项。",
        "资金额度请填写数字（单位：万元）。",
        "请填写正确的日期。",
    ):
        assert message in page, message


def test_need_posted_and_terms_kept(host_liaison, units) -> None:
    client = login(host_liaison)
    response = client.post(
        "/matching/needs/new/",
        {
            "unit": units["village_a"].pk,
            "kind": "market",
            "title": "石桥村脐橙滞销",
            "description": "今年脐橙丰产，滞销 60 万斤，希望机关食堂开展消费帮扶采购。",
        },
    )
    need = Need.objects.get()
    assert response.status_code == 302 and need.created_by == host_liaison
    assert "脐橙" in need.terms.split() and "消费" in need.terms.split()


def test_cadre_posts_a_resource_for_their_home_unit(cadre_user, cadre_a) -> None:
    client = login(cadre_user)
    form = client.get("/matching/resources/new/").content.decode()
    assert 'name="unit"' not in form
    client.post(
        "/matching/resources/new/",
        {
            "kind": "expertise",
            "title": "项目申报辅导",
            "description": "可辅导中央预算内投资项目申报。",
        },
    )
    resource = Resource.objects.get()
    assert resource.cadre == cadre_a and resource.unit == cadre_a.home_unit


def test_edit_refuses_a_stale_version(host_liaison, units) -> None:
    need = make_need(host_liaison, units["town_a"])
    client = login(host_liaison)
    data = {
        "unit": units["town_a"].pk,
        "kind": "market",
        "title": "新标题",
        "description": need.description,
        "version": need.version,
    }
    assert client.post(f"/matching/needs/{need.pk}/edit/", data).status_code == 302
    stale = client.post(f"/matching/needs/{need.pk}/edit/", {**data, "title": "再改"})
    assert "已被他人修改" in stale.content.decode()
    assert Need.objects.get().title == "新标题"


def test_closing_needs_a_reason(host_liaison, units) -> None:
    need = make_need(host_liaison, units["town_a"])
    client = login(host_liaison)
    page = client.post(
        f"/matching/needs/{need.pk}/close/", {"version": need.version, "reason": ""}, follow=True
    )
    assert "请填写关闭原因" in page.content.decode()
    client.post(f"/matching/needs/{need.pk}/close/", {"version": need.version, "reason": "已解决"})
    assert Need.objects.get().status == "closed"


def test_a_matched_need_is_not_closed(host_liaison, units) -> None:
    need = make_need(host_liaison, units["town_a"])
    Need.objects.filter(pk=need.pk).update(status="matched")
    client = login(host_liaison)
    page = client.post(
        f"/matching/needs/{need.pk}/close/",
        {"version": need.version, "reason": "完成"},
        follow=True,
    )
    assert "需求已对接" in page.content.decode()
    assert Need.objects.get().status == "matched"
