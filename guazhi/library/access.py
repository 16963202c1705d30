"""Permission-checking fetches for the library views: one accessor per object and access level.
A page the user may not use answers 404, like a page that does not exist."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from guazhi.accounts.models import User
from guazhi.library.models import Comment, Share, may_share
from guazhi.roster.access import business_user, programme_admin
from guazhi.writings.models import Writing

__all__ = ["business_user", "programme_admin"]


def get_visible_share(request: HttpRequest, pk: int) -> Share:
    user = business_user(request)
    return get_object_or_404(Share.objects.visible_to(user).with_related(), pk=pk)


def get_shareable_writing(request: HttpRequest, pk: int) -> Writing:
    """The cadre's own accepted writing; 404 to everyone else."""
    user = business_user(request)
    writing = get_object_or_404(Writing.objects.visible_to(user).with_related(), pk=pk)
    if not may_share(writing, user):
        raise Http404
    return writing


def get_own_share(request: HttpRequest, pk: int) -> Share:
    """A share of the user's own writing, shared now (to withdraw it)."""
    user = business_user(request)
    share = get_object_or_404(Share.objects.active().with_related(), pk=pk)
    if not share.writing.is_author(user):
        raise Http404
    return share


def get_commentable_share(request: HttpRequest, pk: int) -> tuple[User, Share]:
    user = business_user(request)
    share = get_visible_share(request, pk)
    if not share.may_comment(user):
        raise Http404
    return user, share


def get_own_comment(request: HttpRequest, pk: int) -> Comment:
    user = business_user(request)
    return get_object_or_404(
        Comment.objects.visible_to(user).filter(author_id=user.pk).select_related("share"), pk=pk
    )


def get_moderated_comment(request: HttpRequest, pk: int) -> Comment:
    """Any comment, for the programme admin (hide or restore); 404 to everyone else."""
    user = programme_admin(request)
    return get_object_or_404(Comment.objects.visible_to(user).select_related("share"), pk=pk)
