"""The home page's figures and chart are scoped like everything else."""

from django.urls import reverse


def test_admin_sees_every_secondment_in_the_chart(programme_admin, cadre_a, cadre_b, client_for):
    context = client_for(programme_admin).get(reverse("home")).context
    assert context["cadre_count"] == 2
    chart = context["cohort_chart"]
    assert chart["cohorts"] == ["2026年第二批墩苗历练干部"]
    counts = {s["name"]: s["data"] for s in chart["series"]}
    assert counts == {"待报到": [1], "在岗": [1], "期满": [0], "提前结束": [0]}


def test_host_liaison_counts_only_their_unit(host_liaison, cadre_a, cadre_b, client_for):
    response = client_for(host_liaison).get(reverse("home"))
    assert response.context["cadre_count"] == 1
    counts = {s["name"]: s["data"] for s in response.context["cohort_chart"]["series"]}
    assert counts["在岗"] == [1] and counts["待报到"] == [0]
    assert "李秀英" not in response.content.decode()
    assert 'id="cohort-chart-data"' in response.content.decode()


def test_it_admins_get_no_business_figures(system_admin, cadre_a, client_for):
    response = client_for(system_admin).get(reverse("home"))
    assert response.context["business"] is False
    assert "cohort-chart" not in response.content.decode()
