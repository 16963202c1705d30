"""Every saved version is kept and never changed; the author sees all of them, other readers the
submitted ones; any version the reader may see opens as it was."""

from __future__ import annotations

import pytest
from django.urls import reverse

from guazhi.writings import actions
from guazhi.writings.models import WritingVersion


def _save(writing, user, content, *, autosave=False):  # type: ignore[no-untyped-def]
    from guazhi.lib.writing_text import markup_to_blocks

    writing.refresh_from_db()
    return actions.save_writing(
        actor=user,
        writing=writing,
        version=writing.version,
        title=writing.title,
        blocks=markup_to_blocks(content),
        autosave=autosave,
    )


@pytest.fixture
def draft(make_writing, cadre_a, cadre_user):
    return make_writing(cadre_a.secondments.get(), cadre_user, status="draft")


def test_manual_saves_make_versions_autosaves_and_unchanged_saves_do_not(draft, cadre_user):
    first = draft.text
    _save(draft, cadre_user, "第一稿。")
    _save(draft, cadre_user, "第一稿。")  # nothing changed
    _save(draft, cadre_user, "第二稿，自动保存。", autosave=True)
    _save(draft, cadre_user, "第二稿。")
    numbers = list(draft.versions.order_by("number").values_list("number", "text"))
    assert numbers == [(1, first), (2, "第一稿。"), (3, "第二稿。")]


def test_versions_cannot_be_changed(writing_a):
    version = writing_a.versions.get()
    version.title = "改过的标题"
    with pytest.raises(PermissionError):
        version.save()
    with pytest.raises(PermissionError):
        WritingVersion.objects.filter(pk=version.pk).update(title="改过的标题")
    assert WritingVersion.objects.get(pk=version.pk).title == "挂职锻炼心得体会"


def test_old_version_opens_as_it_was(client_for, draft, cadre_user):
    _save(draft, cadre_user, "# 一、旧的标题\n旧的内容。")
    old = draft.versions.order_by("-number").first()
    _save(draft, cadre_user, "新的内容。")
    page = client_for(cadre_user).get(reverse("writings:version_detail", args=[old.pk]))
    html = page.content.decode()
    assert "旧的内容。" in html and "新的内容。" not in html
    assert '<h2 class="writing-h1">一、旧的标题</h2>' in html
    detail = client_for(cadre_user).get(draft.get_absolute_url()).content.decode()
    assert detail.count('data-testid="version"') == 3


def test_readers_see_submitted_versions_only(
    client_for, make_writing, cadre_a, cadre_user, host_liaison
):
    writing = make_writing(cadre_a.secondments.get(), cadre_user, status="draft")
    _save(writing, cadre_user, "提交的内容。")
    writing.refresh_from_db()
    actions.submit_writing(actor=cadre_user, writing=writing, version=writing.version)
    writing.refresh_from_db()
    actions.return_writing(
        actor=host_liaison, writing=writing, version=writing.version, comment="请再充实。"
    )
    _save(writing, cadre_user, "修改中的内容，还没提交。")

    host = client_for(host_liaison)
    detail = host.get(writing.get_absolute_url()).content.decode()
    assert "提交的内容。" in detail and "还没提交" not in detail
    private = writing.versions.filter(is_submission=False).order_by("-number").first()
    assert host.get(reverse("writings:version_detail", args=[private.pk])).status_code == 404
    submitted = writing.versions.get(is_submission=True)
    assert host.get(reverse("writings:version_detail", args=[submitted.pk])).status_code == 200
