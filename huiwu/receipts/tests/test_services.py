"""submit_receipt and the single-attendee services: validation, versions, deadline, capacity."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from huiwu.audit.models import AuditEntry
from huiwu.core.errors import CapacityFull, DeadlinePassed, Invalid
from huiwu.events.models import Unit
from huiwu.receipts import services
from huiwu.receipts.models import Attendee, Receipt, ReceiptDraft, TechContact

TECH = {"name": "赵  敏", "phone": "+86 139-1000-2000"}


def people(n, start=0, unit="北京市教育委员会"):
    return [{"name": f"测试{chr(0x4e00 + start + i)}{chr(0x4e00 + 2 * (start + i))}", "unit": unit,
             "position": "处长", "phone": f"1390000{start + i:04d}"} for i in range(n)]


@pytest.fixture
def bj(demo_event):
    return demo_event.venues.get(code="110000")


def test_validate_attendee_folds_and_normalises(demo_event):
    clean, errors = services.validate_attendee({
        "name": "王  立", "unit": "ＡＢＣ教育厅", "position": " 处长 ", "phone": "１３８-００１３-８０００",
        "category": "相关处室负责人",
    }, demo_event)
    assert errors == []
    assert clean == {"name": "王立", "unit": "ABC教育厅", "position": "处长", "phone": "13800138000",
                     "category": "division_lead"}
    for phone in ("+86 138 0013 8000", "0086-13800138000", "１３８００１３８０００", "138-0013-8000"):
        assert services.validate_attendee({"name": "王立", "unit": "x", "phone": phone})[0]["phone"] == "13800138000"


def test_validate_attendee_says_what_to_fix(demo_event):
    _clean, errors = services.validate_attendee({"name": "", "unit": "", "phone": "12345", "category": "嘉宾"},
                                                demo_event)
    fields = {e["field"]: e["message"] for e in errors}
    assert set(fields) == {"name", "unit", "phone", "category"}
    assert "请填写姓名" in fields["name"] and "手机" in fields["phone"]
    _clean, errors = services.validate_attendee({"name": "王" * 41, "unit": "x"})
    assert "最多40字" in errors[0]["message"]


def test_submit_creates_version_with_snapshot_and_audit(bj, coordinator):
    res = services.submit_receipt(bj, attendees=people(3), tech_contact=TECH, channel="web", actor=coordinator)
    assert res.status == "accepted", res.errors
    r = res.receipt
    assert r.version == 1 and r.unit == bj.host_unit and len(r.snapshot["attendees"]) == 3
    assert r.snapshot["tech_contact"] == {"name": "赵敏", "phone": "13910002000"}
    assert len(r.diff["added"]) == 3 and r.diff["removed"] == []
    assert Attendee.objects.filter(venue=bj, status="active").count() == 3
    assert TechContact.objects.get(venue=bj).phone == "13910002000"
    assert AuditEntry.objects.filter(action="receipt.submit", venue=bj).count() == 1


def test_resubmit_keeps_ids_and_diffs(bj, coordinator):
    first = services.submit_receipt(bj, attendees=people(3), tech_contact=TECH, channel="web", actor=coordinator)
    ids = {a["name"]: a["id"] for a in first.attendees}
    rows = people(3)
    rows[0]["position"] = "副处长"
    del rows[2]
    rows += people(1, start=10)
    res = services.submit_receipt(bj, attendees=rows, tech_contact=None, channel="api", actor=coordinator)
    assert res.status == "accepted" and res.receipt.version == 2
    assert {a["name"]: a["id"] for a in res.attendees}[rows[0]["name"]] == ids[rows[0]["name"]]
    assert [a["name"] for a in res.diff["added"]] == [rows[2]["name"]]
    assert [a["name"] for a in res.diff["removed"]] == [people(3)[2]["name"]]
    assert res.diff["changed"] == [{"name": rows[0]["name"], "phone": "13900000000",
                                    "changes": {"position": ["处长", "副处长"]}}]
    assert Attendee.objects.filter(venue=bj, status="active").count() == 3
    assert Attendee.objects.filter(venue=bj, status="withdrawn").count() == 1


def test_row_errors_are_1_based_and_nothing_written(bj, coordinator):
    rows = people(3)
    rows[1]["phone"] = "1380013800"
    rows[2]["name"] = ""
    res = services.submit_receipt(bj, attendees=rows, tech_contact=TECH, channel="upload", actor=coordinator)
    assert res.status == "rejected" and res.receipt is None
    assert {(e["row"], e["field"]) for e in res.errors} == {(2, "phone"), (3, "name")}
    assert not Attendee.objects.filter(venue=bj).exists() and not Receipt.objects.exists()


def test_duplicate_rows_and_missing_tech_contact(bj):
    rows = people(2) + people(1)
    res = services.submit_receipt(bj, attendees=rows, tech_contact=None, channel="web")
    assert res.status == "rejected"
    msgs = {(e["row"], e["field"]): e["message"] for e in res.errors}
    assert "与第1行重复" in msgs[(3, "name")]
    # no contact is not a refusal of its own, but it is said with the other problems, once
    assert [w for w in res.warnings if "缺视频调试负责人" in w] and not any("视频调试" in m for m in msgs.values())


def test_same_file_twice_is_a_no_op(bj):
    kw = dict(attendees=people(2), tech_contact=TECH, channel="upload", source_sha256="ab" * 32)
    first = services.submit_receipt(bj, source_file=ContentFile(b"PK...", name="r.docx"), **kw)
    assert first.receipt.source_file.name.startswith("receipts/")
    again = services.submit_receipt(bj, **kw)
    assert again.status == "accepted" and again.receipt.pk == first.receipt.pk
    assert again.warnings == ["相同文件已导入，未作更改。"]
    assert Receipt.objects.count() == 1


def test_dry_run_writes_nothing(bj):
    res = services.submit_receipt(bj, attendees=people(2), tech_contact=TECH, channel="upload", dry_run=True)
    assert res.status == "accepted" and res.receipt is None and len(res.diff["added"]) == 2
    assert not Attendee.objects.exists() and not Receipt.objects.exists() and not TechContact.objects.exists()


def test_capacity_full_on_submit(bj):
    with pytest.raises(CapacityFull, match="人数上限为30人，本次为31人"):
        services.submit_receipt(bj, attendees=people(31), tech_contact=TECH, channel="web")
    assert not Attendee.objects.exists()


def test_deadline_passed_and_organizer_override(bj, coordinator, organizer, demo_event):
    demo_event.registration_deadline = timezone.now() - timedelta(hours=1)
    demo_event.save()
    bj.refresh_from_db()
    with pytest.raises(DeadlinePassed, match="截止") as exc:
        services.submit_receipt(bj, attendees=people(1), tech_contact=TECH, channel="web", actor=coordinator)
    assert exc.value.code == "deadline_passed" and str(timezone.localtime(demo_event.registration_deadline).hour) in exc.value.message
    with pytest.raises(DeadlinePassed):
        services.add_attendee(bj, people(1)[0], actor=coordinator)
    res = services.submit_receipt(bj, attendees=people(1), tech_contact=TECH, channel="web", actor=organizer)
    assert res.status == "accepted"
    assert AuditEntry.objects.get(action="receipt.submit").note == "主办方在截止后修改"
    # a per-venue extension reopens filing for that venue only
    services.grant_extension(bj, timezone.now() + timedelta(days=1), actor=organizer)
    bj.refresh_from_db()
    services.add_attendee(bj, people(1, start=5)[0], actor=coordinator)
    assert AuditEntry.objects.filter(action="venue.extend_deadline").exists()
    sh = demo_event.venues.get(code="310000")
    with pytest.raises(DeadlinePassed):
        services.add_attendee(sh, people(1, start=7)[0], actor=coordinator)


def test_main_venue_units_share_capacity(demo_event):
    main = demo_event.venues.get(code="main")
    units = [vu.unit for vu in main.invited_units.select_related("unit").order_by("unit__order")]
    res = services.submit_receipt(main, unit=units[1], attendees=people(20, unit="中国成人教育协会"),
                                  tech_contact=None, channel="web")
    assert res.status == "accepted"
    with pytest.raises(CapacityFull, match="其他单位已报20人"):
        services.submit_receipt(main, unit=units[0], attendees=people(11, start=40), tech_contact=None, channel="web")
    assert services.submit_receipt(main, unit=units[0], attendees=people(10, start=40), tech_contact=None,
                                   channel="web").status == "accepted"
    # the second unit's resubmission replaces only its own list
    res = services.submit_receipt(main, unit=units[1], attendees=people(5, unit="中国成人教育协会"),
                                  tech_contact=None, channel="web")
    assert res.receipt.version == 2 and Attendee.objects.filter(venue=main, status="active").count() == 15
    res = services.submit_receipt(main, attendees=people(1), tech_contact=None, channel="web")
    assert res.status == "rejected" and "请指明填报单位" in res.errors[0]["message"]
    stranger = Unit.objects.create(name="某某研究院")
    res = services.submit_receipt(main, unit=stranger, attendees=people(1), tech_contact=None, channel="web")
    assert "不在主会场的受邀单位中" in res.errors[0]["message"]


def test_same_person_at_two_venues_is_refused(bj, demo_event):
    from huiwu.core.errors import DuplicatePerson

    services.submit_receipt(bj, attendees=people(2), tech_contact=TECH, channel="web")
    sh = demo_event.venues.get(code="310000")
    with pytest.raises(DuplicatePerson) as exc:
        services.submit_receipt(sh, attendees=people(1) + people(1, start=7), tech_contact=TECH, channel="web")
    assert exc.value.status == 409 and exc.value.code == "duplicate_person"
    first = people(1)[0]
    assert first["name"] in exc.value.message and "第1行" in exc.value.message
    # it names the filer's own person only: not the other venue, nor anyone else on its list
    assert "北京" not in exc.value.message and people(2)[1]["name"] not in exc.value.message
    assert not Attendee.objects.filter(venue=sh).exists() and not Receipt.objects.filter(venue=sh).exists()
    with pytest.raises(DuplicatePerson):
        services.add_attendee(sh, people(2)[1])
    assert not Attendee.objects.filter(venue=sh).exists()
    assert AuditEntry.objects.filter(action="attendee.duplicate_refused", venue=sh).count() == 2
def test_single_attendee_services(bj, coordinator):
    a = services.add_attendee(bj, {"name": "李 四", "unit": "x", "phone": "13800138000"}, actor=coordinator)
    assert a.name == "李四" and a.filed_by_unit == bj.host_unit
    with pytest.raises(Invalid, match="已在本会场名单中"):
        services.add_attendee(bj, {"name": "李四", "unit": "y", "phone": "13800138000"}, actor=coordinator)
    services.update_attendee(a, {"position": "科长"}, actor=coordinator)
    a.refresh_from_db()
    assert a.position == "科长" and a.unit == "x"
    with pytest.raises(Invalid) as exc:
        services.update_attendee(a, {"phone": "123"}, actor=coordinator)
    assert "phone" in exc.value.fields
    services.remove_attendee(a, actor=coordinator)
    assert Attendee.objects.get(pk=a.pk).status == "withdrawn"
    assert [e.action for e in AuditEntry.objects.filter(venue=bj).order_by("id")][-3:] == [
        "attendee.create", "attendee.update", "attendee.remove"]


def test_add_attendee_stops_at_capacity(bj):
    bj.capacity = 2
    bj.save()
    for row in people(2):
        services.add_attendee(bj, row)
    with pytest.raises(CapacityFull, match="已满"):
        services.add_attendee(bj, people(1, start=9)[0])


def test_failed_submit_keeps_the_draft(bj, coordinator):
    rows = people(2)
    rows[1]["phone"] = "bad"
    services.save_draft(bj, bj.host_unit, rows, TECH, actor=coordinator)
    res = services.submit_draft(bj, bj.host_unit, actor=coordinator)
    assert res.status == "rejected"
    draft = ReceiptDraft.objects.get(venue=bj)
    assert draft.rows[1]["phone"] == "bad" and len(draft.rows) == 2
    rows[1]["phone"] = "13900000001"
    services.save_draft(bj, bj.host_unit, rows, TECH, actor=coordinator)
    assert services.submit_draft(bj, bj.host_unit, actor=coordinator).status == "accepted"
    assert not ReceiptDraft.objects.exists()
    assert services.current_rows(bj, bj.host_unit)[0][1]["phone"] == "13900000001"
