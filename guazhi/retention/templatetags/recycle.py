"""`{% delete_button obj %}`: the 删除 button of an entry or writing page, shown only to whom
the recycle-bin rules allow (so the pages that show it need no view change)."""

from __future__ import annotations

from typing import Any

from django import template

from guazhi.accounts.models import User
from guazhi.ledger.models import Entry
from guazhi.retention.actions import may_delete_entry, may_delete_writing
from guazhi.roster.models import Secondment
from guazhi.writings.models import Writing

register = template.Library()


@register.inclusion_tag("retention/_delete_button.html", takes_context=True)
def delete_button(context: Any, obj: Any) -> dict[str, Any]:
    user = context.get("user")
    if not isinstance(user, User) or not (user.is_programme_admin or user.is_cadre):
        return {"shown": False}
    if isinstance(obj, Entry):
        shown, url, noun = may_delete_entry(user, obj), "retention:entry_delete", "这条纪实"
    elif isinstance(obj, Writing):
        shown, url, noun = may_delete_writing(user, obj), "retention:writing_delete", "这篇材料"
    elif isinstance(obj, Secondment):
        shown, url, noun = user.is_programme_admin, "retention:secondment_delete", "挂职任职"
    else:
        shown, url, noun = user.is_programme_admin, "retention:cadre_delete", "干部"
    return {"shown": shown, "url": url, "obj": obj, "noun": noun}
