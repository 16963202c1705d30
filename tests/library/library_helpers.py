"""Shared writings and comments for the library and search tests and the permission walk."""

from __future__ import annotations

from typing import Any

from guazhi.accounts.models import User
from guazhi.library import actions
from guazhi.library.models import Comment, Share
from guazhi.roster.models import Secondment


def accepted_writing(secondment: Secondment, user: User, **fields: Any):  # type: ignore[no-untyped-def]
    from tests.conftest import submitted_writing

    return submitted_writing(secondment, user, status="accepted", **fields)


def shared_writing(secondment: Secondment, user: User, **fields: Any) -> Share:
    """An accepted writing of `user` (the author), shared through the action (so indexed)."""
    writing = accepted_writing(secondment, user, **fields)
    return actions.share_writing(actor=user, writing=writing)


def library_targets(cadre_a: Any, cadre_user: User, other_cadre_user: User) -> dict[str, int]:
    """Permission-walk targets: 张建国's accepted writing not yet shared, his shared writing and
    a comment on it by 李秀英 (same cohort)."""
    secondment = cadre_a.secondments.get()
    unshared = accepted_writing(secondment, cadre_user, title="第一季度小结")
    share = shared_writing(secondment, cadre_user, title="招商引资工作体会")
    comment = Comment.objects.create(share=share, author=other_cadre_user, text="很受启发。")
    return {"writing_accepted_a": unshared.pk, "share_a": share.pk, "comment_a": comment.pk}
