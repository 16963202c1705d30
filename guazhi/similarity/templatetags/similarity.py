from __future__ import annotations

from django import template

from guazhi.similarity.presentation import percent as _percent

register = template.Library()


@register.filter
def percent(ratio: float | None) -> str:
    """0.234 → "23.4%"; None → "—"."""
    return _percent(ratio)
