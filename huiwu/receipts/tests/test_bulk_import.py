"""The organizer's page for many receipt files at once, and its API route.

Files are the venues' own templates filled in with python-docx / openpyxl (as units return them
by e-mail), a file with bad rows, a file that names no venue, and a truncated zip.
"""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta
from io import StringIO

import docx
import openpyxl
import pytest
from django.core.management import call_command
from django.utils import timezone

from huiwu.audit.models import AuditEntry
from huiwu.receipts import bulk
from huiwu.receipts.documents.templates import render_template
from huiwu.receipts.models import Attendee, ImportBatch, ImportItem, Receipt

from .files import PEOPLE, docx_bytes, simple_docx, xlsx_bytes

pytestmark = pytest.mark.django_db

SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张"


def people(n: int, unit: str, serial: int) -> list[tuple[str, str, str, str]]:
    return [(f"{SURNAMES[(i + serial) % len(SURNAMES)]}{'明华' if i % 2 else '立'}{chr(0x4e00 + serial * 40 + i)}",
             unit, "处长", f"139{serial:04d}{i:04d}") for i in range(n)]


def filled_docx(venue, rows, contact=("周  正", "13800138111")) -> bytes:
    """The venue's own .docx template (附件2 / 附件1) filled in as a unit would."""
    d = docx.Document(io.BytesIO(render_template(venue, "docx")))
    for i, (name, unit, pos, phone) in enumerate(rows, start=1):
        cells = d.tables[0].rows[i].cells
        cells[1].text, cells[2].text, cells[3].text, cells[4].text = name, unit, pos, phone
    if contact and len(d.tables) > 1:
        c = d.tables[1].rows[1].cells
        c[0].text, c[3].text = contact
    return docx_bytes(d)


def filled_xlsx(venue, rows, contact=("郑  好", "18600186000")) -> bytes:
    """The venue's own .xlsx template filled in (phones typed as numbers, as Excel keeps them)."""
    wb = openpyxl.load_workbook(io.BytesIO(render_template(venue, "xlsx")))
    ws = wb["回执"]
    header = next(r for r in range(1, 30) if ws.cell(row=r, column=2).value == "姓名")
    for i, (name, unit, pos, phone) in enumerate(rows, start=1):
        for col, value in enumerate((name, unit, pos, int(phone)), start=2):
            ws.cell(row=header + i, column=col, value=value)
    contact_header = next(r for r in range(header + 1, ws.max_row + 1) if ws.cell(row=r, column=1).value == "姓名")
    ws.cell(row=contact_header + 1, column=1, value=contact[0])
    ws.cell(row=contact_header + 1, column=4, value=contact[1])
    return xlsx_bytes(wb)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def files(demo_event):
    """Five files as received on deadline day: two good templates, one with bad rows, one that
    names no venue, one broken."""
    v = {c: demo_event.venues.get(code=c) for c in ("120000", "310000")}
    bad_rows = [*PEOPLE[:3], ("吴  磊", "北京市教育委员会", "科员", "1380013800"), ("", "北京开放大学", "老师", "13800138009")]
    no_venue = simple_docx([("李  想", "某某研究院", "研究员", "13600136000")], title=False, unit_line=None)
    return [
        ("天津市回执.docx", filled_docx(v["120000"], people(5, "天津市教育委员会", 1))),
        ("上海-分会场回执.xlsx", filled_xlsx(v["310000"], people(4, "上海市教育委员会", 2))),
        ("北京（有错行）.docx", simple_docx(bad_rows)),
        ("没写会场.docx", no_venue),
        ("坏文件.docx", simple_docx()[:700]),
    ]


def _upload(client, slug, files, **extra):
    uploads = []
    for name, data in files:
        f = io.BytesIO(data)
        f.name = name
        uploads.append(f)
    return client.post(f"/manage/{slug}/receipts/import/", {"files": uploads, **extra})


def _batch_page(client, resp):
    assert resp.status_code == 302, resp.content[:500]
    page = client.get(resp["Location"])
    assert page.status_code == 200
    return page.content.decode()


def _rows(html: str) -> dict[str, str]:
    """The results table as {file name: the row's text}."""
    body = html.split('id="bulk-results"', 1)[1].split("</table></div>", 1)[0]
    out = {}
    for tr in re.findall(r"<tr id=\"item-\d+\".*?</tr>\s*(?=<tr id|</tbody>)", body, re.S):
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", tr))
        name = re.search(r'class="file">(?:<a [^>]*>)?([^<]+)', tr).group(1)
        out[name] = text
    return out


