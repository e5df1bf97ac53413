"""Check-in pages: the door (phone first, works offline), the organizer's live board, its
projector view and the main venue's printable list for the security desk. JS in static files."""

from __future__ import annotations

from pathlib import Path

from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from huiwu.accounts.tenancy import public, scoped

from . import services

SW = Path(__file__).resolve().parent / "static" / "checkin" / "sw.js"


@public
def home(request):
    """A short address for door staff: a door account goes straight to its venue's door page
    (public only as a redirect: the door page itself is scoped)."""
    from django.contrib.auth.views import redirect_to_login

    from huiwu.accounts.models import Role
    from huiwu.accounts.tenancy import Access

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    for m in Access.for_user(request.user).memberships:
        if m.role == Role.DOOR and m.venue_id:
            from huiwu.venues.models import Venue

            venue = Venue.objects.select_related("event").get(pk=m.venue_id)
            return redirect("checkin:door", venue.event.slug, venue.code)
    return redirect("core:home")


@public
def service_worker(request):
    """The door page's service worker, served from /checkin/ so it may cover the door pages."""
    resp = HttpResponse(SW.read_bytes(), content_type="application/javascript; charset=utf-8")
    resp["Cache-Control"] = "no-cache"
    resp["Service-Worker-Allowed"] = "/checkin/"
    return resp


@scoped("checkin.scan")
def door(request, event, venue):
    """Scan by camera, search by name or the mobile's last four digits; a large answer; offline queue."""
    counts = next((v for v in services.attendance(event)["venues"] if v["venue"] == venue.code), {})
    return render(request, "checkin/door.html", {"event": event, "venue": venue, "counts": counts})


def _board_context(event) -> dict:
    return {"event": event, "data": services.attendance(event), "duplicates": services.duplicates(event)}


@scoped("event.manage")
def board(request, event):
    """Per venue: expected, arrived, late, not eligible, replaced; national totals; live."""
    return render(request, "checkin/board.html", {**_board_context(event), "projector": False})


@scoped("event.manage")
def projector(request, event):
    """The same board, large, for a projector (no navigation, dark)."""
    return render(request, "checkin/board.html", {**_board_context(event), "projector": True})


@never_cache
@scoped("event.manage")
def board_state(request, event):
    """The board's data when it changed since `v` (each open board asks every second); 204 if not."""
    version = services.board_version(event)
    if request.GET.get("v") == version:
        return HttpResponse(status=204)
    data = services.attendance(event)
    data["duplicates"] = services.duplicates(event)
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@scoped("event.manage")
def security(request, event):
    """The main venue's list for the security desk, for print."""
    return render(request, "checkin/security.html", {"event": event, "rows": services.security_list(event)})


@never_cache
@scoped("venue.view")
def venue(request, event, venue):
    """One venue on the day: who has not arrived yet (to phone them), who has, and when."""
    from huiwu.receipts.services import own_unit_ids

    data = services.venue_arrivals(venue, own_unit_ids(request.user, venue),
                                   show_phone=request.access.can("attendee.phone", event, venue))
    return render(request, "checkin/venue.html", {
        "event": event, "venue": venue, "data": data,
        "is_organizer": request.access.is_organizer(event),
        "can_scan": request.access.can("checkin.scan", event, venue)})


@scoped("venue.edit")
def cards(request, event, venue):
    """入场凭证 to print and cut: a card per person with their check-in code (a main-venue unit: its own)."""
    from huiwu.receipts.services import own_unit_ids

    rows = services.code_cards(venue, own_unit_ids(request.user, venue), actor=request.user)
    return render(request, "checkin/cards.html", {
        "event": event, "venue": venue, "rows": rows, "arrive": services.local_hm(services.late_after(event), event)})
