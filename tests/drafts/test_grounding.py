"""The grounding rule: every number in a generated draft passes the claims check against the
cadre's ledger, on generated ledgers of random categories, figures, projects and problems."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest

from guazhi.claimcheck.matching import SUPPORTED, check_text
from guazhi.claims import extract
from guazhi.drafts.actions import generate_draft
from guazhi.drafts.compose import amount
from tests.drafts.conftest import TODAY
from tests.drafts.ledgers import generated_records


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_every_number_of_a_generated_draft_is_supported(seed, cadre_user, secondment_a):
    generated_records(secondment_a, cadre_user, seed)
    saved = generate_draft(actor=cadre_user, secondment=secondment_a, today=TODAY)
    draft = saved.draft
    text = draft.text()
    findings = check_text(text, secondment=secondment_a, start=secondment_a.start_date, end=TODAY)
    assert findings, "a generated draft states figures"
    failing = [
        (f.claim.text, f.outcome, f.measure, str(f.ledger_value))
        for f in findings
        if f.outcome != SUPPORTED
    ]
    assert not failing, failing
    # The generator's own mark agrees: nothing flagged.
    assert not [s.text for s in draft.facts() if s.unsupported]
    # Every number the draft states is a claim the check saw (none hidden from it).
    assert len(findings) == len(extract(text))


@pytest.mark.django_db
def test_totals_are_the_sums_of_the_evidence_entries(cadre_user, secondment_a):
    written = generated_records(secondment_a, cadre_user, seed=11)
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for entry in written["entries"]:
        for figure in entry.figures.select_related("field"):
            totals[(figure.field.label, figure.field.unit)] += figure.value
    draft = generate_draft(actor=cadre_user, secondment=secondment_a, today=TODAY).draft
    results = next(s for s in draft.sections if s.title == "二、主要成效")
    data = "".join(s.text for s in results.paragraphs[0].sentences)
    for (label, unit), total in totals.items():
        if "投资" in label or "人数" in label:
            assert label not in data  # not additive: never stated as a total
        else:
            assert f"{label}{amount(total, unit)}" in data
    returned_ids = {e.pk for e in written["returned"]}
    cited = {src.id for s in draft.facts() for src in s.sources if src.kind == "entry"}
    assert cited and not cited & returned_ids


@pytest.mark.django_db
def test_entries_outside_the_term_or_of_another_cadre_do_not_count(
    cadre_user, other_cadre_user, secondment_a, cadre_b, make_entry
):
    from guazhi.ledger.models import Category, EntryFigure, FigureField

    category = Category.objects.get(name="企业帮扶")
    visits = FigureField.objects.get(category=category, key="enterprises_visited")
    for secondment, user, day, value in (
        (secondment_a, cadre_user, date(2026, 5, 6), 12),
        (secondment_a, cadre_user, date(2026, 12, 1), 500),  # after the draft's day
        (cadre_b.secondments.get(), other_cadre_user, date(2026, 5, 6), 300),
    ):
        entry = make_entry(secondment, user, date=day, status="confirmed")
        EntryFigure.objects.create(entry=entry, field=visits, value=value)
    draft = generate_draft(actor=cadre_user, secondment=secondment_a, today=TODAY).draft
    assert "走访企业12家" in draft.text()
    assert "512" not in draft.text() and "312" not in draft.text()
