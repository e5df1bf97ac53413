"""Branch venues after the event was created: add (GB/T 2260 code, region name or a unit's name),
drop (only with nobody listed; links revoked, roles removed), rename; the main venue's quotas."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from huiwu.accounts.models import Invitation, Membership
from huiwu.audit.models import AuditEntry
from huiwu.receipts.models import Attendee
from huiwu.venues.models import Venue, VenueUnit

NOTICE = Path(__file__).parents[2] / "events" / "tests" / "notice_provincial.txt"


def _event(organizer, publish=True):
    """The provincial notice (Zhejiang's eleven prefectures), its dates moved ahead of today."""
    from huiwu.events.services import change_status, update_event
    from huiwu.notices.parser import notice_body, parse
    from huiwu.notices.services import create_event_from_notice

    text = NOTICE.read_text("utf-8")
    event = create_event_from_notice(parse(text), organizer, notice_text=notice_body(text))
    now = timezone.now()
    update_event(event, {"registration_deadline": now + timedelta(days=10), "starts_at": now + timedelta(days=20),
                         "ends_at": now + timedelta(days=20, hours=2), "rehearsal_starts_at": now + timedelta(days=19),
                         "rehearsal_ends_at": now + timedelta(days=19, hours=2)})
    return change_status(event, "publish", actor=organizer)[0] if publish else event


def _codes(event):
    return list(event.venues.filter(kind="branch").order_by("order", "id").values_list("code", flat=True))


def _json(resp):
    return resp.json() if resp.content else None


def test_api_drop_and_add_back_keeps_the_official_order(api_client, organizer):
    event = _event(organizer, publish=False)
    api = api_client(organizer)
    base = f"/api/v1/events/{event.slug}/venues"
    before = _codes(event)
    assert before[:3] == ["330100", "330200", "330300"] and len(before) == 11

    assert api.delete(f"{base}/330300").status_code == 204
    assert "330300" not in _codes(event)
    gone = AuditEntry.objects.get(action="venue.remove")
    assert gone.before["code"] == "330300" and gone.before["name"] == "温州市分会场" and gone.event_id == event.pk

    # back by its name (the review page's lookup), between Ningbo and Jiaxing again, same host unit
    resp = api.post(base, json.dumps({"host": "温州市"}), content_type="application/json")
    assert resp.status_code == 201, resp.content.decode()
    body = resp.json()
    assert body["code"] == "330300" and body["host_unit"] == "温州市教育局" and body["capacity"] == 25
    assert body["notes"] == []  # a draft without rehearsal slots: nothing more to do
    assert _codes(event) == before
    assert AuditEntry.objects.filter(action="venue.add", venue__code="330300").exists()

    # the same region twice: refused, naming the venue it already has
    resp = api.post(base, json.dumps({"host": "330300"}), content_type="application/json")
    assert resp.status_code == 409 and resp.json()["error"]["code"] == "venue_exists"
    assert "温州市分会场" in resp.json()["error"]["message"]

    # a county by code sits under its city; a school (not a region) gets 900001 and goes last
    resp = api.post(base, json.dumps({"host": "330106", "capacity": 10}), content_type="application/json")
    assert resp.status_code == 201 and resp.json()["name"] == "西湖区分会场" and resp.json()["capacity"] == 10
    resp = api.post(base, json.dumps({"host": "浙江机电职业技术学院"}), content_type="application/json")
    assert resp.status_code == 201 and resp.json()["code"] == "900001"
    assert resp.json()["host_unit"] == "浙江机电职业技术学院"
    codes = _codes(event)
    assert codes.index("330106") == codes.index("330100") + 1 and codes[-1] == "900001"

    # six digits that are no GB/T 2260 code, and an empty host: plain refusals
    resp = api.post(base, json.dumps({"host": "339999"}), content_type="application/json")
    assert resp.status_code == 422 and "不是行政区划代码" in resp.json()["error"]["message"]
    resp = api.post(base, json.dumps({"host": " "}), content_type="application/json")
    assert resp.status_code == 422 and resp.json()["error"]["fields"]["host"]

    # the main venue cannot be dropped
    resp = api.delete(f"{base}/main")
    assert resp.status_code == 409 and "主会场不能删除" in resp.json()["error"]["message"]


def test_drop_refused_while_people_are_listed_then_links_and_roles_go(api_client, organizer, make_user):
    event = _event(organizer)
    api = api_client(organizer)
    venue = event.venues.get(code="330500")
    coord = make_user("huzhou_coord", "coordinator", event=event, venue=venue)
    resp = api.post(f"/api/v1/events/{event.slug}/venues/330500/invitations", json.dumps({"email": "hz@example.cn"}),
                    content_type="application/json")
    assert resp.status_code == 201
    person = Attendee.objects.create(event=event, venue=venue, name="钱八", unit="湖州市教育局", phone="13700001111")

    resp = api.delete(f"/api/v1/events/{event.slug}/venues/330500")
    assert resp.status_code == 409 and resp.json()["error"]["code"] == "venue_in_use"
    assert "已报 1 名参会人员" in resp.json()["error"]["message"] and "撤回" in resp.json()["error"]["message"]
    assert Venue.objects.filter(pk=venue.pk).exists()

    person.status = Attendee.Status.WITHDRAWN
    person.save()
    assert api.delete(f"/api/v1/events/{event.slug}/venues/330500").status_code == 204
    assert not Venue.objects.filter(pk=venue.pk).exists()
    assert not Membership.objects.filter(user=coord).exists()
    assert not Invitation.objects.filter(venue_id=venue.pk).exists()
    assert AuditEntry.objects.filter(action="invitation.revoke").count() == 1
    gone = AuditEntry.objects.get(action="venue.remove")
    assert gone.before["memberships_removed"] == ["huzhou_coord"]
    # the coordinator was told, and no longer reaches anything of the venue
    from huiwu.receipts.models import OutboxMail

    assert OutboxMail.objects.filter(kind="venue.removed").exists()
    assert api_client(coord).get(f"/api/v1/events/{event.slug}/venues/330500").status_code == 404


def test_rename_venue_and_host_unit(api_client, organizer):
    event = _event(organizer, publish=False)
    other = _event(organizer, publish=False)  # a second event of the same notice shares Huzhou's unit
    api = api_client(organizer)
    url = f"/api/v1/events/{event.slug}/venues/330500"
    resp = api.patch(url, json.dumps({"name": "湖州市主分会场"}), content_type="application/json")
    assert resp.status_code == 200 and resp.json()["name"] == "湖州市主分会场"
    # Huzhou's unit is the other event's too: this venue moves to a unit of the new name, same region
    resp = api.patch(url, json.dumps({"host_unit": "湖州市教育局职成教处"}), content_type="application/json")
    assert resp.status_code == 200 and resp.json()["host_unit"] == "湖州市教育局职成教处"
    assert event.venues.get(code="330500").host_unit.region_code == "330500"
    assert other.venues.get(code="330500").host_unit.name == "湖州市教育局"
    # once the venue has filed, its receipts name the unit: only the venue's name may change then
    v = other.venues.get(code="330500")
    Attendee.objects.create(event=other, venue=v, name="郑一", unit="湖州市教育局", phone="13700004444")
    resp = api.patch(f"/api/v1/events/{other.slug}/venues/330500", json.dumps({"host_unit": "湖州市教育局职成教处"}),
                     content_type="application/json")
    assert resp.status_code == 422 and "已有回执，不能再更换承办单位" in resp.json()["error"]["message"]

    # a unit only this venue uses is renamed in place
    resp = api.post(f"/api/v1/events/{event.slug}/venues", json.dumps({"host": "浙江工业职业技术学院"}),
                    content_type="application/json")
    code = resp.json()["code"]
    resp = api.patch(f"/api/v1/events/{event.slug}/venues/{code}", json.dumps({"host_unit": "浙江工业职业技术大学"}),
                     content_type="application/json")
    assert resp.status_code == 200 and resp.json()["host_unit"] == "浙江工业职业技术大学"
    assert AuditEntry.objects.filter(action="venue.rename_host").count() == 2


def test_archived_event_refuses_every_change(api_client, client, organizer):
    from huiwu.events.services import change_status

    event = _event(organizer)
    change_status(event, "close", actor=organizer)
    change_status(event, "archive", actor=organizer)
    api = api_client(organizer)
    resp = api.post(f"/api/v1/events/{event.slug}/venues", json.dumps({"host": "330100"}), content_type="application/json")
    assert resp.status_code == 409 and resp.json()["error"]["code"] == "event_archived"
    assert api.delete(f"/api/v1/events/{event.slug}/venues/330500").status_code == 409
    assert event.venues.filter(code="330500").exists()
    client.force_login(organizer)  # the pages say so instead of offering forms that would be refused
    page = client.get(f"/manage/{event.slug}/venues/330500/remove/").content.decode()
    assert "已归档，只能查看" in page and 'id="remove-form"' not in page
    page = client.get(f"/manage/{event.slug}/venues/").content.decode()
    assert 'id="add-venues"' not in page


def test_coordinator_cannot_add_or_drop(api_client, organizer, make_user):
    event = _event(organizer)
    coord = make_user("zj_coord_x", "coordinator", event=event, venue=event.venues.get(code="330100"))
    api = api_client(coord)
    resp = api.post(f"/api/v1/events/{event.slug}/venues", json.dumps({"host": "330106"}), content_type="application/json")
    assert resp.status_code == 403
    assert api.delete(f"/api/v1/events/{event.slug}/venues/330100").status_code == 403
    assert api.delete(f"/api/v1/events/{event.slug}/venues/330200").status_code == 404


def test_pages_add_several_keep_the_bad_line_and_note_the_rehearsal(client, organizer):
    from huiwu.rehearsals.services import schedule

    event = _event(organizer)
    schedule(event)
    client.force_login(organizer)
    overview = client.get(f"/manage/{event.slug}/").content.decode()
    assert f'href="/manage/{event.slug}/venues/"' in overview and f'href="/manage/{event.slug}/main-units/quotas/"' in overview
    page = client.get(f"/manage/{event.slug}/venues/").content.decode()
    assert "温州市分会场" in page and 'id="rehearsal-note"' not in page

    resp = client.post(f"/manage/{event.slug}/venues/", {"hosts": "330106\n339999\n浙江机电职业技术学院\n", "capacity": ""})
    assert resp.status_code == 422
    page = resp.content.decode()
    assert "“339999”：339999 不是行政区划代码" in page
    assert '>339999</textarea>' in page  # the failed line stays typed, the others were added
    assert set(_codes(event)) >= {"330106", "900001"}
    # both new venues have no rehearsal slot yet: the page says so and links to re-scheduling
    assert 'id="rehearsal-note"' in page and "西湖区分会场" in page.split('id="rehearsal-note"')[1].split("</ul>")[0]
    assert f"/manage/{event.slug}/rehearsal/schedule/" in page
    assert "请为西湖区分会场生成邀请链接" in page

    # rename the venue and its unit on the edit page
    resp = client.post(f"/manage/{event.slug}/venues/900001/edit/", {
        "name": "浙江机电职院分会场", "capacity": "25", "address": "", "room": "", "host_unit": "浙江机电职业技术大学"})
    assert resp.status_code == 302
    v = event.venues.get(code="900001")
    assert (v.name, v.host_unit.name) == ("浙江机电职院分会场", "浙江机电职业技术大学")

    # drop from the confirmation page; refused with the reason while somebody is listed
    Attendee.objects.create(event=event, venue=v, name="周九", unit="浙江机电职业技术大学", phone="13700002222")
    page = client.get(f"/manage/{event.slug}/venues/900001/remove/").content.decode()
    assert 'id="remove-refused"' in page and "已报 1 名参会人员" in page and 'id="remove-form"' not in page
    resp = client.post(f"/manage/{event.slug}/venues/900001/remove/")
    assert resp.status_code == 200 and event.venues.filter(code="900001").exists()
    page = client.get(f"/manage/{event.slug}/venues/330106/remove/").content.decode()
    assert 'id="remove-form"' in page and "视频调试时段" not in page
    resp = client.post(f"/manage/{event.slug}/venues/330106/remove/", follow=True)
    assert "已删除西湖区分会场" in resp.content.decode() and not event.venues.filter(code="330106").exists()


def test_quota_page_names_the_unit_and_saves_all_or_nothing(client, api_client, organizer):
    from huiwu.venues.services import add_main_unit

    event = _event(organizer)
    a = add_main_unit(event, "浙江省职业技术教育学会", actor=organizer)
    b = add_main_unit(event, "浙江省高等职业院校协会", actor=organizer)
    main = event.venues.get(kind="main")
    for i in range(3):
        Attendee.objects.create(event=event, venue=main, name=f"学会{i}", unit=a.unit.name, phone=f"1360000000{i}",
                                filed_by_unit=a.unit)
    client.force_login(organizer)
    page = client.get(f"/manage/{event.slug}/main-units/").content.decode()
    assert f'href="/manage/{event.slug}/main-units/quotas/"' in page
    page = client.get(f"/manage/{event.slug}/main-units/quotas/").content.decode()
    assert f'name="quota-{a.pk}"' in page and f'name="quota-{b.pk}"' in page

    resp = client.post(f"/manage/{event.slug}/main-units/quotas/", {f"quota-{a.pk}": "2", f"quota-{b.pk}": "abc"})
    assert resp.status_code == 422
    page = resp.content.decode()
    assert "浙江省高等职业院校协会的名额“abc”不是整数" in page and 'value="abc"' in page
    resp = client.post(f"/manage/{event.slug}/main-units/quotas/", {f"quota-{a.pk}": "2", f"quota-{b.pk}": "10"})
    assert resp.status_code == 422 and "浙江省职业技术教育学会已报 3 人，名额不能少于 3" in resp.content.decode()
    assert list(VenueUnit.objects.filter(venue=main).order_by("id").values_list("quota", flat=True)) == [0, 0]

    resp = client.post(f"/manage/{event.slug}/main-units/quotas/", {f"quota-{a.pk}": "30", f"quota-{b.pk}": "15"},
                       follow=True)
    page = resp.content.decode()
    assert "名额已保存" in page and "合计 45 人，超过主会场人数上限 40 人" in page
    assert list(VenueUnit.objects.filter(venue=main).order_by("id").values_list("quota", flat=True)) == [30, 15]
    assert AuditEntry.objects.filter(action="venue.quota").count() == 2

    # a main venue made smaller than the quotas add up to: saved, and said
    resp = client.post(f"/manage/{event.slug}/venues/main/edit/", {"name": main.name, "capacity": "44", "address": "",
                                                                    "room": ""}, follow=True)
    assert "合计 45 人，超过主会场人数上限 44 人" in resp.content.decode()

    # the API goes through the same rule; re-confirming a unit keeps its quota
    api = api_client(organizer)
    resp = api.patch(f"/api/v1/events/{event.slug}/main-units/{a.pk}", json.dumps({"quota": 1}),
                     content_type="application/json")
    assert resp.status_code == 422 and "已报 3 人" in resp.json()["error"]["message"]
    resp = api.patch(f"/api/v1/events/{event.slug}/main-units/{a.pk}", json.dumps({"quota": 5}),
                     content_type="application/json")
    assert resp.status_code == 200 and resp.json()["quota"] == 5 and resp.json()["warnings"] == []
    resp = api.post(f"/api/v1/events/{event.slug}/main-units", json.dumps({"name": "浙江省职业技术教育学会"}),
                    content_type="application/json")
    assert resp.status_code == 201 and resp.json()["quota"] == 5



def test_demo_region_added_back_gets_its_office_and_place(api_client, organizer, demo_event):
    """The notice's authority names a region's unit (教育厅(教委) → 北京市教育委员会, the unit the
    data migration made), and the venue goes back to the head of the official list."""
    api = api_client(organizer)
    base = f"/api/v1/events/{demo_event.slug}/venues"
    before = _codes(demo_event)
    unit_id = demo_event.venues.get(code="110000").host_unit_id
    assert api.delete(f"{base}/110000").status_code == 204
    resp = api.post(base, json.dumps({"host": "北京市"}), content_type="application/json")
    assert resp.status_code == 201 and resp.json()["host_unit"] == "北京市教育委员会" and resp.json()["capacity"] == 30
    assert demo_event.venues.get(code="110000").host_unit_id == unit_id
    assert _codes(demo_event) == before
    # the demo is published: the organizer is told the new venue still needs its invitation
    assert any("生成邀请链接" in n for n in resp.json()["notes"])


def test_branch_page_pages_and_finds_with_the_same_queries_for_any_size(client, organizer, demo_event, count_queries):
    """A county-level event has thousands of branch venues: the page shows 100 at a time, finds one
    by code, name or unit, and costs the same number of queries at 37 venues as at 337."""
    from huiwu.rehearsals.services import schedule

    schedule(demo_event)
    client.force_login(organizer)
    url = f"/manage/{demo_event.slug}/venues/"
    with count_queries() as small:
        assert client.get(url).status_code == 200
    unit = demo_event.venues.get(code="110000").host_unit
    Venue.objects.bulk_create([Venue(event=demo_event, kind="branch", code=f"{800000 + i}", name=f"测试{i}分会场",
                                     capacity=30, order=100 + i, host_unit=unit) for i in range(300)])
    with count_queries() as large:
        page = client.get(url).content.decode()
    assert len(large) == len(small)
    assert page.count("<tr data-code=") == 100 and "第 1 / 4 页" in page and 'id="page-next"' in page
    assert "337 个" in page and "等 300 个" in page  # the new venues have no rehearsal slot yet
    page = client.get(url + "?page=4").content.decode()
    assert page.count("<tr data-code=") == 37 and 'id="page-prev"' in page
    page = client.get(url + "?q=80029").content.decode()
    assert page.count("<tr data-code=") == 10 and "第 1 /" not in page
    page = client.get(url + "?q=测试299").content.decode()
    assert page.count("<tr data-code=") == 1 and "800299" in page


def test_a_venue_goes_between_two_that_share_an_order_number(organizer, demo_event):
    """Order numbers are usually distinct (one statement moves the rest down); where two venues share
    one at the new venue's place, the branch venues are numbered again in their order."""
    from huiwu.venues.services import add_branch_venue, remove_branch_venue

    remove_branch_venue(demo_event.venues.get(code="120000"), actor=organizer)
    demo_event.venues.filter(code="130000").update(order=demo_event.venues.get(code="110000").order)
    add_branch_venue(demo_event, "天津市", actor=organizer)
    codes = _codes(demo_event)
    assert codes[:4] == ["110000", "120000", "130000", "140000"]
    orders = list(demo_event.venues.filter(kind="branch").order_by("order", "id").values_list("order", flat=True))
    assert orders == list(range(1, len(orders) + 1))
