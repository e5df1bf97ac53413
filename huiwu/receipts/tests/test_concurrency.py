"""Capacity exactness under concurrency, over HTTP against `huiwu up` (gunicorn, several workers).

Sixty clients add one attendee each to a venue of capacity 30 at the same moment. First with the
venue lock switched off (HUIWU_CAPACITY_LOCK=0, test-only) to show the race exists — more than 30
get in — then with the lock on: exactly 30 succeed and 30 get `capacity_full`. Runs on whichever
database HUIWU_DATABASE_URL names (SQLite by default, PostgreSQL in CI's second pass).
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

import pytest

from conftest import start_live_app, stop_live_app

SLUG = "lifelong-learning-week-2021"
CLIENTS = 60
CAPACITY = 30


def _request(method: str, url: str, token: str, data: dict | None = None) -> tuple[int, dict]:
    body = json.dumps(data).encode() if data is not None else None
    req = urllib.request.Request(url, data=body, method=method, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, json.loads(resp.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def _coordinator_token(app, venue: str) -> str:
    name = f"conc_{venue}"
    app.huiwu("user", "add", name, "--role", "coordinator", "--venue", venue, "--password-stdin",
              stdin="s3cret-pass-123\n")
    return app.huiwu("token", "create", name).strip()


def _stampede(app, venue: str) -> tuple[list[tuple[int, dict]], int]:
    """60 threads POST one attendee each, released together by a barrier."""
    token = _coordinator_token(app, venue)
    url = f"{app.url}/api/v1/events/{SLUG}/venues/{venue}/attendees"
    status, before = _request("GET", url, token)
    assert status == 200 and before == [], before
    barrier = threading.Barrier(CLIENTS)
    results: list[tuple[int, dict]] = [(0, {})] * CLIENTS

    def client(i: int) -> None:
        person = {"name": f"并发{chr(0x4e00 + i)}{chr(0x4e00 + 3 * i)}", "unit": "测试单位",
                  "position": "代表", "phone": f"13{venue[:2]}000{i:04d}"}  # people of their own per venue
        barrier.wait()
        results[i] = _request("POST", url, token, person)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    status, after = _request("GET", url, token)
    assert status == 200
    return results, len(after)


@pytest.fixture(scope="module")
def unlocked_app():
    app = start_live_app(extra_env={"HUIWU_CAPACITY_LOCK": "0", "HUIWU_WORKERS": "4", "HUIWU_THREADS": "8"})
    yield app
    stop_live_app(app)


def test_without_the_lock_the_venue_overflows(unlocked_app):
    """The race is real: count-then-insert without the lock lets more than 30 in.

    A race is a matter of timing, so up to three stampedes (on three venues) get the chance to
    show it; with the lock on, the test below requires every stampede to be exact.
    """
    seen = []
    for venue in ("620000", "610000", "540000"):
        results, stored = _stampede(unlocked_app, venue)
        ok = sum(1 for s, _ in results if s == 201)
        assert all(s in (201, 409) for s, _ in results), results
        assert stored == ok
        seen.append(ok)
        if ok > CAPACITY:
            break
    assert max(seen) > CAPACITY, seen


def test_with_the_lock_exactly_capacity_succeed(live_app):
    results, stored = _stampede(live_app, "630000")
    ok = [b for s, b in results if s == 201]
    full = [b for s, b in results if s == 409]
    assert len(ok) == CAPACITY and stored == CAPACITY, (len(ok), stored, results)
    assert len(full) == CLIENTS - CAPACITY
    assert {b["error"]["code"] for b in full} == {"capacity_full"}
    assert "人数上限为30人" in full[0]["error"]["message"]
