"""Permission-checking fetches for the contact and problem views: one accessor per object
and access level. Everything goes through the model's `visible_to(user)`; a page the user may
not use answers 404, the same as a page that does not exist."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from guazhi.contacts.models import Contact, Problem
from guazhi.ledger.access import cadre_user
from guazhi.roster.access import business_user


def get_visible_contact(request: HttpRequest, pk: int) -> Contact:
    user = business_user(request)
    return get_object_or_404(Contact.objects.visible_to(user).with_related(), pk=pk)


def get_editable_contact(request: HttpRequest, pk: int) -> Contact:
    """The cadre's own paired contact; 404 to everyone else."""
    user = cadre_user(request)
    return get_object_or_404(
        Contact.objects.filter(secondment__cadre_id=user.cadre_id or 0).with_related(), pk=pk
    )


def get_revealable_contact(request: HttpRequest, pk: int) -> Contact:
    """A contact whose full phone and ID numbers this user may see: the paired cadre's own,
    or any for the programme admin; 404 to everyone else."""
    user = business_user(request)
    contact = get_visible_contact(request, pk)
    if not contact.may_reveal(user):
        raise Http404
    return contact


def get_visible_problem(request: HttpRequest, pk: int) -> Problem:
    user = business_user(request)
    return get_object_or_404(Problem.objects.visible_to(user).with_related(), pk=pk)


def get_editable_problem(request: HttpRequest, pk: int) -> Problem:
    user = cadre_user(request)
    return get_object_or_404(
        Problem.objects.filter(secondment__cadre_id=user.cadre_id or 0).with_related(), pk=pk
    )
