"""Seating services: current plans, seat labels, staleness; the solver lives in `solver.py`.

A plan is stored as it was made. What the people now see is the plan read through later
changes: a replacement sits in the seat of the person replaced, a withdrawal frees the seat,
and any change to the venue's list since the plan was made marks it out of date (the stored
fingerprint of attendee ids and versions differs), so a plan is never silently wrong.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from huiwu.audit.services import record
from huiwu.core.errors import Invalid
from huiwu.receipts.models import Attendee
from huiwu.venues.models import Venue

from . import layouts
from .models import RoomLayout, SeatingPlan


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


# -- layouts ----------------------------------------------------------------------------------
def get_layout(venue: Venue) -> RoomLayout | None:
    return RoomLayout.objects.filter(venue=venue).first()


def save_layout(venue: Venue, data: Any, *, actor: Any = None, note: str = "") -> RoomLayout:
    """Check and store the venue's layout (a new version; audited). Plans made on an older
    version are marked out of date by the page."""
    clean = layouts.clean_layout(data)
    with transaction.atomic():
        row = RoomLayout.objects.select_for_update().filter(venue=venue).first()
        before = None
        if row is None:
            row = RoomLayout(venue=venue, data=clean, version=1)
        else:
            before = {"version": row.version, "seats": len(layouts.seats(row.data))}
            row.data, row.version = clean, row.version + 1
        row.updated_by = actor if getattr(actor, "is_authenticated", False) else None
        row.save()
        record("seating.layout", actor=actor, venue=venue, obj=row, before=before,
               after={"version": row.version, "seats": len(layouts.seats(clean)), "name": clean["name"]}, note=note)
    return row


def toggle_seat(venue: Venue, row_label: str, seat_label: str, *, rostrum: bool = False, actor: Any = None) -> bool:
    """Remove a seat (aisle, pillar) or restore it; returns whether it is now usable."""
    layout = get_layout(venue)
    if layout is None:
        raise Invalid(_("本会场还没有会议室布局，请先生成或导入。"))
    data = layout.data
    rows = [data["rostrum"]] if rostrum and data.get("rostrum") else ([] if rostrum else data["rows"])
    for row in rows:
        if row["label"] != row_label:
            continue
        for seat in row["seats"]:
            if seat["label"] == seat_label:
                if seat.get("off"):
                    seat.pop("off")
                else:
                    seat["off"] = True
                save_layout(venue, data, actor=actor, note=f"toggle {row_label}/{seat_label}")
                return not seat.get("off")
    raise Invalid(_("找不到座位：%(row)s排%(seat)s座。") % {"row": row_label, "seat": seat_label})


# -- plans ------------------------------------------------------------------------------------
def unseated_reason(plan: SeatingPlan, people: int) -> str:
    """Why people are left without a seat, in words the page shows."""
    if people <= len([s for s in plan.seats if s.get("attendee") is not None]) and not plan.unseated:
        return ""
    d = f"{plan.min_distance.normalize():f}" if hasattr(plan.min_distance, "normalize") else str(plan.min_distance)
    if plan.optimal:
        return _("此距离（%(d)s 米）下本会议室最多可坐 %(n)d 人。") % {"d": d, "n": plan.max_seated}
    return _("此距离（%(d)s 米）下找到的方案可坐 %(n)d 人（未能证明最优：%(how)s）。") % {
        "d": d, "n": plan.max_seated, "how": plan.method}


def make_plan(venue: Venue, *, min_distance: float, mode: str = "gov", order: list[int] | None = None,
              layout: dict | None = None, actor: Any = None, time_limit: float = 20.0) -> SeatingPlan:
    """Seat the venue's people: as many as the room allows at `min_distance` (proven with CP-SAT),
    the first in precedence in the best seats (rostrum, front rows, centre outwards in the mode's
    order); the rest are unseated, last in precedence first to go."""
    from . import solver
    from .precedence import inferred_order
    from .precedence import precedence as venue_precedence

    if mode not in ("gov", "intl"):
        raise Invalid(_("礼宾模式应为 gov（以左为上）或 intl（以右为上）。"))
    try:
        d = float(min_distance)
    except (TypeError, ValueError):
        d = -1.0
    if not 0 <= d <= 10:
        raise Invalid(_("最小间距应为 0–10 之间的米数，例如 1 或 1.5。"))
    if layout is None:
        row = get_layout(venue)
        if row is None:
            raise Invalid(_("本会场还没有会议室布局：请先在座次页面生成或导入布局，或用 --layout 指定布局文件。"))
        layout, layout_version = row.data, row.version
    else:
        layout, layout_version = layouts.clean_layout(layout), 0
    attendees = active_attendees(venue)
    active = {a.pk for a in attendees}
    if order is None:
        ranked_people = venue_precedence(venue, attendees)
    else:
        bad = [pk for pk in order if pk not in active]
        if bad:
            raise Invalid(_("顺序文件中的编号不是本会场的参会人员：%(ids)s。") % {"ids": _("、").join(map(str, bad[:10]))})
        seen = set(order)
        ranked_people = list(dict.fromkeys(order)) + [pk for pk in inferred_order(venue, attendees) if pk not in seen]
    seats = layouts.seats(layout)
    sol = solver.solve(seats, d, len(ranked_people), time_limit=time_limit)
    ranked_seats = solver.protocol_order(seats, sol.chosen, mode)
    who = dict(zip(ranked_seats, ranked_people, strict=False))
    stored = [{"row": s.row, "seat": s.seat, "x": s.x, "y": s.y, "rostrum": s.rostrum, "attendee": who.get(s.index)}
              for s in seats]
    with transaction.atomic():
        plan = SeatingPlan.objects.create(
            venue=venue, min_distance=Decimal(str(round(d, 2))), mode=mode, seats=stored,
            unseated=ranked_people[len(ranked_seats):], max_seated=sol.max_count, optimal=sol.optimal,
            method=sol.method[:200], fingerprint=fingerprint(attendees), order=ranked_people,
            layout_version=layout_version, created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        record("seating.plan", actor=actor, venue=venue, obj=plan,
               after={"seated": len(ranked_seats), "unseated": len(plan.unseated), "min_distance": d,
                      "mode": mode, "optimal": sol.optimal, "method": sol.method[:200]})
    return plan


def plan_json(plan: SeatingPlan, view: PlanView | None = None) -> dict:
    """PRODUCT.md's plan JSON: {"venue", "min_distance", "seats", "unseated", "optimal"}."""
    view = view or plan_view(plan)
    ids = [s["attendee"] for s in view.seats if s.get("attendee") is not None]
    people = {a.pk: a for a in Attendee.objects.filter(pk__in=ids)}
    seats = []
    for s in view.seats:
        a = people.get(s.get("attendee"))
        seats.append({"row": s["row"], "seat": s["seat"], "x": s["x"], "y": s["y"],
                      "attendee": {"id": a.pk, "name": a.name, "unit": a.unit, "position": a.position} if a else None})
    return {"venue": plan.venue.code, "min_distance": float(plan.min_distance), "seats": seats,
            "unseated": view.unseated, "optimal": plan.optimal}
