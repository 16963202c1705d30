"""Permission-walk targets of the recycle bin: an entry and a draft deleted by 张建国 (cadre_a),
and a submitted writing of his deleted by the programme admin."""

from __future__ import annotations

from typing import Any

from guazhi.accounts.models import User
from guazhi.retention import actions


def walk_targets(cadre_a: Any, cadre_user: User, admin: User) -> dict[str, int]:
    """Also a cadre entered by mistake (赵误录, no secondment) deleted by the admin, and a
    secondment of 张建国's in another cohort deleted by the admin."""
    from tests.conftest import ledger_entry, submitted_writing

    secondment = cadre_a.secondments.get()
    entry = ledger_entry(secondment, cadre_user, title="误填的纪实")
    actions.delete_entry(actor=cadre_user, entry=entry, version=entry.version)
    draft = submitted_writing(secondment, cadre_user, status="draft", title="删掉的草稿")
    actions.delete_writing(actor=cadre_user, writing=draft, version=draft.version)
    submitted = submitted_writing(secondment, cadre_user, title="重复提交的体会")
    actions.delete_writing(actor=admin, writing=submitted, version=submitted.version)
    return {
        **_roster_targets(cadre_a, admin),
        "entry_deleted_a": entry.pk,
        "writing_draft_deleted_a": draft.pk,
        "writing_deleted_by_admin_a": submitted.pk,
    }


def _roster_targets(cadre_a: Any, admin: User) -> dict[str, int]:
    from datetime import date

    from guazhi.retention import roster_actions
    from guazhi.roster.models import Cadre, Cohort, Secondment

    mistaken = Cadre.objects.create(
        name="赵误录",
        gender="M",
        birth_date=date(1988, 8, 8),
        id_number="110105198808080011",
        home_unit=cadre_a.home_unit,
    )
    roster_actions.delete_cadre(actor=admin, cadre=mistaken, version=mistaken.version)
    earlier = Cohort.objects.create(
        name="2025年第一批（误录任职）",
        year=2025,
        start_date=date(2025, 3, 1),
        end_date=date(2026, 2, 28),
    )
    current = cadre_a.secondments.get()
    extra = Secondment.objects.create(
        cadre=cadre_a,
        cohort=earlier,
        host_unit=current.host_unit,
        post="误录的任职",
        start_date=date(2025, 3, 1),
        planned_end_date=date(2026, 2, 28),
    )
    roster_actions.delete_secondment(actor=admin, secondment=extra, version=extra.version)
    return {"cadre_deleted": mistaken.pk, "secondment_deleted_a": extra.pk}
