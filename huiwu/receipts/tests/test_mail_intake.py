"""Mail intake: .eml and mbox files built here, replies through a real local SMTP server (aiosmtpd)."""

from __future__ import annotations

import json
import mailbox
from email.message import EmailMessage
from io import StringIO

import pytest
from django.core.management import call_command

from huiwu.receipts.mailintake import ingest_message
from huiwu.receipts.models import Attendee, InboundMail, Receipt

from .files import simple_docx, simple_xlsx

pytestmark = pytest.mark.django_db
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def eml(*, sender="bj-coord@example.org", subject="北京市分会场回执", files=(), message_id="<r1@example.org>",
        body="您好，附件是我省的回执，请查收。") -> bytes:
    msg = EmailMessage()
    msg["From"] = f"北京联络员 <{sender}>"
    msg["To"] = "sjc@example.org"
    msg["Subject"] = subject
    if message_id:
        msg["Message-ID"] = message_id
    msg.set_content(body)
    for name, data in files:
        maintype, subtype = ("application", "octet-stream") if not name.endswith(".docx") else DOCX.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes()


@pytest.fixture
def bj_coordinator(make_user, demo_event):
    user = make_user("bj", "coordinator", venue=demo_event.venues.get(code="110000"))
    user.email = "bj-coord@example.org"
    user.save()
    return user


def test_attachment_imported_via_email_channel(demo_event, bj_coordinator):
    result = ingest_message(eml(files=[("北京回执.docx", simple_docx())]), event=demo_event)
    assert result["status"] == "processed" and result["venue"] == "110000"
    [report] = result["files"]
    assert report["status"] == "accepted", report
    receipt = Receipt.objects.get(venue__code="110000", venue__event=demo_event)
    assert receipt.channel == "email" and receipt.submitted_by == bj_coordinator
    assert InboundMail.objects.get(message_id="<r1@example.org>").result["files"][0]["status"] == "accepted"


def test_message_id_is_handled_once(demo_event, bj_coordinator):
    raw = eml(files=[("r.docx", simple_docx())])
    assert ingest_message(raw, event=demo_event)["status"] == "processed"
    Attendee.objects.all().delete()
    again = ingest_message(raw, event=demo_event)
    assert again["status"] == "duplicate" and again["files"] == []
    assert not Attendee.objects.exists() and InboundMail.objects.count() == 1


def test_message_without_message_id_is_identified_by_its_bytes(demo_event, bj_coordinator):
    raw = eml(files=[("r.docx", simple_docx())], message_id=None)
    first = ingest_message(raw, event=demo_event)
    assert first["message_id"].startswith("sha256:")
    assert ingest_message(raw, event=demo_event)["status"] == "duplicate"


def test_known_sender_with_another_venues_file_needs_review(demo_event, bj_coordinator):
    from .files import simple_docx as build

    data = build(unit_line="填报单位：上海市教育委员会")
    report = ingest_message(eml(files=[("沪.docx", data)], message_id="<r2@x>"), event=demo_event)["files"][0]
    assert report["status"] == "needs_review" and not Attendee.objects.exists()


def test_stranger_filing_for_a_venue_with_known_contacts_needs_review(demo_event, bj_coordinator):
    raw = eml(sender="someone@elsewhere.example", files=[("r.docx", simple_docx())], message_id="<r3@x>")
    report = ingest_message(raw, event=demo_event)["files"][0]
    assert report["status"] == "needs_review" and report["errors"][-1]["field"] == "sender"
    assert not Attendee.objects.exists()


def test_stranger_filing_for_a_venue_without_contacts_is_accepted_with_a_warning(demo_event):
    raw = eml(sender="gx@example.org", files=[("r.docx", simple_docx(unit_line="填报单位：广西壮族自治区教育厅"))],
              message_id="<r4@x>")
    result = ingest_message(raw, event=demo_event)
    report = result["files"][0]
    assert report["status"] == "accepted" and report["venue"] == "450000", report
    assert any("不是已登记" in w for w in report["warnings"])


def test_invitation_email_identifies_the_venue(demo_event):
    from datetime import timedelta

    from django.utils import timezone

    from huiwu.accounts.models import Invitation

    venue = demo_event.venues.get(code="320000")
    Invitation.objects.create(venue=venue, email="js@example.org", expires_at=timezone.now() + timedelta(days=3))
    # nothing in the file says where it is from
    data = simple_docx([("李  想", "某某研究院", "研究员", "13600136000")], unit_line=None, title=False)
    result = ingest_message(eml(sender="JS@example.org", files=[("r.docx", data)], message_id="<r5@x>"), event=demo_event)
    assert result["venue"] == "320000" and result["files"][0]["status"] == "accepted"


def test_no_attachment_and_hostile_attachment(demo_event, bj_coordinator):
    none = ingest_message(eml(message_id="<r6@x>"), event=demo_event)
    assert none["status"] == "rejected" and "附件" in none["note"]
    bad = ingest_message(eml(files=[("回执.docm", simple_docx()), ("logo.png", b"\x89PNG\r\n\x1a\n")],
                             message_id="<r7@x>"), event=demo_event)
    assert [f["file"] for f in bad["files"]] == ["回执.docm"]
    assert bad["files"][0]["status"] == "rejected" and "宏" in bad["files"][0]["errors"][0]["message"]


