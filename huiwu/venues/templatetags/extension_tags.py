"""Extension requests on the venue page (ask / answer) and on the overview (every pending one)."""

from __future__ import annotations

from django import template

from ..models import ExtensionRequest

register = template.Library()


@register.inclusion_tag("venues/_extension.html")
def extension_card(event, venue, is_organizer: bool, can_edit: bool):
    """The coordinator's 申请延期 form and the state of their last request; the organizer's two buttons."""
    requests = list(ExtensionRequest.objects.filter(venue=venue).select_related("requested_by")[:3])
    pending = next((r for r in requests if r.status == ExtensionRequest.Status.PENDING), None)
    return {"event": event, "venue": venue, "is_organizer": is_organizer, "can_edit": can_edit,
            "pending": pending, "last": requests[0] if requests else None,
            "open": event.status == "published"}


@register.inclusion_tag("venues/_extensions_pending.html")
def pending_extensions(event):
    """Every pending request of the event, each answered with one click."""
    rows = list(ExtensionRequest.objects.filter(venue__event=event, status=ExtensionRequest.Status.PENDING)
                .select_related("venue", "requested_by").order_by("created_at"))
    return {"event": event, "rows": rows}