def test_many_files_at_once_each_filed_on_its_venue(client, organizer, demo_event, files, media):
    client.force_login(organizer)
    html = _batch_page(client, _upload(client, demo_event.slug, files))
    rows = _rows(html)
    assert list(rows) == [n for n, _ in files]
    assert "已接收" in rows["天津市回执.docx"] and "天津市分会场" in rows["天津市回执.docx"]
    assert "第1版" in rows["天津市回执.docx"] and " 5 " in rows["天津市回执.docx"]
    assert "已接收" in rows["上海-分会场回执.xlsx"] and "上海市分会场" in rows["上海-分会场回执.xlsx"]
    assert "待核对" in rows["北京（有错行）.docx"] and "第6行" in rows["北京（有错行）.docx"]
    assert "待核对" in rows["没写会场.docx"] and "未识别" in rows["没写会场.docx"]
    assert "已退回" in rows["坏文件.docx"]
    summary = re.sub(r"<[^>]+>", " ", html.split('id="batch-summary">', 1)[1].split("</ul>", 1)[0])
    assert re.sub(r"\s+", " ", summary).strip().startswith("2 已接收 2 待核对 1 已退回 5 个文件 9 人已导入")
    # filed through the service: versions, channel, the source file; the batch keeps every file
    assert Attendee.objects.filter(venue__code="120000", status="active").count() == 5
    assert Attendee.objects.filter(venue__code="310000", status="active").count() == 4
    assert not Attendee.objects.filter(venue__code="110000").exists()
    assert Receipt.objects.get(venue__code="120000").channel == "upload"
    batch = ImportBatch.objects.get()
    assert batch.created_by == organizer and [i.status for i in batch.items.all()] == [
        "accepted", "accepted", "needs_review", "needs_review", "rejected"]
    for item, (name, data) in zip(batch.items.all(), files, strict=True):
        assert item.filename == name and item.file.read() == data
        assert str(media) in item.file.path and name not in item.file.name  # stored under a neutral name
    entry = AuditEntry.objects.get(action="receipt.bulk_import")
    assert entry.after == {"files": 5, "accepted": 2, "needs_review": 2, "rejected": 1, "dry_run": False,
                           "accept_partial": False, "source": "web", "venue": None}
    # accepted rows link to their venue page; past batches are listed
    assert f'href="/manage/{demo_event.slug}/venues/120000/"' in html
    assert "以往批次" in html and f"/manage/{demo_event.slug}/receipts/import/{batch.pk}/" in html


def test_bad_rows_then_only_the_valid_rows(client, organizer, demo_event, files):
    client.force_login(organizer)
    _upload(client, demo_event.slug, files)
    item = ImportItem.objects.get(filename="北京（有错行）.docx")
    assert item.status == "needs_review" and item.venue.code == "110000"
    assert sorted(e["row"] for e in item.report["errors"]) == [5, 6]  # the header is row 1
    assert not Attendee.objects.filter(venue__code="110000").exists()
    html = _batch_page(client, client.post(f"/manage/{demo_event.slug}/receipts/import/files/{item.pk}/rerun/",
                                           {"action": "partial"}))
    item.refresh_from_db()
    assert item.status == "accepted" and item.runs == 2
    assert Attendee.objects.filter(venue__code="110000", status="active").count() == 3
    row = _rows(html)["北京（有错行）.docx"]
    assert "已接收" in row and "第1版" in row and "已按确认只导入无误的 3 行" in row
    assert "只导入无误的行" not in row
    assert AuditEntry.objects.filter(action="receipt.bulk_import.rerun", object_id=str(item.pk)).exists()


def test_file_without_venue_is_filed_where_the_organizer_says(client, organizer, demo_event, files):
    client.force_login(organizer)
    html = _batch_page(client, _upload(client, demo_event.slug, files))
    item = ImportItem.objects.get(filename="没写会场.docx")
    row = _rows(html)["没写会场.docx"]
    assert "指定会场" in row and "只导入无误的行" not in row  # the venue is in doubt, not the rows
    assert '<option value="440300">深圳市分会场（440300）</option>' in html
    # a value that is no venue of this event is refused in plain words
    client.post(f"/manage/{demo_event.slug}/receipts/import/files/{item.pk}/rerun/", {"action": "venue", "venue": "999999"})
    item.refresh_from_db()
    assert item.status == "needs_review" and item.runs == 1
    html = _batch_page(client, client.post(f"/manage/{demo_event.slug}/receipts/import/files/{item.pk}/rerun/",
                                           {"action": "venue", "venue": "440300"}))
    item.refresh_from_db()
    assert item.status == "accepted" and item.venue.code == "440300" and item.chosen_venue.code == "440300"
    assert Attendee.objects.get(venue__code="440300").name == "李想"
    assert "“没写会场.docx”已导入深圳市分会场：1 人。" in html


