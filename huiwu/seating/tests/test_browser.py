"""In a real browser against `huiwu up`: the organizer seats the demo's Beijing venue (110000) —
generates the room with a rostrum, reorders two people by dragging, seats them at 1 m, prints the
chart and the cards. Screenshots of the page (1280 and 390 px) and of a rendered card."""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

SLUG = "lifelong-learning-week-2021"
CODE = "110000"
SHOTS = Path("/tmp/shots")
PEOPLE = [  # i18n: data
    ("王建国", "北京市教育委员会", "副主任"), ("李红梅", "北京市教育委员会", "处长"),
    ("张  伟", "北京开放大学", "校长"), ("赵丽华", "北京市社区教育指导服务中心", "主任"),
    ("刘志强", "北京市教育委员会", "副处长"), ("陈晓明", "北京开放大学", "副校长"),
    ("杨  帆", "北京市教育委员会", "主任科员"), ("黄敏", "北京市朝阳区社区学院", "科长"),
    ("周国庆", "北京市海淀区社区学院", "调研员"), ("吴  静", "北京市东城区社区学院", "教师"),
]


def _api(url: str, token: str, method: str = "GET", body: dict | None = None):
    req = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def _no_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_seat_beijing_drag_print(live_app, chromium, login, screenshot, tmp_path):
    if shutil.which("pdftoppm") is None:
        pytest.fail("poppler-utils is not installed (.ci/run installs it)")
    SHOTS.mkdir(exist_ok=True)
    live_app.huiwu("user", "add", "seat_org", "--role", "organizer", "--password-stdin", stdin="Seat-org-pass-2021!\n")
    token = live_app.huiwu("token", "create", "seat_org").strip()
    base = f"{live_app.url}/api/v1/events/{SLUG}/venues/{CODE}"
    for name, unit, pos in PEOPLE:
        status, body = _api(base + "/attendees", token, "POST", {"name": name, "unit": unit, "position": pos})
        assert status in (201, 409), body  # 409: another live test filled the venue already

    ctx = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)
    page = ctx.new_page()
    login(page, live_app.url, "seat_org", "Seat-org-pass-2021!")
    page.goto(f"{live_app.url}/manage/{SLUG}/venues/{CODE}/")
    page.click("#seating-link")
    assert page.url.endswith(f"/venues/{CODE}/seating/")
    # the room: 5 rows of 10 seats 0.6 m apart, rows 1 m apart, a rostrum of 3
    page.fill("#generate-form input[name=rows]", "5")
    page.fill("#generate-form input[name=seats]", "10")
    page.fill("#generate-form input[name=rostrum_seats]", "3")
    page.click("#generate-form button")
    page.wait_for_load_state("networkidle")
    assert "已生成会议室布局：53 个座位" in page.inner_text(".messages")  # i18n: data

    # the editor: a click removes seat 10 of row 5 (a pillar), Enter on it restores it, a click again removes it
    page.click("a[href$='/seating/layout/']")
    seat = page.locator('g.seat[data-row="5"][data-seat="10"]')
    seat.click()
    expect(page.locator("#seat-count")).to_have_text("52")
    assert "off" in seat.get_attribute("class")
    seat.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#seat-count")).to_have_text("53")
    seat.click()
    expect(page.locator("#seat-count")).to_have_text("52")
    page.screenshot(path=str(SHOTS / "seating-editor.png"), full_page=True)
    page.goto(f"{live_app.url}/manage/{SLUG}/venues/{CODE}/seating/")

    # drag the second person above the first
    items = page.locator("#order-list li")
    before = [items.nth(i).get_attribute("data-id") for i in range(items.count())]
    assert len(before) >= 2
    page.drag_and_drop("#order-list li:nth-child(2)", "#order-list li:nth-child(1)",
                       target_position={"x": 20, "y": 3})
    after = [items.nth(i).get_attribute("data-id") for i in range(items.count())]
    assert after == [before[1], before[0]] + before[2:]
    # and the third one step up with the keyboard button
    page.locator("#order-list li").nth(2).locator("button.up").click()
    after = [after[0], after[2], after[1]] + after[3:]
    assert page.input_value("#order-input") == ",".join(after)
    page.click("#order-save")
    page.wait_for_load_state("networkidle")
    status, prec = _api(base + "/seating/precedence", token)
    assert prec["manual"] and [str(p["id"]) for p in prec["people"]] == after

    page.fill("#plan-form input[name=min_distance]", "1")
    page.click("#plan-form button")
    page.wait_for_load_state("networkidle")
    summary = page.locator("#plan-summary")
    seated = int(summary.get_attribute("data-seated"))
    assert summary.get_attribute("data-optimal") == "true"
    assert seated == min(len(after), 28)
    assert page.locator("svg.room g.seat.taken").count() == seated
    # No. 1 (the one dragged to the top) sits in the centre of the rostrum
    status, plan = _api(base + "/seating/plan", token)
    centre = next(s for s in plan["seats"] if s["attendee"] and s["attendee"]["id"] == int(after[0]))
    assert (centre["row"], centre["seat"]) == ("主席台", "2")  # i18n: data
    screenshot(page, "seating-desktop")
    page.screenshot(path=str(SHOTS / "seating-desktop.png"), full_page=True)
    assert _no_overflow(page)

    with page.expect_download() as dl:
        page.click("#print-chart")
    chart = tmp_path / "chart.pdf"
    dl.value.save_as(chart)
    assert chart.read_bytes().startswith(b"%PDF")
    with page.expect_download() as dl:
        page.click("#print-cards")
    cards = tmp_path / "cards.pdf"
    dl.value.save_as(cards)
    pages = subprocess.run(["pdfinfo", str(cards)], capture_output=True, text=True, check=True).stdout
    assert f"Pages:{' ' * 10}{seated}" in pages or f"Pages: {seated}" in " ".join(pages.split()).replace(": ", ": ")
    for pdf, name in ((cards, "seating-card"), (chart, "seating-chart")):
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                        str(SHOTS / name)], check=True)
        assert (SHOTS / f"{name}.png").stat().st_size > 5000
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(cards), "-"], capture_output=True, text=True,
                          check=True).stdout
    top = prec["people"][0]["name"].replace(" ", "")
    assert text.replace(" ", "").replace("\u3000", "").count(top) == 2

    mobile = chromium.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    mp = mobile.new_page()
    login(mp, live_app.url, "seat_org", "Seat-org-pass-2021!")
    mp.goto(f"{live_app.url}/manage/{SLUG}/venues/{CODE}/seating/")
    mp.screenshot(path=str(SHOTS / "seating-phone.png"), full_page=True)
    screenshot(mp, "seating-phone")
    assert _no_overflow(mp)
    mobile.close()
    ctx.close()
