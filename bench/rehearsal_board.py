"""Benchmark: the director's rehearsal board for 37 and 3,000 venues (goal < 300 ms at 3,000), and
the browser self-test's duration end to end (goal <= 60 s) in headless Chromium against `huiwu up`.

The board shows a page of 50 venues: the page of the slot on now (the default), a page picked by
its slot times, a search; the rows an open board fetches when the version changed, the version
it polls every second, and the organizer overview of the same event as a yardstick for the load.

    .venv/bin/python bench/rehearsal_board.py                 # board (SQLite) + self-test
    .venv/bin/python bench/rehearsal_board.py --board-only
    HUIWU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/huiwu_bench .venv/bin/python bench/rehearsal_board.py --board-only
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HUIWU_DATA_DIR", tempfile.mkdtemp(prefix="huiwu-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huiwu.settings")
os.environ.setdefault("HUIWU_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from huiwu.accounts.services import add_user  # noqa: E402
from huiwu.events.models import Event  # noqa: E402
from huiwu.events.services import DEMO_SLUG, load_demo_event  # noqa: E402
from huiwu.receipts.models import TechContact  # noqa: E402
from huiwu.rehearsals import services  # noqa: E402
from huiwu.rehearsals.models import SelfTest  # noqa: E402
from huiwu.venues.models import Venue  # noqa: E402

SAMPLE = {"camera": {"ok": True, "width": 1280, "height": 720, "fps": 30}, "microphone": {"ok": True, "rms": -30},
          "speaker": {"ok": True}, "network": {"rtt_ms": 40, "jitter_ms": 5, "down_mbps": 30, "up_mbps": 8}}


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


def board() -> None:
    call_command("migrate", verbosity=0)
    Event.objects.filter(slug=DEMO_SLUG).delete()
    event = load_demo_event()
    client = Client()
    client.force_login(add_user("bench-reh-org", "organizer", "x"))
    services.schedule(event)
    for v in Venue.objects.filter(event=event, kind="branch")[:10]:
        services.record_selftest(v, SAMPLE)
    board_url = f"/manage/{event.slug}/rehearsal/"
    urls = {"board": board_url, "board, page 30 picked": board_url + "?page=30",
            "board, search": board_url + "?q=" + quote("压测会场12"),
            "rows (poll on change)": board_url + "rows/", "version (poll every 1 s)": board_url + "version/",
            "overview (reference, same run)": f"/manage/{event.slug}/"}
    small = {k: measure(client, u) for k, u in urls.items()}
    Venue.objects.bulk_create([
        Venue(event=event, kind="branch", code=f"{800000 + i}", name=f"压测会场{i}", capacity=30, order=100 + i)
        for i in range(3000 - 37)
    ])
    event.rehearsal_ends_at = event.rehearsal_starts_at + timedelta(minutes=services.minimum_window(3000, 2))
    event.save()
    services.schedule(event, reset=True)
    ids = list(Venue.objects.filter(event=event, kind="branch").values_list("id", flat=True))
    TechContact.objects.bulk_create([TechContact(venue_id=v, name="王五", phone="13700137000") for v in ids])
    SelfTest.objects.bulk_create([SelfTest(venue_id=v, grade="good", **SAMPLE) for v in ids[::2]])
    big = {k: measure(client, u) for k, u in urls.items()}
    print(f"database: {connection.vendor}")
    print("| page | 37 venues | 3,000 venues (median / max) | queries 37 / 3,000 | bytes at 3,000 |")
    print("|---|---|---|---|---|")
    for k in urls:
        s, b = small[k], big[k]
        print(f"| {k} | {s[0]:.1f} ms | {b[0]:.1f} / {b[1]:.1f} ms | {s[2]} / {b[2]} | {b[3]:,} |")


def selftest(runs: int, emulate: bool) -> None:
    import json
    import urllib.request

    from playwright.sync_api import sync_playwright

    from conftest import CHROMIUM, start_live_app, stop_live_app

    app = start_live_app()
    try:
        app.huiwu("user", "add", "bench_org", "--role", "organizer", "--password-stdin", stdin="bench-org-pass-1\n")
        token = app.huiwu("token", "create", "bench_org").strip()
        app.huiwu("rehearsal", "schedule", DEMO_SLUG, "--json")
        req = urllib.request.Request(f"{app.url}/api/v1/events/{DEMO_SLUG}/venues/110000/rehearsal",
                                     headers={"Authorization": f"Bearer {token}"})
        link = json.loads(urllib.request.urlopen(req, timeout=20).read())["selftest_link"]
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
                "--no-sandbox", "--disable-gpu", "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream", "--autoplay-policy=no-user-gesture-required"])
            for label, conditions in [("localhost", None)] + ([("8/2 Mbps, 100 ms", {
                    "offline": False, "latency": 100, "downloadThroughput": 1e6, "uploadThroughput": 2.5e5})]
                    if emulate else []):
                took = []
                for _ in range(runs):
                    ctx = browser.new_context()
                    page = ctx.new_page()
                    page.goto(link)
                    if conditions:
                        cdp = ctx.new_cdp_session(page)
                        cdp.send("Network.enable")
                        cdp.send("Network.emulateNetworkConditions", conditions)
                    t = time.monotonic()
                    page.click("#selftest-start")
                    page.wait_for_selector("#speaker-confirm:not([hidden])", timeout=30_000)
                    page.click("#speaker-yes")
                    page.wait_for_selector("#selftest-result[data-grade]", timeout=120_000)
                    took.append(time.monotonic() - t)
                    figures = page.inner_text("#st-figures")
                    ctx.close()
                print(f"self-test ({label}): median {statistics.median(took):.1f} s, max {max(took):.1f} s "
                      f"over {runs} runs; last: {figures}")
            browser.close()
    finally:
        stop_live_app(app)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--board-only", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-emulation", action="store_true")
    args = parser.parse_args()
    board()
    if not args.board_only:
        selftest(args.runs, not args.no_emulation)