def test_main_venue_file_gets_its_unit_from_the_choice(client, organizer, demo_event):
    main = demo_event.venues.get(code="main")
    unit = main.invited_units.get(unit__name="中国成人教育协会").unit
    data = simple_docx([("卫  青", "中国成人教育协会", "副会长", "13600136111")], title=False, unit_line="主会场参会回执")
    client.force_login(organizer)
    html = _batch_page(client, _upload(client, demo_event.slug, [("主会场.docx", data)]))
    assert f'value="main:{unit.pk}"' in html
    item = ImportItem.objects.get()
    assert item.status == "needs_review" and item.report["errors"][0]["field"] == "unit"
    client.post(f"/manage/{demo_event.slug}/receipts/import/files/{item.pk}/rerun/",
                {"action": "venue", "venue": f"main:{unit.pk}"})
    item.refresh_from_db()
    assert item.status == "accepted" and Receipt.objects.get(venue=main).unit == unit


def test_hostile_file_is_returned_with_a_plain_message(client, organizer, demo_event):
    client.force_login(organizer)
    zip_bomb_free = [("截断.docx", simple_docx()[:700]), ("程序.xlsx", b"MZ\x90\x00" + b"\0" * 200),
                     ("宏.docm", simple_docx())]
    html = _batch_page(client, _upload(client, demo_event.slug, zip_bomb_free))
    rows = _rows(html)
    for name, _ in zip_bomb_free:
        assert "已退回" in rows[name] and "Traceback" not in rows[name] and "Error" not in rows[name]
        assert "指定会场" not in rows[name] and "只导入无误的行" not in rows[name]
    assert "请" in rows["截断.docx"]  # says what to do
    assert "程序" in rows["程序.xlsx"] and "宏" in rows["宏.docm"]
    assert not Receipt.objects.exists()


def test_dry_run_saves_nothing_then_imports_what_passed(client, organizer, demo_event, files):
    client.force_login(organizer)
    html = _batch_page(client, _upload(client, demo_event.slug, files, dry_run="1"))
    assert "只检查，未保存" in html and "检查通过" in _rows(html)["天津市回执.docx"]
    assert not Receipt.objects.exists() and not Attendee.objects.exists()
    batch = ImportBatch.objects.get()
    assert batch.dry_run and "正式导入检查通过的文件" in html
    html = _batch_page(client, client.post(f"/manage/{demo_event.slug}/receipts/import/{batch.pk}/commit/"))
    assert "已正式导入：2 个已接收，0 个待核对，0 个已退回。" in html
    assert Attendee.objects.filter(status="active").count() == 9
    rows = _rows(html)
    assert "已接收" in rows["天津市回执.docx"] and "第1版" in rows["天津市回执.docx"]
    assert "待核对" in rows["北京（有错行）.docx"]  # still waiting for the organizer's decision
    assert "正式导入检查通过的文件" not in html


def test_same_files_again_change_nothing(client, organizer, demo_event, files):
    client.force_login(organizer)
    _upload(client, demo_event.slug, files[:2])
    html = _batch_page(client, _upload(client, demo_event.slug, files[:2]))
    assert "（未变）" in _rows(html)["天津市回执.docx"]
    assert Receipt.objects.filter(venue__code="120000").count() == 1