def test_oversized_message_is_refused_without_parsing(demo_event, settings):
    settings.HUIWU_MAX_UPLOAD_BYTES = 2000
    result = ingest_message(eml(files=[("r.docx", simple_docx())], message_id="<big@x>"), event=demo_event)
    assert result["status"] == "rejected" and "过大" in result["note"]
    assert InboundMail.objects.filter(message_id="<big@x>").exists()


def test_reply_by_smtp_lists_accepted_and_what_to_fix(demo_event, bj_coordinator, smtp_server):
    people = [("赵  敏", "北京市教育委员会", "副主任", "13800138000"), ("钱多多", "北京开放大学", "校长", "12345")]
    raw = eml(files=[("北京回执.docx", simple_docx(people)), ("病毒.docx", b"MZ" + b"\0" * 300)],
              message_id="<r8@example.org>")
    result = ingest_message(raw, event=demo_event, reply=True)
    assert result["replied"] is True
    [sent] = smtp_server.messages
    assert sent["to"] == ["bj-coord@example.org"]
    msg = sent["message"]
    assert msg["In-Reply-To"] == "<r8@example.org>"
    body = msg.get_content()
    assert "北京回执.docx" in body and "需要核对" in body and "第3行" in body and "12345" in body
    assert "重新发送" in body and "只导入" not in body
    assert "病毒.docx" in body and "未能接收" in body
    assert InboundMail.objects.get(message_id="<r8@example.org>").replied


def test_cli_eml_and_mbox_json(demo_event, bj_coordinator, tmp_path, smtp_server):
    a = tmp_path / "a.eml"
    a.write_bytes(eml(files=[("r.xlsx", simple_xlsx())], message_id="<c1@x>"))
    box = mailbox.mbox(str(tmp_path / "in.mbox"))
    box.add(eml(files=[("r.xlsx", simple_xlsx())], message_id="<c1@x>"))  # the same message again
    box.add(eml(sender="gx@example.org", message_id="<c2@x>",
                files=[("r.docx", simple_docx(unit_line="填报单位：广西壮族自治区教育厅"))]))
    box.flush()
    box.close()
    out = StringIO()
    call_command("mail", "ingest", demo_event.slug, "--eml", str(a), "--mbox", str(tmp_path / "in.mbox"),
                 "--reply", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert [m["status"] for m in data["messages"]] == ["processed", "duplicate", "processed"]
    assert [f["venue"] for f in data["files"]] == ["110000", "450000"]
    assert len(smtp_server.messages) == 2


def test_gbk_encoded_names_and_a_forwarded_message(demo_event):
    """Chinese mail clients encode names in GBK; a receipt may come inside a forwarded message."""
    import base64

    data = base64.b64encode(simple_docx(unit_line="填报单位：湖南省教育厅")).decode()
    name = "=?gbk?B?" + base64.b64encode("湖南回执.docx".encode("gbk")).decode() + "?="
    subject = "=?gb2312?B?" + base64.b64encode("转发：回执".encode("gb2312")).decode() + "?="
    raw = (
        "From: hunan@example.org\r\nTo: sjc@example.org\r\nSubject: " + subject + "\r\n"
        "Message-ID: <fwd1@example.org>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="outer"\r\n\r\n'
        "--outer\r\nContent-Type: text/plain; charset=gbk\r\n\r\nfwd\r\n"
        "--outer\r\nContent-Type: message/rfc822\r\n\r\n"
        "From: someone@example.org\r\nSubject: inner\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="inner"\r\n\r\n'
        "--inner\r\nContent-Type: application/octet-stream; name=\"" + name + "\"\r\n"
        "Content-Transfer-Encoding: base64\r\n"
        "Content-Disposition: attachment; filename=\"" + name + "\"\r\n\r\n" + data + "\r\n"
        "--inner--\r\n--outer--\r\n"
    ).encode()
    result = ingest_message(raw, event=demo_event)
    assert result["subject"] == "转发：回执"
    [report] = result["files"]
    assert report["file"] == "湖南回执.docx" and report["status"] == "accepted" and report["venue"] == "430000"


def test_reply_waits_in_the_outbox_when_smtp_is_down(demo_event, bj_coordinator, settings):
    from conftest import free_port
    from huiwu.receipts.models import OutboxMail

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    result = ingest_message(eml(files=[("r.docx", simple_docx())], message_id="<down@x>"), event=demo_event, reply=True)
    assert result["replied"] is False
    row = OutboxMail.objects.get(kind="mail.reply")
    assert row.to == ["bj-coord@example.org"] and "北京市分会场" in row.body


def test_mbox_message_over_the_limit_is_refused(demo_event, tmp_path, settings):
    box = mailbox.mbox(str(tmp_path / "big.mbox"))
    box.add(eml(files=[("r.docx", simple_docx())], message_id="<mbig@x>"))
    box.flush()
    box.close()
    settings.HUIWU_MAX_UPLOAD_BYTES = 2000
    out = StringIO()
    call_command("mail", "ingest", demo_event.slug, "--mbox", str(tmp_path / "big.mbox"), "--json", stdout=out)
    [message] = json.loads(out.getvalue())["messages"]
    assert message["status"] == "rejected" and message["message_id"] == "<mbig@x>"
