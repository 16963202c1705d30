"""Sharing: only the author, only an accepted writing; the cohort's cadres, the liaisons in scope
and the admin read it; withdrawing hides it (comments kept) until it is shared again."""

from __future__ import annotations

import pytest
from django.urls import reverse
from library_helpers import accepted_writing, shared_writing

from guazhi.audit.models import AuditRecord
from guazhi.library import actions
from guazhi.library.models import Comment, Share
from tests.conftest import submitted_writing


@pytest.fixture
def accepted(cadre_a, cadre_user):
    return accepted_writing(cadre_a.secondments.get(), cadre_user, title="招商引资工作体会")


def test_the_author_shares_an_accepted_writing(client_for, cadre_user, accepted):
    response = client_for(cadre_user).post(reverse("library:share_create", args=[accepted.pk]))
    share = Share.objects.get(writing=accepted)
    assert response["Location"] == share.get_absolute_url()
    assert share.is_active and share.cohort_id == accepted.secondment.cohort_id
    audit = AuditRecord.objects.filter(object_type="library.share").get()
    assert "分享材料“招商引资工作体会”" in audit.detail


@pytest.mark.parametrize("status", ["draft", "submitted", "returned"])
def test_only_an_accepted_writing_can_be_shared(client_for, cadre_a, cadre_user, status):
    writing = submitted_writing(cadre_a.secondments.get(), cadre_user, status=status)
    response = client_for(cadre_user).post(reverse("library:share_create", args=[writing.pk]))
    assert response.status_code == 404
    with pytest.raises(actions.LibraryPermissionError):
        actions.share_writing(actor=cadre_user, writing=writing)
    assert not Share.objects.exists()


@pytest.mark.parametrize(
    "role", ["programme_admin", "host_liaison", "home_liaison", "other_cadre_user"]
)
def test_nobody_but_the_author_shares(client_for, request, role, accepted):
    user = request.getfixturevalue(role)
    response = client_for(user).post(reverse("library:share_create", args=[accepted.pk]))
    assert response.status_code == 404
    with pytest.raises(actions.LibraryPermissionError):
        actions.share_writing(actor=user, writing=accepted)


def test_sharing_twice_says_so(client_for, cadre_user, accepted):
    actions.share_writing(actor=cadre_user, writing=accepted)
    response = client_for(cadre_user).post(
        reverse("library:share_create", args=[accepted.pk]), follow=True
    )
    assert "已经分享到同批次交流" in response.content.decode()
    assert Share.objects.count() == 1


def test_who_sees_the_shared_writing(
    client_for,
    programme_admin,
    host_liaison,
    home_liaison,
    cadre_user,
    other_cadre_user,
    system_admin,
    accepted,
):
    share = actions.share_writing(actor=cadre_user, writing=accepted)
    for user in (programme_admin, host_liaison, home_liaison, cadre_user, other_cadre_user):
        listing = client_for(user).get(reverse("library:share_list")).content.decode()
        assert "招商引资工作体会" in listing, user
        detail = client_for(user).get(share.get_absolute_url())
        assert detail.status_code == 200 and "组织首轮走访企业" in detail.content.decode()
    assert client_for(system_admin).get(share.get_absolute_url()).status_code == 404


def test_a_liaison_out_of_scope_does_not_see_it(client_for, units, other_cadre_user, cadre_b):
    from guazhi.accounts.models import Role, User

    writing = accepted_writing(cadre_b.secondments.get(), other_cadre_user, title="东关体会")
    share = actions.share_writing(actor=other_cadre_user, writing=writing)
    liuxi = User.objects.create_user(
        username="liuxi2",
        password="Guazhi#2026",
        role=Role.HOST_LIAISON,
        unit=units["town_a"],
        must_change_password=False,
    )
    client = client_for(liuxi)
    assert client.get(share.get_absolute_url()).status_code == 404
    assert "东关体会" not in client.get(reverse("library:share_list")).content.decode()


def test_the_list_filters_by_cohort_and_kind(client_for, cadre_a, cadre_user, other_cadre_user):
    secondment = cadre_a.secondments.get()
    shared_writing(secondment, cadre_user, title="心得一篇")
    shared_writing(secondment, cadre_user, title="发言一篇", kind="speech")
    client = client_for(other_cadre_user)
    page = client.get(reverse("library:share_list"), {"kind": "speech"}).content.decode()
    assert "发言一篇" in page and "心得一篇" not in page
    page = client.get(
        reverse("library:share_list"), {"cohort": secondment.cohort_id}
    ).content.decode()
    assert "发言一篇" in page and "心得一篇" in page
    response = client.get(reverse("library:share_list"), {"cohort": 999999})
    assert "没有符合条件的交流材料" in response.content.decode()


def test_withdraw_and_share_again_keeps_the_comments(
    client_for, cadre_user, other_cadre_user, accepted
):
    share = actions.share_writing(actor=cadre_user, writing=accepted)
    Comment.objects.create(share=share, author=other_cadre_user, text="学习了。")
    response = client_for(cadre_user).post(
        reverse("library:share_withdraw", args=[share.pk]), {"version": share.version}
    )
    assert response["Location"] == accepted.get_absolute_url()
    share.refresh_from_db()
    assert not share.is_active and share.withdrawn_at is not None
    assert client_for(other_cadre_user).get(share.get_absolute_url()).status_code == 404

    actions.share_writing(actor=cadre_user, writing=accepted)
    page = client_for(other_cadre_user).get(share.get_absolute_url()).content.decode()
    assert "学习了。" in page


def test_withdraw_from_a_stale_page_is_refused(client_for, cadre_user, accepted):
    share = actions.share_writing(actor=cadre_user, writing=accepted)
    actions.withdraw_share(actor=cadre_user, share=share, version=share.version)
    actions.share_writing(actor=cadre_user, writing=accepted)
    with pytest.raises(actions.StaleLibraryForm):
        actions.withdraw_share(actor=cadre_user, share=share, version=share.version)


def test_only_the_author_withdraws(
    client_for, other_cadre_user, programme_admin, cadre_user, accepted
):
    share = actions.share_writing(actor=cadre_user, writing=accepted)
    for user in (other_cadre_user, programme_admin):
        response = client_for(user).post(
            reverse("library:share_withdraw", args=[share.pk]), {"version": share.version}
        )
        assert response.status_code == 404
        with pytest.raises(actions.LibraryPermissionError):
            actions.withdraw_share(actor=user, share=share, version=share.version)


def test_the_share_button_on_the_writing_page(client_for, cadre_user, host_liaison, accepted):
    from django.template.loader import render_to_string

    html = render_to_string("library/_share_button.html", {"writing": accepted, "user": cadre_user})
    assert "分享到同批次交流" in html
    assert (
        render_to_string(
            "library/_share_button.html", {"writing": accepted, "user": host_liaison}
        ).strip()
        == ""
    )
    actions.share_writing(actor=cadre_user, writing=accepted)
    accepted.refresh_from_db()
    html = render_to_string("library/_share_button.html", {"writing": accepted, "user": cadre_user})
    assert "撤回分享" in html
