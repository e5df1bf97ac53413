"""Walk every page and API route as the coordinator of another venue: nothing may leak.

New views are covered automatically: each must be marked @scoped or @public, and each is
requested with the other venue's code, another event's slug and ids of the other venue's rows.
"""

from __future__ import annotations

import re

import pytest

from conftest import url_routes
from huiwu.audit.models import AuditEntry
from huiwu.receipts.models import Attendee

SECRET_NAME = "沪秘密甲"
SECRET_PHONE = "13911112222"


def _site_patterns():
    for route, p in url_routes():
        if route.startswith(("django-admin/", "api/v1/", "static/", "media/")):
            continue
        yield route, p


@pytest.fixture
def shanghai(demo_event):
    venue = demo_event.venues.get(code="310000")
    a = Attendee.objects.create(event=demo_event, venue=venue, name=SECRET_NAME, unit="上海市教委",
                                position="处长", phone=SECRET_PHONE)
    return venue, a


def _fill(route: str, venue_code: str, attendee_id: int, slug: str) -> str:
    def sub(m):
        conv, name = m.group(1), m.group(2)
        if name in ("event", "slug"):
            return slug
        if name == "venue":
            return venue_code
        if conv == "int" or name.endswith("id") or name == "pk":
            return str(attendee_id)
        return "x" * 8
    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", sub, route)


def test_every_view_is_scoped_or_public():
    unmarked = [route for route, p in _site_patterns()
                if not getattr(p.callback, "huiwu_scoped", None) and not getattr(p.callback, "huiwu_public", False)]
    assert unmarked == [], f"views without @scoped/@public: {unmarked}"


def test_pages_leak_nothing_to_another_venues_coordinator(client, coordinator, shanghai, demo_event):
    venue, attendee = shanghai
    client.force_login(coordinator)
    checked = 0
    for route, p in _site_patterns():
        if not getattr(p.callback, "huiwu_scoped", None):
            continue
        for slug in (demo_event.slug, "no-such-event"):
            url = _fill(route, venue.code, attendee.pk, slug)
            before = AuditEntry.objects.filter(action="tenancy.denied").count()
            for method in ("get", "post"):
                resp = getattr(client, method)(url)
                body = resp.content.decode("utf-8", "replace")
                assert SECRET_NAME not in body and SECRET_PHONE not in body, url
                assert resp.status_code in (403, 404, 405), (method, url, resp.status_code)
                checked += 1
            if "<venue>" in route or slug == "no-such-event":
                assert AuditEntry.objects.filter(action="tenancy.denied").count() > before, url
    assert checked > 0


def test_own_venue_is_reachable(client, coordinator, demo_event):
    client.force_login(coordinator)
    assert client.get(f"/manage/{demo_event.slug}/venues/110000/").status_code == 200
    assert client.get(f"/manage/{demo_event.slug}/").status_code == 403  # organizer page


def _api_routes():
    from huiwu.core.api import api

    schema = api.get_openapi_schema()
    for path, ops in schema["paths"].items():
        for method in ops:
            yield path, method


def test_api_leaks_nothing_to_another_venues_coordinator(api_client, coordinator, shanghai, demo_event):
    venue, attendee = shanghai
    client = api_client(coordinator)
    checked = 0
    for path, method in _api_routes():
        if "{event}" not in path:
            continue
        for slug in (demo_event.slug, "no-such-event"):
            url = path.replace("{event}", slug).replace("{venue}", venue.code)
            url = re.sub(r"\{\w+\}", str(attendee.pk), url)
            if "{venue}" not in path and slug == demo_event.slug and "/venues" not in path:
                continue  # event-level reads are allowed to any member of the event
            resp = getattr(client, method)(url, data={} if method != "get" else None,
                                           content_type="application/json")
            body = resp.content.decode("utf-8", "replace")
            assert SECRET_NAME not in body and SECRET_PHONE not in body, (method, url)
            if "{venue}" in path or slug != demo_event.slug:
                assert resp.status_code in (403, 404, 405), (method, url, resp.status_code, body[:200])
                assert resp.json()["error"]["code"] in ("not_found", "forbidden"), body
            checked += 1
    assert checked > 0


def test_api_venue_list_is_scoped(api_client, coordinator, organizer, demo_event):
    codes = [v["code"] for v in api_client(coordinator).get(f"/api/v1/events/{demo_event.slug}/venues").json()]
    assert codes == ["110000"]
    all_codes = [v["code"] for v in api_client(organizer).get(f"/api/v1/events/{demo_event.slug}/venues").json()]
    assert len(all_codes) == 38 and all_codes[0] == "main" and "660000" in all_codes


def test_api_requires_a_token(client, demo_event):
    resp = client.get("/api/v1/events")
    assert resp.status_code == 401 and resp.json()["error"]["code"] == "unauthorized"
    resp = client.get("/api/v1/events", HTTP_AUTHORIZATION="Bearer hw_wrong")
    assert resp.status_code == 401
