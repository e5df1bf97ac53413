"""Every role of a notice nobody prepared for, in a real browser against `huiwu up`.

test_browser_lifecycle.py walks the organizer and one branch coordinator filing on the web. This
walk covers the others on a provincial health notice (河南省卫生健康委 to 各省辖市、济源示范区卫生健康委,
17 cities and 济源 as branch venues): an invitation mailed to a main-venue unit (the mail really
queued), that unit filing on a phone, a branch coordinator filing by uploading the Excel template
downloaded from its page, asking for more time and being told by mail when the organizer agrees,
the rehearsal slot and self-test link it then sees, an attendee's personal declaration link, the
health officer's list and door staff finding a person by name on the door page reached from
their home page. Screenshots at 1280 and 390 px; nothing may overflow or show English.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import openpyxl

from conftest import browser_accept_invitation

NOTICE = Path(__file__).with_name("notice_henan_health.txt")
SLUG_CODE = "419001"  # 济源示范区: a region code outside the prefecture pattern, filed by upload
CITY = "410100"  # 郑州市


def _no_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _no_english(page) -> None:
    """No English sentence (an error, a traceback) on a page meant for Chinese readers."""
    text = page.inner_text("body")
    english = re.findall(r"[A-Za-z][A-Za-z ,.'-]{14,}", text)
    assert not english, (page.url, english)
    assert "Traceback" not in text and "Not Found" not in text


def _look(page, screenshot, name: str) -> None:
    assert _no_overflow(page), page.url
    _no_english(page)
    screenshot(page, name)


def _outbox(live_app, slug: str) -> list[dict]:
    out = live_app.huiwu("shell", "-c", (
        "import json; from huiwu.receipts.models import OutboxMail; "
        "print(json.dumps([{'to': m.to, 'subject': m.subject, 'kind': m.kind, 'body': m.body} "
        f"for m in OutboxMail.objects.filter(event__slug='{slug}').order_by('id')], ensure_ascii=False))"))
    return json.loads(out.strip().splitlines()[-1])


def _invite_link(page) -> str:
    return re.search(r"https?://\S+/accounts/invite/\S+/", page.locator(".messages").first.inner_text()).group(0)


def test_every_role_of_a_provincial_health_notice(live_app, browser, phone, chromium, login, screenshot):
    """`browser` (1280 px) is the organizer's, `phone` (390 px) the main-venue unit's; every other
    person signs in in a browser of their own, as they would on their own computer."""
    url = live_app.url
    contexts = []

    def own(width: int = 1280):
        mobile = width < 800
        ctx = chromium.new_context(viewport={"width": width, "height": 844 if mobile else 900}, locale="zh-CN",
                                   is_mobile=mobile, has_touch=mobile)
        contexts.append(ctx)
        return ctx.new_page()

    live_app.huiwu("user", "add", "hn_org", "--role", "organizer", "--password-stdin", stdin="Hn-org-pass-2026!\n")
    org = browser.new_page()
    org.on("dialog", lambda d: d.accept())
    login(org, url, "hn_org", "Hn-org-pass-2026!")
    slug = None
    try:
        # -- organizer: the notice becomes an event with 18 branch venues, published, units confirmed
        org.click("a:has-text('从通知新建会议')")
        org.set_input_files("input[name=file]", str(NOTICE))
        org.click("#notice-input button[type=submit]")
        org.wait_for_selector("#review-form")
        assert org.locator("input[value='济源示范区卫生健康委员会']").count() == 1
        with org.expect_navigation():
            org.click("#create-event")
        slug = org.url.rstrip("/").rsplit("/", 1)[-1]
        codes = org.locator("#venues tbody tr").evaluate_all("rs => rs.map(r => r.dataset.code)")
        assert len(codes) == 19 and SLUG_CODE in codes and CITY in codes
        org.click("#event-publish")
        org.wait_for_load_state("networkidle")
        assert org.locator("#event-status").inner_text() == "已发布"
        org.click("#main-units-link")
        org.click("#suggested-units button")
        org.wait_for_load_state("networkidle")
        units = org.locator("#main-units tbody tr[data-unit] td:first-child").all_inner_texts()
        assert "河南省疾病预防控制中心" in units, units
        _look(org, screenshot, "roles-main-units-desktop")

        # an invitation with an e-mail address: the page gives the link, the mail is really queued
        row = org.locator("#main-units tbody tr[data-unit]", has_text="河南省疾病预防控制中心")
        row.locator("input[name=email]").fill("jk-office@example.org")
        row.locator("button:has-text('生成邀请链接')").click()
        org.wait_for_load_state("networkidle")
        unit_link = _invite_link(org)
        mails = _outbox(live_app, slug)
        assert any(m["to"] == ["jk-office@example.org"] and unit_link in m["body"] for m in mails), mails

        org.goto(f"{url}/manage/{slug}/venues/{SLUG_CODE}/")
        org.fill("#organizer-actions input[name=email]", "jy-wjw@example.gov.cn")
        org.click("#organizer-actions button:has-text('生成邀请链接')")
        org.wait_for_load_state("networkidle")
        branch_link = _invite_link(org)

        # -- a main-venue unit, on a phone: accepts and files its own person on the web
        m = phone.new_page()
        browser_accept_invitation(m, unit_link, "陈静", "hn_cdc", "Hn-cdc-pass-2026!")
        assert "/venues/main/" in m.url, m.url
        m.click("#receipt-card a:has-text('填报回执')")
        m.fill("input[name=name] >> nth=0", "陈静")
        m.fill("input[name=unit] >> nth=0", "河南省疾病预防控制中心")
        m.fill("input[name=position] >> nth=0", "副主任")
        m.fill("input[name=phone] >> nth=0", "13903711001")
        m.click("#submit-receipt")
        m.wait_for_load_state("networkidle")
        assert "回执已提交（第1版，1人）" in m.locator(".messages").first.inner_text(), m.content()[:2000]
        _look(m, screenshot, "roles-main-unit-filed-phone")

        # -- a branch coordinator: the Excel template from its page, filled and uploaded
        c = own()
        c.on("dialog", lambda d: d.accept())
        browser_accept_invitation(c, branch_link, "赵磊", "hn_jiyuan", "Hn-jiyuan-2026!")
        assert f"/venues/{SLUG_CODE}/" in c.url
        with c.expect_download() as dl:
            c.click("#receipt-card a[href$='receipt/template.xlsx']")
        assert dl.value.suggested_filename.endswith(".xlsx") and "济源" in dl.value.suggested_filename
        wb = openpyxl.load_workbook(io.BytesIO(Path(dl.value.path()).read_bytes()))
        ws = wb["回执"]
        head = next(r for r in range(1, 20) if ws.cell(r, 2).value == "姓名")
        people = [("赵磊", "济源示范区卫生健康委员会", "副主任", "13903911001"),
                  ("孙悦", "济源示范区卫生健康委员会", "基层卫生科科长", "13903911002")]
        for i, person in enumerate(people, start=1):
            for col, value in enumerate(person, start=2):
                ws.cell(head + i, col, value)
        tech = next(r for r in range(head, ws.max_row + 1) if ws.cell(r, 1).value == "视频调试负责人") + 2
        for col, value in enumerate(("孙悦", "济源示范区卫生健康委员会", "基层卫生科科长", "13903911002"), start=1):
            ws.cell(tech, col, value)
        buf = io.BytesIO()
        wb.save(buf)
        c.click("#receipt-card a:has-text('填报回执')")
        if not c.locator("details:has(input[name=receipt_file])").evaluate("d => d.open"):
            c.click("details:has(input[name=receipt_file]) summary")
        c.set_input_files("input[name=receipt_file]", files=[{
            "name": "济源回执.xlsx", "buffer": buf.getvalue(),
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
        c.click("button:has-text('上传并导入')")
        c.wait_for_load_state("networkidle")
        said = " ".join(c.locator(".messages").all_inner_texts())
        assert "已从文件导入回执（第1版，2人）" in said and "缺视频调试负责人" not in said, said
        assert "确认邮件将发送至：jy-wjw@example.gov.cn" in said, said
        assert any(mail["kind"] == "receipt.confirmation" and "jy-wjw@example.gov.cn" in mail["to"]
                   for mail in _outbox(live_app, slug))  # the promise is kept
        assert "已提交第1版" in c.locator("#receipt-card").inner_text()
        assert "孙悦 13903911002" in c.locator("#tech-contact").inner_text()
        _look(c, screenshot, "roles-branch-uploaded-desktop")

        # asks for more time; the organizer agrees in one click and the coordinator is mailed
        c.fill("#id_req-until", "2026-12-18T12:00")
        c.fill("#ext-reason", "分管领导出差，名单待其返回后确定")
        c.click("#extension-submit")
        c.wait_for_load_state("networkidle")
        assert "延期申请已提交" in c.locator(".messages").first.inner_text()
        org.goto(f"{url}/manage/{slug}/")
        org.click("form[action*='/grant/'] button")
        org.wait_for_load_state("networkidle")
        assert "已同意济源示范区分会场延期，并已邮件通知" in org.locator(".messages").first.inner_text()
        mails = _outbox(live_app, slug)
        assert any(mail["kind"] == "extension" and "jy-wjw@example.gov.cn" in mail["to"]
                   and "2026年12月18日 12:00" in mail["body"] for mail in mails), mails

        # -- the organizer schedules the rehearsal; the coordinator sees the slot and the self-test link
        org.goto(f"{url}/manage/{slug}/venues/{SLUG_CODE}/")
        org.click("#rehearsal-pages a:has-text('排程与邀请')")
        org.click("button:has-text('生成时段')")
        org.wait_for_load_state("networkidle")
        _look(org, screenshot, "roles-rehearsal-schedule-desktop")
        c.goto(f"{url}/manage/{slug}/venues/{SLUG_CODE}/")
        card = c.locator("#rehearsal-card").inner_text()
        assert "12月21日" in card and "尚未排定" not in card, card
        selftest = c.locator("input[value*='/t/']").first.input_value()
        t = own(390)
        t.goto(selftest)
        assert t.locator("#selftest-start").count() == 1
        _look(t, screenshot, "roles-selftest-link-phone")

        # -- an attendee: the personal declaration link from the venue's list of links
        c.click("a:has-text('入场资格与人员更换')")
        c.click("#send-links")
        sms = c.locator("#links li", has_text="孙悦").locator("textarea").input_value()
        link = re.search(r"https?://\S+/d/\S+/", sms).group(0)
        _look(c, screenshot, "roles-declaration-links-desktop")
        a = own(390)
        a.goto(link)
        assert "孙悦" in a.inner_text("main") and "请提前 15 分钟入位" in a.inner_text("main")  # the notice's 提前15分钟
        _look(a, screenshot, "roles-declaration-phone")

        # -- the health officer, reached from the home page, and door staff, at their door on signing in
        live_app.huiwu("user", "add", "hn_health", "--role", "health", "--event", slug, "--password-stdin",
                       stdin="Hn-health-2026!\n")
        live_app.huiwu("user", "add", "hn_door", "--role", "door", "--event", slug, "--venue", SLUG_CODE,
                       "--password-stdin", stdin="Hn-door-pass-2026!\n")
        h = own()
        login(h, url, "hn_health", "Hn-health-2026!")
        h.click("a:has-text('健康申报')")
        h.wait_for_load_state("networkidle")
        _look(h, screenshot, "roles-health-list-desktop")
        d = own(390)
        login(d, url, "hn_door", "Hn-door-pass-2026!")  # door staff land on their door page
        d.wait_for_url(f"**/checkin/{slug}/door/{SLUG_CODE}/")
        d.wait_for_selector("#roster-note:not(:empty)")  # the roster has arrived
        d.fill("#q", "赵磊")
        d.wait_for_selector("#hits li")
        assert "赵磊" in d.locator("#hits").inner_text()
        _look(d, screenshot, "roles-door-search-phone")

        # -- the organizer's overview: both filings counted by the rule the report uses
        org.goto(f"{url}/manage/{slug}/")
        jy = org.locator(f"#venues tbody tr[data-code='{SLUG_CODE}']").inner_text()
        assert "已报 v1" in jy and "孙悦" in jy
        assert "部分单位已报 1/3" in org.locator("#venues tbody tr[data-code='main']").inner_text()
        _look(org, screenshot, "roles-overview-desktop")
        mo = own(390)
        login(mo, url, "hn_org", "Hn-org-pass-2026!")
        for path in (f"/manage/{slug}/", f"/manage/{slug}/venues/main/", f"/e/{slug}/"):
            mo.goto(url + path)
            _look(mo, screenshot, "roles-" + path.strip("/").replace("/", "-") + "-phone")
    finally:
        for ctx in contexts:
            ctx.close()
        if slug:  # leave the shared live server as other tests expect it
            live_app.huiwu("shell", "-c", "from huiwu.events.models import Event; "
                           f"Event.objects.filter(slug='{slug}').delete()")
