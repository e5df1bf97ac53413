"""A problem in a row of a receipt file is named the way the clerk finds the row: by its 序号 where the
list numbers its people (序号7（第9行）), else by the spreadsheet's own row (title and header rows
counted) or the Word table's row; the same words on every path (import, upload page, bulk page, mail)."""

from __future__ import annotations

import io
import re

import docx
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from huiwu.receipts.documents.importer import import_file
from huiwu.receipts.mailintake import ingest_message
from huiwu.receipts.models import Attendee

from .files import add_table, docx_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

UNIT = "北京市教育委员会"
#: (序号, name, phone): numbering from 7, 9 skipped; a bad mobile at 序号10, 序号11 repeats 序号7
PEOPLE = [(7, "赵敏", "13800138000"), (8, "钱多多", "13910002001"), (10, "孙立", "1380013"),
          (11, "赵敏", "13800138000"), (12, "李静", "13700137002")]


def numbered_xlsx(*, numbers=True) -> bytes:
    """A title row, a second title row, the header on row 3, people from row 4 (序号 as Excel numbers)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "回执"
    ws["A1"] = "北京市分会场参加人员回执"
    ws.merge_cells("A1:E1")
    ws["A2"] = f"填报单位：{UNIT}"
    ws.append(["序号", "姓名", "单位", "职务", "手机"])
    for n, name, phone in PEOPLE:
        ws.append([n if numbers else None, name, UNIT, "干部", phone])
    ws.append(["视频调试负责人：周正  手机：13800138111"])
    return xlsx_bytes(wb)


def numbered_docx(*, numbers=True) -> bytes:
    d = docx.Document()
    d.add_paragraph("北京市分会场参加人员回执")
    d.add_paragraph(f"填报单位：{UNIT}")
    rows = [["参会人员名单", "参会人员名单", "参会人员名单", "参会人员名单", "参会人员名单"],
            ["序号", "姓名", "单位", "职务", "手机"]]
    rows += [[str(n) if numbers else "", name, UNIT, "干部", phone] for n, name, phone in PEOPLE]
    add_table(d, rows)
    d.add_paragraph("视频调试负责人：周正，手机：13800138111")
    return docx_bytes(d)


def _messages(report: dict) -> list[str]:
    return [e["message"] for e in report["errors"]]


def _assert_numbered(messages: list[str], bad: str, dup: str, first: str) -> None:
    text = "\n".join(messages)
    assert any(m.startswith(bad) for m in messages), text  # the bad mobile, at its 序号 and row
    assert any(m.startswith(dup) and first in m for m in messages), text  # the repeat names the first
    assert not re.search(r"序号(?:1|2|3|4|5)（", text), text  # never the position in the list


def test_xlsx_rows_by_their_number_and_the_sheet_row(demo_event):
    report = import_file(numbered_xlsx(), "北京.xlsx", event=demo_event, venue=demo_event.venues.get(code="110000"))
    assert report["status"] == "needs_review", report
    _assert_numbered(_messages(report), "序号10（第6行）", "序号11（第7行）", "序号7（第4行）")
    assert sorted(e["row"] for e in report["errors"]) == [6, 7]  # the API's row: the sheet's row
    assert not Attendee.objects.exists()


def test_xlsx_without_numbers_says_the_sheet_row(demo_event):
    report = import_file(numbered_xlsx(numbers=False), "北京.xlsx", event=demo_event,
                         venue=demo_event.venues.get(code="110000"))
    text = "\n".join(_messages(report))
    assert "序号" not in text and any(m.startswith("第6行") for m in _messages(report)), text
    assert any(m.startswith("第7行") and "第4行" in m for m in _messages(report)), text


def test_word_table_rows_by_their_number_and_the_table_row(demo_event):
    """A table with a caption row and the header: 序号10 is the table's 5th row."""
    report = import_file(numbered_docx(), "北京.docx", event=demo_event)
    assert report["status"] == "needs_review" and report["venue"] == "110000", report
    _assert_numbered(_messages(report), "序号10（第5行）", "序号11（第6行）", "序号7（第3行）")
    plain = import_file(numbered_docx(numbers=False), "北京.docx", event=demo_event)
    assert any(m.startswith("第5行") for m in _messages(plain)), plain


def test_every_path_says_the_same_row(client, coordinator, organizer, demo_event, smtp_server):
    data = numbered_xlsx()
    venue = "110000"
    # the venue page's upload
    client.force_login(coordinator)
    resp = client.post(f"/manage/{demo_event.slug}/venues/{venue}/receipt/upload/",
                       {"receipt_file": SimpleUploadedFile("北京.xlsx", data)}, follow=True)
    page = resp.content.decode()
    assert "序号10（第6行）" in page and "序号11（第7行）" in page, page
    # the organizer's many-files page
    client.force_login(organizer)
    f = io.BytesIO(data)
    f.name = "北京.xlsx"
    resp = client.post(f"/manage/{demo_event.slug}/receipts/import/", {"files": [f]})
    page = client.get(resp["Location"]).content.decode()
    assert "序号10（第6行）" in page and "序号7（第4行）" in page
    # the mail reply
    coordinator.email = "bj-coord@example.org"
    coordinator.save()
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"], msg["Message-ID"] = coordinator.email, "h@x.cn", "回执", "<rows@x>"
    msg.set_content("附件是回执。")
    msg.add_attachment(data, maintype="application", subtype="octet-stream", filename="北京.xlsx")
    ingest_message(msg.as_bytes(), event=demo_event, reply=True)
    body = smtp_server.messages[-1]["message"].get_content()
    assert "序号10（第6行）" in body and "序号11（第7行）" in body and "序号7（第4行）" in body