def test_limits_on_count_and_size(client, organizer, demo_event, settings):
    client.force_login(organizer)
    settings.HUIWU_MAX_IMPORT_FILES = 2
    resp = _upload(client, demo_event.slug, [(f"{i}.docx", simple_docx()) for i in range(3)])
    assert resp.status_code == 302 and not ImportBatch.objects.exists()
    page = client.get(resp["Location"]).content.decode()
    assert "一次最多导入 2 个文件，本次选择了 3 个。请分成几批上传。" in page
    resp = client.post(f"/manage/{demo_event.slug}/receipts/import/", {})
    assert "请选择要导入的回执文件" in client.get(resp["Location"]).content.decode()
    settings.HUIWU_MAX_IMPORT_FILES = 100
    settings.HUIWU_MAX_IMPORT_TOTAL_BYTES = 2 * len(simple_docx()) + 10
    resp = _upload(client, demo_event.slug, [(f"{i}.docx", simple_docx()) for i in range(3)])
    assert re.search(r"这些文件共 0\.\d MB，一次最多导入 \d+ MB。请分成几批上传。", client.get(resp["Location"]).content.decode())
    assert not ImportBatch.objects.exists()
    del settings.HUIWU_MAX_IMPORT_TOTAL_BYTES
    settings.HUIWU_MAX_UPLOAD_BYTES = 20_000
    big = simple_docx() + b"\0" * 30_000  # a zip with trailing bytes, over the limit
    html = _batch_page(client, _upload(client, demo_event.slug, [("大.docx", big)]))
    assert "文件太大" in _rows(html)["大.docx"]
    item = ImportItem.objects.get()
    assert item.status == "rejected" and not item.file and item.size == 20_001  # read no further than limit + 1


def test_only_organizers(client, coordinator, organizer, demo_event, files):
    client.force_login(organizer)
    _upload(client, demo_event.slug, files[:1])
    item = ImportItem.objects.get()
    client.force_login(coordinator)
    base = f"/manage/{demo_event.slug}/receipts/import"
    assert client.get(base + "/").status_code == 403
    assert _upload(client, demo_event.slug, files[1:2]).status_code == 403
    assert client.get(f"{base}/{item.batch_id}/").status_code == 403
    assert client.get(f"{base}/files/{item.pk}/download/").status_code == 403
    assert client.post(f"{base}/files/{item.pk}/rerun/", {"action": "partial"}).status_code == 403
    assert client.get("/manage/no-such-event/receipts/import/").status_code == 404
    assert ImportBatch.objects.count() == 1
    client.logout()
    assert client.get(base + "/").status_code == 302  # to the login page


def test_organizer_downloads_the_kept_file_and_overview_links_here(client, organizer, demo_event, files):
    client.force_login(organizer)
    _upload(client, demo_event.slug, files[:1])
    item = ImportItem.objects.get()
    resp = client.get(f"/manage/{demo_event.slug}/receipts/import/files/{item.pk}/download/")
    assert resp.status_code == 200 and b"".join(resp.streaming_content) == files[0][1]
    assert "attachment" in resp["Content-Disposition"]
    overview = client.get(f"/manage/{demo_event.slug}/").content.decode()
    assert f'href="/manage/{demo_event.slug}/receipts/import/"' in overview


def test_purge_deletes_files_and_names_after_the_event(client, organizer, demo_event, files, settings):
    client.force_login(organizer)
    _upload(client, demo_event.slug, files[:3])
    paths = [i.file.path for i in ImportItem.objects.all()]
    assert bulk.purge_import_files() == 0  # the event has not ended yet
    demo_event.starts_at = timezone.now() - timedelta(days=settings.HUIWU_PURGE_AFTER_DAYS + 2)
    demo_event.ends_at = demo_event.starts_at + timedelta(hours=2)
    demo_event.save()
    assert bulk.purge_import_files() == 3
    import os

    assert not any(os.path.exists(p) for p in paths)
    batch = ImportBatch.objects.get()
    assert batch.purged_at is not None
    for item in batch.items.all():
        assert not item.file and "attendees" not in item.report and item.report["purged"] is True
    assert bulk.purge_import_files() == 0  # once
    html = client.get(f"/manage/{demo_event.slug}/receipts/import/{batch.pk}/").content.decode()
    assert "文件已于会后删除" in html and "天津市回执.docx" in html and "处长" not in html
    row = _rows(html)["天津市回执.docx"]
    assert "已接收" in row and " 5 " in row
    assert AuditEntry.objects.filter(action="receipt.bulk_import.purge").count() == 1
    # a kept file that is gone cannot be re-run: said plainly
    review = ImportItem.objects.get(filename="北京（有错行）.docx")
    client.post(f"/manage/{demo_event.slug}/receipts/import/files/{review.pk}/rerun/", {"action": "partial"})
    assert "无法重新导入" in client.get(f"/manage/{demo_event.slug}/receipts/import/").content.decode()


def test_nightly_task_runs_the_purge(demo_event):
    from huiwu.admission.tasks import purge_import_files_task

    assert purge_import_files_task.call_local() == 0


