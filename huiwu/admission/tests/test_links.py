"""Issue 15.7 (parts): coordinators send declaration links without opening them, and a proof
screenshot where a rule asks for one, seen only by the health role and purged with the rest."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.test import Client

from huiwu.admission import services
from huiwu.admission.models import DeclarationProof, LinkSend
from huiwu.audit.models import AuditEntry
from huiwu.receipts.models import OutboxMail

from .conftest import clean_answers, make_attendee


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def people(beijing):
    sick = make_attendee(beijing, "林黛玉", phone="13800138000", order=1)
    services.submit_declaration(sick, clean_answers(beijing.event, symptoms="yes"))
    fresh = make_attendee(beijing, "贾宝玉", phone="13900139000", order=2)
    return sick, fresh


def _links_url(venue) -> str:
    return f"/manage/{venue.event.slug}/venues/{venue.code}/admission/links/"


def test_links_page_lists_links_and_status_never_answers(settings, beijing, coordinator, people):
    settings.HUIWU_BASE_URL = "https://huiwu.example.gov.cn"
    sick, fresh = people
    page = _client(coordinator).get(_links_url(beijing)).content.decode()
    for a in people:
        assert f"https://huiwu.example.gov.cn{services.declaration_path(a)}" in page
    assert "复制全部" in page and "打印二维码" in page and "林黛玉您好" in page
    assert "已申报" in page and "未申报" in page
    assert "不符合" not in page and "疑似症状" not in page  # neither verdict nor answers
    assert "testserver" not in page  # never the request's Host


def test_other_roles_and_venues_cannot_open_the_links_page(make_user, beijing, people):
    other = make_user("coord_sh", "coordinator", venue=beijing.event.venues.get(code="310000"))
    assert _client(other).get(_links_url(beijing)).status_code == 404
    door = make_user("door_bj", "door", venue=beijing)
    assert _client(door).get(_links_url(beijing)).status_code == 403


def test_mail_a_link_through_the_outbox_and_smtp(beijing, coordinator, people, smtp_server,
                                                 django_capture_on_commit_callbacks):
    sick, fresh = people
    c = _client(coordinator)
    bad = c.post(_links_url(beijing), {"action": "mail", "attendee": fresh.pk, "email": "not-an-address"}, follow=True)
    assert "格式不对" in bad.content.decode() and not LinkSend.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        c.post(_links_url(beijing), {"action": "mail", "attendee": fresh.pk, "email": "bao@example.invalid"})
    mail = OutboxMail.objects.get(kind="declaration_link")
    assert mail.to == ["bao@example.invalid"] and services.declaration_path(fresh) in mail.body
    assert len(smtp_server.messages) == 1 and smtp_server.messages[0]["to"] == ["bao@example.invalid"]
    assert LinkSend.objects.get().channel == "mail"
    page = c.get(_links_url(beijing)).content.decode()
    assert 'value="bao@example.invalid"' in page and "已发送（邮件）" in page
    assert AuditEntry.objects.filter(action="declaration.link_mail", actor=coordinator).exists()


def test_mark_sent_and_print_sheet(beijing, coordinator, people):
    c = _client(coordinator)
    c.post(_links_url(beijing), {"action": "sms"})
    assert LinkSend.objects.filter(channel="sms").count() == 2
    sheet = c.get(_links_url(beijing) + "print/").content.decode()
    assert sheet.count("<svg") == 2 and "@media print" in sheet and "林黛玉" in sheet and "贾宝玉" in sheet


def _png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (60, 120), "green").save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def proof_rule(seeded):
    rules = [{**r, "proof": True} if r["kind"] == "itinerary_code" else r for r in services.event_rules(seeded)]
    services.adopt_rules(seeded, rules)
    return seeded


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="image/png")


def test_proof_upload_checked_seen_only_by_health_and_purged(proof_rule, main_venue, make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    a = make_attendee(main_venue, "欧阳修", phone="13600001111")
    path = services.declaration_path(a)
    page = Client().get(path).content.decode()
    assert 'name="proof_itinerary_code"' in page and 'enctype="multipart/form-data"' in page
    answers = clean_answers(proof_rule, main=True)
    missing = Client().post(path, answers).content.decode()
    assert "请上传行程码截图" in missing and not DeclarationProof.objects.exists()
    exe = Client().post(path, {**answers, "proof_itinerary_code": _upload("行程码.png", b"MZ\x90\x00" + b"\0" * 400)})
    assert "可执行程序" in exe.content.decode() and not DeclarationProof.objects.exists()
    ok = Client().post(path, {**answers, "proof_itinerary_code": _upload("行程码.png", _png())})
    assert ok.status_code == 200 and "已提交" in ok.content.decode()
    proof = DeclarationProof.objects.get()
    assert proof.kind == "itinerary_code" and proof.content_type == "image/png" and proof.declaration.attendee == a
    url = f"/manage/{proof_rule.slug}/health/proofs/{proof.pk}/"
    assert _client(make_user("org", "organizer")).get(url).status_code == 403
    assert _client(make_user("coord", "coordinator", venue=main_venue)).get(url).status_code == 403
    medic = make_user("medic", "health", event=proof_rule)
    resp = _client(medic).get(url)
    assert resp.status_code == 200 and resp["Content-Type"] == "image/png" and resp["Cache-Control"] == "no-store"
    assert b"".join(resp.streaming_content) == _png()
    assert AuditEntry.objects.filter(action="declaration.proof_view", actor=medic).exists()
    detail = _client(medic).get(f"/manage/{proof_rule.slug}/health/{proof.declaration_id}/")
    assert detail.status_code == 200
    stored = tmp_path / proof.file.name
    assert stored.exists()
    assert services.purge_declarations(14, now=proof_rule.ends_at + timedelta(days=30)) >= 1
    assert not DeclarationProof.objects.exists() and not stored.exists()
