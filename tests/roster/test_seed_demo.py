"""`manage.py seed_demo`: a whole demo programme, loadable twice without changing anything."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from guazhi.accounts.models import Role, User
from guazhi.lib.identity import (
    birth_date_from_id,
    gender_from_id,
    normalize_id_number,
    normalize_mobile,
)
from guazhi.roster import demo_data
from guazhi.roster.models import Cadre, Cohort, Secondment, SecondmentStatus, Unit, UnitKind

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        "units": Unit.objects.count(),
        "cohorts": Cohort.objects.count(),
        "cadres": Cadre.objects.count(),
        "secondments": Secondment.objects.count(),
        "users": User.objects.count(),
    }


def _seed(*, ledger: bool = False) -> str:
    """The roster part by default (seconds); the ledger on request (it writes ~7,000 entries)."""
    out = StringIO()
    call_command("seed_demo", stdout=out, without_ledger=not ledger)
    return out.getvalue()


@pytest.fixture
def seeded():
    _seed()


def test_second_run_changes_nothing():
    first_output = _seed()
    counts = _counts()
    snapshot = list(Secondment.objects.order_by("pk").values())
    passwords = dict(User.objects.values_list("username", "password"))

    second_output = _seed()

    assert _counts() == counts
    assert list(Secondment.objects.order_by("pk").values()) == snapshot
    assert dict(User.objects.values_list("username", "password")) == passwords
    assert "Demo data loaded" in first_output
    assert "nothing changed" in second_output


def test_programme_shape(seeded):
    assert Unit.objects.filter(kind=UnitKind.PROVINCE).count() == 1
    assert Unit.objects.filter(kind=UnitKind.CITY).count() == 1
    assert Unit.objects.filter(kind=UnitKind.DISTRICT).count() == 3
    towns = Unit.objects.filter(kind__in=[UnitKind.TOWN, UnitKind.SUBDISTRICT])
    assert towns.count() == 12
    for town in towns:
        assert 2 <= town.children.count() <= 4, town.name
    assert Unit.objects.filter(kind=UnitKind.DEPARTMENT).count() == 15
    assert Cohort.objects.count() == 3
    assert 100 <= Cadre.objects.count() <= 140


def test_every_status_with_sensible_dates(seeded):
    statuses = Counter(Secondment.objects.values_list("status", flat=True))
    assert set(statuses) == set(SecondmentStatus.values)
    for s in Secondment.objects.all():
        assert s.planned_end_date > s.start_date
        ended = s.status in (SecondmentStatus.COMPLETED, SecondmentStatus.ENDED_EARLY)
        assert (s.actual_end_date is not None) == ended, s
        if ended:
            assert s.start_date < s.actual_end_date <= s.planned_end_date
        assert s.post and s.duty_list


def test_cadres_have_valid_personal_data(seeded):
    for cadre in Cadre.objects.all():
        assert normalize_id_number(cadre.id_number) == cadre.id_number
        assert cadre.id_number.startswith("42")  # the province's region code
        assert birth_date_from_id(cadre.id_number) == cadre.birth_date
        assert 1980 <= cadre.birth_date.year <= 1995
        assert gender_from_id(cadre.id_number) == cadre.gender
        assert normalize_mobile(cadre.mobile) == cadre.mobile
        assert cadre.original_post and cadre.rank and cadre.education
        assert 2 <= len(cadre.name) <= 3


@pytest.mark.parametrize("role", Role.values)
def test_every_role_has_a_demo_login(seeded, role):
    user = User.objects.get(
        role=role, username__in=[u.username for u in demo_data.build_plan().users]
    )
    assert not user.must_change_password
    client = Client()
    response = client.post(
        reverse("login"), {"username": user.username, "password": demo_data.PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_liaisons_have_several_cadres(seeded):
    host = User.objects.get(role=Role.HOST_LIAISON)
    home = User.objects.get(role=Role.HOME_LIAISON)
    demo_cadre = User.objects.get(role=Role.CADRE)
    assert Secondment.objects.visible_to(host).count() >= 5
    assert Cadre.objects.visible_to(home).count() >= 5
    mine = Secondment.objects.visible_to(demo_cadre)
    assert mine.count() == 1
    assert mine.get().status == SecondmentStatus.ACTIVE
    assert mine.get() in Secondment.objects.visible_to(host)
    assert demo_cadre.cadre in Cadre.objects.visible_to(home)


def test_demo_has_a_ledger_and_a_second_run_adds_none():
    from guazhi.ledger.models import Entry, EntryStatus

    first = _seed(ledger=True)
    count = Entry.objects.count()
    assert count > 1000
    assert "工作纪实" in first
    assert Entry.objects.filter(status=EntryStatus.CONFIRMED).count() > count / 2
    assert Entry.objects.filter(figures__isnull=False).distinct().count() > count / 2
    assert "nothing changed" in _seed(ledger=True)
    assert Entry.objects.count() == count
