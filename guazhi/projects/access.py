"""Permission-checking fetches for the key-project views: one accessor per access level.

Everything goes through `Project.objects.visible_to(user)`; a page the user may not use
answers 404, the same as a page that does not exist.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from guazhi.ledger.access import cadre_user
from guazhi.projects.models import Milestone, MilestoneTemplate, Project
from guazhi.roster.access import business_user, programme_admin


def get_visible_project(request: HttpRequest, pk: int) -> Project:
    user = business_user(request)
    return get_object_or_404(Project.objects.visible_to(user).with_related(), pk=pk)


def get_editable_project(request: HttpRequest, pk: int) -> Project:
    """The cadre's own project; 404 to everyone else."""
    user = cadre_user(request)
    return get_object_or_404(
        Project.objects.filter(secondment__cadre_id=user.cadre_id or 0).with_related(), pk=pk
    )


def get_editable_milestone(request: HttpRequest, pk: int) -> Milestone:
    user = cadre_user(request)
    return get_object_or_404(
        Milestone.objects.filter(project__secondment__cadre_id=user.cadre_id or 0).select_related(
            "project__secondment"
        ),
        pk=pk,
    )


def get_editable_template(request: HttpRequest, pk: int) -> MilestoneTemplate:
    programme_admin(request)
    return get_object_or_404(MilestoneTemplate, pk=pk)
