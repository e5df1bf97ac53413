"""An extension asked for from the venue page, granted or refused by the organizer in one click;
the coordinator is mailed either way (real SMTP)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from huiwu.audit.models import AuditEntry
from huiwu.venues.models import ExtensionRequest


def _until(event, hours=20):
    return timezone.localtime(event.registration_deadline + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def _ask(client, coordinator, event, reason="领导名单待定"):
    client.force_login(coordinator)
    page = client.get(f"/manage/{event.slug}/venues/110000/").content.decode()
    assert 'id="extension-request"' in page
    return client.post(f"/manage/{event.slug}/venues/110000/extend/request/",
                       {"until": _until(event), "reason": reason}, follow=True)


def test_request_then_grant_in_one_click(client, coordinator, organizer, demo_event, smtp_server,
                                         django_capture_on_commit_callbacks):
    coordinator.email = "bj@example.org"
    coordinator.save()
    resp = _ask(client, coordinator, demo_event)
    assert "延期申请已提交" in resp.content.decode()
    req = ExtensionRequest.objects.get()
    assert req.status == "pending" and req.reason == "领导名单待定"
    assert "等待主办方处理" in client.get(f"/manage/{demo_event.slug}/venues/110000/").content.decode()

    client.force_login(organizer)
    overview = client.get(f"/manage/{demo_event.slug}/").content.decode()
    assert 'id="extensions-pending"' in overview and "北京市分会场" in overview
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(f"/manage/{demo_event.slug}/extensions/{req.pk}/grant/", follow=True)
    assert "已同意北京市分会场延期" in resp.content.decode()
    req.refresh_from_db()
    venue = req.venue
    venue.refresh_from_db()
    assert req.status == "granted" and venue.deadline_extended_to == req.until
    assert any("bj@example.org" in m["to"] for m in smtp_server.messages)
    assert AuditEntry.objects.filter(action="venue.extension_granted").exists()
    # answered once only
    resp = client.post(f"/manage/{demo_event.slug}/extensions/{req.pk}/refuse/", follow=True)
    assert "已经处理过了" in resp.content.decode()


def test_refusal_is_mailed_with_the_reason(client, coordinator, organizer, demo_event, smtp_server,
                                           django_capture_on_commit_callbacks):
    coordinator.email = "bj@example.org"
    coordinator.save()
    _ask(client, coordinator, demo_event)
    req = ExtensionRequest.objects.get()
    client.force_login(organizer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/manage/{demo_event.slug}/extensions/{req.pk}/refuse/", {"note": "名额已满"})
    req.refresh_from_db()
    assert req.status == "refused" and req.venue.deadline_extended_to is None
    [mail] = [m for m in smtp_server.messages if "bj@example.org" in m["to"]]
    body = mail["message"].get_content()
    assert "未同意" in body and "名额已满" in body
    client.force_login(coordinator)
    assert "未同意" in client.get(f"/manage/{demo_event.slug}/venues/110000/").content.decode()


def test_requests_that_make_no_sense_are_refused(client, coordinator, demo_event):
    client.force_login(coordinator)
    earlier = timezone.localtime(demo_event.registration_deadline - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    resp = client.post(f"/manage/{demo_event.slug}/venues/110000/extend/request/", {"until": earlier}, follow=True)
    assert "须晚于现在的截止时间" in resp.content.decode() and not ExtensionRequest.objects.exists()
    after = timezone.localtime(demo_event.starts_at + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    resp = client.post(f"/manage/{demo_event.slug}/venues/110000/extend/request/", {"until": after}, follow=True)
    assert "须早于会议开始" in resp.content.decode()


def test_a_new_request_replaces_the_pending_one(client, coordinator, demo_event):
    _ask(client, coordinator, demo_event, "一")
    _ask(client, coordinator, demo_event, "二")
    assert list(ExtensionRequest.objects.order_by("id").values_list("status", flat=True)) == ["refused", "pending"]


def test_other_venues_coordinator_cannot_decide(client, coordinator, other_coordinator, demo_event):
    _ask(client, coordinator, demo_event)
    req = ExtensionRequest.objects.get()
    client.force_login(other_coordinator)
    assert client.post(f"/manage/{demo_event.slug}/extensions/{req.pk}/grant/").status_code == 403
    req.refresh_from_db()
    assert req.status == "pending"


def test_granting_past_the_rehearsal_warns(client, organizer, demo_event):
    client.force_login(organizer)
    late = timezone.localtime(demo_event.rehearsal_starts_at + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    resp = client.post(f"/manage/{demo_event.slug}/venues/110000/extend/", {"until": late}, follow=True)
    assert "晚于视频调试开始" in resp.content.decode()


def test_the_reason_keeps_its_chinese_punctuation(client, coordinator, organizer, demo_event):
    """A reason is the coordinator's own words: ，：（） reach the organizer as typed (NFKC turned ， into ,)."""
    reason = "领导名单待定，预计周五（12月4日）确定：请谅解。"
    _ask(client, coordinator, demo_event, reason=reason)
    assert ExtensionRequest.objects.get().reason == reason
    client.force_login(organizer)
    overview = client.get(f"/manage/{demo_event.slug}/").content.decode()
    assert reason in overview.split('id="extensions-pending"', 1)[1]


def test_free_text_keeps_punctuation_while_names_and_phones_fold():
    from huiwu.core.text import clean_name, fold, free_text, normalize_mobile

    assert free_text(" 因故，\x00延期（两天）\r\n\r\n\r\n  第二行　 ") == "因故，延期（两天）\n\n第二行"
    assert fold("因故，延期") == "因故,延期" and clean_name("王　立") == "王立"
    assert normalize_mobile("１３８ ００１３ ８０００") == "13800138000"
