"""End-to-end import on the demo event: files in, receipts filed through submit_receipt."""

from __future__ import annotations

import json
from io import StringIO

import docx
import openpyxl
import pytest
from django.core.management import call_command

from huiwu.receipts.documents.importer import import_file
from huiwu.receipts.documents.templates import render_template
from huiwu.receipts.models import Attendee, Receipt, TechContact

from .files import PEOPLE, csv_bytes, docx_bytes, simple_docx, simple_xlsx, xlsx_bytes

pytestmark = pytest.mark.django_db


def test_docx_with_unit_line_lands_on_its_venue(demo_event):
    report = import_file(simple_docx(), "北京回执.docx", event=demo_event)
    assert report["status"] == "accepted", report
    assert report["venue"] == "110000"
    assert [a["name"] for a in report["attendees"]] == ["赵敏", "钱多多", "孙立", "阿依古丽·买买提"]
    assert [a["phone"] for a in report["attendees"]] == ["13800138000", "13910002001", "13700137002", "15000003003"]
    assert report["tech_contact"] == {"name": "周正", "phone": "13800138111"}
    venue = demo_event.venues.get(code="110000")
    assert Attendee.objects.filter(venue=venue, status="active").count() == 4
    assert TechContact.objects.get(venue=venue).phone == "13800138111"
    receipt = Receipt.objects.get(venue=venue)
    assert receipt.channel == "upload" and receipt.source_sha256 == report["sha256"] and receipt.source_file


def test_same_file_twice_changes_nothing(demo_event):
    data = simple_xlsx(phone_as_number=True)
    first = import_file(data, "r.xlsx", event=demo_event, venue=demo_event.venues.get(code="110000"))
    assert first["status"] == "accepted", first
    second = import_file(data, "r-copy.xlsx", event=demo_event, venue=demo_event.venues.get(code="110000"))
    assert second["status"] == "accepted" and second.get("unchanged") is True
    assert Receipt.objects.filter(venue__code="110000", venue__event=demo_event).count() == 1
    assert second["attendees"] == first["attendees"]


def test_dry_run_writes_nothing(demo_event):
    report = import_file(simple_docx(), "r.docx", event=demo_event, dry_run=True)
    assert report["status"] == "accepted" and report["dry_run"] is True
    assert report["diff"]["added"]
    assert not Receipt.objects.exists() and not Attendee.objects.exists()


def test_bad_rows_keep_nothing_until_accepted(demo_event):
    people = [*PEOPLE, ("吴  磊", "北京市教育委员会", "科员", "1380013800"), ("", "北京开放大学", "老师", "13800138009")]
    data = simple_docx(people)
    report = import_file(data, "r.docx", event=demo_event)
    assert report["status"] == "needs_review", report
    rows = sorted((e["row"], e["field"]) for e in report["errors"])
    # docx rows counted with the header as row 1: the 5th person is row 6, the 6th row 7
    assert rows == [(6, "phone"), (7, "name")]
    assert all("第" in e["message"] for e in report["errors"])
    assert not Attendee.objects.exists()
    report = import_file(data, "r.docx", event=demo_event, accept_partial=True)
    assert report["status"] == "accepted"
    assert len(report["attendees"]) == 4 and len(report["errors"]) == 2
    assert Attendee.objects.filter(status="active").count() == 4


def test_conflicting_venue_needs_review(demo_event):
    shanghai = demo_event.venues.get(code="310000")
    report = import_file(simple_docx(), "r.docx", event=demo_event, venue=shanghai)
    assert report["status"] == "needs_review"
    assert "北京市分会场" in report["errors"][0]["message"] and "上海市分会场" in report["errors"][0]["message"]
    assert not Attendee.objects.exists()


def test_no_venue_anywhere_needs_review_and_venue_option_decides(demo_event):
    data = simple_docx(title=False, unit_line=None,
                       people=[("李  想", "某某研究院", "研究员", "13600136000")])
    report = import_file(data, "r.docx", event=demo_event)
    assert report["status"] == "needs_review" and report["venue"] is None
    report = import_file(data, "r.docx", event=demo_event, venue=demo_event.venues.get(code="440300"))
    assert report["status"] == "accepted" and report["venue"] == "440300"


def test_capacity_full_rejects_with_message(demo_event):
    people = [(f"测试{chr(0x4e00 + i)}{chr(0x4e00 + i * 2)}", "天津市教育委员会", "干部", f"1390000{i:04d}")
              for i in range(31)]
    report = import_file(simple_docx(people, unit_line="填报单位：天津市教育委员会"), "tj.docx", event=demo_event)
    assert report["status"] == "rejected" and report["venue"] == "120000"
    assert report["errors"][-1]["field"] == "capacity" and "30" in report["errors"][-1]["message"]
    assert not Attendee.objects.exists()


