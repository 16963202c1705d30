"""Background task of the claims check (django-tasks; `manage.py db_worker` runs it, tests run
it at once). It takes an id, never an object."""

from __future__ import annotations

from django_tasks import task

from . import checking


@task()
def check_claims(check_id: int) -> str:
    """Set the check's writing version against the ledger and store the findings."""
    return checking.run_check(check_id)
