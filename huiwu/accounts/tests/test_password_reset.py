"""Password reset without phoning: a link by e-mail (real SMTP), and one the organizer makes."""

from __future__ import annotations

import re

from huiwu.audit.models import AuditEntry


def _link(text: str) -> str:
    return re.search(r"https?://\S+/accounts/password/reset/\S+/\S+/", text).group(0)


def test_forgot_password_by_mail(client, coordinator, smtp_server, settings, django_capture_on_commit_callbacks):
    settings.HUIWU_BASE_URL = "https://huiwu.example.gov.cn"
    coordinator.email = "bj@example.org"
    coordinator.save()
    login_page = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password/reset/"' in login_page
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post("/accounts/password/reset/", {"login": coordinator.username})
    assert 'id="reset-sent"' in resp.content.decode()
    [sent] = smtp_server.messages
    assert sent["to"] == ["bj@example.org"]
    link = _link(sent["message"].get_content())
    assert link.startswith("https://huiwu.example.gov.cn/accounts/password/reset/")
    path = link.split("huiwu.example.gov.cn", 1)[1]
    assert client.get(path).status_code == 200
    resp = client.post(path, {"new_password1": "Xin-mima-2026!", "new_password2": "Xin-mima-2026!"})
    assert resp.status_code == 302 and resp["Location"] == "/accounts/login/"
    coordinator.refresh_from_db()
    assert coordinator.check_password("Xin-mima-2026!")
    assert client.get(path).status_code == 400  # used once: the old hash is gone
    assert AuditEntry.objects.filter(action="password.reset_done").exists()


def test_unknown_account_gets_the_same_answer_and_no_mail(client, smtp_server, django_capture_on_commit_callbacks, db):
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post("/accounts/password/reset/", {"login": "nobody@example.org"})
    assert 'id="reset-sent"' in resp.content.decode() and smtp_server.messages == []


def test_bad_link_says_what_to_do(client, db):
    body = client.get("/accounts/password/reset/MQ/xxxx-yyyy/").content.decode()
    assert "无效、已经用过或已过期" in body and "重新申请重置链接" in body


def test_organizer_makes_a_link_for_a_coordinator(client, organizer, coordinator, demo_event):
    client.force_login(organizer)
    page = client.get(f"/manage/{demo_event.slug}/venues/110000/people/").content.decode()
    assert coordinator.username in page
    body = client.post(f"/manage/{demo_event.slug}/venues/110000/people/", {"user": coordinator.pk}).content.decode()
    assert "/accounts/password/reset/" in body and "没有登记邮箱" in body  # said plainly: no mail went out
    assert AuditEntry.objects.filter(action="password.reset_link", actor=organizer).exists()
    detail = client.get(f"/manage/{demo_event.slug}/venues/110000/").content.decode()
    assert 'id="venue-people"' in detail


def test_coordinator_cannot_reset_others(client, coordinator, demo_event):
    client.force_login(coordinator)
    assert client.get(f"/manage/{demo_event.slug}/venues/110000/people/").status_code == 403


def test_reset_requests_are_throttled_per_name_and_per_address(client, coordinator, smtp_server,
                                                              django_capture_on_commit_callbacks):
    """忘记密码 sends a few mails per name and per address, then refuses politely: no mail, and the same
    answer for an account that does not exist (nothing learnt from the refusal either)."""
    from huiwu.accounts.services import FREE_RESETS_PER_ADDRESS, FREE_RESETS_PER_NAME

    coordinator.email = "bj@example.org"
    coordinator.save()
    for _i in range(FREE_RESETS_PER_NAME):
        with django_capture_on_commit_callbacks(execute=True):
            resp = client.post("/accounts/password/reset/", {"login": "BJ@example.org"})
        assert resp.status_code == 200 and 'id="reset-sent"' in resp.content.decode()
    assert len(smtp_server.messages) == FREE_RESETS_PER_NAME
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post("/accounts/password/reset/", {"login": "bj@example.org"})
    body = resp.content.decode()
    assert resp.status_code == 429 and int(resp["Retry-After"]) > 0
    assert 'id="reset-throttled"' in body and "分钟后再试" in body and 'id="reset-sent"' not in body
    assert len(smtp_server.messages) == FREE_RESETS_PER_NAME  # the N+1th request sent nothing
    assert AuditEntry.objects.filter(action="password.reset_throttled").count() == 1
    # an unknown name is refused the same way once it has been asked for as often
    for _i in range(FREE_RESETS_PER_NAME):
        client.post("/accounts/password/reset/", {"login": "nobody@example.org"}, REMOTE_ADDR="10.0.0.9")
    unknown = client.post("/accounts/password/reset/", {"login": "nobody@example.org"}, REMOTE_ADDR="10.0.0.9")
    assert unknown.status_code == 429 and 'id="reset-throttled"' in unknown.content.decode()
    # one address asking for many names is stopped too, and then even for a real account
    for i in range(FREE_RESETS_PER_ADDRESS):
        client.post("/accounts/password/reset/", {"login": f"guess{i}"}, REMOTE_ADDR="10.0.0.7")
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post("/accounts/password/reset/", {"login": coordinator.username}, REMOTE_ADDR="10.0.0.7")
    assert resp.status_code == 429 and len(smtp_server.messages) == FREE_RESETS_PER_NAME
    # the login of that office is not slowed by its reset requests
    from huiwu.accounts.services import login_wait

    assert login_wait(coordinator.username, "10.0.0.7") == 0


def test_reset_throttle_ends_after_the_window(client, coordinator, smtp_server, settings,
                                              django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from huiwu.accounts.models import LoginFailure
    from huiwu.accounts.services import FREE_RESETS_PER_NAME

    coordinator.email = "bj@example.org"
    coordinator.save()
    for _i in range(FREE_RESETS_PER_NAME + 1):
        client.post("/accounts/password/reset/", {"login": coordinator.username})
    LoginFailure.objects.update(at=timezone.now() - timedelta(seconds=settings.HUIWU_LOGIN_WINDOW_SECONDS + 1))
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post("/accounts/password/reset/", {"login": coordinator.username})
    assert resp.status_code == 200 and 'id="reset-sent"' in resp.content.decode()
    assert LoginFailure.objects.count() == 1  # the old rows are gone, only this request's is kept
