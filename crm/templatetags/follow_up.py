"""The follow-up badge of an opportunity (the rule and what each state means: crm/follow_up.py).

A simple tag, not an included template: the board writes one per card."""

from django import template
from django.utils.html import format_html

from crm.models import Opportunity

register = template.Library()


@register.simple_tag
def follow_up_badge(opportunity: Opportunity) -> str:
    """The badge of a row annotated by with_follow_up_state(); nothing when its state has no
    badge (up to date, closed) or was not annotated."""
    state = opportunity.follow_up
    if state is None or not state.badge_class:
        return ""
    return format_html(
        '<span class="badge {}" title="{}" data-testid="follow-up-badge" data-follow-up="{}">'
        "{}</span>",
        state.badge_class,
        state.hint,
        state.value,
        state.label,
    )
