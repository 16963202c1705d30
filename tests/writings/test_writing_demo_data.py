"""The demo writings: every state, honest texts of the cadre's own work, once."""

from __future__ import annotations

from datetime import date

from guazhi.ledger.demo_data import seed_ledger
from guazhi.writings.demo_data import seed_writings
from guazhi.writings.models import Writing, WritingStatus
from guazhi.writings.overdue import overdue_rows


def test_demo_writings_cover_every_state_once(
    programme_admin, host_liaison, cadre_user, cadre_a, cohort
):
    today = date(2027, 3, 20)  # the whole term is past
    seed_ledger(actor=programme_admin, today=today)
    created = seed_writings(actor=programme_admin, rng_seed=3, today=today)
    writings = Writing.objects.all()
    assert created == writings.count() > 0
    statuses = set(writings.values_list("status", flat=True))
    assert statuses <= set(WritingStatus.values)
    for writing in writings:
        assert writing.text and "张建国" not in writing.title
        assert writing.versions.exists() and writing.events.exists()
        assert writing.version == writing.versions.count() + 1
        if writing.status != WritingStatus.DRAFT:
            assert writing.versions.filter(is_submission=True).exists()
        if writing.status == WritingStatus.RETURNED:
            assert writing.return_comment
    assert "柳溪镇" in writings.first().text  # composed from the cadre's own posting
    rows, summary = overdue_rows(cohort=cohort, today=today)
    assert len(rows) == sum(owed - met for _, met, owed in summary)
    assert seed_writings(actor=programme_admin, today=today) == 0


def test_seed_demo_loads_writings(db, django_db_blocker):
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0)
    assert Writing.objects.exists()
    kinds = set(Writing.objects.values_list("kind", flat=True))
    assert kinds == {"reflection", "speech", "quarterly", "term_summary"}
    assert set(Writing.objects.values_list("status", flat=True)) == set(WritingStatus.values)


def test_honest_demo_writings_of_two_cadres_do_not_match(
    programme_admin, host_liaison, cadre_user, other_cadre_user, cadre_a, cadre_b
):
    """Each cadre's writings come from their own ledger and their own quotations: checked
    against the other cadre's, none is more than 15% copied (even counting stock phrases)."""
    from guazhi.originality import OriginalityIndex
    from guazhi.roster.models import SecondmentStatus

    cadre_b.secondments.update(status=SecondmentStatus.ACTIVE)  # 李秀英 has reported
    today = date(2027, 3, 20)
    seed_ledger(actor=programme_admin, today=today)
    seed_writings(actor=programme_admin, rng_seed=5, today=today)
    texts = {
        cadre.pk: list(Writing.objects.filter(secondment__cadre=cadre).values_list("pk", "text"))
        for cadre in (cadre_a, cadre_b)
    }
    assert all(len(t) >= 3 for t in texts.values())
    for mine, theirs in ((cadre_a.pk, cadre_b.pk), (cadre_b.pk, cadre_a.pk)):
        index = OriginalityIndex()
        index.add_many((f"w{pk}", text) for pk, text in texts[theirs])
        for _pk, text in texts[mine]:
            result = index.check(text)
            assert result.copy_ratio < 0.15, [text[p.start : p.end] for p in result.passages]
            assert result.copy_ratio_excluding_common < 0.15
