"""Taking a draft back: delete a draft event (only a draft, only its organizer, a page saying what
goes with it), and move a published event back to draft while nobody relies on it yet."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from huiwu.accounts.models import Invitation, Membership
from huiwu.audit.models import AuditEntry
from huiwu.events.models import Event
from huiwu.receipts.models import Attendee
from huiwu.venues.models import Venue

NOTICE = Path(__file__).with_name("notice_provincial.txt")


def _draft(organizer):
    from huiwu.events.services import update_event
    from huiwu.notices.parser import notice_body, parse
    from huiwu.notices.services import create_event_from_notice
    from huiwu.venues.services import add_main_unit

    text = NOTICE.read_text("utf-8")
    event = create_event_from_notice(parse(text), organizer, notice_text=notice_body(text))
    now = timezone.now()
    update_event(event, {"registration_deadline": now + timedelta(days=10), "starts_at": now + timedelta(days=20),
                         "ends_at": now + timedelta(days=20, hours=2)})
    add_main_unit(event, "浙江省职业技术教育学会", actor=organizer)
    return event


def _publish(event, organizer):
    from huiwu.events.services import change_status

    return change_status(event, "publish", actor=organizer)[0]


def test_api_deletes_a_draft_with_everything_made_for_it(api_client, organizer, django_capture_on_commit_callbacks):
    event = _draft(organizer)
    att = event.attachments.first()
    att.file.save("delete-me.docx", ContentFile(b"PK\x03\x04 stub"), save=True)
    stored = att.file.name
    assert default_storage.exists(stored)
    venue_ids = list(event.venues.values_list("pk", flat=True))
    api = api_client(organizer)

    with django_capture_on_commit_callbacks(execute=True):  # the files go once the rows are gone for good
        resp = api.delete(f"/api/v1/events/{event.slug}")
    assert resp.status_code == 204, resp.content.decode()
    assert not Event.objects.filter(pk=event.pk).exists()
    assert not Venue.objects.filter(pk__in=venue_ids).exists()
    assert not default_storage.exists(stored)
    entry = AuditEntry.objects.get(action="event.delete")
    assert entry.before["slug"] == event.slug and entry.before["deleted"]["分会场"] == 11
    assert entry.before["deleted"]["主会场参会单位"] == 1 and entry.actor == organizer
    assert api.get(f"/api/v1/events/{event.slug}").status_code == 404


def test_api_refuses_to_delete_a_published_event(api_client, organizer):
    event = _publish(_draft(organizer), organizer)
    resp = api_client(organizer).delete(f"/api/v1/events/{event.slug}")
    assert resp.status_code == 409 and resp.json()["error"]["code"] == "event_not_draft"
    assert "只有草稿可以删除" in resp.json()["error"]["message"]
    assert Event.objects.filter(pk=event.pk).exists()


def test_only_its_organizer_deletes(api_client, organizer, make_user, demo_event):
    event = _draft(organizer)
    coord = make_user("zj_del_coord", "coordinator", event=event, venue=event.venues.get(code="330100"))
    other_org = make_user("other_org", "organizer", event=demo_event)
    assert api_client(coord).delete(f"/api/v1/events/{event.slug}").status_code == 404  # a draft does not exist for them
    assert api_client(other_org).delete(f"/api/v1/events/{event.slug}").status_code == 404
    assert Event.objects.filter(pk=event.pk).exists()


def test_unpublish_while_nobody_relies_on_it(api_client, organizer, client):
    event = _publish(_draft(organizer), organizer)
    api = api_client(organizer)
    resp = api.post(f"/api/v1/events/{event.slug}/venues/330100/invitations", json.dumps({"email": ""}),
                    content_type="application/json")
    assert resp.status_code == 201
    assert client.get(f"/e/{event.slug}/").status_code == 200

    resp = api.post(f"/api/v1/events/{event.slug}/unpublish")
    assert resp.status_code == 200, resp.content.decode()
    assert resp.json()["status"] == "draft"
    assert Invitation.objects.get(venue__event=event).revoked_at is not None  # no signing up to a draft
    assert client.get(f"/e/{event.slug}/").status_code == 404
    assert AuditEntry.objects.get(action="event.unpublish").after == {"status": "draft", "invitations_revoked": 1}
    # a draft cannot be unpublished again; it can now be deleted
    resp = api.post(f"/api/v1/events/{event.slug}/unpublish")
    assert resp.status_code == 409 and resp.json()["error"]["code"] == "invalid_transition"
    assert api.delete(f"/api/v1/events/{event.slug}").status_code == 204


def test_unpublish_refused_once_filed_or_accepted(api_client, organizer):
    from huiwu.accounts.services import accept_invitation, create_invitation

    event = _publish(_draft(organizer), organizer)
    api = api_client(organizer)
    _inv, token = create_invitation(event.venues.get(code="330200"), actor=organizer)
    accept_invitation(token, "ningbo_coord", "Ningbo-Pass-2026!")
    resp = api.post(f"/api/v1/events/{event.slug}/unpublish")
    assert resp.status_code == 409 and resp.json()["error"]["code"] == "event_in_use"
    assert "宁波市分会场" in resp.json()["error"]["message"] and "结束会议" in resp.json()["error"]["message"]

    Invitation.objects.filter(venue__event=event).update(used_at=None)
    Attendee.objects.create(event=event, venue=event.venues.get(code="330300"), name="吴十", unit="温州市教育局",
                            phone="13700003333")
    resp = api.post(f"/api/v1/events/{event.slug}/unpublish")
    assert resp.status_code == 409 and "已有会场填报了回执" in resp.json()["error"]["message"]
    event.refresh_from_db()
    assert event.status == "published"


def test_pages_confirm_then_delete_and_unpublish(client, organizer):
    event = _publish(_draft(organizer), organizer)
    client.force_login(organizer)
    overview = client.get(f"/manage/{event.slug}/").content.decode()
    assert f'href="/manage/{event.slug}/unpublish/"' in overview and 'id="event-delete"' not in overview
    page = client.get(f"/manage/{event.slug}/delete/").content.decode()
    assert 'id="delete-refused"' in page and 'id="delete-form"' not in page
    resp = client.post(f"/manage/{event.slug}/delete/", {"confirm": "1"}, follow=True)
    assert "只有草稿可以删除" in resp.content.decode() and Event.objects.filter(pk=event.pk).exists()

    page = client.get(f"/manage/{event.slug}/unpublish/").content.decode()
    assert 'id="unpublish-form"' in page
    resp = client.post(f"/manage/{event.slug}/unpublish/", follow=True)
    assert "会议已退回草稿" in resp.content.decode()
    overview = client.get(f"/manage/{event.slug}/").content.decode()
    assert f'href="/manage/{event.slug}/delete/"' in overview

    page = client.get(f"/manage/{event.slug}/delete/").content.decode()
    assert "分会场：<b>11</b>" in page and "主会场参会单位：<b>1</b>" in page and "联系人：<b>1</b>" in page
    resp = client.post(f"/manage/{event.slug}/delete/", {}, follow=True)
    assert "请先勾选" in resp.content.decode() and Event.objects.filter(pk=event.pk).exists()
    resp = client.post(f"/manage/{event.slug}/delete/", {"confirm": "1"}, follow=True)
    assert resp.redirect_chain[-1][0] == "/" and "已删除" in resp.content.decode()
    assert not Event.objects.filter(pk=event.pk).exists()
    assert Membership.objects.filter(user=organizer).exists()  # the office-wide organizer keeps its role


def test_unpublish_page_says_why_not(client, organizer):
    event = _publish(_draft(organizer), organizer)
    Attendee.objects.create(event=event, venue=event.venues.get(code="330300"), name="吴十", unit="温州市教育局",
                            phone="13700003333")
    client.force_login(organizer)
    page = client.get(f"/manage/{event.slug}/unpublish/").content.decode()
    assert 'id="unpublish-refused"' in page and "已有会场填报了回执（0 份，1 人）" in page
    assert 'id="unpublish-form"' not in page
