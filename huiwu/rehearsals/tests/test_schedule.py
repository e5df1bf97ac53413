"""Slots: the demo's 37 venues in the notice's window, 1 and 3,000 venues, too short a window,
sent slots kept, a moved sent slot mailed, the CLI's JSON, the .ics round trip."""

import json
from datetime import timedelta
from io import StringIO

import icalendar
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from huiwu.receipts.models import OutboxMail, TechContact
from huiwu.rehearsals import services
from huiwu.rehearsals.models import Rehearsal
from huiwu.venues.models import Venue


def _assert_valid(result, event):
    slots = sorted(result.rehearsals, key=lambda r: r.starts_at)
    for a, b in zip(slots, slots[1:], strict=False):
        assert a.ends_at <= b.starts_at, "slots overlap"
    assert slots[0].starts_at >= event.rehearsal_starts_at
    assert slots[-1].ends_at <= event.rehearsal_ends_at
    return slots


def test_demo_gets_37_slots_in_the_window_with_a_reserve(demo_event):
    result = services.schedule(demo_event)
    slots = _assert_valid(result, demo_event)
    assert len(slots) == 37
    # official order: Beijing first, the XPCC last
    assert [r.venue.code for r in slots][:2] == ["110000", "120000"] and slots[-1].venue.code == "660000"
    assert result.slot_minutes == 3
    reserve = demo_event.rehearsal_ends_at - slots[-1].ends_at
    assert reserve >= timedelta(minutes=result.slot_minutes) and result.reserve_minutes == reserve.total_seconds() // 60


