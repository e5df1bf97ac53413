"""Codes, the scan's answers and the API's tenancy: PRODUCT.md "Check-in and attendance"."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.utils import timezone

from huiwu.admission import services as admission
from huiwu.audit.models import AuditEntry
from huiwu.checkin import services
from huiwu.checkin.models import CheckIn, Scan
from huiwu.receipts.models import Attendee

from .conftest import declare_clean, make_attendee

URL = "/api/v1/events/{}/checkins"


def test_code_is_compact_signed_and_alphanumeric(people, seeded):
    a = people[0]
    code = services.code_for(a)
    assert len(code) == 130 and set(code) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    raw = base64.b32decode(code + "=" * (-len(code) % 8))
    payload, sig = raw[:17], raw[17:]
    assert raw[0] == services.VERSION
    assert services.PAYLOAD.unpack(payload)[1:4] == (seeded.pk, a.venue_id, a.pk)
    key = base64.urlsafe_b64decode(services.public_key(seeded) + "==")
    Ed25519PublicKey.from_public_bytes(key).verify(sig, payload)  # raises if not signed by the event key
    assert services.read_code(seeded, code.lower()).attendee_id == a.pk
    # one changed payload bit: the signature no longer fits
    forged = bytearray(raw)
    forged[16] ^= 1
    bad = base64.b32encode(bytes(forged)).decode().rstrip("=")
    with pytest.raises(services.CodeInvalid, match="签名"):
        services.read_code(seeded, bad)
    # QR in alphanumeric mode: version 7 at level M is enough
    import segno

    assert segno.make(code, error="m", mode="alphanumeric").version <= 8


def test_scan_ok_then_already_with_time(api_client, door_bj, people, seeded):
    client = api_client(door_bj)
    code = services.code_for(people[0])
    first = client.post(URL.format(seeded.slug), {"code": code}, content_type="application/json")
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["status"] == "ok" and body["attendee"]["name"] == "王立" and body["verdict"]["verdict"] == "eligible"
    assert body["late"] is False and body["checked_in_at"]
    again = client.post(URL.format(seeded.slug), {"code": code}, content_type="application/json")
    assert again.status_code == 200 and again.json()["status"] == "already"
    hm = timezone.localtime(CheckIn.objects.get().at, admission.event_tz(seeded)).strftime("%H:%M")
    assert again.json()["message"] == f"已签到 {hm}"
    assert CheckIn.objects.count() == 1
    assert AuditEntry.objects.filter(action="checkin.scan").count() == 1


def test_invalid_and_forged_codes_are_422(api_client, door_bj, people, seeded):
    client = api_client(door_bj)
    r = client.post(URL.format(seeded.slug), {"code": "HELLO"}, content_type="application/json")
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid"
    code = services.code_for(people[0])
    tampered = code[:-3] + ("A" if code[-3] != "A" else "B") + code[-2:]
    r = client.post(URL.format(seeded.slug), {"code": tampered}, content_type="application/json")
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid"
    assert CheckIn.objects.count() == 0


def test_wrong_venue_names_the_right_one(api_client, door_sh, people, seeded):
    r = api_client(door_sh).post(URL.format(seeded.slug), {"code": services.code_for(people[0])},
                                 content_type="application/json")
    assert r.status_code == 409
    err = r.json()["error"]
    assert err["code"] == "wrong_venue" and "北京" in err["message"] and err["venue"]["code"] == "110000"
    assert CheckIn.objects.count() == 0


def test_not_eligible_gives_rule_names_not_answers(api_client, door_bj, beijing, seeded):
    sick = make_attendee(beijing, "赵六")
    declare_clean(sick, symptoms="yes")
    r = api_client(door_bj).post(URL.format(seeded.slug), {"code": services.code_for(sick)},
                                 content_type="application/json")
    assert r.status_code == 409
    err = r.json()["error"]
    assert err["code"] == "not_eligible" and err["verdict"]["rules"]
    assert "symptoms" not in r.content.decode() and "answers" not in r.content.decode()
    assert CheckIn.objects.count() == 0


def test_replacement_revokes_the_old_code(api_client, door_bj, beijing, seeded):
    sick = make_attendee(beijing, "赵六")
    declare_clean(sick, symptoms="yes")
    old_code = services.code_for(sick)
    new = admission.replace_attendee(sick, {"name": "钱七", "unit": "测试单位", "position": "代表", "phone": "",
                                            "category": "other"})
    client = api_client(door_bj)
    r = client.post(URL.format(seeded.slug), {"code": old_code}, content_type="application/json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "revoked"
    roster = client.get(f"/api/v1/events/{seeded.slug}/venues/110000/checkin/roster").json()
    assert sick.pk in roster["revocations"] and new.pk in [p["id"] for p in roster["attendees"]]
    assert sick.pk not in [p["id"] for p in roster["attendees"]]


def test_late_after_start_minus_arrive_before(api_client, door_bj, people, seeded):
    seeded.starts_at = timezone.now() - timedelta(minutes=5)
    seeded.ends_at = seeded.starts_at + timedelta(hours=2)
    seeded.save()
    client = api_client(door_bj)
    on_time = (seeded.starts_at - timedelta(minutes=20)).isoformat()
    r = client.post(URL.format(seeded.slug), {"code": services.code_for(people[0]), "at": on_time},
                    content_type="application/json")
    assert r.status_code == 201 and r.json()["late"] is False
    r = client.post(URL.format(seeded.slug), {"code": services.code_for(people[1])}, content_type="application/json")
    assert r.status_code == 201 and r.json()["late"] is True and "迟到" in r.json()["message"]


def test_roster_shape_and_no_phone_or_health(api_client, door_bj, people, seeded, count_queries):
    r = api_client(door_bj).get(f"/api/v1/events/{seeded.slug}/venues/110000/checkin/roster")
    assert r.status_code == 200
    body = r.json()
    assert set(body) >= {"public_key", "attendees", "revocations"}
    p = body["attendees"][0]
    assert set(p) >= {"id", "name", "unit", "position", "seat", "code", "verdict"}
    text = r.content.decode()
    assert "13800001111" not in text and p["phone_last4"] == "1111"
    assert "answers" not in text


def test_roster_tenancy(api_client, door_sh, coordinator, other_coordinator, organizer, make_user, people, seeded):
    path = f"/api/v1/events/{seeded.slug}/venues/110000/checkin/roster"
    assert api_client(coordinator).get(path).status_code == 200
    assert api_client(organizer).get(path).status_code == 200
    assert api_client(door_sh).get(path).status_code == 404
    assert api_client(other_coordinator).get(path).status_code == 404
    health = make_user("health1", "health", event=seeded)
    assert api_client(health).get(path).status_code == 403


def test_coordinator_may_not_scan(api_client, coordinator, people, seeded):
    r = api_client(coordinator).post(URL.format(seeded.slug), {"code": services.code_for(people[0])},
                                     content_type="application/json")
    assert r.status_code == 403


def test_nonce_repeated_changes_nothing(api_client, door_bj, people, seeded):
    client = api_client(door_bj)
    body = {"code": services.code_for(people[0]), "nonce": "n-1"}
    assert client.post(URL.format(seeded.slug), body, content_type="application/json").status_code == 201
    again = client.post(URL.format(seeded.slug), body, content_type="application/json")
    assert again.status_code == 201 and again.json()["status"] == "ok"  # the first answer, again
    # the arrival keeps its nonce: no separate row for a scan that checked someone in
    assert CheckIn.objects.get().nonce == "n-1" and Scan.objects.count() == 0


def test_batch_sync_and_duplicates_across_doors(api_client, door_bj, make_user, beijing, people, seeded):
    other_door = make_user("door_bj2", "door", venue=beijing)
    codes = [services.code_for(a) for a in people]
    now = timezone.now()
    scans = [{"code": c, "nonce": f"a{i}", "at": (now - timedelta(minutes=10 - i)).isoformat()}
             for i, c in enumerate(codes)]
    scans.append({"code": "NOTACODE", "nonce": "a9"})
    r = api_client(door_bj).post(URL.format(seeded.slug) + "/batch?device=door-a", scans,
                                 content_type="application/json")
    assert r.status_code == 200, r.content
    assert [x["status"] for x in r.json()] == ["ok", "ok", "ok", "invalid"]
    # the same batch again: nothing changes, the same answers
    again = api_client(door_bj).post(URL.format(seeded.slug) + "/batch?device=door-a", scans,
                                     content_type="application/json")
    assert [x["status"] for x in again.json()] == ["ok", "ok", "ok", "invalid"]
    assert CheckIn.objects.count() == 3
    # another door scanned the first person offline too: already, reported as a duplicate, counted once
    r = api_client(other_door).post(URL.format(seeded.slug) + "/batch?device=door-b",
                                    [{"code": codes[0], "nonce": "b1", "at": now.isoformat()}],
                                    content_type="application/json")
    assert r.json()[0]["status"] == "already" and r.json()[0]["duplicate"] is True
    data = services.attendance(seeded)
    bj = next(v for v in data["venues"] if v["venue"] == "110000")
    assert bj["checked_in"] == 3 and bj["duplicates"] == 1
    assert services.duplicates(seeded)[0]["name"] == "王立"


def test_batch_earliest_scan_wins_within_a_batch(api_client, door_bj, people, seeded):
    code = services.code_for(people[0])
    now = timezone.now()
    late, early = (now - timedelta(minutes=1)).isoformat(), (now - timedelta(minutes=9)).isoformat()
    r = api_client(door_bj).post(URL.format(seeded.slug) + "/batch",
                                 [{"code": code, "nonce": "x1", "at": late}, {"code": code, "nonce": "x2", "at": early}],
                                 content_type="application/json")
    assert [x["status"] for x in r.json()] == ["already", "ok"]
    assert abs((CheckIn.objects.get().at - (now - timedelta(minutes=9))).total_seconds()) < 1


def test_attendance_counts(api_client, organizer, door_bj, beijing, people, seeded):
    sick = make_attendee(beijing, "赵六")
    declare_clean(sick, symptoms="yes")
    services.scan(seeded, services.code_for(people[0]), venue=beijing)
    body = api_client(organizer).get(f"/api/v1/events/{seeded.slug}/attendance").json()
    bj = next(v for v in body["venues"] if v["venue"] == "110000")
    assert (bj["expected"], bj["checked_in"], bj["not_eligible"], bj["replaced"]) == (4, 1, 1, 0)
    assert body["totals"]["checked_in"] == 1 and body["totals"]["expected"] == 4
    assert len(body["venues"]) == 38
    admission.replace_attendee(sick, {"name": "钱七", "unit": "测试单位", "position": "", "phone": "",
                                      "category": "other"})
    bj = next(v for v in services.attendance(seeded)["venues"] if v["venue"] == "110000")
    assert (bj["expected"], bj["not_eligible"], bj["replaced"]) == (4, 0, 1)
    assert Attendee.objects.filter(venue=beijing, status="replaced").count() == 1


def test_scan_is_lean(door_bj, beijing, people, seeded, count_queries):
    services.scan(seeded, services.code_for(people[0]), venue=beijing)  # key, rules and seats now kept
    with count_queries() as ctx:
        r = services.scan(seeded, services.code_for(people[1]), venue=beijing, user=door_bj, nonce="q1")
    assert r.status == "ok"
    # person with venue and arrival, declaration (the rules and seats are kept in memory for a moment);
    # then arrival, audit entry, nonce answer, inside a savepoint pair
    assert len(ctx) <= 7, "\n".join(q["sql"][:100] for q in ctx.captured_queries)
