"""Rosters: every format from the CLI, the pages and the API; safe cells; tenancy; masking; audit."""

from __future__ import annotations

import csv
import io
import zipfile

import docx
import openpyxl
import pytest
from django.core.management import call_command

from huiwu.audit.models import AuditEntry
from huiwu.receipts.models import Attendee
from huiwu.reports import roster as rosters
from huiwu.reports.services import export_roster


def add(venue, name, *, unit="测试单位", position="代表", phone="", order=0, status=Attendee.Status.ACTIVE):
    return Attendee.objects.create(event=venue.event, venue=venue, name=name, unit=unit, position=position,
                                   phone=phone, order=order, status=status, filed_by_unit=venue.host_unit)


@pytest.fixture
def filled(demo_event):
    main = demo_event.venues.get(code="main")
    bj = demo_event.venues.get(code="110000")
    sh = demo_event.venues.get(code="310000")
    add(main, "王立", unit="教育部职业教育与成人教育司", position="处长", phone="13800138000", order=1)
    add(bj, "=HYPERLINK(\"http://evil\",\"x\")", unit="+北京市教委", position="@SUM(A1)", phone="13900139000")
    add(bj, "李四", unit="-北京开放大学", position="校长", phone="13700137000", order=2)
    add(sh, "赵六", unit="上海市教委", phone="13600136000")
    add(sh, "钱七", unit="上海市教委", status=Attendee.Status.REPLACED)
    return demo_event


def test_xlsx_rows_in_venue_order_and_no_formula(filled):
    data = export_roster(filled, "xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0] == ["序号", "会场代码", "会场", "姓名", "单位", "职务", "类别", "手机"]
    assert [r[3] for r in rows[1:]] == ["王立", "=HYPERLINK(\"http://evil\",\"x\")", "李四", "赵六"]
    assert rows[1][0] == 1 and rows[4][0] == 4
    # the main venue has no code people would know ("main" is the system's): the venue column names it
    assert rows[1][1] is None and rows[1][2] == filled.venues.get(code="main").name
    assert rows[3][1] == "110000"
    assert rows[2][4] == "+北京市教委" and rows[2][5] == "@SUM(A1)" and rows[2][7] == "13900139000"
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet
    for cell in ws[3]:
        if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
            assert cell.data_type == "s" and cell.quotePrefix


def test_csv_has_bom_and_apostrophes(filled):
    data = export_roster(filled, "csv", columns="name,unit,position,phone")
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["姓名", "单位", "职务", "手机"]
    assert rows[2] == ["'=HYPERLINK(\"http://evil\",\"x\")", "'+北京市教委", "'@SUM(A1)", "13900139000"]
    assert rows[3][1] == "'-北京开放大学"
    assert all(r[0] != "钱七" for r in rows)  # replaced people are not on the list


def test_unknown_columns_say_what_is_allowed(filled):
    with pytest.raises(rosters.RosterError, match="不认识的列：salary"):
        export_roster(filled, "csv", columns="name,salary")


def test_docx_is_an_official_list_by_venue(filled):
    d = docx.Document(io.BytesIO(export_roster(filled, "docx")))
    texts = [p.text for p in d.paragraphs]
    assert texts[0] == "参会人员名单"
    assert "一、主会场（1人）" in texts and "二、北京市分会场（2人）" in texts and "三、上海市分会场（1人）" in texts
    assert [c.text for c in d.tables[1].rows[0].cells] == ["序号", "姓名", "单位", "职务", "类别", "手机"]
    assert d.tables[1].rows[2].cells[1].text == "李四"
    sect = d.sections[0]
    assert round(sect.top_margin.mm) == 37 and round(sect.left_margin.mm) == 28
    from docx.oxml.ns import qn

    for p in d.paragraphs:
        for r in p.runs:
            assert r._element.rPr.rFonts.get(qn("w:eastAsia"))


def test_pdf_has_every_name(filled):
    from pypdf import PdfReader

    data = export_roster(filled, "pdf", columns="name,unit")
    assert data.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    for name in ("王立", "李四", "赵六"):
        assert name in text


def test_cli_per_venue_and_audited(filled, tmp_path):
    out = tmp_path / "bj.xlsx"
    call_command("export", "roster", filled.slug, "--venue", "110000", "--format", "xlsx", "-o", str(out))
    ws = openpyxl.load_workbook(out).active
    assert [r[3].value for r in ws.iter_rows(min_row=2)] == ["=HYPERLINK(\"http://evil\",\"x\")", "李四"]
    entry = AuditEntry.objects.get(action="roster.export")
    assert entry.venue.code == "110000" and entry.after["format"] == "xlsx"


def test_cli_refuses_unknown_venue(filled, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="没有代码为“999999”"):
        call_command("export", "roster", filled.slug, "--venue", "999999", "--format", "csv", "-o", str(tmp_path / "x"))


def test_pages_organizer_gets_event_roster_coordinator_only_own_venue(filled, organizer, coordinator, client):
    slug = filled.slug
    client.force_login(organizer)
    r = client.get(f"/manage/{slug}/roster.csv")
    assert r.status_code == 200 and "赵六" in r.content.decode("utf-8-sig")
    assert "attachment" in r["Content-Disposition"]
    client.force_login(coordinator)
    assert client.get(f"/manage/{slug}/roster.csv").status_code == 403
    r = client.get(f"/manage/{slug}/venues/110000/roster.csv")
    body = r.content.decode("utf-8-sig")
    assert r.status_code == 200 and "李四" in body and "赵六" not in body
    assert client.get(f"/manage/{slug}/venues/310000/roster.csv").status_code == 404
    assert AuditEntry.objects.filter(action="roster.export", actor=coordinator).count() == 1


def test_door_staff_see_masked_phones(filled, make_user, client):
    door = make_user("door_bj", "door", venue=filled.venues.get(code="110000"))
    client.force_login(door)
    body = client.get(f"/manage/{filled.slug}/venues/110000/roster.csv").content.decode("utf-8-sig")
    assert "139****9000" in body and "13900139000" not in body


def test_api_roster(filled, organizer, coordinator, api_client):
    c = api_client(organizer)
    r = c.get(f"/api/v1/events/{filled.slug}/roster?format=xlsx&columns=name,phone")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert ws.max_row == 5 and ws["A1"].value == "姓名"
    bad = c.get(f"/api/v1/events/{filled.slug}/roster?format=odt")
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid"
    cc = api_client(coordinator)
    assert cc.get(f"/api/v1/events/{filled.slug}/roster").status_code == 403
    assert cc.get(f"/api/v1/events/{filled.slug}/venues/310000/roster").status_code == 404
    r = cc.get(f"/api/v1/events/{filled.slug}/venues/110000/roster?format=docx")
    assert r.status_code == 200 and "李四" in "".join(p.text for t in docx.Document(io.BytesIO(r.content)).tables
                                                    for row in t.rows for p in row.cells[1].paragraphs)


def test_venue_page_links_its_roster(filled, coordinator, client):
    client.force_login(coordinator)
    body = client.get(f"/manage/{filled.slug}/venues/110000/").content.decode()
    for fmt in ("xlsx", "csv", "docx", "pdf"):
        assert f"/manage/{filled.slug}/venues/110000/roster.{fmt}" in body
