"""The demo's generated draft: one term-summary draft for the demo cadre (chensiyuan), composed
from their demo ledger, projects and problems like any other (`seed_drafts`). Idempotent."""

from __future__ import annotations

from guazhi.accounts.models import User
from guazhi.drafts.actions import generate_draft
from guazhi.drafts.models import SummaryDraft
from guazhi.writings.actions import writing_secondment

DEMO_CADRE = "chensiyuan"


def seed_drafts() -> int:
    """Generate the demo cadre's draft unless they have one; the number created (0 or 1)."""
    user = User.objects.filter(username=DEMO_CADRE, cadre__isnull=False).first()
    if user is None:
        return 0
    secondment = writing_secondment(user.cadre_id)
    if secondment is None or SummaryDraft.objects.filter(secondment=secondment).exists():
        return 0
    generate_draft(actor=user, secondment=secondment, ip="127.0.0.1")
    return 1
