"""Invitations and reminders, marks with every attempt kept, the board, the API through tenancy,
self-test storage and grading, and the measurement endpoints' memory."""

import io
import json
import os
import re
import tracemalloc
from datetime import datetime, timedelta

import icalendar
import pytest
from django.test import RequestFactory
from django.utils import timezone

from huiwu.receipts.models import OutboxMail, TechContact
from huiwu.rehearsals import board, grading, services
from huiwu.rehearsals.models import Attempt, Rehearsal, SelfTest
from huiwu.venues.models import Venue

GOOD = {"camera": {"ok": True, "width": 1280, "height": 720, "fps": 30, "black": False, "frozen": False},
        "microphone": {"ok": True, "rms": -25.0, "clipping": 0.0}, "speaker": {"ok": True},
        "network": {"rtt_ms": 20, "jitter_ms": 3, "down_mbps": 50, "up_mbps": 20, "loss_pct": 0}}


@pytest.fixture
def scheduled(demo_event):
    services.schedule(demo_event)
    return demo_event


def _bj(event):
    return Rehearsal.objects.select_related("venue__event").get(venue__event=event, venue__code="110000")


def test_invitation_reaches_the_contact_and_coordinator_with_an_ics(scheduled, coordinator, smtp_server,
                                                                    django_capture_on_commit_callbacks):
    coordinator.email = "coord@bj.example.cn"
    coordinator.save()
    bj = _bj(scheduled)
    TechContact.objects.create(venue=bj.venue, name="张三", phone="13800138000", email="tech@bj.example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_invitations(scheduled) == 37
    assert services.send_invitations(scheduled) == 0  # sent once
    msgs = [m for m in smtp_server.messages if "北京市分会场" in str(m["message"]["subject"])]
    assert len(msgs) == 1 and sorted(msgs[0]["to"]) == ["coord@bj.example.cn", "tech@bj.example.cn"]
    msg = msgs[0]["message"]
    body = msg.get_body(preferencelist=("plain",)).get_content()
    assert "09:30–09:33" in body and "付宇豪 18500219116" in body and "/t/" in body
    ics = next(p for p in msg.iter_attachments() if p.get_content_type() == "text/calendar")
    cal = icalendar.Calendar.from_ical(ics.get_content() if isinstance(ics.get_content(), str | bytes) else b"")
    assert next(iter(cal.walk("VEVENT"))).decoded("dtstart") == bj.starts_at
    assert "18500219116" in services.sms_text(bj, scheduled) and "/t/" in services.sms_text(bj, scheduled)


def test_reminders_evening_before_and_30_minutes_before_once_each(scheduled, coordinator):
    coordinator.email = "coord@bj.example.cn"
    coordinator.save()
    services.send_invitations(scheduled)
    bj = _bj(scheduled)
    tz = services.ZoneInfo(scheduled.time_zone)
    start = bj.starts_at.astimezone(tz)
    Rehearsal.objects.update(sent_at=start - timedelta(days=3))
    day_before_17 = (start - timedelta(days=1)).replace(hour=17, minute=59)
    assert services.send_due_reminders(day_before_17) == 0
    evening = day_before_17.replace(hour=18, minute=0)
    assert services.send_due_reminders(evening) == 37
    assert services.send_due_reminders(evening + timedelta(minutes=1)) == 0
    assert OutboxMail.objects.filter(kind="rehearsal.reminded_evening_at", venue=bj.venue).count() == 1
    assert services.send_due_reminders(start - timedelta(minutes=31)) == 0
    assert services.send_due_reminders(start - timedelta(minutes=30)) == 1  # Beijing's slot is first
    assert OutboxMail.objects.filter(kind="rehearsal.reminded_soon_at", venue=bj.venue).count() == 1
    # a venue that already passed is not reminded
    last = Rehearsal.objects.filter(venue__event=scheduled).order_by("-starts_at").select_related("venue__event").first()
    services.mark(last, status="passed")
    services.send_due_reminders(last.starts_at - timedelta(minutes=5))
    last.refresh_from_db()
    assert last.reminded_soon_at is None
    assert Rehearsal.objects.filter(reminded_soon_at__isnull=False).count() > 1


def test_the_reminder_task_is_periodic_and_runs(scheduled, coordinator):
    from huey.contrib.djhuey import HUEY

    from huiwu.rehearsals.tasks import rehearsal_reminders_task

    assert rehearsal_reminders_task.task_class in HUEY._registry._periodic_tasks
    coordinator.email = "coord@bj.example.cn"
    coordinator.save()
    services.send_invitations(scheduled)
    Rehearsal.objects.filter(pk=_bj(scheduled).pk).update(starts_at=timezone.now() + timedelta(minutes=10),
                                                         ends_at=timezone.now() + timedelta(minutes=13))
    rehearsal_reminders_task.call_local()
    assert OutboxMail.objects.filter(kind="rehearsal.reminded_soon_at").count() == 1


def test_marks_keep_every_attempt_and_feed_results_by_venue(scheduled, organizer):
    bj = _bj(scheduled)
    services.mark(bj, status="retest", video="poor", audio="ok", notes="画面卡顿", by=organizer)
    services.mark(bj, status="passed", video="ok", by=organizer)
    assert list(Attempt.objects.filter(rehearsal=bj).values_list("status", "video", "audio")) == [
        ("retest", "poor", "ok"), ("passed", "ok", "ok")]
    with pytest.raises(Exception, match="状态只能是"):
        services.mark(bj, status="great")
    services.record_selftest(bj.venue, GOOD)
    res = services.results_by_venue(scheduled)
    assert len(res) == 37
    row = res[bj.venue_id]
    assert row["status"] == "passed" and row["notes"] == "画面卡顿" and row["attempts"] == 2
    assert row["selftest_grade"] == "good"


def test_grading_against_published_limits():
    assert grading.grade(GOOD) == ("good", [])
    fair = {**GOOD, "network": {**GOOD["network"], "rtt_ms": 150, "up_mbps": 2}}
    grade, reasons = grading.grade(fair)
    assert grade == "fair" and any("有线网络" in r for r in reasons) and any("720p" in r for r in reasons)
    poor = {**GOOD, "camera": {"ok": False}, "network": {**GOOD["network"], "jitter_ms": 80, "loss_pct": 6}}
    grade, reasons = grading.grade(poor)
    assert grade == "poor"
    assert any("被其他程序" in r for r in reasons) and any("抖动" in r for r in reasons) and any("丢包" in r for r in reasons)
    grade, reasons = grading.grade({**GOOD, "microphone": {"ok": True, "rms": -80}, "speaker": {"ok": False}})
    assert grade == "poor" and any("静音" in r for r in reasons) and any("扬声器" in r for r in reasons)


def _codes(body):
    return re.findall(r'<article class="rb-row [^"]*" data-code="(\d+)"', body)


def test_board_query_count_is_the_same_for_38_and_3000_venues(client, scheduled, organizer, count_queries):
    client.force_login(organizer)
    url = f"/manage/{scheduled.slug}/rehearsal/"
    services.record_selftest(Venue.objects.get(event=scheduled, code="110000"), GOOD)
    client.get(url)
    with count_queries() as small:
        body = client.get(url).content.decode()
    assert body.count('class="rb-row ') == 37 and 'name="page"' not in body  # one page: no picker
    Venue.objects.bulk_create([
        Venue(event=scheduled, kind="branch", code=f"{900000 + i}", name=f"测试会场{i}", capacity=30, order=100 + i)
        for i in range(3000 - 37)
    ])
    scheduled.rehearsal_ends_at = scheduled.rehearsal_starts_at + timedelta(minutes=7000)
    scheduled.save()
    services.schedule(scheduled, reset=True)
    TechContact.objects.bulk_create([TechContact(venue_id=v, name="李四", phone="13900139000")
                                     for v in Venue.objects.filter(event=scheduled, kind="branch").values_list("id", flat=True)])
    with count_queries() as big:
        body = client.get(url).content.decode()
    # the rehearsal is ahead: the board shows the first page, its slots in order, with the picker of 60 pages
    assert body.count('class="rb-row ') == board.PAGE and body.count('href="tel:13900139000"') == board.PAGE
    assert body.count("<option ") == 60 and "第 60 页" in body
    assert len(big) == len(small), [q["sql"] for q in big.captured_queries]
    with count_queries() as rows:
        data = client.get(url + "rows/").json()
    assert data["rows"].count('class="rb-row ') == board.PAGE and len(rows) <= len(small)
    # every venue is on one page, in slot order
    in_order = list(Rehearsal.objects.filter(venue__event=scheduled).order_by("starts_at").values_list("venue__code", flat=True))
    seen = []
    for page in range(1, 61):
        body = client.get(url, {"page": page}).content.decode()
        seen += _codes(body[body.index('id="rb-rows"'):])
    assert seen == in_order and len(seen) == 3000


def test_board_follows_the_clock_and_keeps_now_and_next_on_every_page(client, scheduled, organizer):
    """Slot 100 (the last of page 2) on now: following the clock shows page 2 and slot 101; page 1 and a
    search show both slots on top; the retest queue links to its venue."""
    Venue.objects.bulk_create([
        Venue(event=scheduled, kind="branch", code=f"{900000 + i}", name=f"测试会场{i}", capacity=30, order=100 + i)
        for i in range(160 - 37)
    ])
    now = timezone.now()
    scheduled.rehearsal_starts_at = now - timedelta(minutes=99 * 2 + 1)
    scheduled.rehearsal_ends_at = scheduled.rehearsal_starts_at + timedelta(minutes=services.minimum_window(160, 2))
    scheduled.save()
    services.schedule(scheduled, slot_minutes=2, reset=True)
    order = list(Rehearsal.objects.filter(venue__event=scheduled).order_by("starts_at").values_list("venue__code", flat=True))
    client.force_login(organizer)
    url = f"/manage/{scheduled.slug}/rehearsal/"
    body = client.get(url).content.decode()
    assert _codes(body) == order[50:101]  # page 2 and the next slot, which begins page 3
    assert "第 2/4 页" in body and "跟随时钟" in body
    stale = re.search(r'data-stale-at="(\d+)"', body).group(1)
    assert int(stale) == int(Rehearsal.objects.get(venue__code=order[99], venue__event=scheduled).ends_at.timestamp() * 1000)
    first = client.get(url, {"page": 1}).content.decode()
    now_box = first[first.index('id="rb-now"'):first.index('id="rb-rows"')]
    assert _codes(now_box) == order[99:101] and _codes(first) == order[99:101] + order[:50]
    assert client.get(url + "rows/", {"page": 1}).json()["now"].count('class="rb-row ') == 2
    found = client.get(url, {"q": "北京"}).content.decode()
    assert "110000" in _codes(found) and "找到 1 个会场" in found
    assert _codes(client.get(url, {"q": "9001"}).content.decode())[2:] == [f"9001{i:02d}" for i in range(23)]
    # the slot on now is on page 2: no separate box there
    second = client.get(url, {"page": 2}).content.decode()
    assert _codes(second[second.index('id="rb-now"'):second.index('id="rb-rows"')]) == [order[100]]
    services.mark(_bj(scheduled), status="retest", by=organizer)
    assert 'href="?q=110000"' in client.get(url, {"page": 3}).content.decode()


def test_board_marks_change_the_version(client, scheduled, organizer):
    client.force_login(organizer)
    v0 = client.get(f"/manage/{scheduled.slug}/rehearsal/version/").json()["v"]
    resp = client.post(f"/manage/{scheduled.slug}/venues/110000/rehearsal/mark/", {"status": "retest"},
                       HTTP_ACCEPT="application/json")
    assert resp.status_code == 200
    v1 = client.get(f"/manage/{scheduled.slug}/rehearsal/version/").json()["v"]
    assert v1 != v0
    data = client.get(f"/manage/{scheduled.slug}/rehearsal/rows/").json()
    assert "北京市分会场" in data["queue"] and data["summary"]["retest"] == 1
    services.record_selftest(Venue.objects.get(event=scheduled, code="120000"), GOOD)  # a venue's self-test too
    assert client.get(f"/manage/{scheduled.slug}/rehearsal/version/").json()["v"] != v1


def test_board_is_for_organizers_only(client, scheduled, coordinator):
    client.force_login(coordinator)
    assert client.get(f"/manage/{scheduled.slug}/rehearsal/").status_code == 403
    assert client.post(f"/manage/{scheduled.slug}/venues/110000/rehearsal/mark/", {"status": "passed"}).status_code == 403


def test_api_through_tenancy(api_client, scheduled, organizer, coordinator, other_coordinator):
    slug = scheduled.slug
    org, coord = api_client(organizer), api_client(coordinator)
    all_ = org.get(f"/api/v1/events/{slug}/rehearsal").json()
    assert len(all_["slots"]) == 37 and all_["window"]["starts_at"]
    assert all_["slots"][0]["venue"] == "110000" and all_["slots"][0]["result"]["status"] == "pending"
    own = coord.get(f"/api/v1/events/{slug}/rehearsal").json()
    assert [s["venue"] for s in own["slots"]] == ["110000"] and own["slots"][0]["selftest_link"]
    assert coord.get(f"/api/v1/events/{slug}/venues/310000/rehearsal").status_code == 404
    assert coord.get(f"/api/v1/events/{slug}/venues/310000/selftests").status_code == 404
    resp = coord.put(f"/api/v1/events/{slug}/venues/110000/rehearsal", {"status": "passed"}, content_type="application/json")
    assert resp.status_code == 403 and resp.json()["error"]["code"] == "forbidden"
    resp = org.put(f"/api/v1/events/{slug}/venues/110000/rehearsal",
                   {"status": "failed", "video": "none", "audio": "ok", "notes": "无图像"}, content_type="application/json")
    assert resp.status_code == 200
    assert resp.json()["result"] | {"marked_at": None} == {"status": "failed", "video": "none", "audio": "ok",
                                                           "notes": "无图像", "marked_at": None, "attempts": 1}
    late = (scheduled.rehearsal_ends_at - timedelta(minutes=5)).isoformat()
    resp = org.put(f"/api/v1/events/{slug}/venues/110000/rehearsal", {"starts_at": late}, content_type="application/json")
    moved = datetime.fromisoformat(resp.json()["starts_at"].replace("Z", "+00:00"))
    assert resp.status_code == 200 and moved == scheduled.rehearsal_ends_at - timedelta(minutes=5)
    resp = org.put(f"/api/v1/events/{slug}/venues/120000/rehearsal", {"starts_at": late}, content_type="application/json")
    assert resp.status_code == 422 and "重叠" in resp.json()["error"]["message"]
    resp = org.put(f"/api/v1/events/{slug}/venues/110000/rehearsal", {"status": "bogus"}, content_type="application/json")
    assert resp.status_code == 422 and resp.json()["error"]["code"] == "invalid"
    resp = coord.post(f"/api/v1/events/{slug}/venues/110000/selftests", GOOD, content_type="application/json")
    assert resp.status_code == 201 and resp.json()["grade"] == "good"
    # the grade is the server's, whatever the client claims
    resp = coord.post(f"/api/v1/events/{slug}/venues/110000/selftests",
                      {**GOOD, "grade": "good", "network": {**GOOD["network"], "up_mbps": 0.5}}, content_type="application/json")
    assert resp.json()["grade"] == "poor"
    tests = coord.get(f"/api/v1/events/{slug}/venues/110000/selftests").json()
    assert [t["grade"] for t in tests] == ["poor", "good"]
    assert api_client(other_coordinator).post(f"/api/v1/events/{slug}/venues/110000/selftests", GOOD,
                                              content_type="application/json").status_code == 404
    assert "/api/v1/events/{event}/venues/{venue}/selftests" in org.get("/api/v1/openapi.json").json()["paths"]


def test_personal_link_and_measurement_tokens(client, scheduled):
    bj = _bj(scheduled)
    link = services.personal_link(bj.venue)
    page = client.get(link.split("localhost:8000", 1)[-1])
    body = page.content.decode()
    assert page.status_code == 200 and 'id="selftest-start"' in body and "<script>" not in body
    assert client.get("/t/forged:token/").status_code == 404
    net = body.split('data-net="', 1)[1].split('"', 1)[0]
    assert client.get(net + "ping").status_code == 200
    down = client.get(net + "down?bytes=200000")
    data = b"".join(down.streaming_content)
    assert len(data) == 200000 and len(set(data)) > 200  # random, not zeros
    resp = client.post(net + "result", json.dumps(GOOD), content_type="application/json")
    assert resp.status_code == 201 and resp.json()["grade"] == "good"
    assert SelfTest.objects.get(venue=bj.venue).via == "link"
    assert client.post("/selftest/net/forged/result", "{}", content_type="application/json").status_code == 404
    assert client.post(net + "result", "[1]", content_type="application/json").status_code == 400


class _LazyBody(io.RawIOBase):
    """A request body of `size` random bytes made while it is read (the test holds none of it)."""

    def __init__(self, size):
        self.left = size

    def readable(self):
        return True

    def readinto(self, b):
        n = min(len(b), self.left)
        b[:n] = os.urandom(n)
        self.left -= n
        return n


def test_a_50_mb_upload_is_read_in_chunks_and_dropped(scheduled):
    """Through the whole WSGI stack (every middleware): memory stays at a chunk, not 50 MB."""
    from django.core.handlers.wsgi import WSGIHandler

    token = services.net_token(_bj(scheduled).venue, "page")
    size = 50 * 1024 * 1024
    environ = RequestFactory()._base_environ(
        PATH_INFO=f"/selftest/net/{token}/up", REQUEST_METHOD="POST", CONTENT_TYPE="application/octet-stream",
        CONTENT_LENGTH=str(size), **{"wsgi.input": io.BufferedReader(_LazyBody(size))})
    handler = WSGIHandler()
    status = []
    tracemalloc.start()
    try:
        body = b"".join(handler(environ, lambda s, h: status.append(s)))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert status == ["200 OK"] and json.loads(body) == {"received": size}
    assert peak < 4 * 1024 * 1024, peak


def test_venue_page_shows_slot_hotline_and_link(client, scheduled, coordinator):
    client.force_login(coordinator)
    services.record_selftest(_bj(scheduled).venue, GOOD)
    body = client.get(f"/manage/{scheduled.slug}/venues/110000/").content.decode()
    assert 'id="rehearsal-card"' in body and "09:30–09:33" in body and "18500219116" in body
    assert "/t/" in body and "rehearsal.ics" in body and "良好" in body
    assert "/rehearsal/schedule/" not in body  # the schedule is the organizer's


def test_organizer_reaches_schedule_and_board_from_a_venue_before_any_slot(client, demo_event, organizer):
    """Before anything is scheduled no page linked to the schedule: only a typed URL reached it."""
    client.force_login(organizer)
    body = client.get(f"/manage/{demo_event.slug}/venues/110000/").content.decode()
    assert f'href="/manage/{demo_event.slug}/rehearsal/schedule/"' in body
    assert f'href="/manage/{demo_event.slug}/rehearsal/"' in body


def test_overview_has_a_rehearsal_column(client, scheduled, organizer):
    bj = _bj(scheduled)
    services.mark(bj, status="retest", by=organizer)
    services.record_selftest(bj.venue, GOOD)
    client.force_login(organizer)
    body = client.get(f"/manage/{scheduled.slug}/").content.decode()
    row = body.split('data-code="110000"', 1)[1].split("</tr>", 1)[0]
    assert "<th>视频调试</th>" in body
    assert "09:30" in row and "需复测" in row and "自测" in row and "良好" in row
