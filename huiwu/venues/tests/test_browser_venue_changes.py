"""In a real browser against `huiwu up`: an organizer creates an event of their own from a provincial
notice, then changes what the notice gave without help — adds branch venues (a county by code, a
school by name; a wrong code is refused and stays typed), renames one with its host unit, drops one,
sets the main venue's quotas (more than the main venue holds is said), publishes, takes the event
back to draft, and deletes the draft. Screenshots at 1280 and 390 px."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

NOTICE = Path(__file__).parents[2] / "events" / "tests" / "notice_provincial.txt"
#: a title of its own, so this walk's event is nobody else's (other live tests read the same notice)
TITLE = ("2026年全省职业教育工作视频会议", "2026年全省职业教育督导视频会议")  # i18n: data


def _status(url: str) -> int:
    try:
        return urllib.request.urlopen(url, timeout=10).status
    except urllib.error.HTTPError as exc:
        return exc.code


def _no_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _messages(page) -> str:
    return " ".join(page.locator(".messages").all_inner_texts())


def _submit(page, selector):
    with page.expect_navigation():
        page.click(selector)


def test_organizer_changes_venues_quotas_and_takes_the_draft_back(live_app, browser, phone, login, screenshot,
                                                                   tmp_path):
    live_app.huiwu("user", "add", "vc_org", "--role", "organizer", "--password-stdin", stdin="Vc-org-pass-2026!\n")
    notice = tmp_path / "督导通知.txt"
    notice.write_text(NOTICE.read_text("utf-8").replace(*TITLE), "utf-8")
    org = browser.new_page()
    org.on("dialog", lambda d: d.accept())  # publish asks first
    login(org, live_app.url, "vc_org", "Vc-org-pass-2026!")
    slug = None
    try:
        org.goto(live_app.url + "/notices/new/")
        org.set_input_files("input[name=file]", str(notice))
        org.click("#notice-input button[type=submit]")
        org.wait_for_selector("#review-form")
        _submit(org, "#create-event")
        slug = org.url.rstrip("/").rsplit("/", 1)[-1]
        assert "督导" in org.locator("h1").inner_text()

        # the branch venues: from the overview, add a county by code, a wrong code, a school by name
        _submit(org, "#branches-link")
        assert org.locator("#branch-venues tbody tr[data-code]").count() == 11
        org.fill("#hosts", "330106\n339999\n浙江机电职业技术学院")
        _submit(org, "#add-submit")
        msgs = _messages(org)
        assert "已添加西湖区分会场" in msgs and "已添加浙江机电职业技术学院分会场" in msgs
        assert "“339999”：339999 不是行政区划代码" in msgs
        assert org.input_value("#hosts") == "339999"  # what failed stays typed
        codes = org.locator("#branch-venues tbody tr").evaluate_all("rs => rs.map(r => r.dataset.code)")
        assert codes[:2] == ["330100", "330106"] and codes[-1] == "900001" and len(codes) == 13
        screenshot(org, "venues-branches-desktop")

        # rename the school's venue and its unit
        _submit(org, "#branch-venues tr[data-code='900001'] a:has-text('改名')")
        org.fill("#v-name", "浙江机电职院分会场")
        org.fill("#v-unit", "浙江机电职业技术大学")
        _submit(org, "#venue-form button")
        assert "会场信息已保存" in _messages(org)
        org.goto(f"{live_app.url}/manage/{slug}/venues/")
        row = org.locator("#branch-venues tr[data-code='900001']").inner_text()
        assert "浙江机电职院分会场" in row and "浙江机电职业技术大学" in row

        # drop the county again, from its confirmation page
        _submit(org, "#branch-venues tr[data-code='330106'] a:has-text('删除')")
        assert org.locator("#remove-form").count() == 1
        screenshot(org, "venues-remove-desktop")
        _submit(org, "#remove-submit")
        assert "已删除西湖区分会场" in _messages(org)
        assert org.locator("#branch-venues tr[data-code='330106']").count() == 0

        # the main venue's units and their quotas
        org.goto(f"{live_app.url}/manage/{slug}/main-units/")
        _submit(org, "#suggested-units button")
        _submit(org, "#quotas-link")
        inputs = org.locator("#quotas input[type=number]")
        assert inputs.count() == 3
        inputs.nth(0).fill("20")
        inputs.nth(1).fill("15")
        inputs.nth(2).fill("10")
        _submit(org, "#quota-submit")
        page = org.locator("main").inner_text() if org.locator("main").count() else org.content()
        assert "名额已保存" in page and "合计 45 人，超过主会场人数上限 40 人" in page
        assert org.locator("#quota-total").inner_text() == "45"
        screenshot(org, "venues-quotas-desktop")

        # publish; nobody filed, so it can go back to draft, and then be deleted
        org.goto(f"{live_app.url}/manage/{slug}/")
        org.click("#event-publish")
        org.wait_for_load_state("networkidle")
        assert org.locator("#event-status").inner_text() == "已发布"
        assert _status(f"{live_app.url}/e/{slug}/") == 200
        assert org.locator("#event-unpublish").count() == 1 and org.locator("#event-delete").count() == 0
        screenshot(org, "venues-overview-published-desktop", full_page=False)

        # the same pages on a phone: nothing overflows
        m = phone.new_page()
        login(m, live_app.url, "vc_org", "Vc-org-pass-2026!")
        for path, name in ((f"/manage/{slug}/", "venues-overview-published-phone"),
                           (f"/manage/{slug}/venues/", "venues-branches-phone"),
                           (f"/manage/{slug}/venues/900001/remove/", "venues-remove-phone"),
                           (f"/manage/{slug}/main-units/quotas/", "venues-quotas-phone"),
                           (f"/manage/{slug}/unpublish/", "events-unpublish-phone")):
            m.goto(live_app.url + path)
            assert _no_overflow(m), path
            screenshot(m, name)

        _submit(org, "#event-unpublish")
        screenshot(org, "events-unpublish-desktop")
        _submit(org, "#unpublish-submit")
        assert "会议已退回草稿" in _messages(org)
        assert org.locator("#event-status").inner_text() == "草稿"
        assert _status(f"{live_app.url}/e/{slug}/") == 404

        _submit(org, "#event-delete")
        summary = org.locator("#delete-summary").inner_text()
        assert "分会场：12" in summary and "主会场参会单位：3" in summary
        screenshot(org, "events-delete-desktop")
        m.goto(f"{live_app.url}/manage/{slug}/delete/")
        assert _no_overflow(m)
        screenshot(m, "events-delete-phone")
        org.check("#delete-confirm")
        _submit(org, "#delete-submit")
        assert "已删除" in _messages(org)
        assert _status(f"{live_app.url}/e/{slug}/") == 404
        org.goto(f"{live_app.url}/manage/{slug}/")
        assert "/manage/" in org.url and org.locator("#event-status").count() == 0
        slug = None
    finally:
        if slug:  # leave the shared live server as other tests expect it
            live_app.huiwu("shell", "-c", "from huiwu.events.models import Event; "
                           f"Event.objects.filter(slug='{slug}').delete()")
