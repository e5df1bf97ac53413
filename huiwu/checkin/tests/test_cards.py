"""入场凭证: a printable card per active attendee with their check-in code, for the roles that edit the venue."""

from __future__ import annotations

import pytest

from huiwu.checkin import services
from huiwu.receipts.models import Attendee


def _cards(body: str) -> dict[int, str]:
    """attendee id → the card's markup, from the page."""
    from lxml import html

    return {int(card.get("data-attendee")): html.tostring(card, encoding="unicode")
            for card in html.fromstring(body).xpath('//div[@class="code-card"]')}


def test_cards_carry_each_active_persons_own_code(client, organizer, people, beijing, seeded):
    people[1].status = Attendee.Status.REPLACED
    people[1].save()
    client.force_login(organizer)
    resp = client.get(f"/checkin/{seeded.slug}/venues/110000/cards/")
    body = resp.content.decode()
    assert resp.status_code == 200 and "print.js" in body
    cards = _cards(body)
    assert set(cards) == {people[0].pk, people[2].pk}  # the replaced person has no card
    # each card's QR code is the person's own code, as the door reads it
    assert all(services.qr_svg(services.code_for(a)) in body for a in (people[0], people[2]))
    for a in (people[0], people[2]):
        assert a.name in cards[a.pk] and "<svg" in cards[a.pk]
        # the code printed is the one the door accepts for this person, and no phone is on the card
        assert services.read_code(seeded, services.code_for(a)).attendee_id == a.pk
        assert a.phone not in cards[a.pk] and a.phone[-4:] not in cards[a.pk]
    assert [c["id"] for c in services.code_cards(beijing)] == [people[0].pk, people[2].pk]
    # who printed whose codes is kept
    from huiwu.audit.models import AuditEntry

    printed = AuditEntry.objects.filter(action="checkin.cards", actor=organizer).get()
    assert printed.after == {"attendees": [people[0].pk, people[2].pk]} and printed.venue_id == beijing.pk


def test_cards_show_the_seat_and_when_to_arrive(client, organizer, people, beijing, seeded, monkeypatch):
    monkeypatch.setattr(services, "seat_labels", lambda venue: {people[0].pk: "3排5座"})
    seeded.arrive_before_minutes = 15
    seeded.save()
    client.force_login(organizer)
    cards = _cards(client.get(f"/checkin/{seeded.slug}/venues/110000/cards/").content.decode())
    due = services.local_hm(services.late_after(seeded), seeded)
    assert "座位 3排5座" in cards[people[0].pk] and "座位" not in cards[people[2].pk]
    assert f"请于 {due} 前入场" in cards[people[0].pk]


def test_cards_for_the_venues_editors_only(client, coordinator, other_coordinator, door_bj, people, seeded):
    url = f"/checkin/{seeded.slug}/venues/110000/cards/"
    client.force_login(coordinator)
    assert len(_cards(client.get(url).content.decode())) == 3
    client.force_login(other_coordinator)
    assert client.get(url).status_code == 404
    client.force_login(door_bj)  # the door checks people in by search; it prints no codes
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_a_main_venue_unit_prints_its_own_people_only(client, make_user, seeded):
    main = seeded.venues.get(code="main")
    mine, theirs = [vu.unit for vu in main.invited_units.order_by("id")[:2]]
    own = Attendee.objects.create(event=seeded, venue=main, name="本单位甲", unit=mine.name, filed_by_unit=mine)
    Attendee.objects.create(event=seeded, venue=main, name="他单位乙", unit=theirs.name, filed_by_unit=theirs, order=1)
    client.force_login(make_user("dept", "main_unit", venue=main, unit=mine))
    assert set(_cards(client.get(f"/checkin/{seeded.slug}/venues/main/cards/").content.decode())) == {own.pk}


@pytest.mark.parametrize("who, cards, door", [("organizer", True, True), ("coordinator", True, False)])
def test_venue_page_links_the_cards_and_the_door(request, client, who, cards, door, people, seeded):
    client.force_login(request.getfixturevalue(who))
    body = client.get(f"/manage/{seeded.slug}/venues/110000/").content.decode()
    assert (f'href="/checkin/{seeded.slug}/venues/110000/cards/"' in body) is cards
    assert (f'href="/checkin/{seeded.slug}/door/110000/"' in body) is door


def test_an_empty_venue_says_so(client, organizer, seeded):
    client.force_login(organizer)
    body = client.get(f"/checkin/{seeded.slug}/venues/120000/cards/").content.decode()
    assert "本会场还没有参会人员" in body and not _cards(body)
