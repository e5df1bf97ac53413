"""{% checkin_code attendee %}: the attendee's check-in QR code (for their personal link page)."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from huiwu.checkin import services
from huiwu.checkin.models import CheckIn

register = template.Library()


@register.simple_tag
def checkin_code(attendee) -> str:
    """The QR code and its text, only for an active attendee; once they are in, the time they arrived
    (the person sees that the door's scan counted)."""
    if attendee is None or attendee.status != attendee.Status.ACTIVE:
        return ""
    code = services.code_for(attendee)
    arrival = CheckIn.objects.filter(attendee_id=attendee.pk).only("at").first()
    arrived = services.local_hm(arrival.at, attendee.event) if arrival is not None else ""
    return mark_safe(render_to_string("checkin/_code.html", {  # noqa: S308
        "attendee": attendee, "code": code, "arrived": arrived, "qr": mark_safe(services.qr_svg(code))}))  # noqa: S308
