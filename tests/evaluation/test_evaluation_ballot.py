"""The public ballot: no login, one use per code, voided codes and closed rounds refused with a
clear message, every cadre rated."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from evaluation_helpers import close, codes_of, open_round, vote

from guazhi.evaluation import actions, codes
from guazhi.evaluation.models import Code, Vote


def _submit(client: Client, round_, code: str, rating: str = "competent", comment: str = ""):
    data = {"code": code}
    for pk in round_.secondments.values_list("pk", flat=True):
        data[f"rating_{pk}"] = rating
        data[f"comment_{pk}"] = comment
    return client.post(reverse("vote:submit", args=[round_.key]), data)


def test_a_rater_votes_without_logging_in(round_a, cadre_a) -> None:
    client = Client()
    code = codes_of(round_a)[0]
    page = client.get(reverse("vote:ballot", args=[round_a.key]))
    assert page.status_code == 200
    assert "匿名说明" in page.content.decode()
    # The code as printed (with a dash, in lower case) opens the ballot with the cadre on it.
    ballot = client.post(
        reverse("vote:ballot", args=[round_a.key]), {"code": codes.pretty(code).lower()}
    )
    assert ballot.status_code == 200
    assert cadre_a.name in ballot.content.decode()
    assert "基本称职" in ballot.content.decode()
    done = _submit(client, round_a, codes.pretty(code), comment="扎根基层，作风扎实")
    assert done.status_code == 200
    assert "投票成功" in done.content.decode()
    vote_row = Vote.objects.get()
    assert (vote_row.rating, vote_row.comment) == ("competent", "扎根基层，作风扎实")
    assert Code.objects.filter(round=round_a, used=True).count() == 1
    assert "sessionid" not in client.cookies


def test_one_use_per_code(round_a) -> None:
    code = codes_of(round_a)[0]
    assert _submit(Client(), round_a, code).status_code == 200
    again = _submit(Client(), round_a, code, rating="incompetent")
    assert again.status_code == 409
    assert "已经投过票" in again.content.decode()
    entry = Client().post(reverse("vote:ballot", args=[round_a.key]), {"code": code})
    assert entry.status_code == 409
    assert "已经投过票" in entry.content.decode()
    assert list(Vote.objects.values_list("rating", flat=True)) == ["competent"]


def test_voided_code_is_refused(round_a, host_liaison) -> None:
    code = codes_of(round_a)[1]
    actions.void_code(actor=host_liaison, round_=round_a, code_text=code)
    response = _submit(Client(), round_a, code)
    assert response.status_code == 409
    assert "已被作废" in response.content.decode()
    assert not Vote.objects.exists()


def test_voiding_says_the_same_whether_or_not_the_code_voted(round_a, host_liaison) -> None:
    """Telling "this one had voted" would show who has voted; the vote stays counted."""
    used, unused = codes_of(round_a)[:2]
    vote(round_a, used)
    assert actions.void_code(actor=host_liaison, round_=round_a, code_text=used).name == "干部职工"
    assert (
        actions.void_code(actor=host_liaison, round_=round_a, code_text=unused).name == "干部职工"
    )
    assert Vote.objects.count() == 1


def test_closed_round_takes_no_votes(round_a, host_liaison) -> None:
    code = codes_of(round_a)[0]
    close(round_a, host_liaison)
    page = Client().get(reverse("vote:ballot", args=[round_a.key]))
    assert "已经结束" in page.content.decode()
    response = _submit(Client(), round_a, code)
    assert response.status_code == 409
    assert "已经结束" in response.content.decode()
    assert not Vote.objects.exists()
    assert not Code.objects.filter(used=True).exists()


def test_a_code_of_another_round_does_not_vote_here(round_a, host_liaison, cadre_a) -> None:
    other = open_round(host_liaison, [cadre_a.secondments.get()], title="另一次测评")
    response = _submit(Client(), round_a, codes_of(other)[0])
    assert response.status_code == 400
    assert "测评码不正确" in response.content.decode()


def test_every_cadre_must_be_rated(host_liaison, cadre_a, units, cohort) -> None:
    from guazhi.roster.models import Cadre, Secondment

    second = Cadre.objects.create(
        name="王晓东",
        gender="M",
        birth_date="1988-01-01",
        id_number="110105198801010011",
        home_unit=units["dept_b"],
    )
    secondment = Secondment.objects.create(
        cadre=second,
        cohort=cohort,
        host_unit=units["village_a"],
        post="村党支部第一书记",
        start_date="2026-03-01",
        planned_end_date="2027-02-28",
        status="active",
    )
    round_ = open_round(host_liaison, [cadre_a.secondments.get(), secondment])
    code = codes_of(round_)[0]
    data = {"code": code, f"rating_{cadre_a.secondments.get().pk}": "excellent"}
    response = Client().post(reverse("vote:submit", args=[round_.key]), data)
    assert response.status_code == 400
    assert "请对王晓东作出评价" in response.content.decode()
    assert not Code.objects.filter(used=True).exists()
    assert _submit(Client(), round_, code).status_code == 200
    assert Vote.objects.count() == 2


def test_unknown_round_key_is_404(db) -> None:
    assert Client().get(reverse("vote:ballot", args=["NOSUCH"])).status_code == 404


@pytest.mark.parametrize("rating", ["", "excellent'--", "best"])
def test_ratings_outside_the_four_are_refused(round_a, rating) -> None:
    response = _submit(Client(), round_a, codes_of(round_a)[0], rating=rating)
    assert response.status_code == 400
    assert not Vote.objects.exists()
