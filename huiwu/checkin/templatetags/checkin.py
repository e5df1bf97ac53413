"""{% checkin_code attendee %}: the attendee's check-in QR code (for their personal link page);
{% checkin_links event venue %}: a venue page's links to its arrivals, its 入场凭证 and its door page."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

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


@register.simple_tag(takes_context=True)
def checkin_links(context, event, venue) -> str:
    """` · 签到情况 · 入场凭证 · 签到门岗`, each for the roles that may open it."""
    from huiwu.accounts.tenancy import Access

    request = context.get("request")
    if request is None:
        return ""
    access = Access.for_user(request.user)
    out = format_html(' · <a href="{}" id="checkin-venue-link">{}</a>',
                      reverse("checkin:venue", args=[event.slug, venue.code]), _("签到情况"))
    if access.can("venue.edit", event, venue):
        out += format_html(' · <a href="{}" id="checkin-cards-link">{}</a>',
                           reverse("checkin:cards", args=[event.slug, venue.code]), _("入场凭证（签到码打印）"))
    if access.can("checkin.scan", event, venue):
        out += format_html(' · <a href="{}" id="checkin-door-link">{}</a>',
                           reverse("checkin:door", args=[event.slug, venue.code]), _("签到门岗"))
    return mark_safe(out)  # noqa: S308  (each part escaped by format_html)
