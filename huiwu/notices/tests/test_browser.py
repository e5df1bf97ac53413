"""The notice intake in a real browser against `huiwu up`: paste the seed, correct one field,
create the event, and find its 37 branch venues on the organizer overview."""

from __future__ import annotations

from .test_parser import seed_text


def test_paste_review_correct_create_in_a_browser(live_app, organizer_password, browser, login, screenshot):
    text = seed_text()
    page = browser.new_page()
    login(page, live_app.url, "organizer", organizer_password)
    page.goto(live_app.url + "/notices/new/")
    page.fill("textarea[name=text]", text)
    page.click("#notice-input button[type=submit]")
    page.wait_for_selector("#review-form")
    # each field beside the sentence it came from, the notice highlighted
    row = page.locator(".field-row[data-path='main_venue.name']").first
    assert "主会场设在教育部机关北楼二层报告厅" in row.inner_text()
    assert page.locator("#source-text mark").count() >= 10
    assert page.input_value("input[name=main_name]") == "教育部机关北楼二层报告厅"
    assert page.input_value("input[name=starts_at]") == "2021-11-23T10:00"
    assert page.input_value("input[name=reg_deadline]") == "2021-11-20T16:00"
    page.click("input[name=main_capacity]")
    assert page.locator("#source-text mark.active").count() >= 1  # its sentence lights up
    # the organizer corrects one field
    page.fill("input[name=main_capacity]", "28")
    screenshot(page, "notice-review")
    slug = None
    try:
        with page.expect_navigation():
            page.click("#create-event")
        assert "/manage/" in page.url, page.content()[:2000]
        slug = page.url.rstrip("/").rsplit("/", 1)[-1]
        assert slug == "lifelong-learning-week-opening-2021"
        codes = page.locator("#venues tbody tr").evaluate_all("rs => rs.map(r => r.dataset.code)")
        assert len([c for c in codes if c != "main"]) == 37
        assert "main" in codes
        main_row = page.locator("#venues tbody tr[data-code='main']").inner_text()
        assert "28" in main_row
        screenshot(page, "notice-created-overview")
    finally:
        # leave the shared live server as other tests expect it (one demo event)
        if slug:
            live_app.huiwu("shell", "-c", "from huiwu.events.models import Event; "
                           f"Event.objects.filter(slug='{slug}').delete()")
