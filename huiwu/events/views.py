"""Event pages: the public notice and the organizer's overview of every venue."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huiwu.accounts.tenancy import public, scoped
from huiwu.venues.models import Venue
from huiwu.venues.services import overview_queryset

from . import services
from .models import Event


@public
def notice(request, slug):
    """The event's public notice page (anyone with the address; drafts are not public)."""
    event = get_object_or_404(Event.objects.exclude(status=Event.Status.DRAFT), slug=slug)
    venues = list(event.venues.select_related("host_unit").order_by("order"))
    main = next((v for v in venues if v.kind == Venue.Kind.MAIN), None)
    branches = [v for v in venues if v.kind == Venue.Kind.BRANCH]
    return render(request, "events/notice.html", {
        "event": event, "main": main, "branches": branches,
        "contacts": event.contacts.all(), "attachments": event.attachments.all(),
    })


def _row(v: Venue, now, deadline) -> dict:
    tc = getattr(v, "tech_contact", None)
    approval_needed = v.kind == Venue.Kind.BRANCH
    late = v.last_receipt_at is None and deadline is not None and now > (v.deadline_extended_to or deadline)
    changed = max(filter(None, [v.updated_at, v.last_receipt_at]))
    return {
        "code": v.code, "name": v.name, "unit": v.host_unit.name if v.host_unit_id else "",
        "approval": v.get_approval_status_display() if approval_needed else "—",
        "approval_ok": v.approval_status == Venue.Approval.APPROVED,
        "filed": v.last_receipt_version, "count": v.active_count, "capacity": v.capacity,
        "full": v.active_count >= v.capacity, "tech": tc.name if tc else "", "late": late,
        "changed": changed,
    }


@scoped("event.manage")
def overview(request, event):
    """One row per venue: approval, receipt filed, attendees/capacity, tech contact, last change."""
    now = timezone.now()
    deadline = event.registration_deadline
    rows = [_row(v, now, deadline) for v in overview_queryset(event)]
    stats = {
        "venues": len(rows),
        "filed": sum(1 for r in rows if r["filed"]),
        "attendees": sum(r["count"] for r in rows),
        "approved": sum(1 for r in rows if r["approval_ok"] and r["code"] != "main"),
        "late": sum(1 for r in rows if r["late"]),
    }
    return render(request, "events/overview.html", {"event": event, "rows": rows, "stats": stats})


@require_POST
@scoped("event.manage")
def create_branches(request, event):
    """Create the 37 branch venues (those missing) in the official order, in one action."""
    try:
        capacity = int(request.POST.get("capacity", "30"))
    except ValueError:
        capacity = 0
    if capacity <= 0:
        messages.error(request, _("每个分会场的人数上限必须是正整数，例如 30。"))
    else:
        created = services.create_branch_venues(event, capacity, actor=request.user)
        messages.success(request, _("已新建 %(n)d 个分会场。") % {"n": len(created)})
    return redirect("events:overview", event.slug)
