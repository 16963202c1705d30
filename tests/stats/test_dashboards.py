"""Each role's dashboard aggregates the ledger it may see: activity by week, category mix,
totals of figures, and the on-post cadres who have written nothing for 14 days."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from guazhi.audit.models import AuditRecord, Event
from guazhi.ledger import tallies
from guazhi.ledger.models import Category, EntryFigure, FigureField
from tests.conftest import ledger_entry


def _chart(context, key):
    return next(c for c in context["charts"] if c.key == key)


@pytest.fixture
def ledger(cadre_user, other_cadre_user, cadre_a, cadre_b):
    """张建国: two enterprise visits this week (12 + 30 enterprises) and a petition 20 days
    ago; 李秀英 (another town): one visit of 5 enterprises."""
    today = timezone.localdate()
    visits = Category.objects.get(name="企业帮扶")
    field = FigureField.objects.filter(category=visits).order_by("sort_order").first()
    assert field is not None
    a, b = cadre_a.secondments.get(), cadre_b.secondments.get()
    for n, secondment, user in ((12, a, cadre_user), (30, a, cadre_user), (5, b, other_cadre_user)):
        entry = ledger_entry(secondment, user, date=today, category=visits)
        EntryFigure.objects.create(entry=entry, field=field, value=Decimal(n))
    ledger_entry(
        a,
        cadre_user,
        date=today - timedelta(days=20),
        category=Category.objects.get(name="信访接待"),
    )
    tallies.rebuild()  # written straight to the database, not through the ledger's actions
    return field


def test_admin_totals_cover_the_whole_programme(client_for, programme_admin, ledger):
    context = client_for(programme_admin).get(reverse("home")).context
    figures = _chart(context, "figures")
    assert figures.rows == [["企业帮扶", ledger.label, ledger.unit, "47", 3]]
    assert dict(_chart(context, "categories").rows) == {"企业帮扶": 3, "信访接待": 1}
    assert _chart(context, "weekly").rows[-1][1] == 3
    assert context["entry_count"] == 4


def test_an_entry_written_on_a_phone_shows_on_every_dashboard_at_once(
    client_for, programme_admin, host_liaison, cadre_user, cadre_a
):
    from guazhi.ledger.actions import create_entry
    from tests.ledger.ledger_helpers import entry_data

    create_entry(actor=cadre_user, secondment=cadre_a.secondments.get(), data=entry_data())
    for user in (programme_admin, host_liaison, cadre_user):
        context = client_for(user).get(reverse("home")).context
        assert context["entry_count"] == 1
        assert context["pending_count"] == 1
        assert dict(_chart(context, "categories").rows) == {"企业帮扶": 1}


def test_host_liaison_sees_only_their_towns_work(client_for, host_liaison, ledger):
    context = client_for(host_liaison).get(reverse("home")).context
    assert _chart(context, "figures").rows == [["企业帮扶", ledger.label, ledger.unit, "42", 2]]
    assert context["entry_count"] == 3


def test_cadre_sees_own_activity_and_no_quiet_list(client_for, other_cadre_user, ledger):
    context = client_for(other_cadre_user).get(reverse("home")).context
    assert _chart(context, "figures").rows == [["企业帮扶", ledger.label, ledger.unit, "5", 1]]
    assert "quiet" not in context


def test_quiet_cadres_lists_on_post_cadres_without_recent_entries(
    client_for, programme_admin, cadre_a, cadre_b, cadre_user
):
    # cadre_a is on post with an entry 20 days ago; cadre_b is only 待报到 (not listed).
    ledger_entry(
        cadre_a.secondments.get(), cadre_user, date=timezone.localdate() - timedelta(days=20)
    )
    tallies.rebuild()  # written straight to the database
    context = client_for(programme_admin).get(reverse("home")).context
    assert context["quiet_total"] == 1
    assert [q["secondment"].cadre.name for q in context["quiet"]] == ["张建国"]
    assert context["quiet"][0]["days"] == 20


def test_chart_export_has_the_table_rows_and_is_audited(client_for, programme_admin, ledger):
    response = client_for(programme_admin).get(reverse("stats:chart_export", args=["figures"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows == [
        ["类别", "数据项", "单位", "合计", "涉及纪实条数"],
        ["企业帮扶", ledger.label, ledger.unit, "47", 3],
    ]
    audit = AuditRecord.objects.get(event=Event.EXPORT)
    assert audit.after == {"rows": 1}


def test_unknown_chart_is_404(client_for, programme_admin):
    response = client_for(programme_admin).get(reverse("stats:chart_export", args=["nothing"]))
    assert response.status_code == 404


def test_query_count_does_not_grow_with_the_ledger(client_for, programme_admin, ledger, cadre_a):
    client = client_for(programme_admin)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("home"))
    secondment = cadre_a.secondments.get()
    for i in range(30):
        ledger_entry(secondment, None, date=timezone.localdate() - timedelta(days=i))
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("home"))
    assert len(large) == len(small)


def test_cadre_home_shows_own_posting_not_programme_figures(client_for, cadre_user, ledger):
    response = client_for(cadre_user).get(reverse("home"))
    context = response.context
    assert "cadre_count" not in context
    assert {c.key for c in context["charts"]} == {"weekly", "categories", "figures"}
    (posting,) = context["my_secondments"]
    assert posting["entries"] == 3
    assert "柳溪镇 · 镇党委副书记" in response.content.decode()
