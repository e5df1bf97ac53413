"""Seating API: layouts, precedence, plans and ranks, through tenancy; listed in OpenAPI."""

from __future__ import annotations

from huiwu.receipts.models import Attendee

from .test_cli import people

BASE = "/api/v1/events/{slug}/venues/110000/seating"


def test_layout_precedence_plan(demo_event, coordinator, api_client):
    c = api_client(coordinator)
    base = BASE.format(slug=demo_event.slug)
    ps = people(demo_event.venues.get(code="110000"), 6)
    assert c.get(base + "/layout").json()["error"]["code"] == "not_found"
    r = c.post(base + "/layout/generate", {"rows": [5, 5], "seat_pitch": 0.6, "row_pitch": 0.9},
               content_type="application/json")
    assert r.status_code == 200 and r.json()["seats"] == 10
    bad = c.put(base + "/layout", {"name": "x", "rows": [{"label": "1", "y": 0, "seats": [{"x": 1e9}]}]},
                content_type="application/json")
    assert bad.status_code == 422 and "米" in bad.json()["error"]["message"]  # i18n: data
    prec = c.get(base + "/precedence").json()
    assert prec["manual"] is False and len(prec["people"]) == 6
    order = [p["id"] for p in prec["people"]][::-1]
    prec = c.put(base + "/precedence", {"order": order}, content_type="application/json").json()
    assert prec["manual"] is True and [p["id"] for p in prec["people"]] == order
    r = c.post(base + "/plan", {"min_distance": 1, "mode": "gov"}, content_type="application/json")
    assert r.status_code == 201
    plan = r.json()
    assert plan["optimal"] is True and plan["stale"] is False
    # 5 seats at 0.6 m: 3 in the front row (1, 3, 5) and 2 behind in the gaps -> 5 of 6 people
    assert sum(1 for s in plan["seats"] if s["attendee"]) == 5
    assert plan["unseated"] == order[5:] and "最多可坐 5 人" in plan["reason"]  # i18n: data
    # a withdrawal frees the seat and marks the plan out of date
    Attendee.objects.filter(pk=order[0]).update(status=Attendee.Status.WITHDRAWN)
    plan = c.get(base + "/plan").json()
    assert plan["stale"] is True
    assert order[0] not in [s["attendee"]["id"] for s in plan["seats"] if s["attendee"]]
    assert c.delete(base + "/precedence").json()["manual"] is False
    assert ps


def test_tenancy_and_openapi(demo_event, other_coordinator, organizer, api_client):
    c = api_client(other_coordinator)
    assert c.get(BASE.format(slug=demo_event.slug) + "/plan").status_code == 404
    org = api_client(organizer)
    ranks = org.get(f"/api/v1/events/{demo_event.slug}/seating/ranks").json()
    assert {"title": "司长", "rank": 30} in ranks  # i18n: data
    r = org.put(f"/api/v1/events/{demo_event.slug}/seating/ranks", [{"title": "主任", "rank": 1}],  # i18n: data
                content_type="application/json")
    assert r.json() == [{"title": "主任", "rank": 1}]  # i18n: data
    assert c.put(f"/api/v1/events/{demo_event.slug}/seating/ranks", [], content_type="application/json").status_code == 403
    paths = org.get("/api/v1/openapi.json").json()["paths"]
    for p in ["/layout", "/layout/generate", "/precedence", "/plan"]:
        assert "/api/v1/events/{event}/venues/{venue}/seating" + p in paths


def test_import_pretix_and_refuse_hostile(demo_event, organizer, api_client):
    c = api_client(organizer)
    url = BASE.format(slug=demo_event.slug) + "/layout/import"
    plan = {"name": "Hall", "categories": [], "size": {"width": 400, "height": 300}, "zones": [
        {"name": "Z", "position": {"x": 10, "y": 20}, "rows": [
            {"row_number": str(r + 1), "position": {"x": 0, "y": 50 * r}, "seats": [
                {"seat_guid": f"{r}-{s}", "seat_number": str(s + 1), "position": {"x": 25 * s, "y": 0},
                 "category": "c"} for s in range(4)]} for r in range(2)]}]}
    import json

    r = c.post(url, json.dumps(plan), content_type="application/json")
    assert r.status_code == 200, r.content
    body = r.json()
    # no scale: the seat spacing (25 units) is taken as 0.55 m
    assert body["seats"] == 8 and body["layout"]["rows"][1]["y"] == 1.1
    r = c.post(url + "?scale=0.02", json.dumps(plan), content_type="application/json")
    assert r.json()["layout"]["rows"][1]["y"] == 1.0
    deep = c.post(url, "[" * 60 + "]" * 60, content_type="application/json")
    assert deep.status_code == 422 and "嵌套" in deep.json()["error"]["message"]  # i18n: data
    big = c.post(url, b'{"name": "' + b"x" * (2 * 1024 * 1024) + b'"}', content_type="application/json")
    assert big.status_code == 422
