"""The check as readers see it: the marked text and wording on its page, the summary line on
the writing page (the liaison's decision card too), and who may open it."""

from __future__ import annotations

from datetime import date

import pytest
from claimcheck_helpers import add_entry
from django.urls import reverse

from guazhi.accounts.models import Role, User

pytestmark = pytest.mark.django_db

TEXT = "走访企业120家，协调贷款800万元，组织核酸检测18轮。"


@pytest.fixture
def version(submit, cadre_user, cadre_a):
    secondment = cadre_a.secondments.get()
    add_entry(secondment, on=date(2026, 4, 2), enterprises_visited=120, loans=100)
    return submit(cadre_user, TEXT)


def test_the_author_sees_each_figure_marked_with_what_the_ledger_holds(
    version, cadre_user, client_for
):
    page = client_for(cadre_user).get(reverse("claimcheck:version_check", args=[version.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "3 处数字，1 处有台账依据，1 处无依据，1 处与台账不符" in html
    assert 'class="claim claim-supported"' in html
    assert 'class="claim claim-contradicted"' in html
    assert 'class="claim claim-unsupported"' in html
    assert "台账记录为 120 家" in html
    assert "台账记录少于文中数字：台账记录为 100 万元" in html
    assert "台账中未找到对应记录" in html
    assert 'href="#f1"' in html and 'id="f1"' in html
    entry = version.writing.secondment.ledger_entries.get()
    assert reverse("ledger:entry_detail", args=[entry.pk]) in html
    # The author reads, the reviewers recheck.
    assert 'data-testid="recheck"' not in html
    assert "<script>" not in html and "onclick" not in html


def test_writing_page_shows_the_summary_line_to_the_liaison_and_the_author(
    version, cadre_user, host_liaison, home_liaison, client_for
):
    url = version.writing.get_absolute_url()
    line = "3 处数字，1 处有台账依据，1 处无依据，1 处与台账不符"
    liaison = client_for(host_liaison).get(url).content.decode()
    review = liaison[liaison.index('id="review"') :]
    assert line in review
    for user in (cadre_user, home_liaison):
        html = client_for(user).get(url).content.decode()
        assert line in html
        assert reverse("claimcheck:version_check", args=[version.pk]) in html


def test_reviewers_get_the_recheck_button_home_liaison_reads_only(
    version, host_liaison, home_liaison, client_for
):
    url = reverse("claimcheck:version_check", args=[version.pk])
    assert 'data-testid="recheck"' in client_for(host_liaison).get(url).content.decode()
    html = client_for(home_liaison).get(url).content.decode()
    assert "3 处数字" in html and 'data-testid="recheck"' not in html


def test_others_get_404(version, other_cadre_user, system_admin, units, client_for):
    other_town = User.objects.create_user(
        username="dongguan",
        password="x",
        role=Role.HOST_LIAISON,
        unit=units["town_b"],
        must_change_password=False,
    )
    for user in (other_cadre_user, system_admin, other_town):
        client = client_for(user)
        assert client.get(reverse("claimcheck:version_check", args=[version.pk])).status_code == 404
        assert client.get(version.writing.get_absolute_url()).status_code == 404


def test_status_answers_for_polling(version, cadre_user, client_for):
    url = reverse("claimcheck:version_status", args=[version.pk])
    assert client_for(cadre_user).get(url).json() == {"status": "done", "finished": True}
