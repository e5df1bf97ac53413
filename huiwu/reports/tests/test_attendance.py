"""The attendance report: figures from check-in, rehearsals and receipts; .docx and .pdf; the chart with
Chinese labels; the CLI, the page downloads and the overview's chart; organizers only."""

from __future__ import annotations

import io
from datetime import timedelta

import docx
import pytest
from django.core.management import call_command

from huiwu.audit.models import AuditEntry
from huiwu.receipts.models import Attendee
from huiwu.reports import attendance
from huiwu.reports.services import attendance_report


def add(venue, name, phone, status=Attendee.Status.ACTIVE):
    return Attendee.objects.create(event=venue.event, venue=venue, name=name, unit="测试单位", position="代表",
                                   phone=phone, status=status, filed_by_unit=venue.host_unit)


@pytest.fixture
def held(demo_event):
    """Beijing: 3 expected, 2 arrived (one late), 1 replaced; main: 1 expected, 1 arrived; rehearsal marked."""
    from django.utils import timezone

    from huiwu.checkin.services import code_for, scan
    from huiwu.events.models import Event
    from huiwu.rehearsals.models import Rehearsal
    from huiwu.rehearsals.services import mark, schedule

    now = timezone.now().replace(microsecond=0)
    Event.objects.filter(pk=demo_event.pk).update(starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1))
    demo_event.refresh_from_db()
    main = demo_event.venues.get(code="main")
    bj = demo_event.venues.get(code="110000")
    people = [add(bj, "张三", "13800000001"), add(bj, "李四", "13800000002"), add(bj, "王五", "13800000003")]
    add(bj, "赵六", "13800000004", status=Attendee.Status.REPLACED)
    boss = add(main, "钱七", "13800000005")
    start = demo_event.starts_at
    scan(demo_event, code_for(people[0]), at=start - timedelta(minutes=30))
    scan(demo_event, code_for(people[1]), at=start + timedelta(minutes=5))
    scan(demo_event, code_for(boss), at=start - timedelta(minutes=20))
    schedule(demo_event)
    mark(Rehearsal.objects.get(venue=bj), status="passed", video="ok", audio="ok")
    mark(Rehearsal.objects.get(venue=demo_event.venues.get(code="310000")), status="failed", video="poor", audio="ok")
    return demo_event


def test_figures_per_venue_and_totals(held):
    data = attendance.report_data(held)
    rows = {r["venue"]: r for r in data["rows"]}
    bj = rows["110000"]
    assert (bj["expected"], bj["checked_in"], bj["late"], bj["replaced"]) == (3, 2, 1, 1)
    assert bj["rehearsal"] == "通过" and rows["310000"]["rehearsal"] == "未通过"
    assert rows["main"]["checked_in"] == 1
    t = data["totals"]
    assert (t["expected"], t["checked_in"], t["late"], t["replaced"]) == (4, 3, 1, 1)
    assert t["venues"] == 38 and t["branches"] == 37
    assert t["rehearsal_passed"] == 1 and t["rehearsal_failed"] == 1 and t["rehearsal_none"] == 35
    lines = attendance.summary_lines(data)
    assert "应到 4 人，实到 3 人（到会率 75%），其中迟到 1 人" in lines[1]


def test_docx_report(held, tmp_path):
    data = attendance_report(held, "docx")
    d = docx.Document(io.BytesIO(data))
    text = "\n".join(p.text for p in d.paragraphs)
    assert "2021年全民终身学习活动周全国总开幕式参会情况报告" in text or "参会情况报告" in d.paragraphs[0].text
    assert "一、总体情况" in text and "视频调试：37 个分会场中 1 个通过" in text
    table = d.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["会场", "回执", "应到", "实到", "迟到", "更换", "不符合入场条件", "视频调试"]
    bj = next(r for r in table.rows if r.cells[0].text == "北京市分会场")
    assert [c.text for c in bj.cells[2:6]] == ["3", "2", "1", "1"]
    assert len(d.inline_shapes) == 1  # the chart
    from huiwu.core.officedoc import check_layout

    assert check_layout(data, grid=False) == []


def test_pdf_report_and_cli(held, tmp_path):
    from pypdf import PdfReader

    out = tmp_path / "r.pdf"
    call_command("report", "attendance", held.slug, "--format", "pdf", "-o", str(out))
    text = "".join(p.extract_text() for p in PdfReader(str(out)).pages)
    assert "北京市分会场" in text and "参会情况报告" in text
    assert AuditEntry.objects.filter(action="report.attendance", actor_label="cli").exists()


