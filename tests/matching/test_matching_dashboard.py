"""The dashboard's counts, the stale needs (open longer than STALE_DAYS days), the charts'
table and Excel export."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from guazhi.audit.models import AuditRecord
from guazhi.matching import actions
from guazhi.matching.dashboard import STALE_DAYS, dashboard, stale_needs
from guazhi.matching.models import Need
from tests.conftest import login
from tests.matching.matching_helpers import make_need, make_resource

pytestmark = pytest.mark.django_db


@pytest.fixture
def needs(units, host_liaison, home_liaison, programme_admin, cadre_a):
    old = make_need(host_liaison, units["town_a"], title="老需求：茶叶销路")
    fresh = make_need(host_liaison, units["village_a"], title="新需求：茶叶加工", kind="funding")
    proposed = make_need(host_liaison, units["town_a"], title="有提议的老需求", kind="training")
    elsewhere = make_need(programme_admin, units["town_b"], title="东关街道的老需求")
    long_ago = timezone.now() - timedelta(days=STALE_DAYS + 5)
    Need.objects.filter(pk__in=[old.pk, proposed.pk, elsewhere.pk]).update(created_at=long_ago)
    resource = make_resource(home_liaison, units["dept_a"])
    actions.propose_match(actor=home_liaison, need=proposed, resource=resource)
    match = actions.propose_match(actor=home_liaison, need=fresh, resource=resource)
    actions.accept_match(
        actor=host_liaison,
        match=match,
        version=match.version,
        secondment=cadre_a.secondments.get(),
        values={"name": "茶叶加工", "investment": 10},
    )
    return {"old": old, "fresh": fresh, "proposed": proposed, "elsewhere": elsewhere}


def test_stale_needs_are_old_open_ones_in_scope(needs, host_liaison, programme_admin) -> None:
    assert set(stale_needs(host_liaison)) == {needs["old"], needs["proposed"]}
    assert set(stale_needs(programme_admin)) == {
        needs["old"],
        needs["proposed"],
        needs["elsewhere"],
    }
    # An accepted match makes a need 已对接: never stale however old.
    Need.objects.filter(pk=needs["fresh"].pk).update(
        created_at=timezone.now() - timedelta(days=400)
    )
    assert needs["fresh"] not in set(stale_needs(programme_admin))


def test_counts_and_charts(needs, host_liaison) -> None:
    data = dashboard(host_liaison)
    assert data["totals"] == {"total": 3, "matched": 1, "pending": 1, "waiting": 1}
    assert data["stale_total"] == 2
    stale = {r["need"].title: r for r in data["stale"]}
    assert (
        stale["有提议的老需求"]["proposals"] == 1 and stale["老需求：茶叶销路"]["days"] > STALE_DAYS
    )
    kinds = {row[0]: row[1:] for row in data["charts"][0].rows}
    assert kinds["产品销路"] == [0, 0, 1, 0]  # 已对接, 对接中, 待对接, 已关闭
    assert kinds["资金"] == [1, 0, 0, 0] and kinds["培训"] == [0, 1, 0, 0]
    assert data["charts"][1].rows == [["安平区", 1, 1, 1, 0]]


def test_page_and_export(needs, programme_admin) -> None:
    client = login(programme_admin)
    page = client.get("/matching/").content.decode()
    assert "东关街道的老需求" in page and 'data-chart="kinds"' in page and "chart-data" in page
    response = client.get("/matching/charts/kinds.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert AuditRecord.objects.filter(object_type="matching.chart").exists()
    assert client.get("/matching/charts/nothing.xlsx").status_code == 404
