"""Benchmark: the organizer overview for 37 and for 3,000 venues (goal: < 300 ms at 3,000), every
column filled: 10,000 attendees at the first 1,000 venues, every branch a rehearsal slot and a
technical contact, every second one a self-test.

    .venv/bin/python bench/overview.py            # SQLite in a temporary data dir
    HUIWU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/huiwu_bench .venv/bin/python bench/overview.py
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HUIWU_DATA_DIR", tempfile.mkdtemp(prefix="huiwu-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huiwu.settings")
os.environ.setdefault("HUIWU_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from huiwu.accounts.services import add_user  # noqa: E402
from huiwu.events.models import Event  # noqa: E402
from huiwu.events.services import DEMO_SLUG, load_demo_event  # noqa: E402
from huiwu.receipts.models import Attendee, TechContact  # noqa: E402
from huiwu.rehearsals import services as rehearsals  # noqa: E402
from huiwu.rehearsals.models import SelfTest  # noqa: E402
from huiwu.venues.models import Venue  # noqa: E402


def measure(client: Client, url: str, n: int = 15) -> tuple[float, float, int, int]:
    client.get(url)
    times = []
    for _ in range(n):
        t = time.perf_counter()
        resp = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        assert resp.status_code == 200
    with CaptureQueriesContext(connection) as q:
        size = len(client.get(url).content)
    return statistics.median(times), max(times), len(q), size


def main() -> None:
    call_command("migrate", verbosity=0)
    Event.objects.filter(slug=DEMO_SLUG).delete()
    event = load_demo_event()
    user = add_user("bench-org", "organizer", "x")
    client = Client()
    client.force_login(user)
    url = f"/manage/{event.slug}/"
    small = measure(client, url)
    venues = Venue.objects.bulk_create([
        Venue(event=event, kind="branch", code=f"{800000 + i}", name=f"压测会场{i}", capacity=30, order=100 + i)
        for i in range(3000 - 37)
    ])
    Attendee.objects.bulk_create([
        Attendee(event=event, venue=v, name=f"人员{j}", unit="单位", position="职务", phone=f"138{i:04d}{j:04d}"[:11])
        for i, v in enumerate(venues[:1000]) for j in range(10)
    ])
    event.rehearsal_ends_at = event.rehearsal_starts_at + timedelta(minutes=rehearsals.minimum_window(3000, 2))
    event.save()
    rehearsals.schedule(event, reset=True)
    ids = list(Venue.objects.filter(event=event, kind="branch").values_list("id", flat=True))
    TechContact.objects.bulk_create([TechContact(venue_id=v, name="王五", phone="13700137000") for v in ids])
    SelfTest.objects.bulk_create([SelfTest(venue_id=v, grade="good", network={"rtt_ms": 40}) for v in ids[::2]])
    reset_queries()
    big = measure(client, url)
    print(f"database: {connection.vendor}")
    print(f"overview   38 venues: median {small[0]:.1f} ms, max {small[1]:.1f} ms, {small[2]} queries, {small[3]:,} bytes")
    print(f"overview 3000 venues: median {big[0]:.1f} ms, max {big[1]:.1f} ms, {big[2]} queries, {big[3]:,} bytes")
    print(f"goal < 300 ms at 3000 venues: {'met' if big[0] < 300 else 'NOT met'}")


if __name__ == "__main__":
    main()