# -- API ----------------------------------------------------------------------------------------------
def _api_upload(client, slug, files, **flags):
    uploads = []
    for name, data in files:
        f = io.BytesIO(data)
        f.name = name
        uploads.append(f)
    return client.post(f"/api/v1/events/{slug}/receipts/import", {"files": uploads, **flags})


def test_api_returns_the_clis_json(api_client, organizer, demo_event, files, tmp_path):
    client = api_client(organizer)
    resp = _api_upload(client, demo_event.slug, files, dry_run="true")
    assert resp.status_code == 200, resp.content[:300]
    api_json = resp.json()
    paths = []
    for name, data in files:
        p = tmp_path / name
        p.write_bytes(data)
        paths.append(str(p))
    out = StringIO()
    call_command("receipt", "import", demo_event.slug, *paths, "--dry-run", "--json", stdout=out)
    assert api_json == json.loads(out.getvalue())
    assert not Receipt.objects.exists()
    # for real: filed, and kept as a batch the organizer can review on the page
    resp = _api_upload(client, demo_event.slug, files)
    got = resp.json()["files"]
    assert [f["status"] for f in got] == ["accepted", "accepted", "needs_review", "needs_review", "rejected"]
    assert got[0]["venue"] == "120000" and got[0]["version"] == 1 and len(got[0]["attendees"]) == 5
    batch = ImportBatch.objects.filter(dry_run=False).get()
    assert batch.source == "api" and batch.items.count() == 5


def test_api_venue_and_accept_partial(api_client, organizer, demo_event, files):
    client = api_client(organizer)
    got = _api_upload(client, demo_event.slug, [files[2], files[3]], accept_partial="1", venue="110000").json()["files"]
    assert [(f["status"], f["venue"]) for f in got] == [("accepted", "110000"), ("accepted", "110000")]
    resp = _api_upload(client, demo_event.slug, files[:1], venue="123456")
    assert resp.status_code == 422 and resp.json()["error"]["code"] == "invalid"
    assert "123456" in resp.json()["error"]["message"]


def test_api_is_for_organizers_only(api_client, coordinator, organizer, demo_event, files, settings):
    resp = _api_upload(api_client(coordinator), demo_event.slug, files[:1])
    assert resp.status_code == 403 and resp.json()["error"]["code"] == "forbidden"
    resp = _api_upload(api_client(coordinator), "no-such-event", files[:1])
    assert resp.status_code == 404 and resp.json()["error"]["code"] == "not_found"
    assert not Receipt.objects.exists() and not ImportBatch.objects.exists()
    org = api_client(organizer)
    resp = org.post(f"/api/v1/events/{demo_event.slug}/receipts/import", {}, content_type="application/json")
    assert resp.status_code == 422 and "multipart" in resp.json()["error"]["message"]
    settings.HUIWU_MAX_IMPORT_FILES = 1
    resp = _api_upload(org, demo_event.slug, files[:2])
    assert resp.status_code == 422 and "一次最多导入 1 个文件" in resp.json()["error"]["message"]


