"""A venue's page: what its coordinator (or the organizer) sees and does for one venue."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huiwu.accounts import services as account_services
from huiwu.accounts.tenancy import scoped
from huiwu.core.text import mask_mobile
from huiwu.events.services import effective_deadline


@scoped("venue.view")
def detail(request, event, venue):
    access = request.access
    show_phone = access.can("attendee.phone", event, venue)
    unit_ids = access.unit_ids(event, venue)
    attendees = venue.attendees.filter(status="active").order_by("order", "id")
    if unit_ids is not None and not access.can("declaration.view", event, venue) and not access.is_organizer(event):
        attendees = attendees.filter(filed_by_unit_id__in=unit_ids)
    rows = [
        {"a": a, "phone": a.phone if show_phone else mask_mobile(a.phone)} for a in attendees
    ]
    tc = getattr(venue, "tech_contact", None)
    return render(request, "venues/detail.html", {
        "event": event, "venue": venue, "rows": rows, "tech": tc,
        "tech_phone": (tc.phone if show_phone else mask_mobile(tc.phone)) if tc else "",
        "deadline": effective_deadline(venue),
        "is_organizer": access.is_organizer(event),
        "can_edit": access.can("venue.edit", event, venue),
        "receipts": venue.receipts.order_by("-submitted_at")[:10],
    })


@require_POST
@scoped("event.manage")
def invite(request, event, venue):
    """The organizer makes a signed, expiring invitation link for the venue's coordinator."""
    _inv, token = account_services.create_invitation(venue, actor=request.user, email=request.POST.get("email", ""))
    link = request.build_absolute_uri(reverse("accounts:invitation", args=[token]))
    messages.success(request, _("邀请链接（%(days)s 天内有效，仅可使用一次）：%(link)s") % {
        "days": 14, "link": link})
    return redirect("venues:detail", event.slug, venue.code)
