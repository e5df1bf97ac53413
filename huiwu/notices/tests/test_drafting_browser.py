"""The 起草通知 page in a real browser, desktop and phone: the notice renders in Chinese, nothing overflows,
and (with LibreOffice) the first page image loads."""

from __future__ import annotations

import shutil

import pytest

SLUG = "lifelong-learning-week-2021"


@pytest.mark.parametrize("ctx", ["browser", "phone"])
def test_draft_page(ctx, request, live_app, organizer_password, login, screenshot):
    page = request.getfixturevalue(ctx).new_page()
    login(page, live_app.url, "organizer", organizer_password)
    page.goto(live_app.url + f"/manage/{SLUG}/")
    page.click("#draft-notice-link")
    page.wait_for_selector("#draft-html")
    assert page.locator("#draft-html p.gw-mark").inner_text() == "教育部办公厅"
    assert "教职成厅函〔2021〕24号" in page.locator("#draft-html").inner_text()
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    if shutil.which("soffice") and shutil.which("pdftoppm"):
        img = page.locator("#draft-pages img").first
        img.scroll_into_view_if_needed()
        page.wait_for_function("() => { const i = document.querySelector('#draft-pages img'); "
                               "return i && i.complete && i.naturalWidth > 0; }", timeout=120_000)
        assert img.evaluate("i => i.naturalWidth") > 300
    screenshot(page, f"notice-draft-{ctx}")
    page.screenshot(path=f"/tmp/shots/notice-draft-{ctx}.png", full_page=False)