def test_api_route_is_in_openapi(client):
    from huiwu.core.api import api

    op = api.get_openapi_schema()["paths"]["/api/v1/events/{event}/receipts/import"]["post"]
    schema = op["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert schema["properties"]["files"]["type"] == "array" and schema["required"] == ["files"]
    assert {"dry_run", "accept_partial", "venue"} <= set(schema["properties"])


def test_deadline_day_all_branch_venues_at_once(client, organizer, demo_event, count_queries):
    """The 37 branch venues' forms (30 people each, Word and Excel mixed) in one upload."""
    import time

    branches = list(demo_event.venues.filter(kind="branch").order_by("order"))
    assert len(branches) == 37
    files = []
    for n, v in enumerate(branches, start=1):
        unit = v.host_unit.name
        make = filled_docx if n % 2 else filled_xlsx
        files.append((f"{v.name}回执.{'docx' if n % 2 else 'xlsx'}", make(v, people(30, unit, n))))
    client.force_login(organizer)
    started = time.perf_counter()
    with count_queries() as ctx:
        resp = _upload(client, demo_event.slug, files)
    elapsed = time.perf_counter() - started
    print(f"\n37 files x 30 people through the import page: {elapsed:.2f} s, {len(ctx)} SQL statements")
    with count_queries() as page_queries:
        html = _batch_page(client, resp)
    assert len(page_queries) <= 10, [q["sql"] for q in page_queries]  # 7, the same for 3 files or 37
    assert ImportBatch.objects.get().items.filter(status="accepted").count() == 37, [
        (i.filename, i.report["errors"]) for i in ImportItem.objects.exclude(status="accepted")]
    assert Attendee.objects.filter(status="active").count() == 37 * 30
    assert "37 已接收" in re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_corrected_file_in_the_same_batch_is_the_one_that_counts(client, organizer, demo_event):
    tianjin = demo_event.venues.get(code="120000")
    first = filled_docx(tianjin, people(5, "天津市教育委员会", 7))
    corrected = filled_docx(tianjin, people(6, "天津市教育委员会", 7))
    client.force_login(organizer)
    rows = _rows(_batch_page(client, _upload(client, demo_event.slug, [("天津.docx", first), ("天津（更正）.docx", corrected)])))
    assert "第1版" in rows["天津.docx"] and "本批第 2 个文件也报了这个会场（第2版），以该版为准。" in rows["天津.docx"]
    assert "第2版" in rows["天津（更正）.docx"] and "以该版为准" not in rows["天津（更正）.docx"]
    assert Attendee.objects.filter(venue=tianjin, status="active").count() == 6


def test_huiwu_purge_command_deletes_the_kept_files(client, organizer, demo_event, files):
    client.force_login(organizer)
    _upload(client, demo_event.slug, files[:2])
    demo_event.starts_at = timezone.now() - timedelta(days=10)
    demo_event.ends_at = demo_event.starts_at + timedelta(hours=2)
    demo_event.save()
    out = StringIO()
    call_command("purge", "--days", "20", stdout=out)
    assert "已删除0个批量导入时保存的回执文件" in out.getvalue()
    call_command("purge", "--days", "5", "--event", demo_event.slug, stdout=out)
    assert "已删除2个批量导入时保存的回执文件（及结果中的名单）。" in out.getvalue()
    assert not ImportItem.objects.exclude(file="").exists()


def test_filter_by_status_and_retry_after_the_capacity_is_raised(client, organizer, demo_event, files):
    tianjin = demo_event.venues.get(code="120000")
    tianjin.capacity = 3
    tianjin.save()
    client.force_login(organizer)
    resp = _upload(client, demo_event.slug, files)
    html = client.get(resp["Location"] + "?show=needs_review").content.decode()
    assert list(_rows(html)) == ["北京（有错行）.docx", "没写会场.docx"] and "只显示 2 个文件。" in html
    html = client.get(resp["Location"] + "?show=rejected").content.decode()
    rows = _rows(html)
    assert list(rows) == ["天津市回执.docx", "坏文件.docx"]
    assert "重新导入" in rows["天津市回执.docx"] and "重新导入" not in rows["坏文件.docx"]  # a broken file stays broken
    tianjin.capacity = 30
    tianjin.save()
    item = ImportItem.objects.get(filename="天津市回执.docx")
    html = _batch_page(client, client.post(f"/manage/{demo_event.slug}/receipts/import/files/{item.pk}/rerun/",
                                           {"action": "again"}))
    assert "已接收" in _rows(html)["天津市回执.docx"]
    assert Attendee.objects.filter(venue=tianjin, status="active").count() == 5


def test_another_events_organizer_cannot_reach_this_events_files(client, organizer, make_user, demo_event, files):
    from huiwu.events.models import Event

    other = Event.objects.create(slug="other-meeting", title="另一个会议", starts_at=demo_event.starts_at,
                                 ends_at=demo_event.ends_at)
    client.force_login(organizer)
    _upload(client, demo_event.slug, files[:1])
    item = ImportItem.objects.get()
    client.force_login(make_user("org_other", "organizer", event=other))
    assert client.get(f"/manage/{other.slug}/receipts/import/").status_code == 200
    assert client.get(f"/manage/{demo_event.slug}/receipts/import/").status_code == 404
    # this event's ids under the other event's address do not exist either
    assert client.get(f"/manage/{other.slug}/receipts/import/{item.batch_id}/").status_code == 404
    assert client.get(f"/manage/{other.slug}/receipts/import/files/{item.pk}/download/").status_code == 404
    assert client.post(f"/manage/{other.slug}/receipts/import/files/{item.pk}/rerun/",
                       {"action": "again"}).status_code == 404
    assert client.post(f"/manage/{other.slug}/receipts/import/{item.batch_id}/commit/").status_code == 404
    page = client.get(f"/manage/{other.slug}/receipts/import/").content.decode()
    assert "还没有上传过文件" in page and "天津市回执.docx" not in page
