"""Event pages: the public notice (the organizer's overview lives in `huiwu.dashboard`)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, redirect, render

from huiwu.accounts.tenancy import public
from huiwu.venues.models import Venue

from .models import Event


@public
def notice(request, slug):
    """The event's public notice page (anyone with the address; drafts are not public)."""
    event = get_object_or_404(Event.objects.exclude(status=Event.Status.DRAFT), slug=slug)
    if request.GET.get("code") and request.GET.get("fmt"):  # the attachment picker's form
        return redirect("events:notice_template", event.slug, request.GET["code"], request.GET["fmt"])
    venues = list(event.venues.select_related("host_unit").order_by("order"))
    main = next((v for v in venues if v.kind == Venue.Kind.MAIN), None)
    branches = [v for v in venues if v.kind == Venue.Kind.BRANCH]
    return render(request, "events/notice.html", {
        "event": event, "main": main, "branches": branches,
        "contacts": event.contacts.all(), "attachments": event.attachments.all(),
    })


@public
def notice_template(request, slug, code, fmt):
    """A venue's receipt form from the public notice, for units that still fill and e-mail Word or
    Excel files: the marker inside routes the returned file to the venue (no personal data)."""
    from huiwu.receipts.documents.templates import template_response

    event = get_object_or_404(Event.objects.exclude(status=Event.Status.DRAFT), slug=slug)
    return template_response(get_object_or_404(event.venues.select_related("event", "host_unit"), code=code), fmt)
