"""The search page: escaped snippets with the matches marked, filters, pagination, the cap."""

from __future__ import annotations

from datetime import date

import pytest
from search_helpers import search, titles, write_entry

from guazhi.lib import search_index
from guazhi.roster.models import Cohort, Secondment, SecondmentStatus
from tests.conftest import ledger_entry
from tests.ledger.ledger_helpers import category
from tests.library.library_helpers import shared_writing


def test_a_writing_with_markup_shows_as_text(client_for, cadre_a, cadre_user, other_cadre_user):
    shared_writing(
        cadre_a.secondments.get(),
        cadre_user,
        title="<b>招商</b>体会",
        text='招商引资<script>alert("x")</script>要讲诚信 & 效率。',
    )
    response = search(client_for(other_cadre_user), "招商")
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;b&gt;<mark>招商</mark>&lt;/b&gt;体会" in html
    assert "<mark>招商</mark>引资&lt;script&gt;" in html
    assert "&amp; 效率" in html


def test_the_snippet_is_the_window_around_the_first_match(client_for, programme_admin, cadre_user):
    text = "前言" * 200 + "重点推进营商环境改革" + "结语" * 200
    write_entry(cadre_user, title="长文", text=text)
    result = search(client_for(programme_admin), "营商环境").context["results"][0]
    snippet = str(result.snippet)
    assert "<mark>营商环境</mark>" in snippet
    assert snippet.startswith("…") and snippet.endswith("…")
    assert len(snippet) < 200


def test_every_occurrence_is_marked(client_for, programme_admin, cadre_user):
    write_entry(cadre_user, title="走访", text="招商稳商，招商安商。")
    snippet = str(search(client_for(programme_admin), "招商").context["results"][0].snippet)
    assert snippet.count("<mark>招商</mark>") == 2


def test_filters_by_source_kind_category_and_cohort(
    client_for, programme_admin, cadre_a, cadre_user, units
):
    write_entry(cadre_user, title="纪实招商", text="招商。")
    write_entry(cadre_user, title="信访招商", text="招商。", category=category("信访接待"))
    shared_writing(cadre_a.secondments.get(), cadre_user, title="体会招商", text="招商。")
    client = client_for(programme_admin)
    assert set(titles(client, "招商")) == {"纪实招商", "信访招商", "体会招商"}
    assert set(titles(client, "招商", source="entry")) == {"纪实招商", "信访招商"}
    assert titles(client, "招商", source="writing") == ["体会招商"]
    assert titles(client, "招商", kind="reflection") == ["体会招商"]
    assert titles(client, "招商", kind="speech") == []
    assert titles(client, "招商", category=category("信访接待").pk) == ["信访招商"]

    other = Cohort.objects.create(
        name="2025年第一批", year=2025, start_date=date(2025, 3, 1), end_date=date(2026, 2, 28)
    )
    secondment = Secondment.objects.create(
        cadre=cadre_a,
        cohort=other,
        host_unit=units["town_b"],
        post="挂职",
        start_date=date(2025, 3, 1),
        planned_end_date=date(2026, 2, 28),
        status=SecondmentStatus.COMPLETED,
    )
    search_index.index_entries([ledger_entry(secondment, cadre_user, title="旧批次招商")])
    assert titles(client, "招商", cohort=other.pk) == ["旧批次招商"]
    assert "旧批次招商" not in titles(client, "招商", cohort=cadre_a.secondments.first().cohort_id)


def test_a_cohort_the_user_cannot_see_gives_no_results(client_for, host_liaison, cadre_user):
    write_entry(cadre_user, title="纪实招商", text="招商。")
    hidden = Cohort.objects.create(
        name="外批次", year=2025, start_date=date(2025, 3, 1), end_date=date(2026, 2, 28)
    )
    response = search(client_for(host_liaison), "招商", cohort=hidden.pk)
    assert response.context["form"].errors
    assert "results" not in response.context


def test_pages_of_twenty(client_for, programme_admin, cadre_a, cadre_user):
    secondment = cadre_a.secondments.get()
    search_index.index_entries(
        [ledger_entry(secondment, cadre_user, title=f"走访{n}", text="招商") for n in range(45)]
    )
    client = client_for(programme_admin)
    first = search(client, "招商")
    assert len(first.context["results"]) == 20
    assert first.context["page"].paginator.count == 45
    last = search(client, "招商", page=3)
    assert len(last.context["results"]) == 5
    assert "共找到 45 条结果" in first.content.decode()


def test_the_cap_is_said(client_for, programme_admin, cadre_a, cadre_user, monkeypatch):
    monkeypatch.setattr(search_index, "CAP", 10)
    secondment = cadre_a.secondments.get()
    search_index.index_entries(
        [ledger_entry(secondment, cadre_user, title=f"走访{n}", text="招商") for n in range(15)]
    )
    response = search(client_for(programme_admin), "招商")
    assert response.context["capped"] is True
    assert response.context["page"].paginator.count == 10
    assert "找到超过 10 条结果" in response.content.decode()
    # the cap keeps the newest matches
    assert {r.title for r in response.context["results"]} == {f"走访{n}" for n in range(5, 15)}


@pytest.mark.parametrize("q", ["", "   "])
def test_an_empty_query_shows_the_form_only(client_for, programme_admin, q):
    response = search(client_for(programme_admin), q)
    assert response.context["searched"] is False


def test_query_count_does_not_grow_with_results(
    client_for, programme_admin, cadre_a, cadre_user, django_assert_max_num_queries
):
    secondment = cadre_a.secondments.get()
    search_index.index_entries(
        [ledger_entry(secondment, cadre_user, title=f"走访{n}", text="招商") for n in range(30)]
    )
    shared_writing(secondment, cadre_user, title="体会", text="招商。")
    client = client_for(programme_admin)
    search(client, "招商")
    with django_assert_max_num_queries(12):
        search(client, "招商")
