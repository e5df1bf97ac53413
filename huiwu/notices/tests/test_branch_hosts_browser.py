"""The review page in a real browser shows each branch venue's host as the notice addresses it:
a health commission's notice → 北京市卫生健康委员会; Hainan's 各市县 → its cities and the counties the
province administers itself. Only the review step: nothing is created on the shared live server."""

from __future__ import annotations

from pathlib import Path

from .test_branch_hosts import provincial_notice

HEALTH = Path(__file__).with_name("notice_health.txt")


def _review(page, url: str, text: str) -> dict[str, tuple[str, str]]:
    page.goto(url + "/notices/new/")
    page.fill("textarea[name=text]", text)
    page.click("#notice-input button[type=submit]")
    page.wait_for_selector("#branch-plan")
    rows = page.locator("#branch-plan tbody tr[data-code]").evaluate_all(
        "rs => rs.map(r => [r.dataset.code, r.querySelector('input[name$=-name]').value,"
        " r.querySelector('input[name$=-unit]').value])")
    return {code: (name, unit) for code, name, unit in rows}


def _fits(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_review_page_hosts_at_desktop_and_phone_width(live_app, organizer_password, browser, phone, login,
                                                      screenshot):
    page = browser.new_page()
    login(page, live_app.url, "organizer", organizer_password)
    plan = _review(page, live_app.url, HEALTH.read_text(encoding="utf-8"))
    assert len(plan) == 32 and plan["110000"] == ("北京市分会场", "北京市卫生健康委员会")
    assert plan["130000"][1] == "河北省卫生健康委员会" and plan["660000"][1] == "新疆生产建设兵团卫生健康委员会"
    assert not page.locator("#branch-plan input[name$=-unit][readonly]").count()  # the organizer may correct
    assert _fits(page)
    page.locator("#branch-plan h2").evaluate("h => h.scrollIntoView()")
    screenshot(page, "notice-review-hosts-1280", full_page=False)

    small = phone.new_page()
    login(small, live_app.url, "organizer", organizer_password)
    plan = _review(small, live_app.url, provincial_notice("海南省教育厅办公室", "各市县（区）教育局"))
    assert len(plan) == 19 and plan["469001"] == ("五指山市分会场", "五指山市教育局")
    assert plan["460400"] == ("儋州市分会场", "儋州市教育局") and "460105" not in plan
    assert _fits(small)
    small.locator("#branch-plan h2").evaluate("h => h.scrollIntoView()")
    screenshot(small, "notice-review-hosts-390", full_page=False)
