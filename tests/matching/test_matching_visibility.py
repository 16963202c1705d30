"""Who sees which needs, resources and matches (docs/matching.md, "Who sees what")."""

from __future__ import annotations

import pytest

from guazhi.accounts.models import Role, User
from guazhi.matching.models import Match, Need, Resource
from tests.matching.matching_helpers import walk_targets

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(units, programme_admin, host_liaison, home_liaison, cadre_user, other_cadre_user):
    return walk_targets(programme_admin, host_liaison, home_liaison)


def _names(model, user: User, targets: dict[str, int]) -> set[str]:  # type: ignore[no-untyped-def]
    visible = set(model.objects.visible_to(user).values_list("pk", flat=True))
    prefix = {Need: "need", Resource: "resource", Match: "match"}[model]
    return {k for k, pk in targets.items() if k.startswith(prefix) and pk in visible}


def test_admin_sees_everything(world, programme_admin) -> None:
    assert _names(Need, programme_admin, world) == {"need_a", "need_b"}
    assert _names(Resource, programme_admin, world) == {"resource_a", "resource_b"}
    assert _names(Match, programme_admin, world) == {"match_a"}


def test_host_liaison_sees_their_needs_and_resources_offered_to_them(world, host_liaison) -> None:
    assert _names(Need, host_liaison, world) == {"need_a"}
    # resource_b is offered to 东关街道 only.
    assert _names(Resource, host_liaison, world) == {"resource_a"}
    assert _names(Match, host_liaison, world) == {"match_a"}


def test_home_liaison_sees_their_resources_and_open_needs(world, home_liaison) -> None:
    assert _names(Need, home_liaison, world) == {"need_a", "need_b"}
    assert _names(Resource, home_liaison, world) == {"resource_a"}
    assert _names(Match, home_liaison, world) == {"match_a"}


def test_home_liaison_loses_a_closed_need_unless_matched_to_them(
    world, home_liaison, programme_admin
) -> None:
    Need.objects.filter(pk=world["need_b"]).update(status="closed")
    Need.objects.filter(pk=world["need_a"]).update(status="matched")
    assert _names(Need, home_liaison, world) == {"need_a"}  # matched to their resource


def test_cadre_sees_their_districts_needs_and_home_units_resources(world, cadre_user) -> None:
    # 柳溪镇 and 东关街道 are both in 安平区, 张建国's host district.
    assert _names(Need, cadre_user, world) == {"need_a", "need_b"}
    assert _names(Resource, cadre_user, world) == {"resource_a"}  # 发改委, his home unit
    assert _names(Match, cadre_user, world) == {"match_a"}


def test_other_cadre_sees_their_own_home_units_resources_only(world, other_cadre_user) -> None:
    assert _names(Resource, other_cadre_user, world) == {"resource_b"}
    assert _names(Match, other_cadre_user, world) == set()


def test_cadre_posted_elsewhere_does_not_see_the_districts_needs(world, units, cadre_a) -> None:
    from guazhi.roster.models import Unit, UnitKind

    other_district = Unit.objects.create(
        name="临江区", kind=UnitKind.DISTRICT, parent=units["city"]
    )
    cadre_a.secondments.update(
        host_unit=Unit.objects.create(name="白沙镇", kind=UnitKind.TOWN, parent=other_district)
    )
    user = User.objects.get(cadre=cadre_a)
    assert _names(Need, user, world) == set()


def test_it_admins_see_nothing(world, system_admin, security_admin, audit_admin) -> None:
    for user in (system_admin, security_admin, audit_admin):
        assert user.role in {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}
        assert not Need.objects.visible_to(user).exists()
        assert not Resource.objects.visible_to(user).exists()
        assert not Match.objects.visible_to(user).exists()