def test_deadline_passed_rejects(demo_event):
    from datetime import timedelta

    from django.utils import timezone

    demo_event.registration_deadline = timezone.now() - timedelta(hours=1)
    demo_event.save()
    report = import_file(simple_docx(), "r.docx", event=demo_event)
    assert report["status"] == "rejected" and report["errors"][0]["field"] == "deadline"


def test_template_round_trip_docx(demo_event):
    venue = demo_event.venues.get(code="370200")  # Qingdao: a city inside a province
    d = docx.Document(__import__("io").BytesIO(render_template(venue, "docx")))
    table = d.tables[0]
    for i, (name, unit, pos, phone) in enumerate(PEOPLE[:3], start=1):
        cells = table.rows[i].cells
        cells[1].text, cells[2].text, cells[3].text, cells[4].text = name, unit.replace("北京", "青岛"), pos, phone
    contact = d.tables[1].rows[1].cells
    contact[0].text, contact[3].text = "郑  好", "18600186000"
    report = import_file(docx_bytes(d), "青岛.docx", event=demo_event)
    assert report["status"] == "accepted", report
    assert report["venue"] == "370200" and len(report["attendees"]) == 3
    assert report["tech_contact"] == {"name": "郑好", "phone": "18600186000"}


def test_template_round_trip_xlsx_main_venue_unit(demo_event):
    main = demo_event.venues.get(code="main")
    unit = main.invited_units.get(unit__name="中国成人教育协会").unit
    wb = openpyxl.load_workbook(__import__("io").BytesIO(render_template(main, "xlsx", unit=unit)))
    ws = wb["回执"]
    header = next(r for r in range(1, 20) if ws.cell(row=r, column=2).value == "姓名")
    ws.cell(row=header + 1, column=2, value="冯  远")
    ws.cell(row=header + 1, column=3, value="中国成人教育协会")
    ws.cell(row=header + 1, column=4, value="副会长")
    ws.cell(row=header + 1, column=5, value=13500135000)
    report = import_file(xlsx_bytes(wb), "协会.xlsx", event=demo_event)
    assert report["status"] == "accepted", report
    assert report["venue"] == "main"
    receipt = Receipt.objects.get(venue=main)
    assert receipt.unit == unit
    assert report["attendees"] == [{"name": "冯远", "unit": "中国成人教育协会", "position": "副会长", "phone": "13500135000"}]


def test_cli_import_json(demo_event, tmp_path):
    a = tmp_path / "北京.docx"
    a.write_bytes(simple_docx())
    b = tmp_path / "坏.docx"
    b.write_bytes(b"MZ\x90\x00 this is a program")
    c = tmp_path / "名单.csv"
    c.write_bytes(csv_bytes([["姓名", "单位", "职务", "手机"], ["韩梅梅", "重庆市教育委员会", "处长", "13800138123"],
                             [], ["视频调试负责人：李雷，手机：139-0013-9000"]], "gbk"))
    out = StringIO()
    call_command("receipt", "import", demo_event.slug, str(a), str(b), str(c), "--venue", "500000", "--json", stdout=out)
    files = json.loads(out.getvalue())["files"]
    assert [f["status"] for f in files] == ["needs_review", "rejected", "accepted"]
    assert files[2]["venue"] == "500000" and files[2]["attendees"][0]["phone"] == "13800138123"
    assert files[2]["tech_contact"] == {"name": "李雷", "phone": "13900139000"}
    assert "程序" in files[1]["errors"][0]["message"]
    assert set(files[0]) >= {"file", "status", "venue", "attendees", "tech_contact", "errors", "warnings"}


def test_cli_dry_run_writes_nothing(demo_event, tmp_path):
    f = tmp_path / "r.xlsx"
    f.write_bytes(simple_xlsx())
    out = StringIO()
    call_command("receipt", "import", demo_event.slug, str(f), "--dry-run", "--json", stdout=out)
    report = json.loads(out.getvalue())["files"][0]
    assert report["status"] == "accepted" and report["venue"] == "110000"
    assert not Receipt.objects.exists()


def test_cli_template_writes_file(demo_event, tmp_path):
    out = tmp_path / "t.xlsx"
    call_command("receipt", "template", demo_event.slug, "660000", "--format", "xlsx", "-o", str(out), stdout=StringIO())
    wb = openpyxl.load_workbook(out)
    assert wb["回执"]["A1"].value == "附件2"
    assert "新疆生产建设兵团" in wb["回执"]["A5"].value


