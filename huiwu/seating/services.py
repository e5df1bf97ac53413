"""Seating services: current plans, seat labels, staleness; the solver lives in `solver.py`.

A plan is stored as it was made. What the people now see is the plan read through later
changes: a replacement sits in the seat of the person replaced, a withdrawal frees the seat,
and any change to the venue's list since the plan was made marks it out of date (the stored
fingerprint of attendee ids and versions differs), so a plan is never silently wrong.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from huiwu.receipts.models import Attendee
from huiwu.venues.models import Venue

from .models import SeatingPlan


def active_attendees(venue: Venue) -> list[Attendee]:
    """The venue's people who attend now (not replaced, not withdrawn), in filing order."""
    return list(Attendee.objects.filter(venue=venue, status=Attendee.Status.ACTIVE).order_by("order", "id"))


def fingerprint(attendees: list[Attendee]) -> str:
    """SHA-256 of who attends and each person's version: any change makes a plan out of date."""
    h = hashlib.sha256()
    for a in sorted(attendees, key=lambda a: a.pk):
        h.update(f"{a.pk}:{a.updated_at.isoformat() if a.updated_at else ''};".encode())
    return h.hexdigest()


def current_plan(venue: Venue) -> SeatingPlan | None:
    """The newest plan of the venue, or None."""
    return SeatingPlan.objects.filter(venue=venue).order_by("-created_at", "-id").first()


def seat_label(row: str, seat: str, rostrum: bool = False) -> str:
    """"3排5座"; a rostrum seat is "主席台5座"."""
    if rostrum:
        return _("%(row)s%(seat)s座") % {"row": _("主席台"), "seat": seat}
    return _("%(row)s排%(seat)s座") % {"row": row, "seat": seat}


def successors(venue: Venue) -> dict[int, int | None]:
    """For each person of the venue who no longer attends: who sits in their place (None: nobody).

    A replacement chain A → B → C ends at the active C; a withdrawal ends at None.
    """
    rows = list(Attendee.objects.filter(venue=venue).values_list("id", "status", "replaces_id"))
    status = {pk: st for pk, st, _r in rows}
    replaced_by = {rep: pk for pk, _s, rep in rows if rep is not None}
    out: dict[int, int | None] = {}
    for pk, st, _r in rows:
        if st == Attendee.Status.ACTIVE:
            continue
        cur, seen = pk, set()
        while cur is not None and status.get(cur) != Attendee.Status.ACTIVE and cur not in seen:
            seen.add(cur)
            cur = replaced_by.get(cur)
        out[pk] = cur if cur is not None and status.get(cur) == Attendee.Status.ACTIVE else None
    return out


@dataclass
class PlanView:
    """A plan read through the changes made after it: who sits where now."""

    plan: SeatingPlan
    #: seat dicts as stored, with "attendee" the person sitting there now (id or None)
    seats: list[dict]
    unseated: list[int]
    stale: bool
    #: what changed since the plan: {"replaced": n, "removed": n, "added": n, "changed": n}
    changes: dict = field(default_factory=dict)


def plan_view(plan: SeatingPlan, attendees: list[Attendee] | None = None) -> PlanView:
    """The plan with replacements in their predecessors' seats and withdrawn people's seats free."""
    venue = plan.venue
    if attendees is None:
        attendees = active_attendees(venue)
    active = {a.pk for a in attendees}
    moved = successors(venue)
    seats, placed = [], set()
    replaced = removed = 0
    for s in plan.seats:
        s = dict(s)
        pk = s.get("attendee")
        if pk is not None and pk not in active:
            new = moved.get(pk)
            if new is not None and new not in placed:
                replaced += 1
            else:
                removed += 1
                new = None
            s["attendee"] = new
        if s.get("attendee") is not None:
            placed.add(s["attendee"])
        seats.append(s)
    unseated = []
    for pk in plan.unseated:
        pk = pk if pk in active else moved.get(pk)
        if pk is not None and pk not in placed and pk not in unseated:
            unseated.append(pk)
    known = placed | set(unseated)
    added = [a.pk for a in attendees if a.pk not in known]
    stale = plan.fingerprint != fingerprint(attendees)
    changes = {"replaced": replaced, "removed": removed, "added": len(added)}
    return PlanView(plan=plan, seats=seats, unseated=unseated + added, stale=stale, changes=changes)


def seat_labels(venue: Venue) -> dict[int, str]:
    """Attendee id → "3排5座" from the venue's current plan (replacements in their seats); {} without one."""
    plan = current_plan(venue)
    if plan is None:
        return {}
    view = plan_view(plan)
    return {
        s["attendee"]: seat_label(s["row"], s["seat"], s.get("rostrum", False))
        for s in view.seats
        if s.get("attendee") is not None
    }
