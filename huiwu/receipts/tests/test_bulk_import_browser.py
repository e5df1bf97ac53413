"""In a real browser against `huiwu up`: an organizer drops three receipt files received by e-mail
into the import page at once (the real <input type=file multiple>), reads the results table, and
files the valid rows of the one that needs review. Screenshots at 1280 and 390 px."""

from __future__ import annotations

import io
import urllib.request

import docx
import openpyxl

SLUG = "lifelong-learning-week-2021"
PASSWORD = "Bulk-org-pass-2021!"


def _no_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _template(url: str, code: str, fmt: str) -> bytes:
    """The venue's receipt form as the public notice hands it out (with its venue marker)."""
    with urllib.request.urlopen(f"{url}/e/{SLUG}/templates/{code}.{fmt}", timeout=30) as resp:
        return resp.read()


def _hunan_docx(url: str, code: str = "430000", unit: str = "湖南省教育厅", prefix: str = "1397310") -> bytes:
    d = docx.Document(io.BytesIO(_template(url, code, "docx")))
    for i, name in enumerate(["龙  飞", "向晓燕", "彭  博", "谭志强"], start=1):
        cells = d.tables[0].rows[i].cells
        cells[1].text, cells[2].text, cells[3].text, cells[4].text = name, unit, "处长", f"{prefix}{i:04d}"
    c = d.tables[1].rows[1].cells
    c[0].text, c[3].text = "易  平", "13973100099"
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _guangxi_xlsx(url: str) -> bytes:
    """Three people, the third with a 10-digit phone: needs review."""
    wb = openpyxl.load_workbook(io.BytesIO(_template(url, "450000", "xlsx")))
    ws = wb["回执"]
    header = next(r for r in range(1, 30) if ws.cell(row=r, column=2).value == "姓名")
    for i, (name, phone) in enumerate([("韦  宁", 13977100001), ("覃海燕", 13977100002), ("黄  河", 1397710003)],
                                      start=1):
        for col, value in enumerate((name, "广西壮族自治区教育厅", "科长", phone), start=2):
            ws.cell(row=header + i, column=col, value=value)
    contact = next(r for r in range(header + 1, ws.max_row + 1) if ws.cell(row=r, column=1).value == "姓名")
    ws.cell(row=contact + 1, column=1, value="蒙  刚")
    ws.cell(row=contact + 1, column=4, value="13977100099")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_organizer_drops_three_files_and_reviews_them(live_app, browser, phone, login, screenshot, tmp_path):
    live_app.huiwu("user", "add", "bulk_org", "--role", "organizer", "--password-stdin", stdin=PASSWORD + "\n")
    files = {"湖南省分会场回执.docx": _hunan_docx(live_app.url), "广西回执（韦宁发来）.xlsx": _guangxi_xlsx(live_app.url)}
    files["损坏的附件.docx"] = files["湖南省分会场回执.docx"][:900]
    paths = []
    for name, data in files.items():
        p = tmp_path / name
        p.write_bytes(data)
        paths.append(str(p))

    page = browser.new_page()
    login(page, live_app.url, "bulk_org", PASSWORD)
    page.goto(f"{live_app.url}/manage/{SLUG}/")
    page.click("#bulk-import-link")
    assert page.url.endswith(f"/manage/{SLUG}/receipts/import/")
    # more files than the limit are refused before anything is sent
    page.evaluate("document.getElementById('bulk-form').setAttribute('data-max', '2')")
    page.set_input_files("#bulk-files", paths)
    assert page.locator("#bulk-picked").inner_text() == "一次最多导入 100 个文件，请分成几批上传。"
    page.click("#bulk-submit")
    assert page.url.endswith("/receipts/import/") and page.locator("#bulk-results").count() == 0
    page.evaluate("document.getElementById('bulk-form').setAttribute('data-max', '100')")
    page.set_input_files("#bulk-files", [])
    page.set_input_files("#bulk-files", paths)
    assert page.locator("#bulk-picked").inner_text() == "已选择文件数：3"
    page.click("#bulk-submit")
    page.wait_for_load_state("networkidle")
    assert "/receipts/import/" in page.url and page.locator("#bulk-results").count() == 1

    rows = page.locator("#bulk-results tbody tr[id^=item-]")
    assert rows.count() == 3
    hunan, guangxi, broken = (rows.nth(i).inner_text() for i in range(3))
    assert "已接收" in hunan and "湖南省分会场" in hunan and "第1版" in hunan
    assert "待核对" in guangxi and "广西壮族自治区分会场" in guangxi and "手机" in guangxi
    assert "已退回" in broken and "Traceback" not in broken
    summary = page.locator("#batch-summary").inner_text()
    assert "1\n已接收" in summary and "1\n待核对" in summary and "1\n已退回" in summary
    # colours: accepted green, needs review amber, returned red
    colours = [rows.nth(i).locator(".badge").evaluate("e => getComputedStyle(e).color") for i in range(3)]
    assert colours == ["rgb(27, 127, 59)", "rgb(161, 92, 0)", "rgb(179, 38, 30)"]
    assert _no_overflow(page)
    screenshot(page, "bulk-import-desktop")

    # the Guangxi file: file its two valid rows without uploading it again
    rows.nth(1).locator("button:has-text('只导入无误的行')").click()
    page.wait_for_load_state("networkidle")
    assert "已导入广西壮族自治区分会场：2 人" in page.locator(".messages").inner_text()
    guangxi = page.locator("#bulk-results tbody tr[id^=item-]").nth(1).inner_text()
    assert "已接收" in guangxi and "第1版" in guangxi
    batch_url = page.url.split("#", 1)[0]
    page.click("#bulk-results a[href$='/venues/430000/']")
    page.wait_for_load_state("networkidle")
    assert "/venues/430000/" in page.url and "龙飞" in page.content()

    mobile = phone.new_page()
    login(mobile, live_app.url, "bulk_org", PASSWORD)
    mobile.goto(batch_url)
    assert mobile.locator("#bulk-results tbody tr[id^=item-]").count() == 3
    assert "待核对" not in mobile.locator("#bulk-results").inner_text()
    assert _no_overflow(mobile)
    screenshot(mobile, "bulk-import-phone")

    # 只检查，不保存: a check first, then the import in one click
    hainan = tmp_path / "海南省回执.docx"
    hainan.write_bytes(_hunan_docx(live_app.url, "460000", "海南省教育厅", "1398980"))
    page.goto(f"{live_app.url}/manage/{SLUG}/receipts/import/")
    page.set_input_files("#bulk-files", [str(hainan)])
    page.check("#bulk-dry")
    page.click("#bulk-submit")
    page.wait_for_load_state("networkidle")
    assert "只检查，未保存" in page.locator("#batch h2").inner_text()
    assert "检查通过" in page.locator("#bulk-results tbody tr").first.inner_text()
    screenshot(page, "bulk-import-dry-run-desktop")
    page.click("#commit-form button")
    page.wait_for_load_state("networkidle")
    assert "已正式导入：1 个已接收" in page.locator(".messages").inner_text()
    row = page.locator("#bulk-results tbody tr").first.inner_text()
    assert "已接收" in row and "第1版" in row and "海南省分会场" in row
