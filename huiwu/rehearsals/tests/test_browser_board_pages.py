"""The director's board in pages, in headless Chromium against a `huiwu up` of its own (53 branch
venues: two pages of 50): the page picker, the search, a mark made on page 2 reaching a board that
shows page 2, and the way back to the clock's page."""

from __future__ import annotations

import time

import pytest

from conftest import start_live_app, stop_live_app

from .test_browser import _call

SLUG = "lifelong-learning-week-2021"
#: 16 prefecture-level cities added to the demo's 37 branch venues
EXTRA = ["130100", "130200", "130300", "130400", "130500", "130600", "130700", "130800", "130900", "131000",
         "131100", "140100", "140200", "140300", "140400", "140500"]


@pytest.fixture(scope="module")
def paged_app():
    app = start_live_app()
    app.huiwu("user", "add", "pages_org", "--role", "organizer", "--password-stdin", stdin="pages-org-pass-1\n")
    token = app.huiwu("token", "create", "pages_org").strip()
    for code in EXTRA:
        _call("POST", f"{app.url}/api/v1/events/{SLUG}/venues", token, {"host": code, "capacity": 20})
    app.huiwu("rehearsal", "schedule", SLUG, "--slot-minutes", "2", "--json")
    yield app
    stop_live_app(app)


def test_board_pages_picker_search_and_sync(paged_app, browser, phone, login, screenshot):
    desk, mobile = browser.new_page(), phone.new_page()
    for page in (desk, mobile):
        login(page, paged_app.url, "pages_org", "pages-org-pass-1")
        page.goto(f"{paged_app.url}/manage/{SLUG}/rehearsal/")
    # the rehearsal is ahead: the clock's page is the first, with 50 of 53 venues
    assert desk.locator("#rb-rows .rb-row").count() == 50
    assert "第 1/2 页" in desk.locator("#rb-where").inner_text()
    assert desk.locator("#rb-page option").count() == 2
    # page 2 by the picker: the last three venues in slot order, the current/next slots kept on top
    desk.select_option("#rb-page", "2")
    desk.click(".rb-pick button")
    desk.wait_for_selector("#rb-follow")
    codes = desk.eval_on_selector_all("#rb-rows .rb-row", "rows => rows.map(r => r.dataset.code)")
    assert codes == EXTRA[-3:], codes
    assert desk.locator("#rb-now .rb-row").count() >= 1
    mobile.goto(f"{paged_app.url}/manage/{SLUG}/rehearsal/?page=2")
    row = f'#rb-rows .rb-row[data-code="{EXTRA[-1]}"]'
    mobile.locator(f"{row} [value=retest]").wait_for()
    started = time.monotonic()
    desk.click(f"{row} [value=retest]")
    mobile.wait_for_selector(f'{row} [value=retest][aria-pressed="true"]', timeout=2000)
    assert time.monotonic() - started < 2.0
    mobile.wait_for_selector(f'#rb-queue li[data-code="{EXTRA[-1]}"]', timeout=2000)
    screenshot(desk, "rehearsal-board-page2-1280")
    screenshot(mobile, "rehearsal-board-page2-390")
    assert not mobile.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    # a search by name finds venues on any page
    desk.fill(".rb-find input[name=q]", "石家庄")
    desk.click(".rb-find button")
    desk.wait_for_selector('#rb-rows .rb-row[data-code="130100"]')
    assert desk.locator("#rb-rows .rb-row").count() == 1
    # and back to the clock's page
    desk.click("#rb-follow")
    desk.wait_for_selector("#rb-page")
    assert desk.locator("#rb-rows .rb-row").count() == 50
