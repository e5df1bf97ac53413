"""The attendee, tech-contact and receipt endpoints: same rules as the web, PRODUCT.md errors."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from huiwu.receipts.models import Attendee, Receipt

EV = "lifelong-learning-week-2021"
BJ = f"/api/v1/events/{EV}/venues/110000"


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def patch(client, url, data):
    return client.patch(url, json.dumps(data), content_type="application/json")


@pytest.fixture
def coord_api(api_client, coordinator):
    return api_client(coordinator)


def test_add_list_patch_delete(coord_api):
    r = post(coord_api, BJ + "/attendees", {"name": "王  立", "unit": "北京市教委", "position": "处长",
                                            "phone": "+86 138 0013 8000", "category": "division_lead"})
    assert r.status_code == 201, r.content
    a = r.json()
    assert a["name"] == "王立" and a["phone"] == "13800138000" and a["filed_by_unit"] == "北京市教育委员会"
    r = patch(coord_api, f"{BJ}/attendees/{a['id']}", {"position": "副处长"})
    assert r.status_code == 200 and r.json()["position"] == "副处长" and r.json()["unit"] == "北京市教委"
    assert [x["name"] for x in coord_api.get(BJ + "/attendees").json()] == ["王立"]
    assert coord_api.delete(f"{BJ}/attendees/{a['id']}").status_code == 204
    assert coord_api.get(BJ + "/attendees").json() == []
    assert coord_api.delete(f"{BJ}/attendees/{a['id']}").status_code == 404


def test_invalid_gives_fields_in_chinese(coord_api):
    r = post(coord_api, BJ + "/attendees", {"name": "王立", "unit": "", "phone": "12345"})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "invalid" and set(err["fields"]) == {"unit", "phone"}
    assert "请填写单位" in err["message"]
    r = post(coord_api, BJ + "/attendees", {"name": "王立"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid"


def test_capacity_full_409(coord_api, demo_event):
    demo_event.venues.filter(code="110000").update(capacity=1)
    assert post(coord_api, BJ + "/attendees", {"name": "王立", "unit": "x"}).status_code == 201
    r = post(coord_api, BJ + "/attendees", {"name": "李四", "unit": "x"})
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "capacity_full" and "人数上限为1人" in r.json()["error"]["message"]


def test_deadline_passed_409(coord_api, demo_event, organizer, api_client):
    demo_event.registration_deadline = timezone.now() - timedelta(minutes=1)
    demo_event.save()
    r = post(coord_api, BJ + "/attendees", {"name": "王立", "unit": "x"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "deadline_passed"
    local = timezone.localtime(demo_event.registration_deadline)
    assert f"{local.month}月{local.day}日 {local:%H:%M}" in r.json()["error"]["message"]
    # the organizer may still change things (audited)
    assert post(api_client(organizer), BJ + "/attendees", {"name": "王立", "unit": "x"}).status_code == 201


def test_other_venue_is_404_and_weak_role_403(coord_api, make_user, demo_event, api_client):
    r = post(coord_api, f"/api/v1/events/{EV}/venues/310000/attendees", {"name": "王立", "unit": "x"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    door = make_user("door_bj", "door", venue=demo_event.venues.get(code="110000"))
    r = post(api_client(door), BJ + "/attendees", {"name": "王立", "unit": "x"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"


def test_phone_masked_without_attendee_phone(coord_api, make_user, demo_event, api_client):
    post(coord_api, BJ + "/attendees", {"name": "王立", "unit": "x", "phone": "13800138000"})
    coord_api.put(BJ + "/tech-contact", json.dumps({"name": "赵敏", "phone": "13910002000"}),
                  content_type="application/json")
    door = api_client(make_user("door_bj", "door", venue=demo_event.venues.get(code="110000")))
    assert door.get(BJ + "/attendees").json()[0]["phone"] == "138****8000"
    assert door.get(BJ + "/tech-contact").json()["phone"] == "139****2000"
    assert coord_api.get(BJ + "/attendees").json()[0]["phone"] == "13800138000"


def test_tech_contact_get_put(coord_api):
    assert coord_api.get(BJ + "/tech-contact").status_code == 404
    r = coord_api.put(BJ + "/tech-contact", json.dumps({"name": "赵 敏", "phone": "139-1000-2000"}),
                      content_type="application/json")
    assert r.status_code == 200 and r.json()["phone"] == "13910002000"
    assert coord_api.get(BJ + "/tech-contact").json()["name"] == "赵敏"
    r = coord_api.put(BJ + "/tech-contact", json.dumps({"name": "赵敏", "phone": "010-66096253"}),
                      content_type="application/json")
    assert r.status_code == 422 and "phone" in r.json()["error"]["fields"]


def test_post_receipt_json_and_list_versions(coord_api):
    rows = [{"name": "王立", "unit": "x", "phone": "13800138000"}, {"name": "李四", "unit": "x"}]
    body = {"attendees": rows, "tech_contact": {"name": "赵敏", "phone": "13910002000"}}
    r = post(coord_api, BJ + "/receipts", body)
    assert r.status_code == 201, r.content
    assert r.json()["version"] == 1
    r = post(coord_api, BJ + "/receipts", {"attendees": rows[:1]})
    assert r.json()["version"] == 2 and [a["name"] for a in r.json()["diff"]["removed"]] == ["李四"]
    r = post(coord_api, BJ + "/receipts", {"attendees": [{"name": "", "unit": "x"}]})
    assert r.status_code == 422 and r.json()["errors"][0]["row"] == 1
    versions = coord_api.get(BJ + "/receipts").json()
    assert [v["version"] for v in versions] == [2, 1] and versions[0]["channel"] == "api"
    assert Receipt.objects.count() == 2 and Attendee.objects.filter(status="active").count() == 1


def test_main_unit_files_only_its_own(make_user, demo_event, api_client, organizer):
    main = demo_event.venues.get(code="main")
    vus = list(main.invited_units.select_related("unit").order_by("unit__order"))
    assoc = api_client(make_user("assoc", "main_unit", venue=main, unit=vus[1].unit))
    url = f"/api/v1/events/{EV}/venues/main/attendees"
    r = post(assoc, url, {"name": "王立", "unit": "中国成人教育协会"})
    assert r.status_code == 201 and r.json()["filed_by_unit"] == "中国成人教育协会"
    org = api_client(organizer)
    r = post(org, url, {"name": "李四", "unit": "司里", "filed_by_unit": vus[0].unit_id})
    assert r.status_code == 201 and r.json()["filed_by_unit"] == vus[0].unit.name
    assert [a["name"] for a in assoc.get(url).json()] == ["王立"]
    assert assoc.delete(f"{url}/{r.json()['id']}").status_code == 404
    assert post(assoc, url, {"name": "张三", "unit": "x", "filed_by_unit": vus[0].unit_id}).status_code == 403
    assert len(org.get(url).json()) == 2


def test_file_upload_goes_to_the_importer(coord_api):
    """A CSV receipt posted as multipart is read by the document importer and filed."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv = "姓名,单位,职务,手机\n王立,北京市教育委员会,处长,13800138000\n李四,北京开放大学,校长,13900139000\n"
    r = coord_api.post(BJ + "/receipts", {"file": SimpleUploadedFile("bj.csv", csv.encode("utf-8"))})
    # no rehearsal contact yet: the list is kept as filed, and the answer asks for the contact once
    assert r.status_code == 201, r.content.decode()
    assert r.json()["status"] == "accepted" and [a["name"] for a in r.json()["attendees"]] == ["王立", "李四"]
    assert len([w for w in r.json()["warnings"] if "视频调试负责人" in w]) == 1 and not r.json()["errors"]
    coord_api.put(BJ + "/tech-contact", json.dumps({"name": "赵敏", "phone": "13910002000"}),
                  content_type="application/json")
    assert Receipt.objects.get().channel == "upload" and Attendee.objects.filter(status="active").count() == 2
    r = coord_api.post(BJ + "/receipts", {"nofile": "x"})
    assert r.status_code == 422 and r.json()["error"]["fields"] == {"file": ["必填。"]}


def test_openapi_lists_the_routes(client):
    doc = client.get("/api/v1/openapi.json").json()
    for p in ("/api/v1/events/{event}/venues/{venue}/attendees",
              "/api/v1/events/{event}/venues/{venue}/attendees/{attendee_id}",
              "/api/v1/events/{event}/venues/{venue}/tech-contact",
              "/api/v1/events/{event}/venues/{venue}/receipts"):
        assert p in doc["paths"], p
