"""{% checkin_code attendee %}: the attendee's check-in QR code (for their personal link page)."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from huiwu.checkin import services

register = template.Library()


@register.simple_tag
def checkin_code(attendee) -> str:
    """The QR code and its text, only for an active attendee."""
    if attendee is None or attendee.status != attendee.Status.ACTIVE:
        return ""
    code = services.code_for(attendee)
    return mark_safe(render_to_string("checkin/_code.html", {"attendee": attendee, "code": code,  # noqa: S308
                                                             "qr": mark_safe(services.qr_svg(code))}))  # noqa: S308