def test_csv_scientific_phone_and_duplicate_rows_point_at_file_rows(demo_event):
    rows = [["回执"], ["姓名", "单位", "职务", "手机"],
            ["白  鹭", "辽宁省教育厅", "处长", "1.38001E+10"],
            ["青山", "辽宁省教育厅", "科长", "13800138111"],
            ["青山", "辽宁省教育厅", "科长", "13800138111"],
            ["绿水", "辽宁省教育厅", "科员", "13800138222"],
            ["视频调试负责人：红日，手机：13800138333"]]
    data = csv_bytes(rows)
    venue = demo_event.venues.get(code="210000")
    report = import_file(data, "辽宁.csv", event=demo_event, venue=venue)
    assert report["status"] == "needs_review", report
    by_row = {e["row"]: e for e in report["errors"]}
    assert set(by_row) == {3, 5}
    assert by_row[3]["field"] == "phone" and "科学计数法" in by_row[3]["message"]
    assert "第4行" in by_row[5]["message"] and by_row[5]["message"].startswith("第5行")
    assert not Attendee.objects.exists()
    report = import_file(data, "辽宁.csv", event=demo_event, venue=venue, accept_partial=True)
    assert report["status"] == "accepted"
    assert [a["name"] for a in report["attendees"]] == ["青山", "绿水"]
    assert Attendee.objects.filter(venue=venue, status="active").count() == 2


def test_main_venue_unit_cannot_file_for_another_unit(demo_event, make_user):
    main = demo_event.venues.get(code="main")
    mine = main.invited_units.get(unit__name="中国成人教育协会").unit
    other = main.invited_units.get(unit__name="联合国教科文组织北京办事处").unit
    user = make_user("assoc", "main_unit", venue=main, unit=mine)
    wb = openpyxl.load_workbook(__import__("io").BytesIO(render_template(main, "xlsx", unit=other)))
    ws = wb["回执"]
    ws["B8"], ws["C8"], ws["E8"] = "秦  川", "联合国教科文组织北京办事处", "13500135111"
    data = xlsx_bytes(wb)
    report = import_file(data, "他人.xlsx", event=demo_event, venue=main, actor=user)
    assert report["status"] == "rejected" and report["errors"][0]["field"] == "unit"
    report = import_file(data, "他人.xlsx", event=demo_event, venue=main, actor=user, unit=mine)
    assert report["status"] == "needs_review"
    assert not Attendee.objects.exists()


@pytest.mark.parametrize("declared,code", [
    ("新疆兵团教育局", "660000"), ("新疆生产建设兵团教育局", "660000"), ("新疆维吾尔自治区教育厅", "650000"),
    ("辽宁省大连市教育局", "210200"), ("北京市教委", "110000"), ("广西教育厅", "450000"),
    ("联合国教科文组织北京办事处", "main"),
])
def test_venue_from_the_unit_named_in_the_file(demo_event, declared, code):
    report = import_file(simple_docx(unit_line=f"填报单位：{declared}", title=False,
                                     people=[("甘  霖", declared, "干部", "13900139123")]),
                         "r.docx", event=demo_event, dry_run=True)
    assert report["venue"] == code, report
    assert report["status"] == "accepted"


def test_import_files_many_at_once(demo_event):
    from huiwu.receipts.documents.importer import import_files

    tianjin = [("霍  光", "天津市教育委员会", "处长", "13600136222")]
    out = import_files([("京.docx", simple_docx()), ("坏.xlsx", b"not a workbook"),
                        ("津.docx", simple_docx(tianjin, unit_line="填报单位：天津市教育委员会")),
                        ("津又.docx", simple_docx(unit_line="填报单位：天津市教育委员会"))], event=demo_event)
    assert [(f["file"], f["status"], f["venue"]) for f in out["files"]] == [
        ("京.docx", "accepted", "110000"), ("坏.xlsx", "rejected", None), ("津.docx", "accepted", "120000"),
        ("津又.docx", "rejected", "120000")]
    # Beijing's people in a Tianjin file: refused, naming the file's own rows and nobody of Beijing's but them
    refused = out["files"][3]["errors"]
    assert [e["field"] for e in refused] == ["duplicate_person"] and "北京" not in refused[0]["message"]
    assert "第2行" in refused[0]["message"], refused  # the row as the file has it (row 1 is the header)


def test_main_venue_file_without_its_unit(demo_event, make_user, organizer):
    main = demo_event.venues.get(code="main")
    data = simple_docx([("卫  青", "某司", "副司长", "13600136111")], title=False, unit_line="主会场参会回执")
    report = import_file(data, "主.docx", event=demo_event, actor=organizer)
    assert report["status"] == "needs_review" and report["venue"] == "main" and report["errors"][0]["field"] == "unit"
    unit = main.invited_units.get(unit__name="中国成人教育协会").unit
    user = make_user("assoc2", "main_unit", venue=main, unit=unit)
    report = import_file(data, "主.docx", event=demo_event, actor=user)
    assert report["status"] == "accepted", report
    assert Receipt.objects.get(venue=main).unit == unit
