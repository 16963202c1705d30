"""Background tasks of the originality check (django-tasks; the database backend runs them in
`manage.py db_worker`, tests run them at once). A task takes ids, never objects."""

from __future__ import annotations

from django_tasks import task

from guazhi.similarity import checking, store


@task()
def check_report(report_id: int) -> str:
    """Check the report's writing version against the index and store the result."""
    return checking.run_check(report_id)


@task()
def update_references(added: list[int], removed: list[int]) -> int:
    """Bring the index in line after reference texts were uploaded or removed."""
    from guazhi.similarity.models import ReferenceText

    texts = ReferenceText.objects.active().filter(pk__in=added).values_list("pk", "text")
    store.update(
        add=((store.reference_id(pk), text) for pk, text in texts),
        remove=[store.reference_id(pk) for pk in removed],
    )
    return len(store.shared())
