"""API: the events a token's user may see."""

from __future__ import annotations

from datetime import date, datetime

from django.utils.translation import gettext_lazy
from ninja import Router, Schema

from huiwu.accounts.tenancy import Access, resolve_event

router = Router(tags=["events"])


class EventOut(Schema):
    slug: str
    title: str
    doc_number: str
    issuer: str
    issued_on: date | None
    theme: str
    status: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    registration_deadline: datetime | None
    rehearsal_starts_at: datetime | None
    rehearsal_ends_at: datetime | None
    arrive_before_minutes: int
    approval_required: bool


@router.get("/events", response=list[EventOut], summary=gettext_lazy("列出可访问的会议"))
def list_events(request):
    return list(Access.for_user(request.auth).events().order_by("-starts_at"))


@router.get("/events/{event}", response=EventOut, summary=gettext_lazy("会议详情"))
def get_event(request, event: str):
    return resolve_event(request.auth, event, "event.view", request)
