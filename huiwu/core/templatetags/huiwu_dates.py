"""{{ moment|long_dt }} → 2026年12月5日 16:00, {{ moment|short_dt }} → 12月3日 21:48, {{ day|long_date }}."""

from django import template

from huiwu.core import dates

register = template.Library()


@register.filter
def long_dt(value, tz=None):
    return dates.long_dt(value, tz) if value else ""


@register.filter
def short_dt(value, tz=None):
    return dates.short_dt(value, tz) if value else ""


@register.filter
def long_date(value, tz=None):
    return dates.long_date(value, tz) if value else ""


@register.filter
def zone_label(value):
    return dates.zone_label(value)


@register.simple_tag
def date_hint(kind, input_id, value=None):
    """<small id="{input_id}-hint">当前：2026年12月5日 16:00。例：…</small> beside a date or datetime-local
    input (point the input's aria-describedby at it)."""
    from django.utils.html import format_html

    return format_html('<small class="meta date-hint" id="{}-hint">{}</small>', input_id, dates.input_hint(kind, value))
