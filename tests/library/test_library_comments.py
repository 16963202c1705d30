"""Comments: the cohort's cadres post; the author deletes their own; the programme admin hides
(with a reason, seen by the author) and restores; every step is audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from library_helpers import shared_writing

from guazhi.audit.models import AuditRecord, Event
from guazhi.library import actions
from guazhi.library.models import Comment


@pytest.fixture
def share(cadre_a, cadre_user):
    return shared_writing(cadre_a.secondments.get(), cadre_user, title="招商引资工作体会")


def _post(client, share, text):  # type: ignore[no-untyped-def]
    return client.post(reverse("library:comment_add", args=[share.pk]), {"text": text})


def test_cohort_cadres_comment(client_for, cadre_user, other_cadre_user, share):
    response = _post(client_for(other_cadre_user), share, "很受启发，<b>值得</b>学习。")
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.author == other_cadre_user
    page = client_for(cadre_user).get(share.get_absolute_url()).content.decode()
    assert "很受启发，&lt;b&gt;值得&lt;/b&gt;学习。" in page
    assert AuditRecord.objects.filter(event=Event.CREATE, object_type="library.comment").exists()


@pytest.mark.parametrize("role", ["programme_admin", "host_liaison", "home_liaison"])
def test_readers_who_are_not_cadres_do_not_comment(client_for, request, role, share):
    user = request.getfixturevalue(role)
    assert _post(client_for(user), share, "评论").status_code == 404
    with pytest.raises(actions.LibraryPermissionError):
        actions.post_comment(actor=user, share=share, text="评论")
    assert "发表评论" not in client_for(user).get(share.get_absolute_url()).content.decode()


def test_an_empty_or_long_comment_is_refused_in_chinese(client_for, other_cadre_user, share):
    client = client_for(other_cadre_user)
    assert "请填写评论内容。" in _post(client, share, "  ").content.decode()
    assert "评论最多 1000 字" in _post(client, share, "长" * 1001).content.decode()
    with pytest.raises(ValidationError):
        actions.post_comment(actor=other_cadre_user, share=share, text=" ")
    assert not Comment.objects.exists()


def test_the_author_deletes_their_own_comment_only(client_for, cadre_user, other_cadre_user, share):
    comment = actions.post_comment(actor=other_cadre_user, share=share, text="学习了。")
    url = reverse("library:comment_delete", args=[comment.pk])
    assert client_for(cadre_user).post(url).status_code == 404
    assert client_for(other_cadre_user).post(url).status_code == 302
    assert not Comment.objects.exists()
    record = AuditRecord.objects.get(event=Event.DELETE, object_type="library.comment")
    assert record.before["评论"] == "学习了。"


def test_the_admin_hides_and_restores(
    client_for, programme_admin, cadre_user, other_cadre_user, share
):
    comment = actions.post_comment(actor=other_cadre_user, share=share, text="广告内容")
    admin = client_for(programme_admin)
    response = admin.post(
        reverse("library:comment_hide", args=[comment.pk]),
        {"version": comment.version, "reason": "与交流无关", "next": "moderation"},
    )
    assert response["Location"] == reverse("library:moderation")
    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_by == programme_admin

    # Others no longer see it; its author sees it marked with the reason; the admin sees it.
    assert "广告内容" not in client_for(cadre_user).get(share.get_absolute_url()).content.decode()
    own = client_for(other_cadre_user).get(share.get_absolute_url()).content.decode()
    assert "广告内容" in own and "已被管理员隐藏：与交流无关" in own
    queue = admin.get(reverse("library:moderation"), {"state": "hidden"}).content.decode()
    assert "广告内容" in queue and "与交流无关" in queue

    admin.post(reverse("library:comment_restore", args=[comment.pk]), {"version": comment.version})
    comment.refresh_from_db()
    assert not comment.is_hidden and comment.hide_reason == ""
    assert "广告内容" in client_for(cadre_user).get(share.get_absolute_url()).content.decode()
    details = list(
        AuditRecord.objects.filter(object_type="library.comment", event=Event.STATUS_CHANGE)
        .order_by("pk")
        .values_list("detail", flat=True)
    )
    assert details == ["隐藏交流评论：与交流无关", "恢复显示交流评论"]


def test_hiding_needs_a_reason(client_for, programme_admin, other_cadre_user, share):
    comment = actions.post_comment(actor=other_cadre_user, share=share, text="评论")
    response = client_for(programme_admin).post(
        reverse("library:comment_hide", args=[comment.pk]),
        {"version": comment.version},
        follow=True,
    )
    assert "隐藏评论时请填写原因" in response.content.decode()
    comment.refresh_from_db()
    assert not comment.is_hidden


def test_two_admins_hiding_at_once(programme_admin, other_cadre_user, share):
    comment = actions.post_comment(actor=other_cadre_user, share=share, text="评论")
    actions.set_comment_hidden(
        actor=programme_admin, comment=comment, hidden=True, version=1, reason="重复"
    )
    with pytest.raises(actions.StaleLibraryForm):
        actions.set_comment_hidden(
            actor=programme_admin, comment=comment, hidden=True, version=1, reason="重复"
        )


@pytest.mark.parametrize("role", ["host_liaison", "cadre_user", "other_cadre_user"])
def test_only_the_admin_moderates(client_for, request, role, other_cadre_user, share):
    comment = actions.post_comment(actor=other_cadre_user, share=share, text="评论")
    user = request.getfixturevalue(role)
    client = client_for(user)
    url = reverse("library:comment_hide", args=[comment.pk])
    assert client.post(url, {"version": 1, "reason": "x"}).status_code == 404
    assert client.get(reverse("library:moderation")).status_code == 404
    with pytest.raises(actions.LibraryPermissionError):
        actions.set_comment_hidden(actor=user, comment=comment, hidden=True, version=1, reason="x")


def test_comment_counts_on_the_list_leave_out_hidden_ones(
    client_for, programme_admin, other_cadre_user, share
):
    actions.post_comment(actor=other_cadre_user, share=share, text="一")
    hidden = actions.post_comment(actor=other_cadre_user, share=share, text="二")
    actions.set_comment_hidden(
        actor=programme_admin, comment=hidden, hidden=True, version=1, reason="无关"
    )
    page = client_for(other_cadre_user).get(reverse("library:share_list")).content.decode()
    assert "1 条评论" in page
