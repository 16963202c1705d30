"""The project, contact and problem lists issue the same number of queries whatever the
amount of data (select_related, prefetch and annotations, no query per row)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guazhi.contacts.models import ContactVisit


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def _grow(make, secondment, user, n: int) -> None:  # type: ignore[no-untyped-def]
    project, contact_, problem = make
    for i in range(n):
        project(secondment, user, name=f"项目 {i}")
        contact = contact_(secondment, user, name=f"农户 {i}", id_number="", phone="")
        visit = ContactVisit.objects.create(
            contact=contact, date="2026-05-06", method="visit", text="走访", created_by=user
        )
        problem(secondment, user, visit=visit)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name", ["projects:project_list", "contacts:contact_list", "contacts:problem_list"]
)
@pytest.mark.parametrize("viewer", ["programme_admin", "host_liaison", "cadre_user"])
def test_list_query_count_does_not_grow(
    request,
    url_name,
    viewer,
    cadre_user,
    cadre_a,
    client_for,
    make_project,
    make_contact,
    make_problem,
) -> None:
    make = (make_project, make_contact, make_problem)
    client = client_for(request.getfixturevalue(viewer))
    url = reverse(url_name)
    secondment = cadre_a.secondments.get()
    _grow(make, secondment, cadre_user, 2)
    client.get(url)  # the first request of a session writes the session: not the page's cost
    small = _queries(client, url)
    _grow(make, secondment, cadre_user, 15)
    assert _queries(client, url) == small
