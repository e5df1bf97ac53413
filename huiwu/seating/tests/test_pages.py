"""Seating pages through the Django client: generate, edit, order, plan, print; tenancy."""

from __future__ import annotations

import json

from django.test import Client
from django.urls import reverse

from huiwu.audit.models import AuditEntry
from huiwu.seating.models import RoomLayout, SeatingPlan
from huiwu.seating.services import seat_labels

from .test_cli import people


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_coordinator_seats_their_venue(demo_event, coordinator):
    venue = demo_event.venues.get(code="110000")
    ps = people(venue, 10)
    c = _client(coordinator)
    url = reverse("seating:venue", args=[demo_event.slug, "110000"])
    detail = c.get(reverse("venues:detail", args=[demo_event.slug, "110000"])).content.decode()
    assert url in detail
    page = c.get(url).content.decode()
    assert "还没有会议室布局" in page  # i18n: data
    r = c.post(reverse("seating:generate", args=[demo_event.slug, "110000"]),
               {"rows": "3", "seats": "7", "seat_pitch": "0.6", "row_pitch": "1.0", "aisles": "4",
                "rostrum_seats": "3", "rostrum_gap": "3"})
    assert r.status_code == 302
    layout = RoomLayout.objects.get(venue=venue)
    assert all(s.get("off") for r_ in layout.data["rows"] for s in r_["seats"] if s["label"] == "4")
    # the editor restores seat 4 of row 2
    editor = c.get(reverse("seating:editor", args=[demo_event.slug, "110000"])).content.decode()
    assert 'data-row="2" data-seat="4"' in editor and "<script>" not in editor
    r = c.post(reverse("seating:toggle", args=[demo_event.slug, "110000"]), {"row": "2", "seat": "4", "rostrum": "0"})
    assert r.json() == {"on": True, "seats": 3 + 18 + 1}
    # an order set by hand: the last person first
    order = [p.pk for p in ps][::-1]
    c.post(reverse("seating:order", args=[demo_event.slug, "110000"]), {"order": ",".join(map(str, order))})
    assert AuditEntry.objects.filter(action="seating.precedence", venue=venue).exists()
    c.post(reverse("seating:plan", args=[demo_event.slug, "110000"]), {"min_distance": "1", "mode": "gov"})
    plan = SeatingPlan.objects.get(venue=venue)
    assert plan.order == order
    labels = seat_labels(venue)
    assert labels[order[0]] == "主席台2座"  # i18n: data  (No. 1 in the rostrum's centre)
    page = c.get(url).content.decode()
    assert "<svg" in page and "已证明最多" in page  # i18n: data
    for name, want in [("chart", b"%PDF"), ("cards", b"%PDF")]:
        path = reverse(f"seating:{name}", args=[demo_event.slug, "110000"] + (["pdf"] if name == "chart" else []))
        assert c.get(path).content.startswith(want)
    xlsx = c.get(reverse("seating:chart", args=[demo_event.slug, "110000", "xlsx"]))
    assert xlsx.content[:2] == b"PK"


def test_unseated_reason_names_the_room_limit(demo_event, organizer):
    venue = demo_event.venues.get(code="110000")
    people(venue, 12)
    c = _client(organizer)
    c.post(reverse("seating:generate", args=[demo_event.slug, "110000"]),
           {"rows": "2", "seats": "8", "seat_pitch": "0.6", "row_pitch": "1.0"})
    c.post(reverse("seating:plan", args=[demo_event.slug, "110000"]), {"min_distance": "1", "mode": "gov"})
    page = c.get(reverse("seating:venue", args=[demo_event.slug, "110000"])).content.decode()
    assert "此距离（1 米）下本会议室最多可坐 8 人" in page  # i18n: data
    assert page.count('class="seat taken') == 8


