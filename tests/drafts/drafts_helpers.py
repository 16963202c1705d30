"""Targets for the permission walk: a generated draft of cadre_a's."""

from __future__ import annotations

from datetime import date


def walk_targets(cadre_a, cadre_user) -> dict[str, int]:  # type: ignore[no-untyped-def]
    from guazhi.drafts.actions import generate_draft

    draft = generate_draft(
        actor=cadre_user, secondment=cadre_a.secondments.get(), today=date(2026, 11, 20)
    )
    return {"summary_draft_a": draft.pk}
