"""Submissions through the writings' own actions, so the check runs as it does in production:
the hook after commit enqueues the task, and the immediate backend runs it at once."""

from __future__ import annotations

import pytest

from guazhi.writings import actions as writing_actions
from guazhi.writings.models import WritingVersion


@pytest.fixture
def submit(django_capture_on_commit_callbacks):
    """submit(user, text, kind=…) → the submitted WritingVersion."""

    def _submit(
        user, text: str, *, kind: str = "reflection", title: str = "心得体会"
    ) -> WritingVersion:
        blocks = [{"type": "paragraph", "text": line} for line in text.split("\n") if line]
        with django_capture_on_commit_callbacks(execute=True):
            writing = writing_actions.create_writing(
                actor=user,
                secondment=user.cadre.secondments.get(),
                kind=kind,
                title=title,
                blocks=blocks,
            )
            writing.refresh_from_db()
            return writing_actions.submit_writing(
                actor=user, writing=writing, version=writing.version
            )

    return _submit
