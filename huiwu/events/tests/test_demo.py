from datetime import date, timedelta

from huiwu.events.services import DEMO_SLUG, create_branch_venues, demo_dates, load_demo_event


def test_demo_event_carries_the_seed_facts(db):
    event = load_demo_event()
    assert event.slug == DEMO_SLUG
    assert event.doc_number == "教职成厅函〔2021〕24号"
    assert event.theme == "庆建党百年华诞，谱终身学习新篇"
    assert event.arrive_before_minutes == 15
    assert event.registration_email == "sjc@moe.edu.cn"
    venues = list(event.venues.order_by("order"))
    assert len(venues) == 38
    main = venues[0]
    assert main.code == "main" and main.address == "教育部机关北楼二层报告厅" and main.capacity == 30
    assert all(v.capacity == 30 for v in venues)
    assert {c.name for c in event.contacts.all()} == {"王立", "付宇豪"}


def test_demo_timeline_keeps_the_seed_offsets_with_deadline_ahead():
    today = date(2026, 11, 29)
    d = demo_dates(today=today)
    assert d["registration_deadline"].date() > today
    assert d["starts_at"].weekday() == 1  # a Tuesday, like 2021-11-23
    assert (d["starts_at"].date() - d["registration_deadline"].date()).days == 3
    assert d["registration_deadline"].hour == 16
    assert (d["rehearsal_starts_at"].hour, d["rehearsal_starts_at"].minute) == (9, 30)
    # the seed's notice came 4 days before the meeting, but a notice is never dated after today
    assert d["issued_on"] == min(d["starts_at"].date() - timedelta(days=4), today) <= today
    for day in range(0, 14):
        moved = date(2026, 12, 1) + timedelta(days=day)
        assert demo_dates(today=moved)["issued_on"] <= moved
    h = demo_dates(historical=True)
    assert h["starts_at"].isoformat() == "2021-11-23T10:00:00+08:00"
    assert h["registration_deadline"].isoformat() == "2021-11-20T16:00:00+08:00"


def test_create_branch_venues_is_one_idempotent_action(demo_event):
    demo_event.venues.filter(code__in=["660000", "440300"]).delete()
    created = create_branch_venues(demo_event, capacity=25)
    assert sorted(v.code for v in created) == ["440300", "660000"]
    assert create_branch_venues(demo_event) == []
    assert demo_event.venues.count() == 38


def test_create_branches_command(demo_event):
    from io import StringIO

    from django.core.management import call_command

    demo_event.venues.filter(kind="branch").delete()
    out = StringIO()
    call_command("venues", "create-branches", demo_event.slug, "--capacity", "20", stdout=out)
    assert "37" in out.getvalue()
    codes = list(demo_event.venues.filter(kind="branch").order_by("order").values_list("code", flat=True))
    assert len(codes) == 37 and codes[0] == "110000" and codes[-1] == "660000"
    assert set(demo_event.venues.filter(kind="branch").values_list("capacity", flat=True)) == {20}
