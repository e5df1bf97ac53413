"""The main venue's page shows only what applies to it: its units each file their own list; it has no
approval, no video rehearsal, no rehearsal contact to demand (those are a branch venue's)."""

from __future__ import annotations

import pytest

from huiwu.receipts import services as receipts

pytestmark = pytest.mark.django_db

#: what only a branch venue has, as the page writes it
BRANCH_ONLY = ['id="approval"', "审批机关", 'id="no-tech-contact"', "缺视频调试负责人", "视频调试负责人",
               'id="rehearsal-card"', "设为未开设", "已开设"]


def _page(client, event, code) -> str:
    resp = client.get(f"/manage/{event.slug}/venues/{code}/")
    assert resp.status_code == 200
    return resp.content.decode()


def test_main_venue_page_as_organizer(client, organizer, demo_event):
    client.force_login(organizer)
    main = demo_event.venues.get(code="main")
    body = _page(client, demo_event, "main")
    for text in BRANCH_ONLY:
        assert text not in body, text
    units = list(main.invited_units.select_related("unit"))
    for vu in units:  # each unit's own template, not the first unit's for all
        assert f"/receipt/template.docx?unit={vu.unit_id}" in body and vu.unit.name in body
    assert "参会单位邀请链接" in body and f"（0/{main.capacity}）" in body
    # a branch venue keeps all of it
    branch = _page(client, demo_event, "110000")
    for text in ('id="approval"', 'id="no-tech-contact"', 'id="rehearsal-card"', "未开设", "开设会场"):
        assert text in branch, text


def test_main_venue_page_as_a_units_coordinator(client, make_user, demo_event):
    main = demo_event.venues.get(code="main")
    vu = main.invited_units.select_related("unit").order_by("id").first()
    other = main.invited_units.select_related("unit").exclude(pk=vu.pk).first()
    user = make_user("unit_a", "main_unit", venue=main, unit=vu.unit)
    receipts.submit_receipt(main, unit=vu.unit, attendees=[
        {"name": "王立", "unit": vu.unit.name, "position": "处长", "phone": "13800138000"}], tech_contact=None,
        channel="web")
    client.force_login(user)
    body = _page(client, demo_event, "main")
    for text in BRANCH_ONLY:
        assert text not in body, text
    assert other.unit.name not in body  # only its own row
    assert "本单位参会人员（1 人）" in body and f"/receipt/template.xlsx?unit={vu.unit_id}" in body
    # its confirmation says nothing of a rehearsal contact either
    assert "视频调试负责人" not in receipts.receipt_text(main.receipts.get())
    assert "视频调试负责人" in receipts.receipt_text(receipts.submit_receipt(
        demo_event.venues.get(code="110000"), attendees=[
            {"name": "赵敏", "unit": "北京市教育委员会", "position": "处长", "phone": "13900139000"}],
        tech_contact=None, channel="web").receipt)


def test_a_closed_main_venue_can_be_opened_again(client, organizer, demo_event):
    main = demo_event.venues.get(code="main")
    main.is_open = False
    main.save(update_fields=["is_open"])
    client.force_login(organizer)
    body = _page(client, demo_event, "main")
    assert "未开设" in body and "开设会场" in body


def test_main_venue_edit_page_says_nothing_of_approval(client, organizer, demo_event):
    client.force_login(organizer)
    body = client.get(f"/manage/{demo_event.slug}/venues/main/edit/").content.decode()
    assert "审批" not in body and "分会场" not in body.split("<main", 1)[1].split("</main>", 1)[0]
    assert "审批和开设" in client.get(f"/manage/{demo_event.slug}/venues/110000/edit/").content.decode()
