"""Submissions through the writings' own actions, so the check runs as it does in production:
the hook after commit enqueues the task, and the immediate backend runs it at once."""

from __future__ import annotations

import pytest

from guazhi.writings import actions as writing_actions
from guazhi.writings.models import Writing, WritingVersion


@pytest.fixture
def submit(django_capture_on_commit_callbacks):
    """submit(user, text, title=…, kind=…, writing=None) → the submitted WritingVersion.

    With `writing`, the (returned) writing is revised with the new text and submitted again."""

    def _submit(
        user,
        text: str,
        *,
        title: str = "挂职锻炼心得体会",
        kind: str = "reflection",
        writing: Writing | None = None,
    ) -> WritingVersion:
        blocks = [{"type": "paragraph", "text": line} for line in text.split("\n") if line]
        with django_capture_on_commit_callbacks(execute=True):
            if writing is None:
                writing = writing_actions.create_writing(
                    actor=user,
                    secondment=user.cadre.secondments.get(),
                    kind=kind,
                    title=title,
                    blocks=blocks,
                )
            else:
                writing.refresh_from_db()
                writing = writing_actions.save_writing(
                    actor=user,
                    writing=writing,
                    version=writing.version,
                    title=title,
                    blocks=blocks,
                )
            writing.refresh_from_db()
            return writing_actions.submit_writing(
                actor=user, writing=writing, version=writing.version
            )

    return _submit
