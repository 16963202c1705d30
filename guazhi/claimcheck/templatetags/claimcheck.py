"""The claims check on the writings' pages: the writing page and the reviewer's decision card
show the latest submission's summary line. The writings app stands below claimcheck and never
imports it; its templates load this library. Only checks the viewer may see are returned."""

from __future__ import annotations

from typing import Any

from django import template

from guazhi.claimcheck.models import ClaimCheck
from guazhi.writings.models import Writing

register = template.Library()


@register.simple_tag(takes_context=True)
def latest_claimcheck(context: Any, writing: Writing) -> ClaimCheck | None:
    """The check of the writing's latest submitted version, if the viewer may see it."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return None
    return (
        ClaimCheck.objects.visible_to(user)
        .filter(writing=writing)
        .select_related("version")
        .order_by("-version__number")
        .first()
    )
