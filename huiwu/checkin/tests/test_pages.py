"""Door page, board, board state, security list, service worker, and the code on the personal page."""

from __future__ import annotations

from huiwu.admission import services as admission
from huiwu.checkin import services


def test_door_page_for_its_door_only(client, door_bj, door_sh, people, seeded):
    client.force_login(door_bj)
    resp = client.get(f"/checkin/{seeded.slug}/door/110000/")
    body = resp.content.decode()
    assert resp.status_code == 200 and "door.js" in body and "<script>" not in body
    assert client.get("/checkin/").url == f"/checkin/{seeded.slug}/door/110000/"
    assert client.get(f"/checkin/{seeded.slug}/door/310000/").status_code == 404
    assert client.get(f"/checkin/{seeded.slug}/board/").status_code == 403


def test_board_and_state(client, organizer, door_bj, beijing, people, seeded):
    client.force_login(organizer)
    page = client.get(f"/checkin/{seeded.slug}/board/")
    assert page.status_code == 200 and "board.js" in page.content.decode()
    # the way back to the overview (the projector view has no navigation)
    assert f'href="/manage/{seeded.slug}/"' in page.content.decode()
    assert f'href="/manage/{seeded.slug}/"' not in client.get(f"/checkin/{seeded.slug}/board/projector/").content.decode()
    state = client.get(f"/checkin/{seeded.slug}/board/state.json").json()
    assert client.get(f"/checkin/{seeded.slug}/board/state.json?v={state['version']}").status_code == 204
    services.scan(seeded, services.code_for(people[0]), venue=beijing, user=door_bj)
    fresh = client.get(f"/checkin/{seeded.slug}/board/state.json?v={state['version']}")
    assert fresh.status_code == 200 and fresh.json()["totals"]["checked_in"] == 1
    assert client.get(f"/checkin/{seeded.slug}/board/projector/").status_code == 200


def test_security_list_has_main_venue_people_and_no_health(client, organizer, seeded):
    from .conftest import declare_clean, make_attendee

    main = seeded.venues.get(code="main")
    a = make_attendee(main, "孙八", unit="某司局")
    declare_clean(a)
    client.force_login(organizer)
    body = client.get(f"/checkin/{seeded.slug}/security/").content.decode()
    assert "孙八" in body and "某司局" in body and "print.js" in body
    assert f'href="/checkin/{seeded.slug}/board/" class="no-print"' in body


def test_service_worker_is_served_for_the_checkin_scope(client):
    resp = client.get("/checkin/sw.js")
    assert resp.status_code == 200 and resp["Service-Worker-Allowed"] == "/checkin/"
    assert "javascript" in resp["Content-Type"]


def test_personal_page_shows_the_code_until_replaced(client, people):
    a = people[0]
    body = client.get(admission.declaration_path(a)).content.decode()
    assert 'id="checkin-code"' in body and "<svg" in body
    assert "checkin/checkin.css" in body and 'id="checkin-arrived"' not in body


def test_personal_page_says_when_the_person_was_checked_in(client, people, beijing, door_bj, seeded):
    a = people[0]
    result = services.scan(seeded, services.code_for(a), venue=beijing, user=door_bj)
    body = client.get(admission.declaration_path(a)).content.decode()
    assert f'id="checkin-arrived">已签到 {result.checked_in_hm}<' in body



def test_overview_links_the_board(client, organizer, seeded):
    client.force_login(organizer)
    body = client.get(f"/manage/{seeded.slug}/").content.decode()
    assert f'href="/checkin/{seeded.slug}/board/"' in body
