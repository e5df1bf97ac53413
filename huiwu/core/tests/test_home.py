"""The front door shows each person what they can do."""



def test_home_offers_notice_intake_to_organizers_only(client, organizer, coordinator):
    client.force_login(organizer)
    assert "/notices/new/" in client.get("/").content.decode()
    client.force_login(coordinator)
    body = client.get("/").content.decode()
    assert "/notices/new/" not in body and "北京市分会场" in body
