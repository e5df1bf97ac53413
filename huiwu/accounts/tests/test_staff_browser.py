"""人员与账号 in a real browser against `huiwu up`: an organizer reaches the page from the overview,
invites door staff for a branch venue with an e-mail address (the mail really queued), the door
person accepts the link on a phone and lands on their venue's door page, and the organizer then
sees them listed under 入场核验. Its own event (staff-walk) and venue code (510100, 成都市) no other
live test uses. Screenshots at 1280 and 390 px; nothing may overflow or show English."""

from __future__ import annotations

import json
import re

import pytest

from conftest import browser_accept_invitation

SLUG = "staff-walk"
CODE = "510100"
SETUP = (
    "from datetime import timedelta; from django.utils import timezone; "
    "from huiwu.events.models import Event; from huiwu.venues.models import Venue; "
    "t = timezone.now() + timedelta(days=10); "
    f"e = Event.objects.create(slug='{SLUG}', title='人员与账号演练会', status='published', starts_at=t, "
    "ends_at=t + timedelta(hours=2)); "
    "Venue.objects.create(event=e, kind='main', code='main', name='主会场', capacity=80); "
    f"Venue.objects.create(event=e, kind='branch', code='{CODE}', name='成都市分会场', capacity=30, order=1)"
)


def _look(page, screenshot, name: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), page.url
    text = page.inner_text("body")
    assert not re.findall(r"[A-Za-z][A-Za-z ,.'-]{14,}", text), (page.url, text)
    screenshot(page, name)


def _signed_in_organizer(live_app, browser, login, username: str):
    """A new organizer of the test's event, signed in on a desktop page."""
    live_app.huiwu("user", "add", username, "--role", "organizer", "--event", SLUG, "--password-stdin",
                   stdin="Sw-org-pass-2026!\n")
    page = browser.new_page()
    login(page, live_app.url, username, "Sw-org-pass-2026!")
    return page


@pytest.fixture
def staff_event(live_app):
    """The test's own event on the shared server, deleted afterwards: the CLI's default event and the
    other live tests count on the demo being the only one."""
    live_app.huiwu("shell", "-c", SETUP)
    yield SLUG
    live_app.huiwu("shell", "-c", "from huiwu.events.models import Event; "
                   f"Event.objects.filter(slug='{SLUG}').delete()")


def test_organizer_invites_door_staff_who_accepts_on_a_phone(live_app, staff_event, browser, phone, chromium, login,
                                                              screenshot):
    url = live_app.url
    org = _signed_in_organizer(live_app, browser, login, "sw_org")
    org.goto(f"{url}/manage/{SLUG}/")
    org.click("#staff-link")
    org.wait_for_selector("#staff-invite")
    org.select_option("select[name=role]", "door")
    org.select_option("select[name=venue]", CODE)
    org.fill("input[name=email]", "cd-door@example.org")
    with org.expect_navigation():
        org.click("#staff-invite-submit")
    assert "邀请邮件已放入发送队列，将发往 cd-door@example.org" in org.inner_text(".messages")
    link = org.input_value("#new-link")
    assert "/accounts/invite/" in link
    assert "成都市分会场" in org.locator("#staff-invitations tbody tr").first.inner_text()
    _look(org, screenshot, "staff-invited-1280")

    out = live_app.huiwu("shell", "-c", (
        "import json; from huiwu.receipts.models import OutboxMail; "
        f"print(json.dumps([[m.to, m.body] for m in OutboxMail.objects.filter(event__slug='{SLUG}')], "
        "ensure_ascii=False))"))
    [(to, body)] = json.loads(out.strip().splitlines()[-1])
    assert to == ["cd-door@example.org"] and "成都市分会场的入场核验" in body and link in body

    door = phone.new_page()
    door.goto(link)
    assert "您受邀负责成都市分会场的入场核验（签到）" in door.inner_text("body")
    _look(door, screenshot, "staff-accept-390")
    browser_accept_invitation(door, link, "周门岗", "cd_door", "Cd-door-pass-2026!")
    assert door.url.endswith(f"/checkin/{SLUG}/door/{CODE}/"), door.url
    _look(door, screenshot, "staff-door-page-390")
    assert door.goto(f"{url}/manage/{SLUG}/staff/").status == 403  # door staff do not manage accounts

    org.reload()  # the invitation answered with a redirect: a reload makes no second link or mail
    assert org.locator("#staff-invitations tbody tr").count() == 1
    row = org.locator("#role-door tr[data-user=cd_door]")
    assert "成都市分会场" in row.inner_text() and "sw_org 邀请" in row.inner_text()
    _look(org, screenshot, "staff-list-1280")

    narrow = chromium.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                  has_touch=True)
    try:
        page = narrow.new_page()
        login(page, url, "sw_org", "Sw-org-pass-2026!")
        page.goto(f"{url}/manage/{SLUG}/staff/")
        _look(page, screenshot, "staff-list-390")
    finally:
        narrow.close()

    # taking the role away asks first, then the door page is gone for that account
    questions = []
    org.on("dialog", lambda d: (questions.append(d.message), d.accept()))
    with org.expect_navigation():
        org.locator("#role-door tr[data-user=cd_door] button:has-text('移除角色')").click()
    assert questions == ["移除 周门岗 的“入场核验”角色？"]
    assert "已移除 周门岗 的“入场核验”角色" in org.inner_text(".messages")
    assert org.locator("#role-door tr[data-user=cd_door]").count() == 0
    assert door.goto(f"{url}/checkin/{SLUG}/door/{CODE}/").status == 404


def test_organizer_makes_every_coordinator_link_at_once(live_app, staff_event, browser, phone, login, screenshot):
    """The 分会场联系人 card: one click makes a link for each branch without a coordinator, shown once
    with 复制全部; the coordinator accepts on a phone and the card then has nothing left to invite."""
    from playwright.sync_api import expect

    url = live_app.url
    org = _signed_in_organizer(live_app, browser, login, "sw_org2")
    org.goto(f"{url}/manage/{SLUG}/staff/")
    card = org.locator("#invite-coordinators")
    assert "1 个分会场还没有联系人" in card.inner_text() and "成都市分会场" in card.inner_text()
    with org.expect_navigation():
        org.click("#invite-coordinators-submit")
    assert "已为 1 个分会场生成联系人邀请链接" in org.inner_text(".messages")
    [line] = org.input_value("#coordinator-links").splitlines()
    assert line.startswith(f"成都市分会场（{CODE}）：http") and "/accounts/invite/" in line
    org.click("#copy-coordinator-links")
    expect(org.locator("#copy-coordinator-links")).to_have_text("已复制")
    _look(org, screenshot, "staff-coordinator-links-1280")

    coord = phone.new_page()
    link = line.split("：", 1)[1]
    coord.goto(link)
    assert "您受邀负责成都市分会场的回执填报" in coord.inner_text("body")
    browser_accept_invitation(coord, link, "成都联系人", "cd_coord", "Cd-coord-pass-2026!")
    assert f"/manage/{SLUG}/venues/{CODE}/" in coord.url, coord.url
    _look(coord, screenshot, "staff-coordinator-accepted-390")

    org.reload()
    assert "每个分会场都已有联系人或有效的邀请链接" in org.inner_text("#invite-coordinators")
    assert org.locator("#coordinator-links").count() == 0  # the links were shown once
