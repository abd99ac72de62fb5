"""Formatting of catalog figures for templates."""

from django import template

register = template.Library()


@register.filter
def percent(value) -> str:
    """0.456 → "45.6%"; None → "—"."""
    return "—" if value is None else f"{value * 100:.1f}%"


@register.filter
def days(value) -> str:
    """2.345 → "2.3 个工作日"; None → "—"."""
    return "—" if value is None else f"{value:.1f} 个工作日"
