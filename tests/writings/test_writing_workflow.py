"""The workflow: every (status, action, role) against the table, the history and audit of each
step, and the originality hook called once per submission, after commit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from guazhi.audit.models import AuditRecord
from guazhi.writings import actions, checks
from guazhi.writings.models import (
    ROLE_TRANSITIONS,
    EventAction,
    Writing,
    WritingAction,
    WritingStatus,
)

ACTORS = ["programme_admin", "host_liaison", "home_liaison", "cadre_user", "other_cadre_user"]
# The expected table, written out: who may take which action from which status.
EXPECTED = {
    (WritingStatus.DRAFT, WritingAction.SUBMIT): {"cadre_user": WritingStatus.SUBMITTED},
    (WritingStatus.RETURNED, WritingAction.SUBMIT): {"cadre_user": WritingStatus.SUBMITTED},
    (WritingStatus.SUBMITTED, WritingAction.RETURN): {
        "programme_admin": WritingStatus.RETURNED,
        "host_liaison": WritingStatus.RETURNED,
    },
    (WritingStatus.SUBMITTED, WritingAction.ACCEPT): {
        "programme_admin": WritingStatus.ACCEPTED,
        "host_liaison": WritingStatus.ACCEPTED,
    },
}


def _act(action: str, actor, writing: Writing):  # type: ignore[no-untyped-def]
    common = {"actor": actor, "writing": writing, "version": writing.version}
    if action == WritingAction.SUBMIT:
        return actions.submit_writing(**common)
    if action == WritingAction.RETURN:
        return actions.return_writing(**common, comment="请补充具体数据。")
    return actions.accept_writing(**common)


@pytest.mark.parametrize("actor_name", ACTORS)
@pytest.mark.parametrize("action", list(WritingAction))
@pytest.mark.parametrize("status", list(WritingStatus))
def test_every_transition_for_every_role(
    request, make_writing, cadre_a, cadre_user, actor_name, action, status
):
    writing = make_writing(cadre_a.secondments.get(), cadre_user, status=status)
    actor = request.getfixturevalue(actor_name)
    expected = EXPECTED.get((status, action), {}).get(actor_name)
    if expected is None:
        with pytest.raises((actions.WritingPermissionError, actions.WritingConflict)):
            _act(action, actor, writing)
        writing.refresh_from_db()
        assert writing.status == status
        assert not writing.events.exists()
    else:
        _act(action, actor, writing)
        writing.refresh_from_db()
        assert writing.status == expected
        event = writing.events.get()
        assert (event.from_status, event.to_status, event.actor) == (status, expected, actor)


def test_model_table_matches_the_written_out_policy():
    table = {}
    for role, moves in ROLE_TRANSITIONS.items():
        for key, target in moves.items():
            table.setdefault(key, {})[role] = target
    assert set(table) == set(EXPECTED)
    for key, by_role in table.items():
        assert set(by_role.values()) == set(EXPECTED[key].values())


def test_host_liaison_of_another_unit_cannot_decide(
    make_writing, cadre_b, other_cadre_user, host_liaison
):
    writing = make_writing(cadre_b.secondments.get(), other_cadre_user)
    with pytest.raises(actions.WritingPermissionError):
        actions.accept_writing(actor=host_liaison, writing=writing, version=writing.version)


def test_return_needs_a_comment(writing_a, host_liaison):
    with pytest.raises(Exception, match="退回意见"):
        actions.return_writing(actor=host_liaison, writing=writing_a, version=1, comment=" ")


def test_full_round_trip_through_the_pages(client_for, cadre_user, host_liaison, cadre_a):
    """Draft → submitted → returned with a comment → revised → submitted → accepted, with the
    history on the page and an audit record for every step."""
    cadre = client_for(cadre_user)
    response = cadre.post(
        reverse("writings:writing_create"), {"kind": "reflection", "title": "初到岗位心得体会"}
    )
    writing = Writing.objects.get()
    assert response["Location"] == reverse("writings:writing_edit", args=[writing.pk])
    cadre.post(
        reverse("writings:writing_edit", args=[writing.pk]),
        {
            "version": writing.version,
            "title": "初到岗位心得体会",
            "content": "# 一、学习\n走访企业。",
        },
    )
    writing.refresh_from_db()
    cadre.post(reverse("writings:writing_submit", args=[writing.pk]), {"version": writing.version})
    writing.refresh_from_db()
    assert writing.status == WritingStatus.SUBMITTED

    host = client_for(host_liaison)
    queue = host.get(reverse("writings:review_queue"))
    assert "初到岗位心得体会" in queue.content.decode()
    host.post(
        reverse("writings:writing_return", args=[writing.pk]),
        {"version": writing.version, "comment": "请补充走访企业的数量。"},
    )
    writing.refresh_from_db()
    assert (writing.status, writing.return_comment) == (
        WritingStatus.RETURNED,
        "请补充走访企业的数量。",
    )

    page = cadre.get(reverse("writings:writing_edit", args=[writing.pk])).content.decode()
    assert "请补充走访企业的数量。" in page
    cadre.post(
        reverse("writings:writing_edit", args=[writing.pk]),
        {
            "version": writing.version,
            "title": "初到岗位心得体会",
            "content": "# 一、学习\n走访企业 698 家。",
        },
    )
    writing.refresh_from_db()
    cadre.post(reverse("writings:writing_submit", args=[writing.pk]), {"version": writing.version})
    writing.refresh_from_db()
    host.post(reverse("writings:writing_accept", args=[writing.pk]), {"version": writing.version})
    writing.refresh_from_db()
    assert writing.status == WritingStatus.ACCEPTED
    assert writing.decided_by == host_liaison

    actions_seen = list(writing.events.values_list("action", flat=True))
    assert actions_seen == [
        EventAction.CREATE,
        EventAction.SAVE,
        EventAction.SUBMIT,
        EventAction.RETURN,
        EventAction.SAVE,
        EventAction.SUBMIT,
        EventAction.ACCEPT,
    ]
    detail = host.get(writing.get_absolute_url()).content.decode()
    assert detail.count('data-testid="event"') == 7
    assert "走访企业 698 家" in detail  # the reader sees the last submitted version
    audited = AuditRecord.objects.filter(object_type="writings.writing", object_id=str(writing.pk))
    assert audited.count() == 7


def test_submit_calls_the_originality_hook_once_after_commit(
    monkeypatch, make_writing, cadre_a, cadre_user, django_capture_on_commit_callbacks
):
    calls = []
    monkeypatch.setattr(checks, "on_submitted", calls.append)
    writing = make_writing(cadre_a.secondments.get(), cadre_user, status="draft")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        frozen = actions.submit_writing(actor=cadre_user, writing=writing, version=writing.version)
    assert calls == []  # not before commit
    for callback in callbacks:
        callback()
    assert calls == [frozen.pk]
    assert frozen.is_submission and frozen.number == 2


def test_empty_writing_cannot_be_submitted(make_writing, cadre_a, cadre_user):
    writing = make_writing(cadre_a.secondments.get(), cadre_user, status="draft", body=[], text="")
    with pytest.raises(Exception, match="正文是空的"):
        actions.submit_writing(actor=cadre_user, writing=writing, version=writing.version)


def test_drafts_are_the_authors_alone(
    make_writing, cadre_a, cadre_user, programme_admin, host_liaison
):
    draft = make_writing(cadre_a.secondments.get(), cadre_user, status="draft")
    assert draft in Writing.objects.visible_to(cadre_user)
    assert draft not in Writing.objects.visible_to(programme_admin)
    assert draft not in Writing.objects.visible_to(host_liaison)
