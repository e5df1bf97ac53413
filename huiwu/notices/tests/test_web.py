"""Notice intake on the web: who may use it, the review page, and the event it creates."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from huiwu.admission.models import AdmissionRule
from huiwu.audit.models import AuditEntry
from huiwu.events.models import Event
from huiwu.notices import services
from huiwu.notices.forms import ReviewForm
from huiwu.notices.parser import parse, parse_with_sources
from huiwu.venues.models import Venue

from .test_parser import SEED_EXPECTED, seed_text

URL = "/notices/new/"


def review_post(text: str, **changes) -> dict:
    """What the review form posts back, as a browser would send it, with some fields changed."""
    result, _spans, norm = parse_with_sources(text)
    form = ReviewForm(initial=ReviewForm.initial_from(result, norm))
    data = {"step": "create"}
    for name in form.fields:
        value = form.initial.get(name)
        if value is None:
            continue
        if name == "reg_fields":
            data[name] = list(value)
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = str(value)
    data.update(changes)
    return data


def test_url_name():
    assert reverse("notices:new") == URL


def test_login_required_and_organizers_only(client, coordinator, make_user, demo_event):
    assert client.get(URL).status_code == 302
    client.force_login(coordinator)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"text": seed_text()}).status_code == 403
    bound = make_user("org_bound", "organizer", event=demo_event)
    client.force_login(bound)
    assert client.get(URL).status_code == 200


def test_is_organizer_helper(organizer, coordinator):
    assert services.is_organizer(organizer) is True
    assert services.is_organizer(coordinator) is False


def test_review_page_shows_fields_sources_and_highlights(client, organizer):
    client.force_login(organizer)
    resp = client.post(URL, {"step": "parse", "text": seed_text()})
    assert resp.status_code == 200
    body = resp.content.decode()
    assert 'value="教育部机关北楼二层报告厅"' in body
    assert "<mark" in body and 'registration.email registration.fields"' in body
    assert "主会场设在教育部机关北楼二层报告厅" in body  # the sentence beside the field
    assert "通知中的各项内容都已读出" in body


def test_review_lists_fields_not_found(client, organizer):
    client.force_login(organizer)
    text = "某厅关于召开会议的通知\n各有关单位:\n定于2022年5月10日上午9:00召开会议。\n某厅\n2022年5月1日"
    body = client.post(URL, {"text": text}).content.decode()
    assert "通知中未找到以下内容" in body
    assert 'data-path="event.ends_at"' in body and 'data-path="main_venue.capacity"' in body


def test_upload_docx_and_refuse_bad_file(client, organizer, tmp_path):
    import docx
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(organizer)
    document = docx.Document()
    for line in seed_text().split("\n"):
        document.add_paragraph(line)
    path = tmp_path / "n.docx"
    document.save(path)
    resp = client.post(URL, {"file": SimpleUploadedFile("n.docx", path.read_bytes())})
    assert resp.status_code == 200 and 'value="sjc@moe.edu.cn"' in resp.content.decode()
    resp = client.post(URL, {"file": SimpleUploadedFile("n.pdf", b"%PDF-1.4")})
    assert resp.status_code == 422 and "PDF 文件不完整" in resp.content.decode()  # PDFs are read; a broken one is refused
    assert client.post(URL, {"text": " "}).status_code == 422


def test_create_event_from_the_reviewed_seed(client, organizer):
    client.force_login(organizer)
    data = review_post(seed_text(), main_capacity="28")  # the organizer corrects one field
    resp = client.post(URL, data)
    assert resp.status_code == 302, resp.content.decode()[:2000]
    event = Event.objects.exclude(slug="lifelong-learning-week-2021").get()
    assert resp["Location"] == reverse("dashboard:overview", args=[event.slug])
    assert event.slug == "lifelong-learning-week-opening-2021"
    assert event.title == "2021年全民终身学习活动周全国总开幕式"
    assert event.status == Event.Status.DRAFT
    event.refresh_from_db()
    tz = ZoneInfo("Asia/Shanghai")
    assert event.starts_at == datetime(2021, 11, 23, 10, 0, tzinfo=tz)
    assert event.ends_at == datetime(2021, 11, 23, 11, 30, tzinfo=tz)
    assert event.registration_deadline == datetime(2021, 11, 20, 16, 0, tzinfo=tz)
    assert event.rehearsal_starts_at == datetime(2021, 11, 22, 9, 30, tzinfo=tz)
    assert (event.rehearsal_contact_name, event.rehearsal_contact_phone) == ("付宇豪", "18500219116")
    assert event.arrive_before_minutes == 15 and event.approval_required is True
    assert event.registration_email == "sjc@moe.edu.cn"
    main = event.venues.get(code="main")
    assert (main.capacity, main.address) == (28, "教育部机关北楼二层报告厅")
    branches = event.venues.filter(kind=Venue.Kind.BRANCH)
    assert branches.count() == 37 and set(branches.values_list("capacity", flat=True)) == {30}
    assert [(c.name, c.org, c.phones, c.fax) for c in event.contacts.all()] == [
        ("王立", "教育部职业教育与成人教育司", ["010-66096253"], "010-66020434")]
    assert [(a.title, a.template_kind) for a in event.attachments.all()] == [
        ("主会场参会回执", "main"), ("分会场参加人员及视频调试负责人回执", "branch")]
    rules = AdmissionRule.objects.filter(event=event)
    assert rules.count() == 6
    assert AuditEntry.objects.filter(action="event.create", event=event).exists()
    assert event.notice_text.startswith("教育部办公厅关于举办") and "责任编辑" not in event.notice_text
    assert client.get(resp["Location"]).status_code == 200
    # the notice's 参加人员 as the event's categories: three at the main venue, seven at the branches
    assert [c["label"] for c in event.attendee_categories if c["venues"] == "main"] == [
        "教育部有关司局（单位）负责人", "中国成人教育协会负责人", "联合国教科文组织北京办事处负责人"]
    assert len([c for c in event.attendee_categories if c["venues"] == "branch"]) == 7


def test_create_refuses_bad_review_and_keeps_nothing(client, organizer):
    client.force_login(organizer)
    data = review_post(seed_text(), ends_at="2021-11-23T09:00", rules="[{")
    resp = client.post(URL, data)
    assert resp.status_code == 422
    body = resp.content.decode()
    assert "结束时间应晚于开始时间" in body and "不是有效的 JSON" in body
    assert Event.objects.count() == 1


def test_service_without_branches_and_with_date_only_deadline(organizer):
    parsed = parse(seed_text())
    parsed["registration"]["deadline"] = "2021-11-20"
    parsed["branch_venues"] = {"hosts": [], "capacity": None, "approval_required": None}
    parsed["format"]["main_and_branch"] = False
    event = services.create_event_from_notice(parsed, organizer)
    assert event.venues.count() == 1
    assert event.approval_required is False
    assert event.registration_deadline == datetime(2021, 11, 20, 23, 59, 59, tzinfo=ZoneInfo("Asia/Shanghai"))
    again = services.create_event_from_notice(parsed, organizer)
    assert again.slug == event.slug + "-2"


def test_service_refuses_a_date_only_start(organizer):
    parsed = parse(seed_text())
    parsed["event"]["starts_at"] = "2021-11-23"
    with pytest.raises(services.NoticeInvalid, match="开始时间"):
        services.create_event_from_notice(parsed, organizer)


def test_organizer_bound_to_one_event_reaches_the_new_one(client, make_user, demo_event):
    bound = make_user("org_bound", "organizer", event=demo_event)
    client.force_login(bound)
    resp = client.post(URL, review_post(seed_text()))
    assert resp.status_code == 302
    assert client.get(resp["Location"]).status_code == 200


def test_make_slug(db):
    assert services.make_slug("2021年全民终身学习活动周全国总开幕式", 2021) == "lifelong-learning-week-opening-2021"
    assert services.make_slug("某某座谈", 2023) == "event-2023"


def test_seed_expected_is_what_the_form_round_trips():
    result, _spans, norm = parse_with_sources(seed_text())
    form = ReviewForm(data={k: v for k, v in review_post(seed_text()).items() if k != "step"})
    assert form.is_valid(), form.errors
    back = form.to_parsed()
    for key in ("addressees", "contacts", "attachments", "admission_rules", "event", "registration", "rehearsal"):
        assert back[key] == SEED_EXPECTED[key], key


def test_review_shows_the_categories_and_creates_the_event_with_them_as_edited(client, organizer):
    client.force_login(organizer)
    page = client.post(URL, {"text": seed_text()}).content.decode()
    assert 'name="main_categories"' in page and "中国成人教育协会负责人" in page
    data = review_post(seed_text(), main_categories="部领导\n特邀嘉宾", branch_categories="特邀嘉宾\n省级开放大学负责人")
    assert client.post(URL, data).status_code == 302
    event = Event.objects.exclude(slug="lifelong-learning-week-2021").get()
    assert [(c["label"], c["venues"]) for c in event.attendee_categories] == [
        ("部领导", "main"), ("特邀嘉宾", "all"), ("省级开放大学负责人", "branch")]
