"""End to end with the real queue: `huiwu up` runs its huey consumer (not immediate mode) and
sends through an SMTP server that is down when the receipt is filed and comes up later."""

from __future__ import annotations

import json
import time
import urllib.request

from aiosmtpd.controller import Controller

from conftest import _Sink, free_port, start_live_app, stop_live_app

SLUG = "lifelong-learning-week-2021"


def _call(app, method, path, token, data):
    req = urllib.request.Request(app.url + path, data=json.dumps(data).encode(), method=method, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.status, json.loads(resp.read())


def test_confirmation_waits_for_smtp_and_arrives_after_retry():
    port = free_port()
    app = start_live_app(extra_env={
        "HUIWU_QUEUE_IMMEDIATE": "0", "HUIWU_EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "HUIWU_MAIL_RETRY_DELAY": "1", "HUIWU_MAIL_RETRIES": "60",
    })
    server = None
    try:
        app.huiwu("user", "add", "nx", "--role", "coordinator", "--venue", "640000", "--password-stdin",
                  stdin="s3cret-pass-123\n")
        token = app.huiwu("token", "create", "nx").strip()
        base = f"/api/v1/events/{SLUG}/venues/640000"
        status, body = _call(app, "POST", base + "/receipts", token, {
            "attendees": [{"name": "马兰", "unit": "宁夏回族自治区教育厅", "position": "处长", "phone": "13995000001"}],
            "tech_contact": {"name": "丁一", "phone": "13995000002", "email": "tech@nx.example.cn"},
        })
        assert status == 201 and body["version"] == 1
        time.sleep(2)  # the SMTP server is down: the queue tries and fails, the mail waits in the outbox
        row = json.loads(app.huiwu("shell", "-c", "import json; from huiwu.receipts.models import OutboxMail; "
                                   "r = OutboxMail.objects.get(); print(json.dumps([r.attempts, r.sent_at is None, r.last_error]))"
                                   ).strip().splitlines()[-1])
        assert row[0] >= 1 and row[1] is True and "Connection refused" in row[2], row
        sink = _Sink()
        server = Controller(sink, hostname="127.0.0.1", port=port)
        server.start()
        deadline = time.time() + 30
        while time.time() < deadline and not sink.messages:
            time.sleep(0.3)
        assert len(sink.messages) == 1, "the confirmation did not arrive after the SMTP server came back"
        msg = sink.messages[0]
        assert msg["to"] == ["tech@nx.example.cn"]
        assert msg["message"]["subject"].strip() == "回执确认：宁夏回族自治区分会场 第1版"
        assert "马兰" in msg["message"].get_content()
        time.sleep(1.5)
        assert len(sink.messages) == 1  # sent once
    finally:
        if server is not None:
            server.stop()
        stop_live_app(app)