def test_other_venue_and_main_unit_are_kept_out(demo_event, other_coordinator, make_user):
    url = reverse("seating:venue", args=[demo_event.slug, "110000"])
    assert _client(other_coordinator).get(url).status_code == 404
    main = demo_event.venues.get(code="main")
    unit = main.invited_units.first().unit
    main_unit = make_user("mu", "main_unit", event=demo_event, venue=main, unit=unit)
    assert _client(main_unit).get(reverse("seating:venue", args=[demo_event.slug, "main"])).status_code == 403


def test_import_refuses_hostile_json(demo_event, organizer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = _client(organizer)
    url = reverse("seating:import", args=[demo_event.slug, "110000"])
    deep = SimpleUploadedFile("x.json", b"[" * 100 + b"]" * 100)
    page = c.post(url, {"file": deep}, follow=True).content.decode()
    assert "嵌套过深" in page  # i18n: data
    pretix = {"name": "Hall", "zones": [{"name": "A", "position": {"x": 0, "y": 0}, "rows": [
        {"row_number": str(r + 1), "position": {"x": 0, "y": 40 * r}, "seats": [
            {"seat_guid": f"{r}-{s}", "seat_number": str(s + 1), "position": {"x": 30 * s, "y": 0}, "category": "c"}
            for s in range(6)]} for r in range(3)]}], "size": {"width": 300, "height": 200}, "categories": []}
    ok = SimpleUploadedFile("plan.json", json.dumps(pretix).encode())
    c.post(url, {"file": ok, "scale": "0.02"}, follow=True)
    layout = RoomLayout.objects.get(venue__code="110000", venue__event=demo_event).data
    assert [r["y"] for r in layout["rows"]] == [0.0, 0.8, 1.6]
    assert [s["x"] for s in layout["rows"][0]["seats"]] == [-1.5, -0.9, -0.3, 0.3, 0.9, 1.5]


def test_rank_table_page(demo_event, organizer, coordinator):
    from huiwu.seating.models import PositionRank

    url = reverse("seating:ranks", args=[demo_event.slug])
    assert _client(coordinator).get(url).status_code == 403
    c = _client(organizer)
    assert "部长 10" in c.get(url).content.decode()  # i18n: data
    page = c.post(url, {"table": "副司长 1\n司长，2\n"}, follow=True).content.decode()  # i18n: data
    assert "已保存" in page  # i18n: data
    assert dict(PositionRank.objects.filter(event=demo_event).values_list("title", "rank")) == {"副司长": 1, "司长": 2}  # i18n: data
    page = c.post(url, {"table": "司长 高"}, follow=True).content.decode()  # i18n: data
    assert "格式有误" in page  # i18n: data
    assert AuditEntry.objects.filter(action="seating.ranks").count() == 1


def test_replacement_through_admission_keeps_the_seat(demo_event, organizer):
    """The real replacement service: the new person shows in the old seat and the plan is out of date."""
    from huiwu.admission import services as admission

    venue = demo_event.venues.get(code="110000")
    ps = people(venue, 4)
    c = _client(organizer)
    c.post(reverse("seating:generate", args=[demo_event.slug, "110000"]), {"rows": "2", "seats": "6"})
    c.post(reverse("seating:plan", args=[demo_event.slug, "110000"]), {"min_distance": "1", "mode": "gov"})
    old = seat_labels(venue)
    target = ps[0]
    admission.apply_preset(demo_event, "seed")
    answers = {"symptoms": "yes", "risk_area_contact": "no", "risk_area_stay": "no"}
    admission.submit_declaration(target, answers)
    new = admission.replace_attendee(target, {"name": "替补人", "unit": "北京市教育委员会", "position": "处长"},  # i18n: data
                                     actor=organizer)
    labels = seat_labels(venue)
    assert labels[new.pk] == old[target.pk] and target.pk not in labels
    page = c.get(reverse("seating:venue", args=[demo_event.slug, "110000"])).content.decode()
    assert 'id="plan-stale"' in page and "更换 1 人" in page  # i18n: data
