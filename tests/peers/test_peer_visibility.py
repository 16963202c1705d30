"""What the 「同届经验」 page shows of each peer, by viewer: names only of peers the viewer may
know, never another cadre's entry text, shared writings as the library's scope allows, resolved
problems as the problem list's scope allows (otherwise their count)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from guazhi.audit.models import AuditRecord
from tests.library.library_helpers import shared_writing
from tests.peers.peers_helpers import SECRET, programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cadre_a, cadre_b, cadre_user, other_cadre_user):
    world = programme(cadre_a, cadre_b, cadre_user, other_cadre_user)
    shared_writing(world.twin, world.twin_user, title="银企对接的几点体会", text="贷款")
    shared_writing(world.b, other_cadre_user, title="信访接待工作体会", text="信访")
    call_command("peers_refresh", verbosity=0)
    return world


def _page(client, secondment) -> str:  # type: ignore[no-untyped-def]
    response = client.get(f"/peers/secondments/{secondment.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_cadre_sees_why_but_not_what_others_wrote(world, cadre_user, client_for) -> None:
    page = _page(client_for(cadre_user), world.a)
    # The twin is of another cohort: not named, but there, with the shared words and categories.
    assert "王晓东" not in page
    assert "2025年第一批墩苗历练干部的一位挂职干部" in page
    assert "贷款" in page and "企业帮扶" in page and "协调贷款" in page
    # Never an entry's text; the twin's shared writing is counted, not listed (other cohort).
    assert SECRET not in page
    assert "银企对接的几点体会" not in page
    assert "另有 1 篇分享" in page
    # The twin's resolved problem is counted, not shown (the problem list is the cadre's own).
    assert "园区企业贷款审批慢" not in page
    assert "已解决问题 1 个" in page


def test_cadre_knows_peers_of_their_own_cohort(world, cadre_user, other_cadre_user, client_for):
    from guazhi.ledger import tallies
    from guazhi.ledger.models import Category
    from tests.conftest import ledger_entry

    # 李秀英 (same cohort) also helps enterprises with loans: now a peer of 张建国.
    for _ in range(6):
        ledger_entry(
            world.b,
            other_cadre_user,
            category=Category.objects.get(name="企业帮扶"),
            title="银企对接会",
            text="为中小企业协调贷款，解决流动资金周转难题。",
        )
    tallies.rebuild()
    call_command("peers_refresh", verbosity=0)
    page = _page(client_for(cadre_user), world.a)
    assert "李秀英" in page and "信访接待工作体会" in page  # her share: same cohort
    assert "王晓东" not in page


def test_admin_sees_names_shares_and_how_problems_were_solved(world, programme_admin, client_for):
    page = _page(client_for(programme_admin), world.a)
    assert "王晓东" in page
    assert "银企对接的几点体会" in page
    assert "园区企业贷款审批慢" in page and "协调农商银行开辟绿色通道" in page
    assert SECRET not in page  # the page shows reasons and shares, never entries


def test_host_liaison_does_not_learn_other_units_cadres(world, host_liaison, client_for) -> None:
    page = _page(client_for(host_liaison), world.a)
    assert "王晓东" not in page and "李秀英" not in page
    assert "园区企业贷款审批慢" not in page


def test_cohort_map_rows_by_viewer(world, programme_admin, host_liaison, cadre_user, client_for):
    url = f"/peers/cohorts/{world.a.cohort_id}/map/"
    admin_page = client_for(programme_admin).get(url).content.decode()
    assert "张建国" in admin_page and "李秀英" in admin_page and "信访接待" in admin_page
    # A host liaison: only the cadres posted to their town.
    host_page = client_for(host_liaison).get(url).content.decode()
    assert "张建国" in host_page and "李秀英" not in host_page
    # A cadre of the cohort: the whole cohort (aggregate counts only).
    cadre_page = client_for(cadre_user).get(url).content.decode()
    assert "李秀英" in cadre_page and SECRET not in cadre_page
    # The twin is of another cohort: not on this map.
    assert "王晓东" not in admin_page


def test_cohort_map_export_is_audited(world, host_liaison, client_for) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    response = client_for(host_liaison).get(f"/peers/cohorts/{world.a.cohort_id}/map.xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(b"".join(response.streaming_content))).active.values)
    assert rows[0][0] == "干部" and "企业帮扶" in rows[0]
    assert [r[0] for r in rows[1:]] == ["张建国"]
    record = AuditRecord.objects.filter(object_type="peers.cohort_map").get()
    assert "1 行" in record.detail
