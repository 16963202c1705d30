"""Where the 同届经验 pages are reached from, and what they say before anything is computed."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_cadre_home_links_to_their_peers(cadre_a, cadre_user, client_for) -> None:
    secondment = cadre_a.secondments.get()
    home = client_for(cadre_user).get("/").content.decode()
    assert f'href="/peers/secondments/{secondment.pk}/"' in home
    index = client_for(cadre_user).get("/peers/").content.decode()
    assert f"/peers/secondments/{secondment.pk}/" in index
    assert f"/peers/cohorts/{secondment.cohort_id}/map/" in index


def test_before_the_first_refresh_the_page_says_so(cadre_a, cadre_user, client_for) -> None:
    page = client_for(cadre_user).get(f"/peers/secondments/{cadre_a.secondments.get().pk}/")
    assert "同届经验尚未计算" in page.content.decode()


def test_only_the_admin_may_start_a_refresh(programme_admin, host_liaison, client_for) -> None:
    assert "立即重新计算" in client_for(programme_admin).get("/peers/").content.decode()
    assert "立即重新计算" not in client_for(host_liaison).get("/peers/").content.decode()


def test_a_refresh_already_queued_is_not_started_twice(programme_admin, client_for) -> None:
    from guazhi.jobs.models import Job

    Job.objects.create(user=programme_admin, kind="peers_refresh", title="重新计算同届经验")
    response = client_for(programme_admin).post("/peers/refresh/")
    assert response.status_code == 302 and response["Location"] == "/peers/"
    assert Job.objects.filter(kind="peers_refresh").count() == 1
