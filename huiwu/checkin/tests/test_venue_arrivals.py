"""One venue on the day: who has not arrived (with a phone to call, for the roles that see phones),
who has and when; reached from the board, the venue page and the door page."""

from __future__ import annotations

from huiwu.checkin import services
from huiwu.receipts.models import Attendee


def _url(event, code="110000"):
    return f"/checkin/{event.slug}/venues/{code}/"


def test_missing_and_arrived_with_times(client, coordinator, door_bj, people, beijing, seeded):
    services.scan(seeded, services.code_for(people[1]), venue=beijing, user=door_bj)
    client.force_login(coordinator)
    body = client.get(_url(seeded)).content.decode()
    missing, arrived = body.split('id="missing"')[1].split('id="arrived"')
    assert "王立" in missing and "张伟" in missing and "李娜" not in missing
    hm = services.local_hm(people[1].checkin.at, seeded)
    assert "李娜" in arrived and hm in arrived
    # the coordinator sees the whole number, to call the missing
    assert 'href="tel:13800001111"' in missing
    data = services.venue_arrivals(beijing)
    assert (data["expected"], len(data["arrived"]), len(data["missing"])) == (3, 1, 2)


def test_door_sees_masked_phones_and_no_health_answers(client, door_bj, people, seeded):
    client.force_login(door_bj)
    body = client.get(_url(seeded)).content.decode()
    assert "138****1111" in body and "13800001111" not in body and "tel:" not in body
    assert "symptoms" not in body and "risk_area" not in body


def test_other_venues_and_strangers_are_kept_out(client, other_coordinator, people, seeded):
    client.force_login(other_coordinator)
    assert client.get(_url(seeded)).status_code == 404
    client.logout()
    assert client.get(_url(seeded)).status_code == 302


def test_a_main_venue_unit_sees_its_own_people(client, make_user, seeded):
    main = seeded.venues.get(code="main")
    mine, theirs = [vu.unit for vu in main.invited_units.order_by("id")[:2]]
    Attendee.objects.create(event=seeded, venue=main, name="本单位甲", unit=mine.name, filed_by_unit=mine)
    Attendee.objects.create(event=seeded, venue=main, name="他单位乙", unit=theirs.name, filed_by_unit=theirs, order=1)
    client.force_login(make_user("dept", "main_unit", venue=main, unit=mine))
    body = client.get(_url(seeded, "main")).content.decode()
    assert "本单位甲" in body and "他单位乙" not in body


def test_everyone_here_and_an_empty_venue_say_so(client, organizer, door_bj, people, beijing, seeded):
    for a in people:
        services.scan(seeded, services.code_for(a), venue=beijing, user=door_bj)
    client.force_login(organizer)
    assert "全部到齐" in client.get(_url(seeded)).content.decode()
    assert "本会场还没有参会人员" in client.get(_url(seeded, "120000")).content.decode()


def test_reached_from_the_board_the_venue_page_and_the_door(client, organizer, door_bj, people, seeded):
    link = f'href="{_url(seeded)}"'
    client.force_login(organizer)
    assert link in client.get(f"/checkin/{seeded.slug}/board/").content.decode()
    assert link not in client.get(f"/checkin/{seeded.slug}/board/projector/").content.decode()
    assert link in client.get(f"/manage/{seeded.slug}/venues/110000/").content.decode()
    client.force_login(door_bj)
    assert link in client.get(f"/checkin/{seeded.slug}/door/110000/").content.decode()
