"""Confirmation mail goes through the outbox and the queue, survives an SMTP outage, is sent once."""

from aiosmtpd.controller import Controller

from huiwu.core import mail
from huiwu.receipts import services
from huiwu.receipts.models import OutboxMail

TECH = {"name": "赵敏", "phone": "13910002000", "email": "tech@bj.example.cn"}
ROWS = [{"name": "王立", "unit": "北京市教育委员会", "position": "处长", "phone": "13800138000"}]


def test_confirmation_mail_arrives_through_the_queue(smtp_server, coordinator, demo_event,
                                                     django_capture_on_commit_callbacks):
    coordinator.email = "coord@bj.example.cn"
    coordinator.save()
    bj = demo_event.venues.get(code="110000")
    with django_capture_on_commit_callbacks(execute=True):
        res = services.submit_receipt(bj, attendees=ROWS, tech_contact=TECH, channel="web", actor=coordinator)
    assert res.accepted
    assert len(smtp_server.messages) == 1
    m = smtp_server.messages[0]
    assert set(m["to"]) == {"coord@bj.example.cn", "tech@bj.example.cn"}
    assert m["message"]["subject"].strip() == "回执确认：北京市分会场 第1版"
    body = m["message"].get_content()
    assert "王立" in body and "138****8000" in body and "13800138000" not in body
    assert "凭签到码入场" in body and "入场凭证" in body  # how the people get in on the day
    assert OutboxMail.objects.get().sent_at is not None


def test_mail_is_kept_while_smtp_is_down_and_sent_after_retry(smtp_server, settings, coordinator, demo_event,
                                                              django_capture_on_commit_callbacks):
    """A real SMTP server of our own on its own port: up, down during the submit, up again."""
    from conftest import free_port

    coordinator.email = "coord@bj.example.cn"
    coordinator.save()
    bj = demo_event.venues.get(code="110000")
    sink, port = smtp_server.controller.handler, free_port()
    settings.EMAIL_PORT = port
    server = Controller(sink, hostname="127.0.0.1", port=port)
    server.start()
    server.stop()  # the SMTP server goes down
    with django_capture_on_commit_callbacks(execute=True):
        assert services.submit_receipt(bj, attendees=ROWS, tech_contact=TECH, channel="web", actor=coordinator).accepted
    row = OutboxMail.objects.get()
    assert row.sent_at is None and row.attempts >= 1 and "Connection" in row.last_error
    assert mail.flush_outbox() == (0, 1)  # still down: kept, not lost
    server = Controller(sink, hostname="127.0.0.1", port=port)
    server.start()  # back on the same port: the periodic flush sends what was waiting
    try:
        assert mail.flush_outbox() == (1, 0)
        assert mail.flush_outbox() == (0, 0)  # sent once, not again
        assert mail.send_outbox(row.pk) is True  # a late retry of the task does not resend
    finally:
        server.stop()
    assert len(smtp_server.messages) == 1
    assert smtp_server.messages[0]["message"]["subject"].strip().startswith("回执确认")
    row.refresh_from_db()
    assert row.sent_at is not None and row.last_error == "" and row.attempts == 3


def test_no_mail_without_recipients(demo_event):
    bj = demo_event.venues.get(code="110000")
    assert services.submit_receipt(bj, attendees=ROWS, tech_contact={"name": "赵敏", "phone": "13910002000"},
                                   channel="web").accepted
    assert not OutboxMail.objects.exists()


def test_reminder_goes_to_every_venue_that_has_not_filed(smtp_server, make_user, demo_event, organizer,
                                                        django_capture_on_commit_callbacks):
    from huiwu.accounts.services import create_invitation

    bj = demo_event.venues.get(code="110000")
    sh = demo_event.venues.get(code="310000")
    gd = demo_event.venues.get(code="440000")
    u = make_user("c_bj", "coordinator", venue=bj)
    u.email = "bj@example.cn"
    u.save()
    create_invitation(sh, email="sh@example.cn")
    create_invitation(gd, email="gd@example.cn")
    services.submit_receipt(gd, attendees=ROWS, tech_contact=TECH, channel="web")
    with django_capture_on_commit_callbacks(execute=True):
        out = services.remind_unfiled(demo_event, actor=organizer)
    to = sorted(a for m in smtp_server.messages for a in m["to"] if m["message"]["subject"].strip().startswith("提醒"))
    assert to == ["bj@example.cn", "sh@example.cn"]
    assert out["sent"] == 2 and "广东省分会场" not in out["no_address"] and "天津市分会场" in out["no_address"]


def test_organizer_changes_are_mailed_to_the_coordinator(smtp_server, coordinator, organizer, demo_event,
                                                         django_capture_on_commit_callbacks):
    coordinator.email = "coord@bj.example.cn"
    coordinator.save()
    bj = demo_event.venues.get(code="110000")
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_receipt(bj, attendees=ROWS, tech_contact=TECH, channel="web", actor=coordinator)
        a = services.add_attendee(bj, {"name": "孙红", "unit": "北京开放大学", "position": "副校长"}, actor=organizer)
        services.update_attendee(a, {"position": "校长"}, actor=organizer)
        services.add_attendee(bj, {"name": "钱进", "unit": "x"}, actor=coordinator)  # own change: no mail
        services.submit_receipt(bj, attendees=ROWS, tech_contact=None, channel="web", actor=organizer)
    subjects = [m["message"]["subject"].strip() for m in smtp_server.messages]
    assert subjects == ["回执确认：北京市分会场 第1版", "主办方修改了北京市分会场的回执", "主办方修改了北京市分会场的回执",
                        "回执确认：北京市分会场 第2版"]
    bodies = [m["message"].get_content() for m in smtp_server.messages]
    assert "新增参会人员：孙红" in bodies[1] and "修改参会人员：孙红" in bodies[2]
    assert "主办方修改了本会场的回执" in bodies[3] and "删除：孙红、钱进" in bodies[3].replace("删除：钱进、孙红", "删除：孙红、钱进")
    assert all("coord@bj.example.cn" in m["to"] for m in smtp_server.messages)
