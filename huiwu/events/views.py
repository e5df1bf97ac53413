"""Event pages: the public notice and the organizer's overview of every venue."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from huiwu.accounts.tenancy import public, scoped
from huiwu.venues.models import Venue
from huiwu.venues.services import overview_rows

from . import services
from .models import Event
from .overview import render_rows, summarise


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


@scoped("event.manage")
def overview(request, event):
    """One row per venue: approval, receipt filed, attendees/capacity, tech contact, last change."""
    rows = overview_rows(event)
    deadline = event.registration_deadline
    return render(request, "events/overview.html", {
        "event": event, "stats": summarise(rows, deadline),
        "table_rows": render_rows(rows, event.slug, deadline),
    })


@require_POST
@scoped("event.manage")
def remind(request, event):
    """E-mail a reminder to every venue (every invited main-venue unit) that has not filed yet."""
    from huiwu.receipts.services import remind_unfiled

    out = remind_unfiled(event, actor=request.user)
    messages.success(request, ngettext("已向 %(n)d 个未报会场（单位）发送提醒邮件。", "已向 %(n)d 个未报会场（单位）发送提醒邮件。",
                                       out["sent"]) % {"n": out["sent"]})
    if out["no_address"]:
        messages.warning(request, _("以下会场没有联系人邮箱，未能提醒，请生成邀请链接或电话联系：%(names)s") % {
            "names": _("、").join(out["no_address"])})
    return redirect("events:overview", event.slug)


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
        messages.success(request, ngettext("已新建 %(n)d 个分会场。", "已新建 %(n)d 个分会场。", len(created)) % {"n": len(created)})
    return redirect("events:overview", event.slug)
