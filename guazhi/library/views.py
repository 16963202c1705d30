"""The shared library (交流) pages: the list of shared writings a viewer's cohorts hold, one
shared writing with its comments, sharing and withdrawing (the author), commenting (the
cohort's cadres), and the programme admin's comment moderation.

Objects come through `guazhi.library.access`; the changes are `guazhi.library.actions`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from guazhi.audit.log import client_ip
from guazhi.library import actions
from guazhi.library.access import (
    business_user,
    get_commentable_share,
    get_moderated_comment,
    get_own_comment,
    get_own_share,
    get_shareable_writing,
    get_visible_share,
    programme_admin,
)
from guazhi.library.forms import (
    CommentForm,
    HideForm,
    ModerationFilterForm,
    ShareFilterForm,
    VersionForm,
)
from guazhi.library.models import Comment, Share
from guazhi.roster.forms import add_validation_errors

PAGE_SIZE = 20


def share_list(request: HttpRequest) -> HttpResponse:
    user = business_user(request)
    form = ShareFilterForm(request.GET or None, user=user)
    shares = (
        form.filter(Share.objects.visible_to(user))
        .with_related()
        .annotate(comment_count=Count("comments", filter=Q(comments__is_hidden=False)))
        .order_by("-shared_at", "-pk")
    )
    page = Paginator(shares, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "library/share_list.html", {"form": form, "page": page})


def _detail(
    request: HttpRequest, share: Share, comment_form: CommentForm | None = None
) -> HttpResponse:
    user = business_user(request)
    comments = (
        Comment.objects.visible_to(user)
        .filter(share=share)
        .select_related("author", "hidden_by")
        .order_by("created_at", "pk")
    )
    may_comment = share.may_comment(user)
    return render(
        request,
        "library/share_detail.html",
        {
            "share": share,
            "writing": share.writing,
            "comments": comments,
            "comment_form": comment_form or (CommentForm() if may_comment else None),
            "is_author": share.writing.is_author(user),
        },
    )


def share_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_visible_share(request, pk))


@require_POST
def share_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Share the cadre's accepted writing `pk` (the button on the writing's page)."""
    writing = get_shareable_writing(request, pk)
    try:
        share = actions.share_writing(actor=request.user, writing=writing, ip=client_ip(request))  # type: ignore[arg-type]
    except actions.StaleLibraryForm as e:
        messages.info(request, e.message)
        return redirect(writing.get_absolute_url())
    messages.success(request, "已分享到同批次交流，同批次干部可以阅读和评论。")
    return redirect(share)


@require_POST
def share_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    share = get_own_share(request, pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "页面已过期，请刷新后再操作。")
        return redirect(share.writing.get_absolute_url())
    try:
        actions.withdraw_share(
            actor=request.user,  # type: ignore[arg-type]
            share=share,
            version=form.cleaned_data["version"],
            ip=client_ip(request),
        )
    except actions.StaleLibraryForm as e:
        messages.error(request, e.message)
    else:
        messages.success(request, "已撤回分享。评论会保留，再次分享时恢复显示。")
    return redirect(share.writing.get_absolute_url())


# --- Comments -----------------------------------------------------------------------------------


@require_POST
def comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    user, share = get_commentable_share(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            actions.post_comment(
                actor=user, share=share, text=form.cleaned_data["text"], ip=client_ip(request)
            )
        except ValidationError as e:
            add_validation_errors(form, e)
        else:
            messages.success(request, "评论已发表。")
            return redirect(f"{share.get_absolute_url()}#comments")
    return _detail(request, share, comment_form=form)


@require_POST
def comment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_own_comment(request, pk)
    actions.delete_comment(actor=request.user, comment=comment, ip=client_ip(request))  # type: ignore[arg-type]
    messages.success(request, "评论已删除。")
    return redirect(f"{comment.share.get_absolute_url()}#comments")


def _back(request: HttpRequest, comment: Comment) -> HttpResponse:
    """Back to the moderation queue, or to the shared writing, wherever the admin acted."""
    if request.POST.get("next") == "moderation":
        return redirect("library:moderation")
    return redirect(f"{comment.share.get_absolute_url()}#comments")


@require_POST
def comment_hide(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_moderated_comment(request, pk)
    form = HideForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return _back(request, comment)
    try:
        actions.set_comment_hidden(
            actor=request.user,  # type: ignore[arg-type]
            comment=comment,
            hidden=True,
            version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
            ip=client_ip(request),
        )
    except (actions.StaleLibraryForm, ValidationError) as e:
        messages.error(request, getattr(e, "message", str(e)))
    else:
        messages.success(request, "评论已隐藏，评论人会看到隐藏原因。")
    return _back(request, comment)


@require_POST
def comment_restore(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_moderated_comment(request, pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "页面已过期，请刷新后再操作。")
        return _back(request, comment)
    try:
        actions.set_comment_hidden(
            actor=request.user,  # type: ignore[arg-type]
            comment=comment,
            hidden=False,
            version=form.cleaned_data["version"],
            ip=client_ip(request),
        )
    except actions.StaleLibraryForm as e:
        messages.error(request, e.message)
    else:
        messages.success(request, "评论已恢复显示。")
    return _back(request, comment)


def moderation(request: HttpRequest) -> HttpResponse:
    """The admin's queue: every comment, newest first, hidden ones filterable."""
    user = programme_admin(request)
    form = ModerationFilterForm(request.GET or None)
    comments = Comment.objects.visible_to(user)
    if form.is_valid() and form.cleaned_data["state"]:
        comments = comments.filter(is_hidden=form.cleaned_data["state"] == "hidden")
    comments = comments.select_related(
        "author", "hidden_by", "share__writing__secondment__cadre", "share__cohort"
    ).order_by("-created_at", "-pk")
    page = Paginator(comments, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "library/moderation.html", {"form": form, "page": page})
