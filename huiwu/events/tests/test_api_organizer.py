"""The organizer API: a notice nobody prepared for becomes an event, is corrected, published, filed."""

from __future__ import annotations

import json
from pathlib import Path

from huiwu.audit.models import AuditEntry
from huiwu.events.models import Event

NOTICE = Path(__file__).with_name("notice_provincial.txt")


def _create(client, **extra):
    return client.post("/api/v1/events", {"notice": _upload()}, **extra)


def _upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("通知.txt", NOTICE.read_bytes(), content_type="text/plain")


def test_notice_file_to_filed_receipt(api_client, organizer, make_user):
    api = api_client(organizer)
    resp = _create(api)
    assert resp.status_code == 201, resp.content.decode()
    body = resp.json()
    slug = body["slug"]
    assert body["status"] == "draft" and body["doc_number"] == "浙教职函〔2026〕12号" and body["venue_count"] >= 2
    event = Event.objects.get(slug=slug)
    assert event.venues.get(kind="main").capacity == 40 and event.arrive_before_minutes == 20

    # correct it: a later meeting, another contact, smaller branch venues
    resp = api.patch(f"/api/v1/events/{slug}", json.dumps({
        "starts_at": "2026-12-18T09:30:00+08:00", "arrive_before_minutes": 30, "branch_capacity": 20,
        "contacts": [{"name": "赵红", "org": "省教育厅职成处", "phones": ["0571-87001234"]}],
    }), content_type="application/json")
    assert resp.status_code == 200, resp.content.decode()
    assert resp.json()["arrive_before_minutes"] == 30 and isinstance(resp.json()["warnings"], list)
    assert AuditEntry.objects.filter(action="event.update", event=event).exists()

    branch = event.venues.filter(kind="branch").order_by("order").first()
    resp = api.patch(f"/api/v1/events/{slug}/venues/{branch.code}",
                     json.dumps({"capacity": 12, "address": "市教育局三楼会议室"}), content_type="application/json")
    assert resp.status_code == 200 and resp.json()["capacity"] == 12 and resp.json()["address"] == "市教育局三楼会议室"

    # before publishing: no invitation, no filing, invisible to the coordinator
    coord = make_user("zj_api_coord", "coordinator", event=event, venue=branch)
    capi = api_client(coord)
    assert capi.get(f"/api/v1/events/{slug}/venues/{branch.code}").status_code == 404
    resp = api.post(f"/api/v1/events/{slug}/venues/{branch.code}/invitations", json.dumps({}), content_type="application/json")
    assert resp.status_code == 409 and resp.json()["error"]["code"] == "event_not_published"

    resp = api.post(f"/api/v1/events/{slug}/publish")
    assert resp.status_code == 200 and resp.json()["status"] == "published"
    resp = api.post(f"/api/v1/events/{slug}/venues/{branch.code}/invitations", json.dumps({"email": ""}),
                    content_type="application/json")
    assert resp.status_code == 201 and "/accounts/invite/" in resp.json()["link"]

    person = {"name": "王五", "unit": "杭州市教育局", "position": "处长", "phone": "13900001111"}
    resp = capi.post(f"/api/v1/events/{slug}/venues/{branch.code}/attendees", json.dumps(person),
                     content_type="application/json")
    assert resp.status_code == 201, resp.content.decode()

    assert api.post(f"/api/v1/events/{slug}/close").json()["status"] == "closed"
    resp = capi.post(f"/api/v1/events/{slug}/venues/{branch.code}/attendees",
                     json.dumps({**person, "name": "赵六", "phone": "13900002222"}), content_type="application/json")
    assert resp.status_code == 409 and resp.json()["error"]["code"] == "event_closed"
    assert "已结束" in resp.json()["error"]["message"]

    assert api.post(f"/api/v1/events/{slug}/archive").json()["status"] == "archived"
    resp = api.patch(f"/api/v1/events/{slug}", json.dumps({"title": "改"}), content_type="application/json")
    assert resp.status_code == 409 and resp.json()["error"]["code"] == "event_archived"
    assert api.get(f"/api/v1/events/{slug}").status_code == 200


def test_create_from_parse_json(api_client, organizer):
    from huiwu.notices.parser import parse

    parsed = parse(NOTICE.read_text("utf-8"))
    resp = api_client(organizer).post("/api/v1/events", json.dumps(parsed), content_type="application/json")
    assert resp.status_code == 201 and resp.json()["status"] == "draft"


