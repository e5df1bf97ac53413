"""End to end against `huiwu up` (gunicorn, several workers) on a fresh data dir."""

import json
import urllib.request
from pathlib import Path

SLUG = "lifelong-learning-week-2021"


def _get(url, token):
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


def test_api_lists_the_demo_event_and_its_38_venues(live_app):
    live_app.huiwu("user", "add", "apiuser", "--role", "organizer", "--password-stdin", stdin="s3cret-pass\n")
    token = live_app.huiwu("token", "create", "apiuser").strip()
    events = _get(live_app.url + "/api/v1/events", token)
    assert [e["slug"] for e in events] == [SLUG]
    venues = _get(f"{live_app.url}/api/v1/events/{SLUG}/venues", token)
    codes = [v["code"] for v in venues]
    assert len(codes) == 38 and codes[0] == "main"
    assert {"110000", "650000", "210200", "370200", "330200", "350200", "440300", "660000"} <= set(codes)
    spec = json.loads(urllib.request.urlopen(live_app.url + "/api/v1/openapi.json").read())
    assert "/api/v1/events/{event}/venues" in spec["paths"]


def test_coordinator_token_sees_only_its_venue(live_app):
    live_app.huiwu("user", "add", "gd", "--role", "coordinator", "--venue", "440000", "--password-stdin",
                   stdin="s3cret-pass\n")
    token = live_app.huiwu("token", "create", "gd").strip()
    venues = _get(f"{live_app.url}/api/v1/events/{SLUG}/venues", token)
    assert [v["code"] for v in venues] == ["440000"]


def test_up_printed_a_one_time_password_and_serves_static(live_app, organizer_password):
    assert len(organizer_password) >= 12
    css = urllib.request.urlopen(live_app.url + "/static/huiwu/app.css").read()
    assert b"--accent" in css


def test_organizer_sees_the_37_branch_venues_in_a_browser(live_app, organizer_password, browser, phone,
                                                           login, screenshot):
    page = browser.new_page()
    login(page, live_app.url, "organizer", organizer_password)
    page.goto(f"{live_app.url}/manage/{SLUG}/")
    rows = page.locator("#venues tbody tr")
    assert rows.count() == 38
    assert page.locator("#venues tbody tr[data-code='660000']").inner_text().count("新疆生产建设兵团") >= 1
    branch = [c for c in page.locator("#venues tbody tr").evaluate_all("rs => rs.map(r => r.dataset.code)")
              if c != "main"]
    assert len(branch) == 37
    # nothing overflows the viewport horizontally outside the scrollable table
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(page, "overview-desktop")
    m = phone.new_page()
    login(m, live_app.url, "organizer", organizer_password)
    m.goto(f"{live_app.url}/manage/{SLUG}/")
    assert m.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(m, "overview-phone", full_page=False)
    m.goto(f"{live_app.url}/e/{SLUG}/")
    assert "教育部机关北楼二层报告厅" in m.content()
    screenshot(m, "notice-phone")


def test_single_threaded_workers_each_open_their_own_database_connection():
    """`HUIWU_THREADS=1` runs gunicorn's sync workers, which serve requests in the process's main
    thread: a database connection `huiwu up` opened before forking (for `init`) would be shared by
    every worker, and concurrent requests would read each other's rows (500s, or worse, another
    request's data)."""
    import threading

    from conftest import start_live_app, stop_live_app

    app = start_live_app(extra_env={"HUIWU_WORKERS": "3", "HUIWU_THREADS": "1", "HUIWU_LOG_LEVEL": "WARNING"})
    try:
        app.huiwu("user", "add", "syncuser", "--role", "organizer", "--password-stdin", stdin="s3cret-pass\n")
        token = app.huiwu("token", "create", "syncuser").strip()
        failures: list[str] = []

        def client() -> None:
            for _ in range(25):
                try:
                    venues = _get(f"{app.url}/api/v1/events/{SLUG}/venues", token)
                    if len(venues) != 38:
                        failures.append(f"{len(venues)} venues")
                except Exception as exc:  # a 500, a reset connection: what a shared connection gives
                    failures.append(repr(exc))

        threads = [threading.Thread(target=client) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert failures == []
        # HUIWU_LOG_LEVEL=WARNING: no access line per request (the default, INFO, writes one)
        assert '"gunicorn.access"' not in (Path(app.data_dir) / "server.log").read_text()
    finally:
        stop_live_app(app)


def test_each_request_is_one_access_line_at_the_default_log_level(live_app):
    import time

    urllib.request.urlopen(live_app.url + "/healthz?access-line-check").read()
    deadline = time.monotonic() + 10  # the line is written after the answer is sent
    while time.monotonic() < deadline:
        log = (Path(live_app.data_dir) / "server.log").read_text()
        if any('"gunicorn.access"' in line and "access-line-check" in line for line in log.splitlines()):
            break
        time.sleep(0.1)
    else:
        raise AssertionError("no access line for the request:\n" + log[-2000:])
