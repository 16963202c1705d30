"""The refresh writes each secondment's peers from the database: by the command, and by the
background job the admin starts (with its progress page)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from guazhi.jobs.models import Job, JobStatus
from guazhi.peers.models import PeerLink, PeerProfile
from tests.peers.peers_helpers import programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cadre_a, cadre_b, cadre_user, other_cadre_user):
    return programme(cadre_a, cadre_b, cadre_user, other_cadre_user)


def test_command_ranks_the_near_duplicate_of_another_cohort_first(world) -> None:
    call_command("peers_refresh", verbosity=0)
    first = PeerLink.objects.filter(secondment=world.a).order_by("rank").first()
    assert first is not None and first.peer_id == world.twin.pk
    assert first.rank == 1 and first.score > 0.5
    assert "贷款" in first.reasons["terms"]
    # The petitions cadre is less similar to 张建国 than his twin.
    scores = dict(PeerLink.objects.filter(secondment=world.a).values_list("peer_id", "score"))
    assert scores.get(world.b.pk, 0) < scores[world.twin.pk]
    assert "信访" in PeerProfile.objects.get(secondment=world.b).keywords


def test_a_second_refresh_replaces_the_rows(world) -> None:
    call_command("peers_refresh", verbosity=0)
    before = set(PeerLink.objects.values_list("secondment_id", "peer_id"))
    call_command("peers_refresh", verbosity=0)
    assert set(PeerLink.objects.values_list("secondment_id", "peer_id")) == before
    assert PeerLink.objects.count() == len(before)


def test_admin_starts_the_job_and_follows_it(world, programme_admin, client_for) -> None:
    response = client_for(programme_admin).post("/peers/refresh/")
    job = Job.objects.get(kind="peers_refresh")
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert job.status == JobStatus.DONE  # the test backend runs tasks at once
    # Done, the job's page sends the admin back to 同届经验 (no file to download).
    assert client_for(programme_admin).get(f"/jobs/{job.pk}/")["Location"] == "/peers/"
    assert job.row_count == PeerLink.objects.count() > 0
    assert "相似干部" in job.message


def test_nothing_recorded_no_peers(cadre_a, cadre_b) -> None:
    call_command("peers_refresh", verbosity=0)
    assert not PeerLink.objects.exists()
