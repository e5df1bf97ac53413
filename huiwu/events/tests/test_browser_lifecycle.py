"""In a real browser against `huiwu up`: an organizer brings a provincial notice nobody prepared for
(浙江省教育厅 to 各设区市教育局), creates the event, corrects it (and is warned about a date that
makes no sense), publishes it, confirms the main venue's units and invites a branch coordinator,
who files on a phone. Screenshots at 1280 and 390 px."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from pathlib import Path

NOTICE = Path(__file__).with_name("notice_provincial.txt")
SHOTS = Path("/tmp/shots")


def _shot(page, screenshot, name):
    screenshot(page, name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _status(url: str) -> int:
    try:
        return urllib.request.urlopen(url, timeout=10).status
    except urllib.error.HTTPError as exc:
        return exc.code


def _no_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_provincial_notice_to_a_filed_receipt(live_app, browser, phone, login, screenshot):
    live_app.huiwu("user", "add", "zj_org", "--role", "organizer", "--password-stdin", stdin="Zj-org-pass-2026!\n")
    org = browser.new_page()
    org.on("dialog", lambda d: d.accept())  # the publish button asks first
    login(org, live_app.url, "zj_org", "Zj-org-pass-2026!")
    slug = None
    try:
        org.goto(live_app.url + "/notices/new/")
        org.set_input_files("input[name=file]", str(NOTICE))
        org.click("#notice-input button[type=submit]")
        org.wait_for_selector("#review-form")
        with org.expect_navigation():
            org.click("#create-event")
        assert "/manage/" in org.url, org.content()[:2000]
        slug = org.url.rstrip("/").rsplit("/", 1)[-1]
        assert org.locator("#event-status").inner_text() == "草稿"
        assert _status(f"{live_app.url}/e/{slug}/") == 404  # a draft does not exist for the public
        _shot(org, screenshot, "lifecycle-draft-overview-desktop")

        # correct the event; a deadline after the meeting is warned about, not silently kept
        org.click("#edit-event")
        assert org.input_value("#id_starts_at") == "2026-12-18T09:00"
        assert org.input_value("#id_doc_number") == "浙教职函〔2026〕12号"
        org.fill("#id_arrive_before_minutes", "30")
        org.fill("#id_registration_deadline", "2026-12-19T17:00")
        org.fill("input[name=contacts-1-name]", "钱亮")
        org.fill("input[name=contacts-1-phones]", "0571-87005678")
        org.click("#event-form button[type=submit]")
        org.wait_for_load_state("networkidle")
        assert "会议信息已保存" in org.locator(".messages").first.inner_text()
        assert "不早于会议开始" in org.content()
        _shot(org, screenshot, "lifecycle-edit-warning-desktop")
        org.fill("#id_registration_deadline", "2026-12-15T17:00")
        org.click("#event-form button[type=submit]")
        org.wait_for_load_state("networkidle")
        assert "不早于会议开始" not in org.content() and org.input_value("#id_arrive_before_minutes") == "30"

        # publish from the overview (confirmed in a dialog)
        org.goto(f"{live_app.url}/manage/{slug}/")
        org.click("#event-publish")
        org.wait_for_load_state("networkidle")
        assert org.locator("#event-status").inner_text() == "已发布"
        assert _status(f"{live_app.url}/e/{slug}/") == 200
        assert "会议已发布" in org.locator(".messages").inner_text()
        codes = org.locator("#venues tbody tr").evaluate_all("rs => rs.map(r => r.dataset.code)")
        branch = next(c for c in codes if c != "main")
        _shot(org, screenshot, "lifecycle-published-overview-desktop")

        # the notice's main-venue units, confirmed
        org.click("#main-units-link")
        assert org.locator("#suggested-units input[name=name]").count() == 3
        org.click("#suggested-units button")
        org.wait_for_load_state("networkidle")
        assert org.locator("#main-units tbody tr[data-unit]").count() == 3
        _shot(org, screenshot, "lifecycle-main-units-desktop")

        # invite the branch coordinator
        org.goto(f"{live_app.url}/manage/{slug}/venues/{branch}/")
        org.click("#organizer-actions button:has-text('生成邀请链接')")
        link = re.search(r"https?://\S+/accounts/invite/\S+/", org.locator(".messages").inner_text()).group(0)

        # the coordinator, on a phone, sets a password and files two people
        m = phone.new_page()
        m.goto(link)
        m.fill("input[name=display_name]", "周敏")
        m.fill("input[name=username]", "zj_branch_coord")
        m.fill("input[name=password]", "Zj-branch-2026!")
        m.fill("input[name=password2]", "Zj-branch-2026!")
        m.click("button[type=submit]")
        m.wait_for_load_state("networkidle")
        assert f"/venues/{branch}/" in m.url, m.content()[:2000]
        m.click("#receipt-card a:has-text('填报回执')")
        if not m.locator("details.paste").evaluate("d => d.open"):
            m.click("details.paste summary")
        m.fill("#paste", "1\t周敏\t市教育局\t副局长\t13957100001\n2\t吴强\t市教育局\t职成科科长\t13957100002")
        m.click("#paste-apply")
        m.fill("#tech_name", "吴强")
        m.fill("#tech_phone", "13957100002")
        assert _no_overflow(m)
        _shot(m, screenshot, "lifecycle-coordinator-receipt-phone")
        m.click("#submit-receipt")
        m.wait_for_load_state("networkidle")
        assert "回执已提交（第1版，2人）" in m.locator(".messages").inner_text(), m.content()[:3000]
        assert _no_overflow(m)
        _shot(m, screenshot, "lifecycle-coordinator-venue-phone")

        # the organizer sees it filed; on a phone the overview does not overflow either
        org.goto(f"{live_app.url}/manage/{slug}/")
        row = org.locator(f"#venues tbody tr[data-code='{branch}']").inner_text()
        assert "已报 v1" in row and "吴强" in row
        mo = phone.new_page()
        login(mo, live_app.url, "zj_org", "Zj-org-pass-2026!")
        for path, name in ((f"/manage/{slug}/", "lifecycle-overview-phone"), (f"/manage/{slug}/edit/", "lifecycle-edit-phone"),
                           (f"/manage/{slug}/main-units/", "lifecycle-main-units-phone"), (f"/e/{slug}/", "lifecycle-notice-phone")):
            mo.goto(live_app.url + path)
            assert _no_overflow(mo), path
            _shot(mo, screenshot, name)
    finally:
        if slug:  # leave the shared live server as other tests expect it
            live_app.huiwu("shell", "-c", "from huiwu.events.models import Event; "
                           f"Event.objects.filter(slug='{slug}').delete()")