def test_cli_prints_the_contract_json(demo_event):
    venue = demo_event.venues.get(code="110000")
    TechContact.objects.create(venue=venue, name="张三", phone="13800138000")
    out = StringIO()
    call_command("rehearsal", "schedule", demo_event.slug, "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["event"] == demo_event.slug
    assert data["window"]["starts_at"].endswith("+08:00") and data["window"]["starts_at"][11:16] == "09:30"
    assert len(data["slots"]) == 37
    first = data["slots"][0]
    assert first == {"venue": "110000", "starts_at": data["window"]["starts_at"],
                     "ends_at": first["ends_at"], "contact": {"name": "张三", "phone": "13800138000"}}
    assert first["ends_at"][11:16] == "09:33"
    assert data["slots"][1]["contact"] is None
    out = StringIO()
    call_command("rehearsal", "schedule", demo_event.slug, "--slot-minutes", "2", "--json", stdout=out)
    assert json.loads(out.getvalue())["slots"][0]["ends_at"][11:16] == "09:32"


def test_one_venue(demo_event):
    Venue.objects.filter(event=demo_event, kind="branch").exclude(code="110000").delete()
    result = services.schedule(demo_event)
    assert len(result.rehearsals) == 1 and result.slot_minutes == services.MAX_SLOT_MINUTES
    _assert_valid(result, demo_event)


def test_three_thousand_venues_with_a_long_enough_window(demo_event):
    Venue.objects.bulk_create([
        Venue(event=demo_event, kind="branch", code=f"{900000 + i}", name=f"测试会场{i}", capacity=30, order=100 + i)
        for i in range(3000 - 37)
    ])
    with pytest.raises(ValidationError) as exc:
        services.schedule(demo_event)
    msg = exc.value.messages[0]
    need = services.minimum_window(3000, services.MIN_SLOT_MINUTES)
    assert "3000 个分会场" in msg and f"至少要 {need} 分钟" in msg and "现在只有 120 分钟" in msg
    demo_event.rehearsal_ends_at = demo_event.rehearsal_starts_at + timedelta(minutes=need)
    demo_event.save()
    result = services.schedule(demo_event)
    assert len(result.rehearsals) == 3000 and result.slot_minutes == services.MIN_SLOT_MINUTES
    _assert_valid(result, demo_event)


def test_given_slot_length_too_long_names_the_longest_that_fits(demo_event):
    with pytest.raises(ValidationError) as exc:
        services.schedule(demo_event, slot_minutes=5)
    msg = exc.value.messages[0]
    assert "每场 5 分钟" in msg and "而调试时间只有 120 分钟" in msg and "最多每场 3 分钟" in msg


def test_no_window_is_a_clear_message(demo_event):
    demo_event.rehearsal_starts_at = demo_event.rehearsal_ends_at = None
    demo_event.save()
    with pytest.raises(ValidationError, match="还没有视频调试时间"):
        services.schedule(demo_event)


def test_sent_slots_stay_unless_reset_and_a_moved_sent_slot_is_mailed(demo_event):
    services.schedule(demo_event)
    bj = Rehearsal.objects.get(venue__code="110000", venue__event=demo_event)
    TechContact.objects.create(venue=bj.venue, name="张三", phone="13800138000", email="tech@bj.example.cn")
    Rehearsal.objects.filter(pk=bj.pk).update(sent_at=timezone.now())
    before = bj.starts_at
    result = services.schedule(demo_event, slot_minutes=2)
    _assert_valid(result, demo_event)
    bj.refresh_from_db()
    assert bj.starts_at == before and bj.ends_at - bj.starts_at == timedelta(minutes=3)
    assert not OutboxMail.objects.filter(kind="rehearsal.moved").exists()
    services.schedule(demo_event, slot_minutes=2, reset=True)
    bj.refresh_from_db()
    assert bj.ends_at - bj.starts_at == timedelta(minutes=2) and bj.sequence == 1
    mail = OutboxMail.objects.get(kind="rehearsal.moved")
    assert mail.to == ["tech@bj.example.cn"] and "09:30–09:32" in mail.body


def test_move_slot_refuses_overlap_and_window_and_mails_when_sent(demo_event):
    services.schedule(demo_event)
    bj = Rehearsal.objects.select_related("venue__event").get(venue__code="110000", venue__event=demo_event)
    with pytest.raises(ValidationError, match="重叠"):
        services.move_slot(bj, bj.starts_at + timedelta(minutes=3))
    with pytest.raises(ValidationError, match="之内"):
        services.move_slot(bj, demo_event.rehearsal_ends_at - timedelta(minutes=1))
    TechContact.objects.create(venue=bj.venue, name="张三", phone="13800138000", email="tech@bj.example.cn")
    bj.sent_at = timezone.now()
    bj.save()
    services.move_slot(bj, demo_event.rehearsal_ends_at - timedelta(minutes=5))
    assert OutboxMail.objects.filter(kind="rehearsal.moved", venue=bj.venue).count() == 1
    assert bj.sequence == 1


def test_ics_round_trips_through_icalendar(demo_event, client, organizer):
    services.schedule(demo_event)
    r = Rehearsal.objects.select_related("venue").get(venue__code="110000", venue__event=demo_event)
    client.force_login(organizer)
    resp = client.get(f"/manage/{demo_event.slug}/venues/110000/rehearsal.ics")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("text/calendar")
    raw = resp.content
    assert b"DTSTART;TZID=Asia/Shanghai:" in raw and b"BEGIN:VTIMEZONE" in raw
    cal = icalendar.Calendar.from_ical(raw)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1
    ev = events[0]
    assert ev.decoded("dtstart") == r.starts_at and ev.decoded("dtend") == r.ends_at
    assert str(ev.decoded("dtstart").tzinfo) == "Asia/Shanghai"
    assert "北京市分会场" in str(ev.get("summary")) and "/t/" in str(ev.get("description"))
    assert list(cal.walk("VTIMEZONE"))[0]["TZID"] == "Asia/Shanghai"
    assert cal.to_ical() == icalendar.Calendar.from_ical(cal.to_ical()).to_ical()


def test_schedule_page_generates_and_invites(client, organizer, demo_event):
    client.force_login(organizer)
    url = f"/manage/{demo_event.slug}/rehearsal/schedule/"
    resp = client.post(url, {"action": "schedule", "slot_minutes": "9"}, follow=True)
    assert "至少需要" in resp.content.decode()
    resp = client.post(url, {"action": "schedule", "slot_minutes": ""}, follow=True)
    body = resp.content.decode()
    assert "已排定 37 个时段" in body and body.count('class="sms"') == 37 and "18500219116" in body
    assert "37 个会场没有技术联系人或联系人的邮箱" in body
