"""Changes to the shared library. Each locks what it changes, checks who acts and the version the
form showed, saves the changed columns and writes the audit record — and, for sharing, the
search index row — in one short transaction.

Actions take the acting user (`actor`) and the client address (`ip`), never a request. They
raise `LibraryPermissionError` when the actor may not act (the views answer 404 before that),
`StaleLibraryForm` when the row changed since the page was shown, and `ValidationError` with a
Chinese message for bad input.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from guazhi.accounts.models import User
from guazhi.audit.log import record
from guazhi.audit.models import Event
from guazhi.lib import search_index
from guazhi.library.models import MAX_COMMENT, Comment, Share, may_share
from guazhi.writings.models import Writing


class LibraryPermissionError(Exception):
    """The actor may not do this (views answer 404 before it gets here)."""


class StaleLibraryForm(Exception):
    def __init__(self, message: str = "内容已被他人修改，请刷新页面后再操作。") -> None:
        super().__init__(message)
        self.message = message


# --- Sharing ------------------------------------------------------------------------------------


@transaction.atomic
def share_writing(*, actor: User, writing: Writing, ip: str = "") -> Share:
    """Share an accepted writing with the author's cohort (again, if it was withdrawn)."""
    locked = Writing.objects.select_for_update().select_related("secondment").get(pk=writing.pk)
    if not may_share(locked, actor):
        raise LibraryPermissionError
    share = Share.objects.select_for_update().filter(writing=locked).first()
    now = timezone.now()
    if share is not None and share.is_active:
        raise StaleLibraryForm("这篇材料已经分享到同批次交流，无需重复分享。")
    if share is None:
        share = Share.objects.create(
            writing=locked, cohort_id=locked.secondment.cohort_id, shared_by=actor, shared_at=now
        )
    else:
        share.is_active = True
        share.shared_by = actor
        share.shared_at = now
        share.withdrawn_at = None
        share.version += 1
        share.save(update_fields=["is_active", "shared_by", "shared_at", "withdrawn_at", "version"])
    search_index.index_share(share, timezone.localdate(now))
    record(
        event=Event.CREATE,
        user=actor,
        ip=ip,
        obj=share,
        detail=f"分享材料“{locked.title}”到同批次交流",
        after={"状态": "分享中"},
    )
    return share


@transaction.atomic
def withdraw_share(*, actor: User, share: Share, version: int, ip: str = "") -> Share:
    """The author takes the writing back out of the library; comments are kept, hidden with
    it, and return if it is shared again."""
    locked = (
        Share.objects.select_for_update().select_related("writing__secondment").get(pk=share.pk)
    )
    if not locked.writing.is_author(actor):
        raise LibraryPermissionError
    if locked.version != version or not locked.is_active:
        raise StaleLibraryForm("这篇材料的分享状态已变更，请刷新页面。")
    locked.is_active = False
    locked.withdrawn_at = timezone.now()
    locked.version += 1
    locked.save(update_fields=["is_active", "withdrawn_at", "version"])
    search_index.remove(search_index.WRITING, [locked.writing_id])
    record(
        event=Event.STATUS_CHANGE,
        user=actor,
        ip=ip,
        obj=locked,
        detail=f"撤回分享的材料“{locked.writing.title}”",
        before={"状态": "分享中"},
        after={"状态": "已撤回"},
    )
    return locked


# --- Comments -----------------------------------------------------------------------------------


def post_comment(*, actor: User, share: Share, text: str, ip: str = "") -> Comment:
    text = text.strip()
    if not text:
        raise ValidationError("请填写评论内容。")
    if len(text) > MAX_COMMENT:
        raise ValidationError(f"评论最多 {MAX_COMMENT} 字（现有 {len(text)} 字）。")
    with transaction.atomic():
        locked = Share.objects.select_for_update().get(pk=share.pk)
        if not locked.may_comment(actor):
            raise LibraryPermissionError
        comment = Comment.objects.create(share=locked, author=actor, text=text)
        record(
            event=Event.CREATE,
            user=actor,
            ip=ip,
            obj=comment,
            detail=f"评论交流材料“{share.writing.title}”"[:500],
            after={"评论": text},
        )
    return comment


@transaction.atomic
def delete_comment(*, actor: User, comment: Comment, ip: str = "") -> None:
    """The author removes their own comment; the audit record keeps its text."""
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    if locked.author_id != actor.pk:
        raise LibraryPermissionError
    record(
        event=Event.DELETE,
        user=actor,
        ip=ip,
        obj=locked,
        detail="删除本人的交流评论",
        before={"评论": locked.text, "已隐藏": locked.is_hidden},
    )
    locked.delete()


@transaction.atomic
def set_comment_hidden(
    *, actor: User, comment: Comment, hidden: bool, version: int, reason: str = "", ip: str = ""
) -> Comment:
    """The programme admin hides a comment (with a reason) or restores it."""
    if not actor.is_programme_admin:
        raise LibraryPermissionError
    reason = reason.strip()[:200]
    if hidden and not reason:
        raise ValidationError("隐藏评论时请填写原因（评论人可以看到）。")
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    if locked.version != version or locked.is_hidden == hidden:
        raise StaleLibraryForm("这条评论的状态已被他人变更，请刷新页面。")
    locked.is_hidden = hidden
    locked.hidden_by = actor if hidden else None
    locked.hidden_at = timezone.now() if hidden else None
    locked.hide_reason = reason if hidden else ""
    locked.version += 1
    locked.save(update_fields=["is_hidden", "hidden_by", "hidden_at", "hide_reason", "version"])
    record(
        event=Event.STATUS_CHANGE,
        user=actor,
        ip=ip,
        obj=locked,
        detail=(f"隐藏交流评论：{reason}" if hidden else "恢复显示交流评论")[:500],
        before={"状态": "已隐藏" if not hidden else "显示"},
        after={"状态": "已隐藏" if hidden else "显示"},
    )
    return locked
