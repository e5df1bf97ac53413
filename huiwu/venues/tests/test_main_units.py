"""The main venue's units: the notice's list becomes units the organizer confirms; each is invited
on its own and files its own list."""

from __future__ import annotations

from pathlib import Path

from huiwu.accounts.models import Invitation
from huiwu.audit.models import AuditEntry
from huiwu.venues.models import VenueUnit
from huiwu.venues.services import suggest_main_units

NOTICE = Path(__file__).parents[2] / "events" / "tests" / "notice_provincial.txt"


def _event(organizer):
    from huiwu.events.services import change_status
    from huiwu.notices.parser import notice_body, parse
    from huiwu.notices.services import create_event_from_notice

    text = NOTICE.read_text("utf-8")
    event = create_event_from_notice(parse(text), organizer, notice_text=notice_body(text))
    return change_status(event, "publish", actor=organizer)[0]


def test_the_notice_names_the_main_venue_units(organizer):
    event = _event(organizer)
    assert suggest_main_units(event) == ["省教育厅有关处室", "浙江省职业技术教育学会", "浙江省高等职业院校协会"]


def test_seed_sentence_gives_its_three_units(demo_event):
    demo_event.notice_text = ("（一）主会场：教育部有关司局（单位）负责人；中国成人教育协会负责人；"  # i18n: data
                              "联合国教科文组织北京办事处负责人（视频致辞）等。主会场总人数在30人以内。")
    VenueUnit.objects.filter(venue__event=demo_event).delete()
    assert suggest_main_units(demo_event) == ["教育部有关司局", "中国成人教育协会", "联合国教科文组织北京办事处"]


def test_confirm_invite_and_file_per_unit(client, organizer, make_user):
    event = _event(organizer)
    client.force_login(organizer)
    page = client.get(f"/manage/{event.slug}/main-units/").content.decode()
    assert 'value="浙江省职业技术教育学会"' in page
    resp = client.post(f"/manage/{event.slug}/main-units/",
                       {"name": ["浙江省职业技术教育学会", "浙江省高等职业院校协会", ""]}, follow=True)
    assert "已确认 2 个主会场参会单位" in resp.content.decode()
    units = list(VenueUnit.objects.filter(venue__event=event).select_related("unit").order_by("id"))
    assert [vu.unit.name for vu in units] == ["浙江省职业技术教育学会", "浙江省高等职业院校协会"]
    assert AuditEntry.objects.filter(action="venue.main_unit_add").count() == 2
    # the suggestion list no longer offers what is confirmed
    assert suggest_main_units(event) == ["省教育厅有关处室"]

    resp = client.post(f"/manage/{event.slug}/venues/main/invite/", {"unit": units[0].unit_id, "email": ""}, follow=True)
    assert "/accounts/invite/" in resp.content.decode()
    inv = Invitation.objects.get(venue__event=event)
    assert inv.role == "main_unit" and inv.unit_id == units[0].unit_id

    # each unit files its own list, and a unit with people cannot be dropped
    from huiwu.receipts.services import submit_receipt

    main = event.venues.get(kind="main")
    member = make_user("zj_assoc", "main_unit", event=event, venue=main, unit=units[0].unit)
    submit_receipt(main, unit=units[0].unit, attendees=[{"name": "孙七", "unit": "浙江省职业技术教育学会",
                                                        "position": "秘书长", "phone": "13600001111"}],
                   tech_contact=None, channel="web", actor=member)
    resp = client.post(f"/manage/{event.slug}/main-units/", {"remove": units[0].pk}, follow=True)
    assert "已填报参会人员，不能移除" in resp.content.decode()
    client.post(f"/manage/{event.slug}/main-units/", {"remove": units[1].pk})
    assert VenueUnit.objects.filter(venue__event=event).count() == 1
    page = client.get(f"/manage/{event.slug}/main-units/").content.decode()
    assert "已发 1 个链接" in page


def test_coordinators_cannot_reach_the_page(client, coordinator, demo_event):
    client.force_login(coordinator)
    assert client.get(f"/manage/{demo_event.slug}/main-units/").status_code == 403


def test_organizer_edits_a_venue_and_cannot_go_below_its_people(client, organizer, coordinator, demo_event):
    from huiwu.receipts.models import Attendee

    venue = demo_event.venues.get(code="110000")
    for i in range(3):
        Attendee.objects.create(event=demo_event, venue=venue, name=f"人{i}", unit="北京市教委", phone=f"1380000000{i}")
    client.force_login(organizer)
    assert 'id="venue-edit"' in client.get(f"/manage/{demo_event.slug}/venues/110000/").content.decode()
    resp = client.post(f"/manage/{demo_event.slug}/venues/110000/edit/",
                       {"name": "北京市分会场", "capacity": "2", "address": "", "room": ""})
    assert resp.status_code == 422 and "不能低于 3" in resp.content.decode()
    resp = client.post(f"/manage/{demo_event.slug}/venues/110000/edit/",
                       {"name": "北京市分会场", "capacity": "12", "address": "北京市西城区", "room": "三楼"})
    assert resp.status_code == 302
    venue.refresh_from_db()
    assert (venue.capacity, venue.address, venue.room) == (12, "北京市西城区", "三楼")
    assert AuditEntry.objects.filter(action="venue.update", venue=venue).exists()
    client.force_login(coordinator)
    assert client.get(f"/manage/{demo_event.slug}/venues/110000/edit/").status_code == 403
