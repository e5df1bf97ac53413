"""API: the venues of an event, within the token user's scope."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy
from ninja import Router, Schema

from huiwu.accounts.tenancy import Access, resolve_event, resolve_venue

from .services import with_counts

router = Router(tags=["venues"])


class VenueOut(Schema):
    code: str
    kind: str
    name: str
    host_unit: str | None
    address: str
    room: str
    capacity: int
    attendees: int
    approval_status: str
    approving_body: str
    decided_at: datetime | None
    is_open: bool
    deadline_extended_to: datetime | None

    @staticmethod
    def resolve_host_unit(obj):
        return obj.host_unit.name if obj.host_unit_id else None

    @staticmethod
    def resolve_attendees(obj):
        return getattr(obj, "active_count", 0)


@router.get("/events/{event}/venues", response=list[VenueOut], summary=gettext_lazy("列出会议的会场（含代码）"))
def list_venues(request, event: str):
    ev = resolve_event(request.auth, event, "event.view", request)
    return with_counts(ev, Access.for_user(request.auth).venues(ev))


@router.get("/events/{event}/venues/{venue}", response=VenueOut, summary=gettext_lazy("会场详情"))
def get_venue(request, event: str, venue: str):
    v = resolve_venue(request.auth, event, venue, "venue.view", request)
    return with_counts(v.event, type(v).objects.filter(pk=v.pk))[0]
