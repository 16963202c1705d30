"""What happens to a writing after it is submitted: the extension point for the originality
check (查重, issue 8 item 2).

`guazhi.writings.actions.submit_writing` freezes a `WritingVersion` (`is_submission=True`) and,
once its transaction has committed, calls `on_submitted(version_id)` below. Nothing is checked
yet: the originality engineer replaces the body of `on_submitted` with the enqueueing of a
django-tasks task (database backend, as `guazhi.ledger.tasks`) that reads the frozen version's
`text` and stores its report. Being called after commit, the task always finds the version, and
a failure to enqueue can never undo a submission.

Nothing else calls this, so the check runs exactly once per submission (a resubmission after a
return freezes a new version and is checked again).
"""

from __future__ import annotations


def on_submitted(version_id: int) -> None:
    """Called once per submission, after commit, with the frozen version's primary key."""
    # Imported here: the similarity and claimcheck apps stand above writings.
    from guazhi.claimcheck.checking import enqueue as enqueue_claims
    from guazhi.similarity.checking import enqueue

    try:
        enqueue(version_id)
    finally:
        # The claims check (set against the ledger) runs whatever became of the originality one.
        enqueue_claims(version_id)
