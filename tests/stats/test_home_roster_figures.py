"""The home page's roster figures and chart are scoped like everything else."""

from django.urls import reverse


def _chart(context, key):
    return next(c for c in context["charts"] if c.key == key)


def test_admin_sees_every_secondment_in_the_chart(programme_admin, cadre_a, cadre_b, client_for):
    context = client_for(programme_admin).get(reverse("home")).context
    assert context["cadre_count"] == 2
    chart = _chart(context, "cohorts")
    assert chart.columns == ["批次", "待报到", "在岗", "期满", "提前结束"]
    assert chart.rows == [["2026年第二批墩苗历练干部", 1, 1, 0, 0]]


def test_host_liaison_counts_only_their_unit(host_liaison, cadre_a, cadre_b, client_for):
    response = client_for(host_liaison).get(reverse("home"))
    assert response.context["cadre_count"] == 1
    assert _chart(response.context, "cohorts").rows == [["2026年第二批墩苗历练干部", 0, 1, 0, 0]]
    assert "李秀英" not in response.content.decode()
    assert 'id="chart-data"' in response.content.decode()


def test_it_admins_get_no_business_figures(system_admin, cadre_a, client_for):
    response = client_for(system_admin).get(reverse("home"))
    assert response.context["business"] is False
    assert "chart-data" not in response.content.decode()
