"""The lists and the pages with suggestions cost the same number of queries however many
needs, resources and matches there are."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guazhi.matching import actions
from tests.conftest import login
from tests.matching.matching_helpers import make_need, make_resource

pytestmark = pytest.mark.django_db


def _count(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    # The session middleware writes the session now and then: not the page's cost.
    return sum(
        1
        for q in ctx.captured_queries
        if "django_session" not in q["sql"] and "SAVEPOINT" not in q["sql"]
    )


def _grow(n: int, units, host, home) -> None:  # type: ignore[no-untyped-def]
    for i in range(n):
        need = make_need(host, units["village_a"], title=f"茶叶销路需求{i}")
        resource = make_resource(home, units["dept_a"], title=f"茶叶采购资源{i}")
        actions.propose_match(actor=home, need=need, resource=resource)


def test_pages_do_not_grow_with_the_data(units, host_liaison, home_liaison) -> None:
    need = make_need(host_liaison, units["town_a"])
    resource = make_resource(home_liaison, units["dept_a"])
    actions.propose_match(actor=host_liaison, need=need, resource=resource)
    client = login(host_liaison)
    urls = [
        "/matching/",
        "/matching/needs/",
        "/matching/resources/",
        need.get_absolute_url(),
        resource.get_absolute_url(),
    ]
    before = {url: _count(client, url) for url in urls}
    _grow(6, units, host_liaison, home_liaison)
    after = {url: _count(client, url) for url in urls}
    assert after == before
