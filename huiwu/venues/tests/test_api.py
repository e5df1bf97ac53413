"""GET /api/v1/events/{event}/venues: the venues in scope with the same counts as the overview."""

from huiwu.dashboard.overview import overview_rows
from huiwu.receipts.models import Attendee

BASE = "/api/v1/events/lifelong-learning-week-2021/venues"


def add(venue, n, status="active"):
    for i in range(n):
        Attendee.objects.create(event=venue.event, venue=venue, name=f"测试{venue.code}{status}{i}", unit="单位",
                                phone=f"1390{venue.code[:2]}{i:05d}", status=status)


def test_counts_match_the_overview_and_scope_is_kept(demo_event, organizer, coordinator, api_client, count_queries):
    bj, sh = demo_event.venues.get(code="110000"), demo_event.venues.get(code="310000")
    add(bj, 3)
    add(bj, 2, status="withdrawn")
    add(sh, 1)
    with count_queries() as q:
        data = api_client(organizer).get(BASE).json()
    counts = {v["code"]: v["attendees"] for v in data}
    assert counts == {r.code: r.count for r in overview_rows(demo_event)}
    assert counts["110000"] == 3 and counts["310000"] == 1 and len(data) == 38
    assert len(q) < 12, "a grouped count, not one query per venue"

    mine = api_client(coordinator).get(BASE).json()
    assert [(v["code"], v["attendees"]) for v in mine] == [("110000", 3)]
    one = api_client(coordinator).get(BASE + "/110000").json()
    assert one["attendees"] == 3 and one["host_unit"] == bj.host_unit.name
    assert api_client(coordinator).get(BASE + "/310000").status_code == 404
