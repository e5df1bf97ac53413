"""An event from a notice nobody prepared for: draft → published → closed → archived, and edits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from huiwu.audit.models import AuditEntry
from huiwu.events.models import Event
from huiwu.events.services import change_status, date_warnings, update_event


def _branch(event):
    return event.venues.filter(kind="branch").order_by("order").first()


def test_a_draft_exists_only_for_its_organizers(client, provincial, make_user, organizer):
    assert provincial.status == Event.Status.DRAFT
    assert client.get(f"/e/{provincial.slug}/").status_code == 404
    branch = _branch(provincial)
    coord = make_user("zj_coord", "coordinator", event=provincial, venue=branch)
    client.force_login(coord)
    assert client.get(f"/manage/{provincial.slug}/venues/{branch.code}/").status_code == 404
    client.force_login(organizer)
    assert client.get(f"/manage/{provincial.slug}/").status_code == 200
    resp = client.post(f"/manage/{provincial.slug}/status/publish/", follow=True)
    assert "会议已发布" in resp.content.decode()
    assert client.get(f"/e/{provincial.slug}/").status_code == 200
    client.force_login(coord)
    assert client.get(f"/manage/{provincial.slug}/venues/{branch.code}/").status_code == 200


def test_filing_follows_the_status(provincial, organizer, make_user):
    from huiwu.core.errors import DeadlinePassed
    from huiwu.receipts.services import submit_receipt

    branch = _branch(provincial)
    coord = make_user("zj_coord2", "coordinator", event=provincial, venue=branch)
    people = [{"name": "张三", "unit": "某市教育局", "position": "副局长", "phone": "13800138000"}]

    def file():
        return submit_receipt(branch, attendees=people, tech_contact=None, channel="web", actor=coord)

    with pytest.raises(DeadlinePassed) as exc:
        file()
    assert exc.value.code == "event_not_published" and "尚未发布" in exc.value.message
    change_status(provincial, "publish", actor=organizer)
    branch.event.refresh_from_db()
    assert file().status == "accepted"
    change_status(provincial, "close", actor=organizer)
    branch.event.refresh_from_db()
    with pytest.raises(DeadlinePassed) as exc:
        file()
    assert exc.value.code == "event_closed" and exc.value.status == 409 and "已结束" in exc.value.message


def test_transitions_are_enforced_and_audited(provincial, organizer):
    from huiwu.core.errors import ApiError

    with pytest.raises(ApiError) as exc:
        change_status(provincial, "archive", actor=organizer)
    assert exc.value.code == "invalid_transition" and "请先结束会议" in exc.value.message
    for action in ("publish", "close", "archive"):
        provincial, _w = change_status(provincial, action, actor=organizer)
    assert provincial.status == "archived"
    assert list(AuditEntry.objects.filter(action__startswith="event.", event=provincial)
                .exclude(action="event.create").values_list("action", flat=True).order_by("id")) == [
        "event.publish", "event.close", "event.archive"]
    with pytest.raises(ApiError) as exc:
        update_event(provincial, {"title": "改名"}, actor=organizer)
    assert exc.value.code == "event_archived"


def test_archived_event_refuses_every_change_in_the_tenancy_layer(client, provincial, organizer):
    for action in ("publish", "close", "archive"):
        change_status(provincial, action, actor=organizer)
    client.force_login(organizer)
    assert client.get(f"/manage/{provincial.slug}/").status_code == 200
    assert client.get(f"/manage/{provincial.slug}/edit/").status_code == 200
    assert client.post(f"/manage/{provincial.slug}/edit/", {"title": "x"}).status_code == 403
    branch = _branch(provincial)
    assert client.post(f"/manage/{provincial.slug}/venues/{branch.code}/open/", {"open": "1"}).status_code == 403


def test_edit_page_changes_everything_with_audit_and_warnings(client, provincial, organizer):
    client.force_login(organizer)
    page = client.get(f"/manage/{provincial.slug}/edit/").content.decode()
    assert 'value="2026-12-18T09:00"' in page and "赵红" in page and "浙教职函〔2026〕12号" in page
    data = {
        "title": "2026年全省职业教育工作视频会议", "doc_number": "浙教职函〔2026〕13号", "issuer": "浙江省教育厅办公室",
        "issued_on": "2026-12-08", "theme": "", "addressees": "各设区市教育局", "starts_at": "2026-12-18T09:30",
        "ends_at": "2026-12-18T11:00", "registration_deadline": "2026-12-19T17:00", "registration_email": "zcc@example.edu.cn",
        "rehearsal_starts_at": "2026-12-17T14:30", "rehearsal_ends_at": "2026-12-17T16:30",
        "rehearsal_contact_name": "李明", "rehearsal_contact_phone": "13912345678", "arrive_before_minutes": "30",
        "approval_required": "on", "notice_text": provincial.notice_text, "main_capacity": "45", "branch_capacity": "20",
        "contacts-TOTAL_FORMS": "2", "contacts-INITIAL_FORMS": "1",
        "contacts-0-name": "赵红", "contacts-0-org": "省教育厅职成处", "contacts-0-phones": "0571-87001234，13700001111",
        "contacts-0-fax": "", "contacts-1-name": "钱亮", "contacts-1-org": "省电教馆", "contacts-1-phones": "0571-1234567",
        "contacts-1-fax": "",
    }
    resp = client.post(f"/manage/{provincial.slug}/edit/", data, follow=True)
    body = resp.content.decode()
    assert resp.status_code == 200, body
    assert "不早于会议开始" in body  # deadline after the meeting: a warning, not silence
    provincial.refresh_from_db()
    local = timezone.localtime(provincial.starts_at)
    assert (local.hour, local.minute) == (9, 30) and provincial.arrive_before_minutes == 30
    assert provincial.doc_number == "浙教职函〔2026〕13号" and provincial.approval_required
    assert provincial.venues.get(kind="main").capacity == 45
    assert set(provincial.venues.filter(kind="branch").values_list("capacity", flat=True)) == {20}
    assert [(c.name, c.phones) for c in provincial.contacts.all()] == [
        ("赵红", ["0571-87001234", "13700001111"]), ("钱亮", ["0571-1234567"])]
    entry = AuditEntry.objects.filter(action="event.update", event=provincial).latest("id")
    assert entry.before["doc_number"] == "浙教职函〔2026〕12号" and entry.after["arrive_before_minutes"] == 30
    assert AuditEntry.objects.filter(action="event.contacts", event=provincial).exists()
    assert AuditEntry.objects.filter(action="venue.capacity", event=provincial).count() == 2


def test_impossible_dates_are_refused_with_the_field(client, provincial, organizer):
    from huiwu.core.errors import Invalid

    with pytest.raises(Invalid) as exc:
        update_event(provincial, {"ends_at": provincial.starts_at - timedelta(hours=1)}, actor=organizer)
    assert "ends_at" in exc.value.fields


def test_date_warnings_say_what_makes_no_sense(provincial):
    provincial.starts_at = timezone.now() - timedelta(days=1)
    provincial.ends_at = provincial.starts_at + timedelta(hours=2)
    provincial.registration_deadline = provincial.starts_at + timedelta(hours=1)
    provincial.rehearsal_starts_at = provincial.starts_at - timedelta(days=2)
    provincial.rehearsal_ends_at = provincial.rehearsal_starts_at + timedelta(hours=2)
    provincial.save()
    _branch(provincial).__class__.objects.filter(pk=_branch(provincial).pk).update(
        deadline_extended_to=provincial.rehearsal_starts_at + timedelta(hours=1))
    text = " ".join(date_warnings(provincial))
    assert "已经过去" in text and "不早于会议开始" in text and "延期晚于视频调试开始" in text


def test_overview_offers_the_next_step_with_a_question(client, provincial, organizer):
    client.force_login(organizer)
    body = client.get(f"/manage/{provincial.slug}/").content.decode()
    assert 'id="event-publish"' in body and "data-confirm=" in body and 'id="event-archive"' not in body
    assert "会议尚为草稿" in body and "huiwu/confirm.js" in body


def test_demo_event_is_published(demo_event):
    assert demo_event.status == Event.Status.PUBLISHED


def test_invitations_wait_for_publishing(client, provincial, organizer):
    branch = _branch(provincial)
    client.force_login(organizer)
    resp = client.post(f"/manage/{provincial.slug}/venues/{branch.code}/invite/", {"email": ""}, follow=True)
    assert "会议尚未发布" in resp.content.decode()
    change_status(provincial, "publish", actor=organizer)
    resp = client.post(f"/manage/{provincial.slug}/venues/{branch.code}/invite/", {"email": ""}, follow=True)
    assert "/invite/" in resp.content.decode() and "邀请链接" in resp.content.decode()


def test_public_notice_shows_a_contact_without_unit_without_empty_brackets(client, demo_event):
    demo_event.contacts.create(name="周涛", org="", phones=["0371-85961235"], order=9)
    page = client.get(f"/e/{demo_event.slug}/").content.decode()
    assert "周涛" in page and "周涛（）" not in page