def test_chart_has_chinese_labels_in_a_cjk_font(held):
    font = attendance.cjk_font()
    assert font is not None, "fonts-noto-cjk is not installed (CI installs it)"
    assert "CJK" in font.get_family()[0] or "Hei" in font.get_family()[0]
    svg = attendance.chart(attendance.report_data(held), "svg").decode()
    assert svg.startswith("<?xml") and "<svg" in svg
    png = attendance.chart(attendance.report_data(held), "png")
    assert png.startswith(b"\x89PNG")
    # glyphs of CJK labels are drawn from the font (paths), none is a missing-glyph box: matplotlib warns then
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        attendance.chart(attendance.report_data(held), "png")


def test_chart_for_many_venues_shows_the_lowest(held):
    data = attendance.report_data(held)
    data["rows"] = data["rows"] * 80  # 3,040 rows
    svg = attendance.chart(data, "svg")
    assert len(svg) < 2_000_000


def test_pages_organizer_only(held, client, organizer, coordinator):
    client.force_login(organizer)
    r = client.get(f"/manage/{held.slug}/report/attendance.docx")
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    chart = client.get(f"/manage/{held.slug}/report/attendance-chart.svg")
    assert chart.status_code == 200 and chart["Content-Type"] == "image/svg+xml"
    assert client.get(f"/manage/{held.slug}/report/attendance.odt").status_code == 404
    overview = client.get(f"/manage/{held.slug}/").content.decode()
    assert f"/manage/{held.slug}/report/attendance-chart.svg" in overview
    assert f"/manage/{held.slug}/report/attendance.docx" in overview
    client.force_login(coordinator)
    assert client.get(f"/manage/{held.slug}/report/attendance.docx").status_code == 403
    assert client.get(f"/manage/{held.slug}/report/attendance-chart.svg").status_code == 403


def test_main_venue_with_one_of_two_confirmed_units_filed_is_not_filed_in_report_nor_overview(
        demo_event, client, organizer):
    """The report counts a venue as filed by the overview's rule (`receipts.services.filing_states`):
    the main venue only once every confirmed unit has filed its own list."""
    from huiwu.dashboard.overview import overview_rows, summarise
    from huiwu.receipts.services import submit_receipt
    from huiwu.venues.models import VenueUnit

    main = demo_event.venues.get(code="main")
    two = list(main.invited_units.select_related("unit").order_by("id")[:2])
    assert len(two) == 2
    VenueUnit.objects.filter(venue=main).exclude(pk__in=[vu.pk for vu in two]).delete()
    person = {"name": "王立", "unit": two[0].unit.name, "position": "处长", "phone": "13800138000"}
    submit_receipt(main, unit=two[0].unit, attendees=[person], tech_contact=None, channel="web")

    data = attendance.report_data(demo_event)
    row = {r["venue"]: r for r in data["rows"]}["main"]
    assert row["filed_version"] is None and row["units_filed"] == (1, 2)
    assert data["totals"]["filed"] == 0
    assert attendance._cells(row)[1] == "部分单位已报 1/2"
    overview = {r.code: r for r in overview_rows(demo_event)}["main"]
    assert overview.filed_version is None and overview.extra["units_filed"] == (1, 2)
    assert summarise(overview_rows(demo_event), demo_event.registration_deadline)["filed"] == 0
    client.force_login(organizer)
    assert "部分单位已报 1/2" in client.get(f"/manage/{demo_event.slug}/").content.decode()

    submit_receipt(main, unit=two[1].unit, attendees=[{**person, "name": "李四", "phone": "13900139000"}],
                   tech_contact=None, channel="web")
    data = attendance.report_data(demo_event)
    row = {r["venue"]: r for r in data["rows"]}["main"]
    assert row["filed_version"] == 1 and data["totals"]["filed"] == 1  # each unit's first version
    assert attendance._cells(row)[1] == "第1版"
    assert {r.code: r for r in overview_rows(demo_event)}["main"].filed_version == 1


def test_chart_with_nobody_listed_has_no_negative_axis(demo_event):
    """Before anyone is listed every bar is 0: the axis starts at 0 people, not at -0.045."""
    import matplotlib

    with matplotlib.rc_context({"svg.fonttype": "none"}):  # tick labels as <text>, readable here
        svg = attendance.chart(attendance.report_data(demo_event), "svg").decode()
    import re

    ticks = re.findall(r"<text[^>]*>([^<]*)</text>", svg)[:2]
    assert ticks == ["0", "1"], ticks
