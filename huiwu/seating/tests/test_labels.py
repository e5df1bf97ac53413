"""seat_labels: the current plan read through replacements and withdrawals."""

from __future__ import annotations

from huiwu.receipts.models import Attendee
from huiwu.seating.models import SeatingPlan
from huiwu.seating.services import active_attendees, fingerprint, plan_view, seat_labels


def _people(venue, n):
    return [
        Attendee.objects.create(event=venue.event, venue=venue, name=f"人{i}", unit="单位", order=i)  # i18n: data
        for i in range(n)
    ]


def test_no_plan_no_labels(demo_event):
    assert seat_labels(demo_event.venues.get(code="110000")) == {}


def test_labels_follow_replacement_and_removal(demo_event):
    venue = demo_event.venues.get(code="110000")
    a, b, c = _people(venue, 3)
    SeatingPlan.objects.create(
        venue=venue, min_distance=1, fingerprint=fingerprint(active_attendees(venue)),
        seats=[
            {"row": "1", "seat": "5", "x": 0, "y": 0, "attendee": a.pk},
            {"row": "1", "seat": "7", "x": 2, "y": 0, "attendee": b.pk},
            {"row": "主席台", "seat": "1", "x": 0, "y": -3, "rostrum": True, "attendee": c.pk},  # i18n: data
            {"row": "2", "seat": "1", "x": 0, "y": 1, "attendee": None},
        ],
    )
    assert seat_labels(venue) == {a.pk: "1排5座", b.pk: "1排7座", c.pk: "主席台1座"}  # i18n: data
    assert not plan_view(venue.seating_plans.get()).stale
    # a is replaced by d: d takes a's seat; b withdraws: the seat is free; the plan is out of date
    Attendee.objects.filter(pk=a.pk).update(status=Attendee.Status.REPLACED)
    d = Attendee.objects.create(event=venue.event, venue=venue, name="替补", unit="单位", replaces=a)  # i18n: data
    Attendee.objects.filter(pk=b.pk).update(status=Attendee.Status.WITHDRAWN)
    assert seat_labels(venue) == {d.pk: "1排5座", c.pk: "主席台1座"}  # i18n: data
    view = plan_view(venue.seating_plans.get())
    assert view.stale
    assert view.changes == {"replaced": 1, "removed": 1, "added": 0}
