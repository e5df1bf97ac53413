"""The overview counts people once and the main venue as filed only when every invited unit has filed."""

from huiwu.dashboard.overview import COLUMNS, overview_rows, summarise
from huiwu.receipts import services
from huiwu.receipts.models import DuplicateCase

TECH = {"name": "赵敏", "phone": "13910002000"}
WANG = {"name": "王立", "unit": "某单位", "position": "处长", "phone": "13800138000"}


def _rows(event):
    return {r.code: r for r in overview_rows(event, COLUMNS)}


def test_one_person_allowed_at_two_venues_is_counted_once(demo_event, organizer):
    bj, sh = demo_event.venues.get(code="110000"), demo_event.venues.get(code="310000")
    services.submit_receipt(bj, attendees=[WANG, {**WANG, "name": "李四", "phone": "13900139000"}],
                            tech_contact=TECH, channel="web")
    DuplicateCase.objects.create(event=demo_event, name="王立", phone="13800138000", venue=sh)
    services.allow_duplicate(DuplicateCase.objects.get(), actor=organizer, note="两地发言")
    services.submit_receipt(sh, attendees=[WANG], tech_contact=TECH, channel="web")
    rows = _rows(demo_event)
    assert (rows["110000"].count, rows["310000"].count) == (2, 1)  # each list as it is
    assert summarise(list(rows.values()), demo_event.registration_deadline)["attendees"] == 2


def test_main_venue_is_filed_when_every_invited_unit_has_filed(demo_event, client, organizer):
    main = demo_event.venues.get(code="main")
    units = [vu.unit for vu in main.invited_units.select_related("unit").order_by("id")]
    services.submit_receipt(main, unit=units[0], attendees=[WANG], tech_contact=None, channel="web")
    rows = _rows(demo_event)
    assert rows["main"].filed_version is None and rows["main"].extra["units_filed"] == (1, len(units))
    client.force_login(organizer)
    page = client.get(f"/manage/{demo_event.slug}/").content.decode()
    assert f"部分单位已报 1/{len(units)}" in page
    for i, unit in enumerate(units[1:], start=1):
        services.submit_receipt(main, unit=unit, attendees=[{**WANG, "name": f"张{'一二三四'[i]}",
                                                             "phone": f"1370000000{i}"}],
                                tech_contact=None, channel="web")
    assert _rows(demo_event)["main"].filed_version == 1


def test_branch_without_rehearsal_contact_shows_it(demo_event, client, organizer):
    bj = demo_event.venues.get(code="110000")
    res = services.submit_receipt(bj, attendees=[WANG], tech_contact=None, channel="web")
    assert res.accepted and len([w for w in res.warnings if "缺视频调试负责人" in w]) == 1
    client.force_login(organizer)
    page = client.get(f"/manage/{demo_event.slug}/").content.decode()
    assert "缺视频调试负责人" in page


def test_a_unit_dropped_after_filing_does_not_file_the_main_venue_for_another(demo_event):
    """Only the units confirmed now count: a unit that filed, withdrew its people and was dropped
    from the main venue leaves its receipt behind, which must not stand in for a unit yet to file."""
    from huiwu.receipts.models import Attendee
    from huiwu.venues.services import remove_main_unit

    main = demo_event.venues.get(code="main")
    invited = list(main.invited_units.select_related("unit").order_by("id"))
    assert len(invited) >= 2
    gone = invited[-1]
    services.submit_receipt(main, unit=gone.unit, attendees=[WANG], tech_contact=None, channel="web")
    Attendee.objects.filter(venue=main, filed_by_unit=gone.unit).update(status=Attendee.Status.WITHDRAWN)
    remove_main_unit(gone)
    staying = invited[:-1]
    services.submit_receipt(main, unit=staying[0].unit, attendees=[{**WANG, "phone": "13700000009"}],
                            tech_contact=None, channel="web")
    row = _rows(demo_event)["main"]
    if len(staying) > 1:
        assert row.filed_version is None and row.extra["units_filed"] == (1, len(staying))
    for i, vu in enumerate(staying[1:], start=1):
        services.submit_receipt(main, unit=vu.unit, attendees=[{**WANG, "name": f"张{'一二三四'[i]}",
                                                                "phone": f"1360000000{i}"}],
                                tech_contact=None, channel="web")
    assert _rows(demo_event)["main"].filed_version is not None