def test_create_refusals_are_chinese_json(api_client, organizer, coordinator):
    api = api_client(organizer)
    resp = api.post("/api/v1/events", json.dumps({"title": "x"}), content_type="application/json")
    assert resp.status_code == 422 and resp.json()["error"]["code"] == "invalid" and "开始时间" in resp.json()["error"]["message"]
    resp = api.post("/api/v1/events", b"not json", content_type="application/json")
    assert resp.status_code == 422
    resp = api.post("/api/v1/events", {"other": _upload()})
    assert resp.status_code == 422 and "notice" in resp.json()["error"]["fields"]
    resp = api_client(coordinator).post("/api/v1/events", {"notice": _upload()})
    assert resp.status_code == 403 and resp.json()["error"]["code"] == "forbidden"


def test_lifecycle_order_is_enforced(api_client, organizer, demo_event):
    resp = api_client(organizer).post(f"/api/v1/events/{demo_event.slug}/archive")
    assert resp.status_code == 409 and resp.json()["error"]["code"] == "invalid_transition"


def test_coordinator_cannot_patch_or_publish(api_client, coordinator, demo_event):
    api = api_client(coordinator)
    assert api.post(f"/api/v1/events/{demo_event.slug}/close").status_code == 403
    resp = api.patch(f"/api/v1/events/{demo_event.slug}/venues/110000", json.dumps({"capacity": 99}),
                     content_type="application/json")
    assert resp.status_code == 403


def test_main_units_over_the_api(api_client, organizer, demo_event):
    api = api_client(organizer)
    body = api.get(f"/api/v1/events/{demo_event.slug}/main-units").json()
    assert {u["name"] for u in body["units"]} >= {"中国成人教育协会"}
    resp = api.post(f"/api/v1/events/{demo_event.slug}/main-units", json.dumps({"name": "中国教育电视台", "quota": 3}),
                    content_type="application/json")
    assert resp.status_code == 201 and resp.json()["quota"] == 3
    unit = resp.json()
    resp = api.post(f"/api/v1/events/{demo_event.slug}/venues/main/invitations",
                    json.dumps({"unit_id": unit["unit_id"], "email": "tv@example.cn"}), content_type="application/json")
    assert resp.status_code == 201 and resp.json()["unit"] == "中国教育电视台" and resp.json()["role"] == "main_unit"
    resp = api.post(f"/api/v1/events/{demo_event.slug}/venues/main/invitations", json.dumps({}),
                    content_type="application/json")
    assert resp.status_code == 422 and "unit_id" in resp.json()["error"]["fields"]
    invs = api.get(f"/api/v1/events/{demo_event.slug}/venues/main/invitations").json()
    assert len(invs) == 1
    assert api.delete(f"/api/v1/events/{demo_event.slug}/venues/main/invitations/{invs[0]['id']}").status_code == 204
    assert api.delete(f"/api/v1/events/{demo_event.slug}/main-units/{unit['id']}").status_code == 204


def test_openapi_lists_the_organizer_routes(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "post" in paths["/api/v1/events"] and "patch" in paths["/api/v1/events/{event}"]
    assert "multipart/form-data" in paths["/api/v1/events"]["post"]["requestBody"]["content"]
    for action in ("publish", "close", "archive"):
        assert "post" in paths[f"/api/v1/events/{{event}}/{action}"]
    assert "patch" in paths["/api/v1/events/{event}/venues/{venue}"]
    assert "/api/v1/events/{event}/main-units" in paths
    assert "/api/v1/events/{event}/venues/{venue}/invitations" in paths


def test_json_of_the_wrong_shape_is_422_not_500(api_client, organizer):
    api = api_client(organizer)
    for body in ({"event": ["x"]}, {"event": {"starts_at": "2026-12-18T09:00:00+08:00", "ends_at": "2026-12-18T11:00:00+08:00"},
                                    "title": "某会议", "main_venue": "主会场"}, [1, 2]):
        resp = api.post("/api/v1/events", json.dumps(body), content_type="application/json")
        assert resp.status_code == 422 and resp.json()["error"]["code"] == "invalid", (body, resp.content)
