"""`{% rehearsal_card event venue %}`: the venue page's rehearsal section (slot, hotline, self-test
link, past results). A template tag, so the venues app needs no import of this app."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("rehearsals/_venue_card.html", takes_context=True)
def rehearsal_card(context: Any, event: Any, venue: Any) -> dict[str, Any]:
    from huiwu.accounts.tenancy import Access

    from .. import services
    from ..models import Rehearsal, SelfTest

    if venue.kind != "branch":
        return {"show": False}
    rehearsal = Rehearsal.objects.filter(venue=venue).first()
    request = context.get("request")
    access = Access.for_user(request.user) if request is not None else None
    can_edit = bool(access and access.can("venue.edit", event, venue))
    return {
        "show": True, "event": event, "venue": venue, "rehearsal": rehearsal,
        "slot": services.slot_text(rehearsal, event) if rehearsal else "",
        "hotline": services.hotline(event),
        "link": services.personal_link(venue) if can_edit else "",
        # the organizer reaches the schedule and the board from here (the overview has no link to them)
        "organizer": bool(access and access.can("event.manage", event)),
        "tests": list(SelfTest.objects.filter(venue=venue)[:5]),
        "attempts": list(rehearsal.attempts.order_by("-at")[:5]) if rehearsal else [],
    }
