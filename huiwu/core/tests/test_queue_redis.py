"""The background queue on Redis: `huiwu up` with HUIWU_REDIS_URL sends an invitation e-mail
through RedisHuey to a real SMTP server, and the link in it works."""

import re
import time
from pathlib import Path

import pytest
import redis

from conftest import _Sink, free_port, start_live_app, stop_live_app

REDIS_URL = "redis://127.0.0.1:6379/15"
SLUG = "lifelong-learning-week-2021"


@pytest.fixture
def redis_app():
    from aiosmtpd.controller import Controller

    redis.Redis.from_url(REDIS_URL).flushdb()
    sink = _Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    app = start_live_app(extra_env={"HUIWU_REDIS_URL": REDIS_URL, "HUIWU_EMAIL_URL": f"smtp://127.0.0.1:{port}"})
    yield app, sink
    stop_live_app(app)
    controller.stop()


def test_invitation_mail_goes_through_the_redis_queue(redis_app, browser, login):
    app, sink = redis_app
    password = re.search(r"密码：(\S+)", app.output).group(1)
    page = browser.new_page()
    login(page, app.url, "organizer", password)
    page.goto(f"{app.url}/manage/{SLUG}/venues/110000/invitations/")
    page.fill("input[name=email]", "bj-coordinator@example.cn")
    page.click("form.card button")
    page.wait_for_load_state("networkidle")
    deadline = time.time() + 30
    while not sink.messages and time.time() < deadline:
        time.sleep(0.2)
    assert sink.messages, "the invitation e-mail did not arrive"
    msg = sink.messages[0]
    assert msg["to"] == ["bj-coordinator@example.cn"]
    assert "北京市分会场" in str(msg["message"]["subject"])
    body = msg["message"].get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"http://\S+/accounts/invite/\S+/", body).group(0)
    assert link.startswith(app.url)
    # the queue ran on Redis, not on the embedded SQLite queue
    assert not (Path(app.data_dir) / "queue.sqlite3").exists()
    fresh = browser.new_page()
    fresh.context.clear_cookies()
    fresh.goto(link)
    assert "北京市分会场" in fresh.content()
