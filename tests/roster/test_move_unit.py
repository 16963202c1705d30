"""Moving a unit rewrites the materialised paths of everything below it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from guazhi.audit.models import AuditRecord, Event
from guazhi.roster import actions
from guazhi.roster.models import Unit


def test_move_rewrites_the_subtree(programme_admin, units):
    town, village, city = units["town_a"], units["village_a"], units["city"]
    actions.move_unit(actor=programme_admin, unit=town, parent=city)
    town.refresh_from_db()
    village.refresh_from_db()
    assert town.path == f"{city.path}{town.pk}/"
    assert village.path == f"{town.path}{village.pk}/"
    assert list(Unit.objects.subtree(city).filter(pk=village.pk)) == [village]
    assert not Unit.objects.subtree(units["district"]).filter(pk=village.pk).exists()
    audit = AuditRecord.objects.get(event=Event.EDIT)
    assert audit.before == {"parent": "安平区"} and audit.after == {"parent": "青川市"}


def test_a_unit_cannot_move_below_itself(programme_admin, units):
    with pytest.raises(ValidationError):
        actions.move_unit(actor=programme_admin, unit=units["town_a"], parent=units["village_a"])
