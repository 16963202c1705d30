"""A page view does not write the session (and so the database) every time: the last-seen
time is refreshed at most once a minute, yet the idle limit still holds."""

from __future__ import annotations

import time

from django.contrib.sessions.models import Session
from django.urls import reverse

from guazhi.accounts.middleware import LAST_SEEN_KEY, LAST_SEEN_RESOLUTION


def _expire_date(client) -> object:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_page_views_within_a_minute_do_not_write_the_session(client_for, programme_admin):
    client = client_for(programme_admin)
    client.get(reverse("home"))
    written = _expire_date(client)
    stored_last_seen = client.session[LAST_SEEN_KEY]
    time.sleep(0.01)
    for _ in range(3):
        assert client.get(reverse("roster:cadre_list")).status_code == 200
    assert _expire_date(client) == written
    assert client.session[LAST_SEEN_KEY] == stored_last_seen


def test_activity_after_a_minute_refreshes_the_session(client_for, programme_admin):
    client = client_for(programme_admin)
    client.get(reverse("home"))
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - LAST_SEEN_RESOLUTION - 1
    session.save()
    before = _expire_date(client)
    time.sleep(0.01)
    client.get(reverse("home"))
    assert client.session[LAST_SEEN_KEY] > time.time() - 5
    assert _expire_date(client) > before
