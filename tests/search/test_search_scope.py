"""Search finds only what the viewer may see: the ledger by `Entry.objects.visible_to`, writings
only once shared and only by the cohort (and the liaisons and admin in scope)."""

from __future__ import annotations

from datetime import date

import pytest
from search_helpers import search, titles, write_entry

from guazhi.accounts.models import Role, User
from guazhi.ledger.models import Entry
from guazhi.library import actions
from guazhi.library.models import Share
from guazhi.roster.models import Cadre, Cohort, Secondment, SecondmentStatus
from tests.conftest import ledger_entry
from tests.library.library_helpers import accepted_writing, shared_writing


@pytest.fixture
def two_towns(cadre_user, cadre_a, cadre_b, other_cadre_user):
    """An entry at each town with the same word (cadre_b is not on post yet: written directly,
    then indexed through the same function the actions call)."""
    from guazhi.lib import search_index

    write_entry(cadre_user, title="柳溪镇招商", text="柳溪镇招商引资签约。")
    other = ledger_entry(
        cadre_b.secondments.get(), other_cadre_user, title="东关街道招商", text="东关街道招商。"
    )
    search_index.index_entries([other])


def test_host_liaison_never_sees_another_towns_entries(client_for, host_liaison, two_towns):
    assert titles(client_for(host_liaison), "招商") == ["柳溪镇招商"]


def test_home_liaison_sees_their_own_cadres_entries(client_for, home_liaison, two_towns):
    assert titles(client_for(home_liaison), "招商") == ["柳溪镇招商"]


def test_a_cadre_finds_only_their_own_entries(client_for, cadre_user, other_cadre_user, two_towns):
    assert titles(client_for(cadre_user), "招商") == ["柳溪镇招商"]
    assert titles(client_for(other_cadre_user), "招商") == ["东关街道招商"]


def test_the_admin_finds_everything(client_for, programme_admin, two_towns):
    assert set(titles(client_for(programme_admin), "招商")) == {"柳溪镇招商", "东关街道招商"}


@pytest.mark.parametrize("role", ["system_admin", "security_admin", "audit_admin"])
def test_it_admins_have_no_search(client_for, request, role, two_towns):
    user = request.getfixturevalue(role)
    assert client_for(user).get("/search/", {"q": "招商"}).status_code == 404


def test_search_agrees_with_entry_visible_to(
    client_for, programme_admin, host_liaison, home_liaison, cadre_user, other_cadre_user, two_towns
):
    for user in (programme_admin, host_liaison, home_liaison, cadre_user, other_cadre_user):
        expected = set(Entry.objects.visible_to(user).values_list("title", flat=True))
        assert set(titles(client_for(user), "招商")) == expected, user


# --- Writings -----------------------------------------------------------------------------------


@pytest.fixture
def writings(cadre_a, cadre_user):
    secondment = cadre_a.secondments.get()
    unshared = accepted_writing(
        secondment, cadre_user, title="未分享的体会", text="乡村振兴要靠产业。"
    )
    shared = shared_writing(secondment, cadre_user, title="分享的体会", text="乡村振兴要靠人才。")
    return unshared, shared


@pytest.fixture
def stranger(units):
    """A cadre of another cohort, on post at 柳溪镇 too."""
    cohort = Cohort.objects.create(
        name="2025年第一批", year=2025, start_date=date(2025, 3, 1), end_date=date(2026, 2, 28)
    )
    cadre = Cadre.objects.create(
        name="赵外批",
        gender="M",
        birth_date=date(1988, 1, 1),
        id_number="110105198801010011",
        home_unit=units["dept_b"],
    )
    Secondment.objects.create(
        cadre=cadre,
        cohort=cohort,
        host_unit=units["town_a"],
        post="镇长助理",
        start_date=date(2025, 3, 1),
        planned_end_date=date(2026, 2, 28),
        status=SecondmentStatus.COMPLETED,
    )
    return User.objects.create_user(
        username="zhaowaipi",
        password="Guazhi#2026",
        role=Role.CADRE,
        cadre=cadre,
        must_change_password=False,
    )


def test_an_unshared_writing_is_never_found_by_another_cadre(
    client_for, other_cadre_user, writings
):
    assert titles(client_for(other_cadre_user), "乡村振兴") == ["分享的体会"]
    assert titles(client_for(other_cadre_user), "产业") == []


def test_a_cadre_of_another_cohort_does_not_find_the_cohorts_writings(
    client_for, stranger, writings
):
    assert titles(client_for(stranger), "乡村振兴") == []


def test_liaisons_in_scope_and_the_admin_find_the_shared_writing(
    client_for, programme_admin, host_liaison, home_liaison, writings
):
    for user in (programme_admin, host_liaison, home_liaison):
        assert titles(client_for(user), "乡村振兴") == ["分享的体会"], user


def test_a_withdrawn_share_is_no_longer_found(client_for, cadre_user, other_cadre_user, writings):
    _, share = writings
    actions.withdraw_share(actor=cadre_user, share=share, version=share.version)
    assert titles(client_for(other_cadre_user), "乡村振兴") == []
    actions.share_writing(actor=cadre_user, writing=share.writing)
    assert titles(client_for(other_cadre_user), "乡村振兴") == ["分享的体会"]


def test_a_stray_index_row_is_not_shown(client_for, other_cadre_user, writings):
    """Belt and braces: the page reads hits through the pages' QuerySets, so a row the index
    should not hold (here: a share switched off behind the index's back) is dropped."""
    _, share = writings
    Share.objects.filter(pk=share.pk).update(is_active=False)
    assert search(client_for(other_cadre_user), "乡村振兴").context["results"] == []
