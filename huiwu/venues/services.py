"""Venue queries and changes that pages and the API share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery

from huiwu.events.models import Event
from huiwu.receipts.models import Attendee, Receipt, TechContact

from .models import Venue


def overview_queryset(event: Event, venues: QuerySet[Venue] | None = None) -> QuerySet[Venue]:
    """Venues with their attendee count and latest receipt as annotations (API and small lists)."""
    latest = Receipt.objects.filter(venue=OuterRef("pk")).order_by("-submitted_at")
    qs = venues if venues is not None else Venue.objects.filter(event=event)
    return (
        qs.select_related("host_unit", "tech_contact")
        .annotate(
            active_count=Count("attendees", filter=Q(attendees__status="active")),
            last_receipt_at=Subquery(latest.values("submitted_at")[:1]),
            last_receipt_version=Subquery(latest.values("version")[:1]),
        )
        .order_by("order", "id")
    )


@dataclass(slots=True)
class VenueRow:
    """One line of the organizer overview, as plain values."""

    id: int
    code: str
    kind: str
    name: str
    unit: str
    capacity: int
    approval_status: str
    deadline_extended_to: datetime | None
    updated_at: datetime
    count: int = 0
    tech: str = ""
    filed_version: int | None = None
    filed_at: datetime | None = None


def overview_rows(event: Event) -> list[VenueRow]:
    """Every number the organizer overview shows, in four grouped queries whatever the size.

    37 venues and 3,000 venues cost the same number of queries; values() instead of model
    instances and grouped aggregates instead of per-row subqueries keep 3,000 rows fast.
    """
    rows = {
        v["id"]: VenueRow(
            id=v["id"], code=v["code"], kind=v["kind"], name=v["name"], unit=v["host_unit__name"] or "",
            capacity=v["capacity"], approval_status=v["approval_status"],
            deadline_extended_to=v["deadline_extended_to"], updated_at=v["updated_at"],
        )
        for v in Venue.objects.filter(event=event).order_by("order", "id").values(
            "id", "code", "kind", "name", "host_unit__name", "capacity", "approval_status",
            "deadline_extended_to", "updated_at",
        )
    }
    counts = (
        Attendee.objects.filter(event=event, status=Attendee.Status.ACTIVE)
        .values("venue_id").annotate(n=Count("id")).values_list("venue_id", "n")
    )
    for venue_id, n in counts:
        rows[venue_id].count = n
    for venue_id, name in TechContact.objects.filter(venue__event=event).values_list("venue_id", "name"):
        rows[venue_id].tech = name
    receipts = (
        Receipt.objects.filter(venue__event=event).values("venue_id")
        .annotate(v=Max("version"), at=Max("submitted_at")).values_list("venue_id", "v", "at")
    )
    for venue_id, version, at in receipts:
        rows[venue_id].filed_version, rows[venue_id].filed_at = version, at
    return list(rows.values())
