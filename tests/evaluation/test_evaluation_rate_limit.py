"""Wrong codes are limited per client address and per round, with a clear Chinese message
(429, not a 500); real codes (used, voided) and typos that cannot be codes do not count."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from evaluation_helpers import codes_of, vote

WRONG = "ABCD-EFGH"


@pytest.fixture
def limits(settings):
    settings.GUAZHI_EVALUATION_FAILURES_PER_ADDRESS = 3
    settings.GUAZHI_EVALUATION_FAILURES_PER_ROUND = 5
    settings.GUAZHI_EVALUATION_WINDOW_MINUTES = 15


def _enter(round_, code: str, ip: str = "10.1.1.1"):
    return Client(REMOTE_ADDR=ip).post(reverse("vote:ballot", args=[round_.key]), {"code": code})


def test_an_address_is_held_after_too_many_wrong_codes(limits, round_a) -> None:
    good = codes_of(round_a)[0]
    for _ in range(3):
        response = _enter(round_a, WRONG)
        assert response.status_code == 400
        assert "测评码不正确" in response.content.decode()
    held = _enter(round_a, good)
    assert held.status_code == 429
    assert "错误次数过多" in held.content.decode()
    assert "15 分钟后再试" in held.content.decode()
    # The submit step is held too; another address is not.
    submit = Client(REMOTE_ADDR="10.1.1.1").post(
        reverse("vote:submit", args=[round_a.key]), {"code": good}
    )
    assert submit.status_code == 429
    assert _enter(round_a, good, ip="10.1.1.2").status_code == 200


def test_a_round_is_held_after_too_many_wrong_codes_from_many_addresses(limits, round_a) -> None:
    for i in range(5):
        assert _enter(round_a, WRONG, ip=f"10.2.0.{i}").status_code == 400
    assert _enter(round_a, codes_of(round_a)[0], ip="10.2.1.1").status_code == 429


def test_the_window_passes(limits, round_a) -> None:
    from datetime import timedelta

    from guazhi.evaluation.models import Throttle

    for _ in range(3):
        _enter(round_a, WRONG)
    assert _enter(round_a, codes_of(round_a)[0]).status_code == 429
    Throttle.objects.update(window_start=Throttle.objects.first().window_start - timedelta(hours=1))
    assert _enter(round_a, codes_of(round_a)[0]).status_code == 200


def test_used_codes_and_malformed_input_do_not_count(limits, round_a) -> None:
    used = codes_of(round_a)[0]
    vote(round_a, used)
    for _ in range(5):
        assert _enter(round_a, used).status_code == 409
        assert _enter(round_a, "0000").status_code == 400
    assert _enter(round_a, codes_of(round_a)[1]).status_code == 200


def test_no_address_is_stored_in_clear(limits, round_a) -> None:
    from guazhi.evaluation.models import Throttle

    _enter(round_a, WRONG, ip="10.9.8.7")
    assert not Throttle.objects.filter(bucket__contains="10.9.8.7").exists()
    assert Throttle.objects.count() == 2  # the address's bucket and the round's
