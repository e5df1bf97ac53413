"""In a real browser against `huiwu up`: a coordinator sends declaration links without opening
them (links page, copy all, QR sheet in print view) and an attendee declares on a phone with the
proof screenshot their venue's rule asks for. Screenshots at 1280 and 390 px."""

from __future__ import annotations

import io
import json
import shutil
import urllib.request
from pathlib import Path

from playwright.sync_api import expect

SLUG = "lifelong-learning-week-2021"
VENUE = "140000"  # Shanxi: no other live test touches it
PASSWORD = "Lantern-ribbon-7731"
SHOTS = Path("/tmp/shots")


def _call(method: str, url: str, token: str, data=None):
    req = urllib.request.Request(url, data=json.dumps(data).encode() if data is not None else None, method=method,
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=20) as resp:
        return json.loads(resp.read())


def _png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (390, 800), (40, 160, 80)).save(buf, "PNG")
    return buf.getvalue()


def _shot(screenshot, page, name: str) -> None:
    from conftest import SCREENSHOT_DIR

    screenshot(page, name)
    SHOTS.mkdir(exist_ok=True)
    shutil.copy(SCREENSHOT_DIR / f"{name}.png", SHOTS / f"{name}.png")


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_coordinator_sends_links_and_attendee_declares_with_proof(live_app, browser, phone, login, screenshot, tmp_path):
    from huiwu.admission.engine import SEED_RULES

    live_app.huiwu("user", "add", "sx_org", "--role", "organizer", "--password-stdin", stdin="Meadow-copper-4482\n")
    org = live_app.huiwu("token", "create", "sx_org").strip()
    rules = [*SEED_RULES, {"kind": "itinerary_code", "venues": "all", "venue_codes": [VENUE], "proof": True}]
    _call("PUT", f"{live_app.url}/api/v1/events/{SLUG}/admission/rules", org, {"rules": rules})
    live_app.huiwu("user", "add", "coord_shanxi", "--role", "coordinator", "--venue", VENUE, "--password-stdin",
                   stdin=PASSWORD + "\n")
    token = live_app.huiwu("token", "create", "coord_shanxi").strip()
    base = f"{live_app.url}/api/v1/events/{SLUG}/venues/{VENUE}/attendees"
    for name, phone_no in (("王之涣", "13712340001"), ("白居易", "13712340002"), ("元好问", "13712340003")):
        _call("POST", base, token, {"name": name, "unit": "山西省教育厅", "position": "处长", "phone": phone_no})

    # the coordinator: every link on one page, copy all, the SMS text per person; never opens a link
    links_url = f"{live_app.url}/manage/{SLUG}/venues/{VENUE}/admission/links/"
    desk = browser.new_page()
    login(desk, live_app.url, "coord_shanxi", PASSWORD)
    desk.goto(links_url)
    assert desk.locator("#links > li").count() == 3
    assert desk.locator(".badge", has_text="未申报").count() == 3
    desk.get_by_role("button", name="复制全部").click()
    expect(desk.locator("#copy-all")).to_have_text("已复制")  # the clipboard write resolves a moment later
    sms = desk.locator("#links > li", has_text="王之涣").locator("textarea").input_value()
    assert sms.startswith("王之涣您好") and "/d/" in sms
    assert _fits(desk)
    _shot(screenshot, desk, "admission-links-1280")

    small = phone.new_page()
    login(small, live_app.url, "coord_shanxi", PASSWORD)
    small.goto(links_url)
    assert _fits(small)
    _shot(screenshot, small, "admission-links-390")

    # the printable sheet: one QR per person; in print media the site's header is gone
    desk.get_by_role("link", name="打印二维码").click()
    desk.wait_for_load_state("networkidle")
    assert desk.locator(".qr-card svg").count() == 3
    desk.emulate_media(media="print")
    assert not desk.locator("#print").is_visible()
    _shot(screenshot, desk, "admission-qr-sheet-print")
    desk.emulate_media(media="screen")
    _shot(screenshot, desk, "admission-qr-sheet-1280")

    # the attendee, not logged in, on a phone: the three questions, the itinerary card and its screenshot
    link = "http" + sms.split("http", 1)[1].split()[0]
    attendee = phone.browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                         has_touch=True, device_scale_factor=2)
    m = attendee.new_page()
    m.goto(link)
    assert m.locator("input[type=file][name=proof_itinerary_code]").count() == 1
    for name, value in (("symptoms", "no"), ("risk_area_contact", "no"), ("risk_area_stay", "no"),
                        ("itinerary_code_ok", "yes")):
        m.locator(f"input[name={name}][value={value}]").check()
    proof = tmp_path / "行程码.png"
    proof.write_bytes(_png())
    m.set_input_files("#proof_itinerary_code", str(proof))
    assert _fits(m)
    _shot(screenshot, m, "admission-declare-proof-390")
    m.get_by_role("button", name="提交申报").click()
    m.wait_for_load_state("networkidle")
    assert "符合入场条件" in m.locator("#verdict").inner_text()
    _shot(screenshot, m, "admission-declared-390")
    wide_context = phone.browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    wide = wide_context.new_page()
    wide.goto(link)  # write-only: blank again, and it says a declaration exists
    assert "提交过申报" in wide.locator("#declared-before").inner_text()
    assert wide.locator("input:checked").count() == 0
    _shot(screenshot, wide, "admission-declare-again-1280")
    attendee.close()
    wide_context.close()

    # the coordinator's own browser (logged in) may not declare for anyone
    desk.goto(link)
    assert "不能在此代填申报" in desk.locator("#refused").inner_text() and desk.locator("form input[type=radio]").count() == 0

    desk.goto(links_url)
    row = desk.locator("#links > li", has_text="王之涣")
    assert "已申报" in row.inner_text() and "符合" not in row.inner_text()
