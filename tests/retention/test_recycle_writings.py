"""A deleted writing leaves the lists, the library and search; restoring it brings it back. The
cadre deletes only their own drafts; a requirement answered again cannot get the old one back."""

from __future__ import annotations

import pytest
from django.urls import reverse

from guazhi.library.models import Share
from guazhi.retention import actions
from guazhi.writings.models import Writing
from guazhi.writings.plan import ensure_plan
from tests.conftest import submitted_writing
from tests.library.library_helpers import shared_writing
from tests.search.search_helpers import titles


def test_a_shared_writing_leaves_lists_library_and_search_and_comes_back(
    client_for, programme_admin, cadre_user, other_cadre_user, cadre_a
):
    share = shared_writing(cadre_a.secondments.get(), cadre_user, title="招商引资工作体会")
    writing = share.writing
    admin = client_for(programme_admin)
    peer = client_for(other_cadre_user)

    def seen() -> dict[str, bool]:
        return {
            "list": "招商引资工作体会"
            in admin.get(reverse("writings:writing_list")).content.decode(),
            "library": "招商引资工作体会"
            in peer.get(reverse("library:share_list")).content.decode(),
            "search": titles(peer, "走访企业") == ["招商引资工作体会"],
            "page": admin.get(writing.get_absolute_url()).status_code == 200,
        }

    assert seen() == dict.fromkeys(("list", "library", "search", "page"), True)
    actions.delete_writing(actor=programme_admin, writing=writing, version=writing.version)
    assert seen() == dict.fromkeys(("list", "library", "search", "page"), False)
    assert Share.objects.visible_to(other_cadre_user).count() == 0

    deleted = Writing.all_objects.get(pk=writing.pk)
    response = admin.post(
        reverse("retention:writing_restore", args=[writing.pk]), {"version": deleted.version}
    )
    assert response.status_code == 302
    assert seen() == dict.fromkeys(("list", "library", "search", "page"), True)


def test_the_cadre_deletes_a_draft_but_not_a_submitted_writing(client_for, cadre_user, cadre_a):
    secondment = cadre_a.secondments.get()
    draft = submitted_writing(secondment, cadre_user, status="draft", title="未完成的小结")
    submitted = submitted_writing(secondment, cadre_user, title="已提交的体会")
    client = client_for(cadre_user)
    assert (
        reverse("retention:writing_delete", args=[draft.pk])
        in client.get(draft.get_absolute_url()).content.decode()
    )
    assert (
        reverse("retention:writing_delete", args=[submitted.pk])
        not in client.get(submitted.get_absolute_url()).content.decode()
    )
    url = reverse("retention:writing_delete", args=[submitted.pk])
    assert client.post(url, {"version": submitted.version}).status_code == 404
    url = reverse("retention:writing_delete", args=[draft.pk])
    assert client.post(url, {"version": draft.version}).status_code == 302
    assert "未完成的小结" in client.get(reverse("retention:recycle_bin")).content.decode()
    assert "未完成的小结" not in client.get(reverse("writings:mine")).content.decode()


def test_a_requirement_answered_again_keeps_the_deleted_one_in_the_bin(cadre_user, cadre_a, cohort):
    ensure_plan(cohort)
    requirement = cohort.writing_requirements.first()
    secondment = cadre_a.secondments.get()
    first = submitted_writing(secondment, cadre_user, status="draft", requirement=requirement)
    actions.delete_writing(actor=cadre_user, writing=first, version=first.version)
    # The requirement can be answered anew…
    submitted_writing(secondment, cadre_user, status="draft", requirement=requirement)
    deleted = Writing.all_objects.get(pk=first.pk)
    # …and then the deleted answer cannot come back beside the new one.
    with pytest.raises(actions.RecycleConflict, match="已有另一篇材料"):
        actions.restore_writing(actor=cadre_user, writing=deleted, version=deleted.version)
    assert Writing.all_objects.get(pk=first.pk).deleted_at is not None


def test_a_liaison_has_no_recycle_bin(client_for, host_liaison, home_liaison):
    for user in (host_liaison, home_liaison):
        assert client_for(user).get(reverse("retention:recycle_bin")).status_code == 404
