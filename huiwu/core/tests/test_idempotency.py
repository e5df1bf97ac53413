"""Safe retries: an Idempotency-Key on a POST/PUT/PATCH makes a retry answer the first result."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from datetime import timedelta

import pytest

from huiwu.core.models import IdempotencyKey
from huiwu.receipts.models import Attendee

PERSON = {"name": "幂等测试", "unit": "北京市教育委员会", "phone": "13900139000"}


@pytest.fixture
def url(demo_event):
    return f"/api/v1/events/{demo_event.slug}/venues/110000/attendees"


def _post(client, url, body, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(url, json.dumps(body, ensure_ascii=False), content_type="application/json", **headers)


def test_a_retry_with_the_same_key_gets_the_first_answer(api_client, organizer, url):
    c = api_client(organizer)
    first = _post(c, url, PERSON, "k-1")
    assert first.status_code == 201
    again = _post(c, url, PERSON, "k-1")
    assert again.status_code == 201 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Attendee.objects.filter(name=PERSON["name"]).count() == 1
    # without a key the same request is a second, refused add (what the retry got before)
    assert _post(c, url, PERSON).status_code != 201


def test_the_same_key_with_another_body_is_refused(api_client, organizer, url):
    c = api_client(organizer)
    assert _post(c, url, PERSON, "k-2").status_code == 201
    other = _post(c, url, {**PERSON, "name": "另一人", "phone": "13900139001"}, "k-2")
    assert other.status_code == 422
    assert "Idempotency-Key" in other.json()["error"]["fields"]
    assert not Attendee.objects.filter(name="另一人").exists()


def test_keys_belong_to_one_user_and_expire(api_client, organizer, make_user, url, demo_event):
    c = api_client(organizer)
    assert _post(c, url, PERSON, "k-3").status_code == 201
    other_org = make_user("org2", "organizer")
    second = {**PERSON, "name": "第二人", "phone": "13900139002"}
    assert _post(api_client(other_org), url, second, "k-3").status_code == 201  # not the first user's answer
    IdempotencyKey.objects.update(created_at=IdempotencyKey.objects.first().created_at - timedelta(hours=25))
    third = {**PERSON, "name": "第三人", "phone": "13900139003"}
    assert _post(c, url, third, "k-4").status_code == 201
    assert set(IdempotencyKey.objects.values_list("key", flat=True)) == {"k-4"}  # expired ones purged


def test_a_failed_request_leaves_no_key_so_its_retry_runs(api_client, organizer, url, monkeypatch):
    from huiwu.receipts import services

    real = services.add_attendee if hasattr(services, "add_attendee") else None
    c = api_client(organizer)
    monkeypatch.setattr("huiwu.receipts.api._venue", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("down")))
    assert _post(c, url, PERSON, "k-5").status_code == 500
    assert not IdempotencyKey.objects.exists()
    monkeypatch.undo()
    assert real is None or services.add_attendee is real
    assert _post(c, url, PERSON, "k-5").status_code == 201


def test_a_malformed_key_is_refused(api_client, organizer, url):
    response = _post(api_client(organizer), url, PERSON, "x" * 300)
    assert response.status_code == 422 and "Idempotency-Key" in response.json()["error"]["fields"]


def test_openapi_declares_the_header_on_writes():
    from huiwu.core.api import api

    for path, ops in api.get_openapi_schema()["paths"].items():
        for method, op in ops.items():
            names = {p["name"] for p in op.get("parameters", [])}
            assert ("Idempotency-Key" in names) == (method in ("post", "put", "patch")), (method, path)


def test_concurrent_requests_with_one_key_execute_once(live_app):
    """Two workers get the same add at the same moment: one runs, the other answers its result."""
    token = live_app.huiwu("token", "create", "organizer").strip()
    url = live_app.url + "/api/v1/events/lifelong-learning-week-2021/venues/120000/attendees"
    body = json.dumps({"name": "并发幂等", "unit": "天津市教育委员会", "phone": "13900139009"}).encode()
    results = []

    def send():
        req = urllib.request.Request(url, data=body, method="POST", headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json", "Idempotency-Key": "race-1"})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                results.append((r.status, json.loads(r.read())))
        except urllib.error.HTTPError as exc:
            results.append((exc.code, json.loads(exc.read())))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [s for s, _b in results] == [201] * 4, results
    assert len({b["id"] for _s, b in results}) == 1
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=30) as r:
        people = [a for a in json.loads(r.read()) if a["name"] == "并发幂等"]
    assert len(people) == 1
