"""The demo posts the labelled needs and resources with proposed, accepted and declined
matches, through the actions (audited); once only."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from guazhi.accounts.models import User
from guazhi.audit.models import AuditRecord
from guazhi.matching.catalogue import NEEDS, RESOURCES
from guazhi.matching.dashboard import stale_needs
from guazhi.matching.demo_data import seed_matching
from guazhi.matching.models import Match, MatchStatus, Need, Resource

pytestmark = pytest.mark.django_db


def test_the_demo_matching() -> None:
    call_command("seed_demo", "--without-ledger", verbosity=0)
    admin = User.objects.get(username="zzb_admin")
    assert seed_matching(admin=admin) == len(NEEDS)
    assert Resource.objects.count() == len(RESOURCES)
    statuses = {m.status for m in Match.objects.all()}
    assert statuses == {MatchStatus.PROPOSED, MatchStatus.ACCEPTED, MatchStatus.DECLINED}
    accepted = Match.objects.filter(status=MatchStatus.ACCEPTED)
    assert accepted.count() >= 5
    assert all(m.project_id or m.problem_id for m in accepted)
    assert accepted.filter(project__isnull=False).exists()
    assert accepted.filter(problem__isnull=False).exists()
    # 陈思远's own resource, accepted for her host town: her problem-list item.
    mine = Match.objects.get(resource__cadre__name="陈思远")
    assert mine.status == MatchStatus.ACCEPTED and mine.secondment.cadre.name == "陈思远"
    assert stale_needs(admin).count() >= 3
    host = User.objects.get(username="liuxi_host")
    assert Need.objects.visible_to(host).filter(created_by=host).exists()
    assert AuditRecord.objects.filter(object_type="matching.need").count() == len(NEEDS)

    assert seed_matching(admin=admin) == 0
    assert Need.objects.count() == len(NEEDS)
