"""Permission-walk targets of the recycle bin: an entry and a draft deleted by 张建国 (cadre_a),
and a submitted writing of his deleted by the programme admin."""

from __future__ import annotations

from typing import Any

from guazhi.accounts.models import User
from guazhi.retention import actions


def walk_targets(cadre_a: Any, cadre_user: User, admin: User) -> dict[str, int]:
    from tests.conftest import ledger_entry, submitted_writing

    secondment = cadre_a.secondments.get()
    entry = ledger_entry(secondment, cadre_user, title="误填的纪实")
    actions.delete_entry(actor=cadre_user, entry=entry, version=entry.version)
    draft = submitted_writing(secondment, cadre_user, status="draft", title="删掉的草稿")
    actions.delete_writing(actor=cadre_user, writing=draft, version=draft.version)
    submitted = submitted_writing(secondment, cadre_user, title="重复提交的体会")
    actions.delete_writing(actor=admin, writing=submitted, version=submitted.version)
    return {
        "entry_deleted_a": entry.pk,
        "writing_draft_deleted_a": draft.pk,
        "writing_deleted_by_admin_a": submitted.pk,
    }
