"""The fieldwork demo seeder gives on-post secondments projects, contacts, visits and
problems that pass the models' own checks, and a second call creates nothing."""

from __future__ import annotations

import pytest

from guazhi.contacts.demo_data import seed_fieldwork
from guazhi.contacts.models import Contact, ContactVisit, Problem
from guazhi.projects.models import Milestone, Project


@pytest.mark.django_db
def test_seed_is_believable_and_idempotent(cadre_user, cadre_a, cadre_b, entry_a) -> None:
    created = seed_fieldwork(rng_seed=7)
    # cadre_a is on post at a town (and has an account: a fuller list); cadre_b is 待报到.
    assert created["projects"] == Project.objects.count() == 1
    assert created["contacts"] == Contact.objects.count() == 9
    assert created["visits"] == ContactVisit.objects.count() > 0
    assert created["problems"] == Problem.objects.count() > 0
    project = Project.objects.get()
    assert project.name == "盐穴压缩空气储能电站项目"
    assert project.secondment.cadre == cadre_a
    assert project.milestones.count() == 7
    for obj in [*Contact.objects.all(), *Problem.objects.all(), *Milestone.objects.all()]:
        obj.full_clean()
    assert not Contact.objects.filter(secondment__cadre=cadre_b).exists()

    assert seed_fieldwork(rng_seed=7) == {"projects": 0, "contacts": 0, "visits": 0, "problems": 0}
    assert Contact.objects.count() == 9
