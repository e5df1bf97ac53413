"""One person, one venue: the same name + mobile at a second venue of one event is refused on every
channel (API, web form, files, mail, replacement) with 409 duplicate_person; the message names only
the filer's own person; the organizer sees the cases and may allow one, audited."""

import json

import pytest

from huiwu.audit.models import AuditEntry
from huiwu.core.errors import DuplicatePerson
from huiwu.receipts import services
from huiwu.receipts.models import Attendee, DuplicateCase, Receipt

from .files import simple_docx

EV = "lifelong-learning-week-2021"
TECH = {"name": "赵敏", "phone": "13910002000"}
BJ_PEOPLE = [{"name": "王立", "unit": "北京市教委", "position": "处长", "phone": "13800138000"},
             {"name": "李四", "unit": "北京开放大学", "position": "校长", "phone": "13900139000"}]


@pytest.fixture
def filed_in_beijing(demo_event):
    bj = demo_event.venues.get(code="110000")
    assert services.submit_receipt(bj, attendees=BJ_PEOPLE, tech_contact=TECH, channel="web").accepted
    return bj


def _names_only_the_person(message: str) -> None:
    assert "王立" in message and "138****8000" in message
    assert "李四" not in message and "北京" not in message and "139" not in message, message
    assert "删" in message and "主办方" in message  # says what to do


def test_api_attendee_and_list_are_refused_with_409(filed_in_beijing, api_client, other_coordinator):
    sh_api = api_client(other_coordinator)
    url = f"/api/v1/events/{EV}/venues/310000"
    r = sh_api.post(url + "/attendees", json.dumps(BJ_PEOPLE[0]), content_type="application/json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "duplicate_person", r.content
    _names_only_the_person(r.json()["error"]["message"])
    body = {"attendees": [{"name": "张三", "unit": "上海市教委", "phone": "13700137000"}, BJ_PEOPLE[0]],
            "tech_contact": {"name": "钱七", "phone": "13600136000"}}
    r = sh_api.post(url + "/receipts", json.dumps(body), content_type="application/json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "duplicate_person"
    _names_only_the_person(r.json()["error"]["message"])
    assert "第2行" in r.json()["error"]["message"]
    assert not Attendee.objects.filter(venue__code="310000").exists()
    # changing someone into a person of another venue is refused too
    ok = sh_api.post(url + "/attendees", json.dumps(body["attendees"][0]), content_type="application/json")
    assert ok.status_code == 201
    r = sh_api.patch(f"{url}/attendees/{ok.json()['id']}", json.dumps({"name": "王立", "phone": "13800138000"}),
                     content_type="application/json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "duplicate_person"


def test_file_upload_over_the_api_is_refused_with_409(filed_in_beijing, api_client, other_coordinator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv = "姓名,单位,职务,手机\n张三,上海市教委,处长,13700137000\n王立,上海市教委,处长,13800138000\n"
    r = api_client(other_coordinator).post(f"/api/v1/events/{EV}/venues/310000/receipts",
                                           {"file": SimpleUploadedFile("sh.csv", csv.encode())})
    assert r.status_code == 409 and r.json()["status"] == "rejected"
    [err] = [e for e in r.json()["errors"] if e["field"] == "duplicate_person"]
    _names_only_the_person(err["message"])
    assert "第3行" in err["message"]  # the file's row (the header is row 1)


def test_web_form_refuses_and_keeps_the_draft(filed_in_beijing, client, other_coordinator):
    client.force_login(other_coordinator)
    url = f"/manage/{EV}/venues/310000/receipt/"
    r = client.post(url, {"action": "submit", "name": ["王立"], "unit": ["上海市教委"], "position": ["处长"],
                          "phone": ["13800138000"], "category": [""], "tech_name": "钱七", "tech_phone": "13600136000"})
    assert r.status_code == 422
    page = r.content.decode()
    assert "只能在一个会场参会" in page and "李四" not in page and "北京市分会场" not in page
    assert not Receipt.objects.filter(venue__code="310000").exists()


def test_mail_reply_says_the_refusal(filed_in_beijing, demo_event):
    from huiwu.receipts.mailintake import ingest_message

    from .test_mail_intake import eml

    data = simple_docx([("王  立", "上海市教委", "处长", "13800138000")], unit_line="填报单位：上海市教育委员会")
    result = ingest_message(eml(sender="sh@example.org", files=[("沪.docx", data)], message_id="<d1@x>"),
                            event=demo_event)
    [report] = result["files"]
    assert report["status"] == "rejected" and report["errors"][-1]["field"] == "duplicate_person"
    _names_only_the_person(report["errors"][-1]["message"])


def test_organizer_allows_a_case_explicitly(filed_in_beijing, demo_event, client, organizer, other_coordinator):
    sh = demo_event.venues.get(code="310000")
    with pytest.raises(DuplicatePerson):
        services.add_attendee(sh, BJ_PEOPLE[0], actor=other_coordinator)
    case = DuplicateCase.objects.get()
    assert (case.venue, case.first_venue, case.name, case.allowed_at) == (sh, filed_in_beijing, "王立", None)
    # the coordinator of another venue does not see the report
    client.force_login(other_coordinator)
    assert client.get(f"/manage/{EV}/duplicates/").status_code == 403  # in the event, role too weak
    client.force_login(organizer)
    page = client.get(f"/manage/{EV}/duplicates/").content.decode()
    assert "王立" in page and "13800138000" in page and "北京市分会场" in page and "上海市分会场" in page
    url = f"/manage/{EV}/duplicates/{case.pk}/"
    client.post(url, {"action": "allow", "note": ""})
    case.refresh_from_db()
    assert case.allowed_at is None, "an allowance needs a reason"
    client.post(url, {"action": "allow", "note": "经核实，代表两地发言"})
    case.refresh_from_db()
    assert case.allowed_at is not None and case.allowed_by == organizer
    assert AuditEntry.objects.filter(action="attendee.duplicate_allowed", venue=sh).exists()
    a = services.add_attendee(sh, BJ_PEOPLE[0], actor=other_coordinator)
    assert a.venue == sh
    page = client.get(f"/manage/{EV}/duplicates/").content.decode()
    assert "已放行" in page and "同时在两个名单上" in page
    client.post(url, {"action": "revoke"})
    assert AuditEntry.objects.filter(action="attendee.duplicate_revoked").exists()


def test_replacement_may_not_be_someone_of_another_venue(filed_in_beijing, demo_event):
    from huiwu.admission.services import replace_attendee

    sh = demo_event.venues.get(code="310000")
    services.submit_receipt(sh, attendees=[{"name": "张三", "unit": "上海市教委", "phone": "13700137000"}],
                            tech_contact={"name": "钱七", "phone": "13600136000"}, channel="web")
    zhang = Attendee.objects.get(venue=sh, name="张三")
    with pytest.raises(DuplicatePerson):
        replace_attendee(zhang, BJ_PEOPLE[0])
    assert Attendee.objects.filter(venue=sh, status="active").get() == zhang
