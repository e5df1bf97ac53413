"""In a real browser against `huiwu up`: a coordinator goes from the invitation link to the
confirmation of a filed receipt (ten attendees pasted from a spreadsheet), then the organizer
sees the venue as filed on the overview. Screenshots at 1280 and 390 px for a person to look at."""

from __future__ import annotations

import re
import time

SLUG = "lifelong-learning-week-2021"
CODE = "360000"  # 江西省分会场: no other live test touches it
ROWS = "\n".join(
    f"{i}\t{name}\t江西省教育厅\t{pos}\t139 3000 {i:04d}"
    for i, (name, pos) in enumerate([
        ("韩  冰", "副厅长"), ("马晓东", "处长"), ("高  洁", "副处长"), ("郑一鸣", "主任科员"),
        ("许  倩", "校长"), ("冯建国", "主任"), ("曹  宁", "会长"), ("彭丽华", "教师"),
        ("董  毅", "社区工作者"), ("萧  然", "学员代表")], start=1)
)


def _no_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_coordinator_files_from_invitation_to_confirmation(live_app, browser, phone, login, screenshot, tmp_path):
    # an organizer account of this test's own (the one-time password of `huiwu up` is another test's)
    live_app.huiwu("user", "add", "rc_org", "--role", "organizer", "--password-stdin", stdin="Rc-org-pass-2021!\n")
    org = browser.new_page()
    login(org, live_app.url, "rc_org", "Rc-org-pass-2021!")
    org.goto(f"{live_app.url}/manage/{SLUG}/venues/{CODE}/")
    assert org.locator("#inv-email").count() == 1, (org.url, org.content()[:3000])
    org.fill("#inv-email", "jiangxi@example.cn")
    org.click("#organizer-actions button:has-text('生成邀请链接')")
    link = re.search(r"https?://\S+/accounts/invite/\S+/", org.locator(".messages").inner_text()).group(0)

    started = time.monotonic()
    ctx = browser.browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)
    page = ctx.new_page()
    page.goto(link)
    page.fill("input[name=display_name]", "韩冰")
    page.fill("input[name=username]", "jiangxi_coord")
    page.fill("input[name=password]", "Jx-pass-2021!")
    page.fill("input[name=password2]", "Jx-pass-2021!")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert f"/venues/{CODE}/" in page.url
    page.click("#receipt-card a:has-text('填报回执')")
    page.fill("#id_address", "南昌市某某路 8 号")
    page.fill("#id_room", "二楼视频会议室")
    if not page.locator("details.paste").evaluate("d => d.open"):
        page.click("details.paste summary")
    page.fill("#paste", ROWS)
    page.click("#paste-apply")
    assert page.locator("#row-count").inner_text() == "10"
    assert page.locator("tr.row").nth(0).locator("input[name=name]").input_value() == "韩  冰"
    page.locator("tr.row").nth(1).locator("select[name=category]").select_option("division_lead")
    page.fill("#tech_name", "马晓东")
    page.fill("#tech_phone", "+86 139-3000-0002")
    screenshot(page, "receipt-edit-desktop")
    page.click("#submit-receipt")
    page.wait_for_load_state("networkidle")
    assert f"/venues/{CODE}/" in page.url and "/receipt/" not in page.url
    assert "回执已提交（第1版，10人）" in page.locator(".messages").inner_text()
    assert "韩冰" in page.content() and "已提交第1版" in page.content()
    screenshot(page, "venue-detail-desktop")
    with page.expect_download() as dl:
        page.click("#receipt-card a:has-text('下载确认单')")
    pdf = (tmp_path / "c.pdf")
    dl.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF") and b"STSong-Light" in pdf.read_bytes()
    elapsed = time.monotonic() - started
    print(f"coordinator flow, invitation to confirmation, 10 attendees: {elapsed:.1f} s of browser time")

    # the organizer sees the venue as filed with 10/30
    org.goto(f"{live_app.url}/manage/{SLUG}/")
    row = org.locator(f"#venues tbody tr[data-code='{CODE}']").inner_text()
    assert "已报 v1" in row and "10/30" in row and "马晓东" in row
    org.goto(f"{live_app.url}/manage/{SLUG}/venues/{CODE}/receipt/history/")
    assert "第1版" in org.content() and "韩冰" in org.content()
    screenshot(org, "receipt-history-desktop")
    org.goto(f"{live_app.url}/manage/{SLUG}/venues/{CODE}/")
    assert org.locator("#organizer-actions").count() == 1 and _no_overflow(org)
    screenshot(org, "venue-detail-organizer-desktop")

    # the same pages on a phone: nothing overflows sideways
    m = phone.new_page()
    login(m, live_app.url, "jiangxi_coord", "Jx-pass-2021!")
    for path, name in ((f"/manage/{SLUG}/venues/{CODE}/receipt/", "receipt-edit-phone"),
                       (f"/manage/{SLUG}/venues/{CODE}/", "venue-detail-phone")):
        m.goto(live_app.url + path)
        assert _no_overflow(m), path
        screenshot(m, name)
    assert _no_overflow(page)
    ctx.close()


def test_row_errors_show_in_the_browser_and_paste_into_a_cell(live_app, browser, screenshot):
    from conftest import browser_login

    live_app.huiwu("user", "add", "sx_coord", "--role", "coordinator", "--venue", "140000", "--password-stdin",
                   stdin="Sx-pass-2021!\n")
    page = browser.new_page()
    browser_login(page, live_app.url, "sx_coord", "Sx-pass-2021!")
    page.goto(f"{live_app.url}/manage/{SLUG}/venues/140000/receipt/")
    first = page.locator("tr.row").nth(0).locator("input[name=name]")
    first.focus()
    # a paste of two spreadsheet rows into the first 姓名 cell spreads over the table
    page.evaluate("""() => {
      const dt = new DataTransfer();
      dt.setData('text/plain', '王五\\t山西省教育厅\\t处长\\t1380000\\n赵六\\t山西开放大学\\t校长\\t13900001111');
      document.activeElement.dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true, cancelable: true}));
    }""")
    assert page.locator("tr.row").nth(1).locator("input[name=unit]").input_value() == "山西开放大学"
    page.fill("#tech_name", "赵六")
    page.fill("#tech_phone", "13900001111")
    page.click("#submit-receipt")
    page.wait_for_load_state("networkidle")
    assert "回执未提交" in page.content()
    assert "1380000" in page.locator("tr.row.invalid input[name=phone]").input_value()
    assert "不是有效的手机号码" in page.locator("tr.row-errors").inner_text()
    screenshot(page, "receipt-errors-desktop")
    # lines typed with single spaces (as in a chat message) go into the paste box: split as the server splits them
    page.click("details.paste summary")
    page.fill("#paste", "1 孙七 山西省教育厅 科员 139 0000 2222\n周八 山西开放大学 教师 13900003333")
    page.click("#paste-apply")
    filled = page.locator("tr.row").evaluate_all(
        "trs => trs.map(tr => ['name', 'unit', 'position', 'phone'].map(f => tr.querySelector(`[name=${f}]`).value))")
    assert ["孙七", "山西省教育厅", "科员", "13900002222"] in filled
    assert ["周八", "山西开放大学", "教师", "13900003333"] in filled
