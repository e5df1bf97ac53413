"""Admission API: rules, verdicts without details, links, replacement, and the engine."""

from __future__ import annotations

from huiwu.admission import services
from huiwu.admission.engine import SEED_RULES
from huiwu.core.urls_abs import base_url
from huiwu.receipts.models import Attendee

from .conftest import clean_answers, make_attendee


def _sick(venue, name):
    a = make_attendee(venue, name)
    services.submit_declaration(a, clean_answers(venue.event, symptoms="yes"))
    return a


def test_rules_read_and_adopt(api_client, organizer, coordinator, seeded):
    url = f"/api/v1/events/{seeded.slug}/admission/rules"
    rules = api_client(coordinator).get(url).json()
    assert [r["rule"] for r in rules] == SEED_RULES and rules[4]["title"] == "北京健康宝绿码"
    resp = api_client(coordinator).put(url, {"rules": []}, content_type="application/json")
    assert resp.status_code == 403 and resp.json()["error"]["code"] == "forbidden"
    resp = api_client(organizer).put(url, {"rules": [{"kind": "itinerary_code", "venues": "all"}]},
                                     content_type="application/json")
    assert resp.status_code == 200 and [r["rule"]["kind"] for r in resp.json()] == ["itinerary_code"]
    resp = api_client(organizer).put(url, {"rules": [{"kind": "horoscope"}]}, content_type="application/json")
    assert resp.status_code == 422 and "不认识的规则类型" in resp.json()["error"]["message"]


def test_verdicts_link_and_replacement(api_client, coordinator, other_coordinator, beijing):
    sick = _sick(beijing, "曹植")
    base = f"/api/v1/events/{beijing.event.slug}/venues/110000"
    rows = api_client(coordinator).get(base + "/admission").json()
    assert rows == [{"attendee_id": sick.pk, "name": "曹植", "unit": "测试单位", "verdict": "not_eligible",
                     "rules": ["会前14天内无疑似症状"], "declared_at": rows[0]["declared_at"]}]
    link = api_client(coordinator).get(base + f"/attendees/{sick.pk}/declaration-link").json()
    assert link["url"].startswith(base_url() + "/d/") and "曹植您好" in link["sms"]
    resp = api_client(coordinator).post(base + f"/attendees/{sick.pk}/replacement",
                                        {"name": "曹丕", "unit": "北京市教委", "phone": "13800138000"},
                                        content_type="application/json")
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["name"] == "曹丕" and body["replaces"] == sick.pk and body["rule"] == "symptoms"
    assert Attendee.objects.get(pk=sick.pk).status == "replaced"
    again = api_client(coordinator).post(base + f"/attendees/{sick.pk}/replacement",
                                         {"name": "曹冲", "unit": "北京市教委"}, content_type="application/json")
    assert again.status_code == 404  # no longer an active attendee of the venue
    other = api_client(other_coordinator).get(base + "/admission")
    assert other.status_code == 404 and "曹" not in other.content.decode()


def test_replacement_of_an_eligible_person_is_refused(api_client, coordinator, beijing):
    a = make_attendee(beijing, "郭嘉")
    services.submit_declaration(a, clean_answers(beijing.event))
    resp = api_client(coordinator).post(f"/api/v1/events/{beijing.event.slug}/venues/110000/attendees/{a.pk}/replacement",
                                        {"name": "荀彧", "unit": "北京市教委"}, content_type="application/json")
    assert resp.status_code == 422 and "无需更换" in resp.json()["error"]["message"]


def test_door_sees_verdicts_but_cannot_replace(api_client, make_user, beijing):
    door = make_user("door_bj", "door", venue=beijing)
    sick = _sick(beijing, "典韦")
    base = f"/api/v1/events/{beijing.event.slug}/venues/110000"
    assert api_client(door).get(base + "/admission").json()[0]["verdict"] == "not_eligible"
    resp = api_client(door).post(base + f"/attendees/{sick.pk}/replacement", {"name": "许褚", "unit": "x"},
                                 content_type="application/json")
    assert resp.status_code == 403


def test_evaluate_endpoint_runs_the_engine(api_client, coordinator, demo_event):
    payload = {"rules": SEED_RULES, "event_start": "2021-11-23T10:00:00+08:00", "venue_kind": "main",
               "declaration": {"symptoms": False, "risk_area_contact": False, "risk_area_stay": False,
                               "health_code": "green", "itinerary_code_ok": True, "returned_from_travel": True,
                               "nucleic_acid_test": {"sampled_at": "2021-11-21T09:59:00+08:00", "result": "negative"}}}
    resp = api_client(coordinator).post("/api/v1/admission/evaluate", payload, content_type="application/json")
    assert resp.status_code == 200 and resp.json()["verdict"] == "not_eligible"
    resp = api_client(coordinator).post("/api/v1/admission/evaluate", {**payload, "venue_kind": "side"},
                                        content_type="application/json")
    assert resp.status_code == 422
