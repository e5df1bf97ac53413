"""Load benchmark: 50 concurrent API clients adding attendees across 1,000 venues of one event.

Starts `huiwu up` (gunicorn, several workers) on a fresh PostgreSQL database, gives each venue a
coordinator with an API token, then lets 50 client threads POST attendees for a fixed time.
Most requests go to random venues; a share goes to a few "hot" venues so they fill up and the
capacity check is exercised under contention. Reports accepted attendees per minute, p50/p99
latency, and checks that no venue ends above its capacity (zero overshoot).

    HUIWU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/receipts_load.py
    ... bench/receipts_load.py --clients 50 --venues 1000 --seconds 60 --workers 4 --threads 4

Goal on the 2-core machine: >= 3,000 accepted attendees per minute, zero overshoot.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from livedb import use_server_database  # noqa: E402  (bench/ is the script's own folder)

SLUG = "lifelong-learning-week-2021"


def setup_data(app, n_venues: int) -> list[tuple[str, str]]:
    """In this process, against the server's database: venues up to n, one coordinator token each."""
    use_server_database(app)
    from django.contrib.auth import get_user_model

    from huiwu.accounts.models import Membership
    from huiwu.accounts.services import create_token
    from huiwu.events.models import Event
    from huiwu.venues.models import Venue

    event = Event.objects.get(slug=SLUG)
    have = Venue.objects.filter(event=event, kind="branch").count()
    Venue.objects.bulk_create([
        Venue(event=event, kind="branch", code=f"{900000 + i}", name=f"压测分会场{i}", capacity=30, order=100 + i)
        for i in range(max(0, n_venues - have))
    ])
    venues = list(Venue.objects.filter(event=event, kind="branch").order_by("order", "id")[:n_venues])
    User = get_user_model()
    users = User.objects.bulk_create([User(username=f"load_{v.code}") for v in venues])
    Membership.objects.bulk_create([
        Membership(user=u, role="coordinator", event=event, venue=v) for u, v in zip(users, venues, strict=True)
    ])
    return [(v.code, create_token(u, "bench")) for u, v in zip(users, venues, strict=True)]


class Client(threading.Thread):
    def __init__(self, url: str, targets, hot, hot_share: float, until: float, seed: int):
        super().__init__(daemon=True)
        u = urlparse(url)
        self.host, self.port = u.hostname, u.port
        self.targets, self.hot, self.hot_share, self.until = targets, hot, hot_share, until
        self.rng = random.Random(seed)
        self.seed = seed
        self.results: list[tuple[int, float, str]] = []

    def run(self) -> None:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        n = 0
        while time.monotonic() < self.until:
            code, token = self.rng.choice(self.hot if self.rng.random() < self.hot_share else self.targets)
            n += 1
            body = json.dumps({"name": f"压测{self.seed:02d}{n:05d}", "unit": "压测单位", "position": "代表",
                               "phone": f"139{self.seed:02d}{n:06d}"[:11]})
            t = time.perf_counter()
            try:
                conn.request("POST", f"/api/v1/events/{SLUG}/venues/{code}/attendees", body=body, headers={
                    "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
                resp = conn.getresponse()
                data = resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
                self.results.append((0, time.perf_counter() - t, "io"))
                continue
            err = ""
            if status != 201:
                try:
                    err = json.loads(data)["error"]["code"]
                except (ValueError, KeyError, TypeError):
                    err = data[:80].decode("utf-8", "replace")
            self.results.append((status, time.perf_counter() - t, err))
        conn.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--venues", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--hot", type=int, default=10, help="venues that get a share of all requests and fill up")
    ap.add_argument("--hot-share", type=float, default=0.1)
    args = ap.parse_args()
    if not os.environ.get("HUIWU_DATABASE_URL", "").startswith("postgres"):
        print("note: HUIWU_DATABASE_URL is not PostgreSQL; measuring on SQLite", file=sys.stderr)

    from conftest import start_live_app, stop_live_app

    app = start_live_app(extra_env={"HUIWU_WORKERS": str(args.workers), "HUIWU_THREADS": str(args.threads),
                                    "HUIWU_LOG_LEVEL": "WARNING"})
    try:
        t0 = time.monotonic()
        targets = setup_data(app, args.venues)
        print(f"setup: {len(targets)} venues with coordinator tokens in {time.monotonic() - t0:.1f} s")
        hot = targets[: args.hot]
        # warm up every worker's connection and caches
        warm = Client(app.url, targets[args.hot:], [], 0, time.monotonic() + 2, 99)
        warm.run()
        until = time.monotonic() + args.seconds
        clients = [Client(app.url, targets[args.hot:], hot, args.hot_share, until, i) for i in range(args.clients)]
        started = time.monotonic()
        for c in clients:
            c.start()
        for c in clients:
            c.join()
        elapsed = time.monotonic() - started
        results = [r for c in clients for r in c.results]
        ok = [lat for s, lat, _ in results if s == 201]
        full = sum(1 for s, _, e in results if e == "capacity_full")
        other = [(s, e) for s, _, e in results if s != 201 and e != "capacity_full"]
        lat = sorted(lat for _, lat, _ in results)

        from django.db.models import Count, F, Q

        from huiwu.venues.models import Venue

        over = list(
            Venue.objects.filter(event__slug=SLUG)
            .annotate(n=Count("attendees", filter=Q(attendees__status="active")))
            .filter(n__gt=F("capacity")).values_list("code", "n", "capacity")
        )
        hot_counts = list(
            Venue.objects.filter(code__in=[c for c, _ in hot], event__slug=SLUG)
            .annotate(n=Count("attendees", filter=Q(attendees__status="active"))).values_list("n", flat=True)
        )
        from django.db import connection

        print(f"database: {connection.vendor}, server: huiwu up with {args.workers} workers x {args.threads} threads")
        print(f"clients: {args.clients}, venues: {len(targets)}, duration: {elapsed:.1f} s")
        print(f"requests: {len(results)}, accepted: {len(ok)}, capacity_full: {full}, other errors: {len(other)}")
        if other:
            print("  e.g.", other[:5])
        print(f"accepted attendees per minute: {len(ok) / elapsed * 60:,.0f}")
        print(f"latency all requests: p50 {statistics.median(lat) * 1000:.0f} ms, "
              f"p99 {lat[int(len(lat) * 0.99) - 1] * 1000:.0f} ms, max {lat[-1] * 1000:.0f} ms")
        print(f"hot venues (capacity 30): {sorted(hot_counts)}")
        print(f"venues over capacity: {len(over)} {over[:5]}")
        if over:
            raise SystemExit("OVERSHOOT")
    finally:
        stop_live_app(app)
        _drop_database(app)


def _drop_database(app) -> None:
    """The server's PostgreSQL database was made for this run; remove it."""
    url = app.env.get("HUIWU_DATABASE_URL", "")
    if not url.startswith("postgres"):
        return
    try:
        from django.db import connections

        connections.close_all()
    except Exception:  # noqa: BLE001 (django may not be set up if setup failed)
        pass
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
