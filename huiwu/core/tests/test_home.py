"""The front door shows each person what they can do."""



def test_home_offers_notice_intake_to_organizers_only(client, organizer, coordinator):
    client.force_login(organizer)
    assert "/notices/new/" in client.get("/").content.decode()
    client.force_login(coordinator)
    body = client.get("/").content.decode()
    assert "/notices/new/" not in body and "北京市分会场" in body


def test_home_leads_each_role_to_its_page(client, make_user, demo_event):
    venue = demo_event.venues.get(code="120000")
    client.force_login(make_user("door_tj", "door", venue=venue))
    home = client.get("/").content.decode()
    assert f"/manage/{demo_event.slug}/venues/120000/admission/" in home
    assert f'href="/checkin/{demo_event.slug}/door/120000/"' in home  # the door page by a link, not a typed URL
    client.force_login(make_user("health1", "health", event=demo_event))
    assert f"/manage/{demo_event.slug}/health/" in client.get("/").content.decode()
