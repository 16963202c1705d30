"""Two (or six) submissions of one code at the same moment make one ballot: on a real SQLite
file behind a threaded server, and on PostgreSQL with threads (CI's second run)."""

from __future__ import annotations

import re
import threading

import pytest
from django.db import connection
from evaluation_helpers import codes_of, open_round

from guazhi.evaluation import actions, codes
from guazhi.evaluation.actions import Choice
from guazhi.evaluation.models import Code, Vote
from tests.live_sqlite import sqlite_server

SETUP = """
from datetime import date
from guazhi.accounts.models import Role, User
from guazhi.evaluation import actions, codes
from guazhi.evaluation.models import Code, Round
from guazhi.roster.models import Cadre, Cohort, Secondment, Unit, UnitKind

town = Unit.objects.create(name="柳溪镇", kind=UnitKind.TOWN)
dept = Unit.objects.create(name="市发展和改革委员会", kind=UnitKind.DEPARTMENT)
cohort = Cohort.objects.create(
    name="2026年第二批", year=2026, start_date=date(2026, 3, 1), end_date=date(2027, 2, 28)
)
cadre = Cadre.objects.create(
    name="张建国", gender="M", birth_date=date(1985, 4, 12), id_number="110105198504120014",
    home_unit=dept,
)
secondment = Secondment.objects.create(
    cadre=cadre, cohort=cohort, host_unit=town, post="镇党委副书记",
    start_date=date(2026, 3, 1), planned_end_date=date(2027, 2, 28), status="active",
)
admin = User.objects.create_user(
    username="admin", password="Guazhi#2026", role=Role.PROGRAMME_ADMIN, must_change_password=False
)
round_ = actions.open_round(
    actor=admin, title="测评", secondments=[secondment],
    groups=[actions.GroupSpec("干部职工", 3)], min_ballots=5,
)
Round.objects.filter(pk=round_.pk).update(key="RACE23")
row = Code.objects.filter(round=round_).first()
Code.objects.filter(pk=row.pk).update(nonce=424242, digest=codes.digest(codes.code_for(424242)))
assert secondment.pk == 1 and round_.pk == 1
"""


def test_one_code_submitted_six_times_at_once_makes_one_ballot() -> None:
    code = codes.code_for(424242)
    with sqlite_server(SETUP, users=("admin",)) as server:
        data = {"code": code, "rating_1": "excellent", "comment_1": ""}
        statuses: list[int] = []
        barrier = threading.Barrier(6)

        def submit() -> None:
            barrier.wait()
            statuses.append(server.request("/vote/RACE23/submit/", data=data)[0])

        threads = [threading.Thread(target=submit) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(statuses) == [200, 409, 409, 409, 409, 409]
        _, page, _ = server.request("/evaluation/1/", session=server.sessions["admin"])
        counts = re.search(
            r"<td>干部职工</td><td>3</td><td>[^<]*</td>\s*<td>0</td><td>(\d+)</td>", page.decode()
        )
        assert counts is not None and counts.group(1) == "1"


@pytest.mark.django_db(transaction=True)
def test_postgresql_one_code_at_once_makes_one_ballot(host_liaison, cadre_a) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the SQLite file case is the test above")
    round_ = open_round(host_liaison, [cadre_a.secondments.get()])
    code = codes_of(round_)[0]
    choices = {cadre_a.secondments.get().pk: Choice("competent")}
    outcomes: list[str] = []
    barrier = threading.Barrier(4)

    def submit() -> None:
        try:
            barrier.wait()
            actions.cast_ballot(round_=round_, code_text=code, choices=choices)
            outcomes.append("cast")
        except actions.BallotRefused as e:
            outcomes.append(e.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["cast", *[actions.USED_CODE] * 3]
    assert Vote.objects.count() == 1
    assert Code.objects.filter(used=True).count() == 1
