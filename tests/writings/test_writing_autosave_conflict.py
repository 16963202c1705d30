"""Autosave: the editor posts the draft with the version it loaded; a second tab working on an
older version gets a clear Chinese conflict message and overwrites nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from guazhi.writings.models import Writing


@pytest.fixture
def draft(make_writing, cadre_a, cadre_user):
    return make_writing(cadre_a.secondments.get(), cadre_user, status="draft")


def _autosave(client, writing, version, content):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("writings:writing_autosave", args=[writing.pk]),
        {"version": version, "title": writing.title, "content": content},
        HTTP_ACCEPT="application/json",
    )


def test_autosave_keeps_the_draft_and_answers_the_new_version(client_for, cadre_user, draft):
    response = _autosave(client_for(cadre_user), draft, draft.version, "# 一、标题\n正文。")
    assert response.status_code == 200
    data = response.json()
    draft.refresh_from_db()
    assert data["ok"] and data["version"] == draft.version == 2
    assert draft.body[0] == {"type": "heading", "level": 1, "text": "一、标题"}
    assert draft.versions.count() == 1  # autosaves make no version


def test_two_tabs_do_not_overwrite_each_other(client_for, cadre_user, draft):
    first_tab = client_for(cadre_user)
    second_tab = client_for(cadre_user)
    loaded = draft.version
    assert _autosave(first_tab, draft, loaded, "第一个窗口的内容。").status_code == 200
    response = _autosave(second_tab, draft, loaded, "第二个窗口的内容。")
    assert response.status_code == 409
    data = response.json()
    assert data["conflict"] is True
    assert "已在其他窗口或设备上修改" in data["error"]
    assert Writing.objects.get(pk=draft.pk).text == "第一个窗口的内容。"


def test_manual_save_from_a_stale_page_shows_the_conflict(client_for, cadre_user, draft):
    client = client_for(cadre_user)
    loaded = draft.version
    _autosave(client, draft, loaded, "另一个窗口先保存了。")
    response = client.post(
        reverse("writings:writing_edit", args=[draft.pk]),
        {"version": loaded, "title": draft.title, "content": "过期页面的内容。"},
    )
    assert response.status_code == 200
    assert "已在其他窗口或设备上修改" in response.content.decode()
    assert Writing.objects.get(pk=draft.pk).text == "另一个窗口先保存了。"


def test_autosave_after_submission_is_refused(client_for, cadre_user, writing_a):
    response = _autosave(client_for(cadre_user), writing_a, writing_a.version, "改动。")
    assert response.status_code == 409
    assert "不能再修改" in response.json()["error"]


def test_editor_page_works_without_inline_script_and_carries_the_version(
    client_for, cadre_user, draft
):
    html = client_for(cadre_user).get(reverse("writings:writing_edit", args=[draft.pk]))
    page = html.content.decode()
    assert 'name="version"' in page and f'value="{draft.version}"' in page
    assert "writings/editor.js" in page
    assert "<script>" not in page
    assert 'name="viewport"' in page  # the phone layout of base.html
