"""In a real browser against `huiwu up`: an attendee declares on a phone (390x844) through their
personal link and sees the verdict at once; the coordinator then replaces them."""

from __future__ import annotations

import json
import urllib.request

import pytest

SLUG = "lifelong-learning-week-2021"
VENUE = "130000"  # Hebei: no other live test touches it
PASSWORD = "Orchid-harbor-5190"


def _call(method: str, url: str, token: str, data=None):
    req = urllib.request.Request(url, data=json.dumps(data).encode() if data is not None else None, method=method,
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=20) as resp:
        return json.loads(resp.read())


def _post(url: str, token: str, data: dict):
    return _call("POST", url, token, data)


@pytest.fixture(scope="module")
def org_token(live_app):
    """An organizer's API token; the seed's rules put in place through the API."""
    from huiwu.admission.engine import SEED_RULES

    live_app.huiwu("user", "add", "adm_org", "--role", "organizer", "--password-stdin", stdin="Granite-willow-8264\n")
    token = live_app.huiwu("token", "create", "adm_org").strip()
    _call("PUT", f"{live_app.url}/api/v1/events/{SLUG}/admission/rules", token, {"rules": SEED_RULES})
    return token


def test_attendee_declares_on_a_phone_and_the_coordinator_replaces_them(live_app, org_token, browser, phone, login,
                                                                         screenshot):
    live_app.huiwu("user", "add", "coord_hebei", "--role", "coordinator", "--venue", VENUE, "--password-stdin",
                   stdin=PASSWORD + "\n")
    token = live_app.huiwu("token", "create", "coord_hebei").strip()
    person = _post(f"{live_app.url}/api/v1/events/{SLUG}/venues/{VENUE}/attendees", token,
                   {"name": "苏小妹", "unit": "河北省教育厅", "position": "处长", "phone": "13712345678"})

    # the coordinator finds the personal link (QR code and SMS text) on the venue's admission page
    desk = browser.new_page()
    login(desk, live_app.url, "coord_hebei", PASSWORD)
    desk.goto(f"{live_app.url}/manage/{SLUG}/venues/{VENUE}/admission/")
    row = desk.locator(f"#verdicts tr[data-attendee='{person['id']}']")
    assert "待定" in row.inner_text() and "尚未填写健康申报" in row.inner_text()
    row.get_by_role("link", name="申报链接").click()
    assert desk.locator(".qr svg").count() == 1
    link = desk.locator("#decl-link").get_attribute("href")
    assert "苏小妹您好" in desk.locator("#sms").input_value() and link in desk.locator("#sms").input_value()

    # the attendee opens it on a phone: three questions for a branch venue, big touch targets
    m = phone.new_page()
    m.goto(link)
    assert m.locator("h1").inner_text() == "入场健康申报"
    assert m.locator("fieldset").count() == 3
    assert m.get_by_text("核酸").count() == 0 and m.get_by_text("健康宝").count() == 0
    assert m.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    box = m.locator("fieldset").first.locator("label").first.bounding_box()
    assert box["height"] >= 40
    screenshot(m, "admission-declare-phone")
    m.locator("input[name=symptoms][value=yes]").check()
    m.locator("input[name=risk_area_contact][value=no]").check()
    m.locator("input[name=risk_area_stay][value=no]").check()
    m.get_by_role("button", name="提交申报").click()
    m.wait_for_load_state("networkidle")
    verdict = m.locator("#verdict")
    assert "不符合入场条件" in verdict.inner_text() and "会前14天内无疑似症状" in verdict.inner_text()
    assert verdict.is_visible()
    screenshot(m, "admission-verdict-phone")

    # the coordinator sees the verdict and the rule's name, never the answer, and names a replacement
    desk.goto(f"{live_app.url}/manage/{SLUG}/venues/{VENUE}/admission/")
    row = desk.locator(f"#verdicts tr[data-attendee='{person['id']}']")
    assert "不符合入场条件" in row.inner_text() and "会前14天内无疑似症状" in row.inner_text()
    assert "申报有" not in desk.content()
    row.get_by_role("link", name="更换人员").click()
    desk.fill("#id_name", "黄庭坚")
    desk.fill("#id_unit", "河北省教育厅")
    desk.fill("#id_position", "副处长")
    desk.fill("#id_phone", "13787654321")
    desk.get_by_role("button", name="确认更换").click()
    desk.wait_for_load_state("networkidle")
    assert "已由黄庭坚替换苏小妹" in desk.content() and desk.locator(".qr svg").count() == 1
    desk.goto(f"{live_app.url}/manage/{SLUG}/venues/{VENUE}/admission/")
    assert "黄庭坚" in desk.locator("#verdicts").inner_text() and "苏小妹" not in desk.locator("#verdicts").inner_text()
    history = desk.locator("#history").inner_text()
    assert "苏小妹" in history and "黄庭坚" in history and "会前14天内无疑似症状" in history
    screenshot(desk, "admission-replaced-desktop")

    # the replaced person's link no longer opens the form
    m.goto(link)
    assert "不在本次会议的参会名单中" in m.content()


def test_main_venue_attendee_declares_a_test_on_a_phone(live_app, org_token, phone, screenshot):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    base = f"{live_app.url}/api/v1/events/{SLUG}/venues/main"
    person = _post(base + "/attendees", org_token,
                   {"name": "欧阳修", "unit": "中国成人教育协会", "position": "副会长", "phone": "13600001111"})
    link = _call("GET", base + f"/attendees/{person['id']}/declaration-link", org_token)["url"]
    m = phone.new_page()
    m.goto(link)
    assert m.locator("fieldset").count() == 7
    assert "北京健康宝" in m.content() and "行程卡" in m.content()
    def fill(result: str) -> None:
        for name, value in (("symptoms", "no"), ("risk_area_contact", "no"), ("risk_area_stay", "no"),
                            ("health_code", "green"), ("itinerary_code_ok", "yes"), ("returned_from_travel", "yes"),
                            ("test_taken", "yes"), ("result", result)):
            m.locator(f"input[name={name}][value={value}]").check()
        m.fill("#sampled_at", (start - timedelta(hours=20)).strftime("%Y-%m-%dT%H:%M"))

    # the meeting's start as the page states it, and a sample taken 20 hours before it
    import re

    start_text = m.get_by_text("会议开始").inner_text()
    year, month, day, hh, mm = re.search(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日\s*(\d{1,2}):(\d{2})", start_text).groups()
    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    year = int(year) if year else now.year + (1 if int(month) < now.month else 0)
    start = datetime(year, int(month), int(day), int(hh), int(mm))
    fill("pending")
    m.get_by_role("button", name="提交申报").click()
    m.wait_for_load_state("networkidle")
    assert "待定" in m.locator("#verdict").inner_text() and "尚未出来" in m.locator("#verdict").inner_text()
    m.goto(link)  # write-only: the link opens blank, saying a declaration exists
    assert "提交过申报" in m.locator("#declared-before").inner_text()
    assert m.locator("input:checked").count() == 0
    fill("negative")
    m.get_by_role("button", name="重新提交申报").click()
    m.wait_for_load_state("networkidle")
    verdict = m.locator("#verdict").inner_text()
    assert "符合入场条件" in verdict and "不符合" not in verdict
    assert m.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(m, "admission-main-venue-phone")
