"""The coordinator's filing page, the venue page, history, confirmation, approval and organizer actions."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from huiwu.audit.models import AuditEntry
from huiwu.receipts.models import Attendee, Receipt, ReceiptDraft
from huiwu.venues.models import Venue

EV = "lifelong-learning-week-2021"
EDIT = f"/manage/{EV}/venues/110000/receipt/"
DETAIL = f"/manage/{EV}/venues/110000/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _png() -> bytes:
    """A real (tiny) PNG: approval images are opened by the files package, not only sniffed."""
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buf, "PNG")
    return buf.getvalue()


PNG = _png()


def form(rows, action="submit", **extra):
    data = {"action": action, "name": [], "unit": [], "position": [], "phone": [], "category": [],
            "tech_name": "赵敏", "tech_phone": "139 1000 2000", "tech_email": "", "address": "北京市西城区某路1号",
            "room": "三楼会议室", "approving_body": "", "approved_on": "", "paste": ""}
    for r in rows:
        for f in ("name", "unit", "position", "phone", "category"):
            data[f].append(r.get(f, ""))
    data.update(extra)
    return data


TEN = [{"name": f"参会{n}", "unit": "北京市教育委员会", "position": "处长", "phone": f"1380000{i:04d}"}
       for i, n in enumerate("甲乙丙丁戊己庚辛壬癸")]


@pytest.fixture
def coord(client, coordinator):
    client.force_login(coordinator)
    return client


def test_edit_page_renders_in_chinese(coord):
    body = coord.get(EDIT).content.decode()
    for text in ("填报回执", "参会人员", "视频调试负责人", "从 Excel / WPS 粘贴名单", "当地审批", "提交回执", "保存草稿"):
        assert text in body
    assert "相关处室负责人" in body and "部委司局（单位）负责人" not in body  # branch categories only


def test_submit_ten_attendees_then_status_and_confirmation(coord, demo_event):
    resp = coord.post(EDIT, form(TEN))
    assert resp.status_code == 302 and resp["Location"] == DETAIL
    r = Receipt.objects.get()
    assert r.version == 1 and r.channel == "web" and len(r.snapshot["attendees"]) == 10
    assert not ReceiptDraft.objects.exists()
    v = demo_event.venues.get(code="110000")
    assert (v.address, v.room) == ("北京市西城区某路1号", "三楼会议室")
    body = coord.get(DETAIL).content.decode()
    assert "已提交第1版" in body and "参会甲" in body and "下载确认单" in body
    pdf = coord.get(f"/manage/{EV}/venues/110000/receipt/confirmation.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and b"STSong-Light" in pdf.content


def test_failed_submit_keeps_everything_typed(coord):
    rows = [dict(r) for r in TEN[:3]]
    rows[1]["phone"] = "1380000"
    resp = coord.post(EDIT, form(rows))
    assert resp.status_code == 422
    body = resp.content.decode()
    assert "回执未提交" in body and "不是有效的手机号码" in body and 'value="1380000"' in body
    assert not Receipt.objects.exists()
    draft = ReceiptDraft.objects.get()
    assert [r["name"] for r in draft.rows] == ["参会甲", "参会乙", "参会丙"] and draft.rows[1]["phone"] == "1380000"
    # coming back later shows the draft, not an empty form
    assert 'value="1380000"' in coord.get(EDIT).content.decode()


def test_draft_is_saved_without_filing(coord):
    resp = coord.post(EDIT, form(TEN[:2], action="draft"))
    assert resp.status_code == 302
    assert ReceiptDraft.objects.get().rows[0]["name"] == "参会甲" and not Receipt.objects.exists()
    assert "有未提交的草稿" in coord.get(EDIT).content.decode()


def test_pasted_rows_land_in_the_table(coord):
    text = "序号\t姓名\t单位\t职务\t手机号码\n1\t王  芳\t北京开放大学\t副校长\t139 0000 1111\n2\t刘洋\t北京市社区教育指导中心\t主任\t13900002222\n"
    resp = coord.post(EDIT, form([], action="paste", paste=text))
    body = resp.content.decode()
    assert 'value="王  芳"' in body and 'value="北京市社区教育指导中心"' in body
    assert coord.post(EDIT, form([{"name": "王  芳", "unit": "北京开放大学", "phone": "139 0000 1111"}])).status_code == 302
    assert Attendee.objects.get(status="active").name == "王芳"


def test_capacity_and_deadline_errors_keep_the_draft(coord, demo_event):
    demo_event.venues.filter(code="110000").update(capacity=5)
    resp = coord.post(EDIT, form(TEN))
    assert resp.status_code == 422 and "人数上限为5人" in resp.content.decode()
    assert len(ReceiptDraft.objects.get().rows) == 10
    demo_event.registration_deadline = timezone.now() - timedelta(hours=2)
    demo_event.save()
    resp = coord.post(EDIT, form(TEN[:2]))
    assert resp.status_code == 422 and "截止" in resp.content.decode()
    assert not Receipt.objects.exists()


def test_organizer_edits_after_deadline_and_sees_history(client, coord, organizer, demo_event):
    coord.post(EDIT, form(TEN[:3]))
    demo_event.registration_deadline = timezone.now() - timedelta(hours=2)
    demo_event.save()
    client.force_login(organizer)
    rows = [dict(r) for r in TEN[:3]]
    rows[0]["position"] = "副处长"
    rows[2] = TEN[5]
    assert client.post(EDIT, form(rows)).status_code == 302
    assert AuditEntry.objects.filter(action="receipt.submit", note="主办方在截止后修改").exists()
    body = client.get(f"/manage/{EV}/venues/110000/receipt/history/").content.decode()
    assert "第2版" in body and "第1版" in body
    assert "新增" in body and "参会己" in body and "删除" in body and "参会丙" in body
    assert "职务 “处长” → “副处长”" in body


def test_extension_reopens_one_venue(client, coord, organizer, demo_event):
    demo_event.registration_deadline = timezone.now() - timedelta(hours=2)
    demo_event.save()
    assert coord.post(EDIT, form(TEN[:1])).status_code == 422
    client.force_login(organizer)
    until = timezone.localtime(timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(f"/manage/{EV}/venues/110000/extend/", {"until": until}).status_code == 302
    assert AuditEntry.objects.filter(action="venue.extend_deadline").exists()
    assert coord.post(EDIT, form(TEN[:1])).status_code == 302


def test_approval_upload_checks_the_file(coord, demo_event):
    fake = SimpleUploadedFile("approval.pdf", b"MZ\x90\x00this is not a pdf", content_type="application/pdf")
    resp = coord.post(EDIT, form([], action="draft", approving_body="北京市疫情防控领导小组", approved_on="2021-11-19",
                                 approval_document=fake))
    assert resp.status_code == 422 and "须为 PDF、JPG 或 PNG" in resp.content.decode()
    v = demo_event.venues.get(code="110000")
    assert v.approval_status == "not_requested" and not v.approval_document
    ok = SimpleUploadedFile("批文.pdf", PDF, content_type="application/pdf")
    coord.post(EDIT, form([], action="draft", approving_body="北京市疫情防控领导小组", approved_on="2021-11-19",
                          approval_document=ok))
    v.refresh_from_db()
    assert v.approval_status == "pending" and v.approving_body == "北京市疫情防控领导小组"
    assert v.decided_at.date().isoformat() == "2021-11-19"
    doc = coord.get(f"/manage/{EV}/venues/110000/approval/document/")
    assert doc.status_code == 200 and b"".join(doc.streaming_content) == PDF


def test_approval_file_size_limit(coord, settings, demo_event):
    settings.HUIWU_MAX_UPLOAD_BYTES = 1000
    big = SimpleUploadedFile("scan.png", PNG + b"\x00" * 2000, content_type="image/png")
    resp = coord.post(EDIT, form([], action="draft", approving_body="某机关", approval_document=big))
    assert resp.status_code == 422 and "太大" in resp.content.decode()


def test_approval_document_is_permission_checked(client, coord, other_coordinator, demo_event):
    coord.post(EDIT, form([], action="draft", approving_body="北京市疫情防控领导小组",
                          approval_document=SimpleUploadedFile("a.png", PNG)))
    client.force_login(other_coordinator)
    assert client.get(f"/manage/{EV}/venues/110000/approval/document/").status_code == 404
    assert "/media/" not in coord.get(DETAIL).content.decode()
    assert Venue.objects.get(event=demo_event, code="110000").approval_document  # the real PNG was kept


def test_approval_image_bomb_and_broken_pdf_are_refused(coord, demo_event):
    for name, data in (("a.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64), ("b.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n"),
                       ("c.pdf", b"%PDF-1.4\n<< /S /JavaScript /JS (x) >>\n%%EOF\n")):
        resp = coord.post(EDIT, form([], action="draft", approving_body="某机关",
                                     approval_document=SimpleUploadedFile(name, data)))
        assert resp.status_code == 422 and "审批文件无法接收" in resp.content.decode(), name


def test_organizer_decides_and_opens_only_approved(client, coord, organizer, demo_event):
    client.force_login(organizer)
    url = f"/manage/{EV}/venues/110000/"
    client.post(url + "open/", {"open": "1"})
    v = demo_event.venues.get(code="110000")
    assert not v.is_open and AuditEntry.objects.filter(action="venue.open").count() == 0
    assert "未开设" in client.get(url).content.decode()
    coord.post(EDIT, form([], action="draft", approving_body="北京市疫情防控领导小组",
                          approval_document=SimpleUploadedFile("a.pdf", PDF)))
    client.post(url + "approval/decide/", {"status": "approved", "note": "文件齐全"})
    client.post(url + "open/", {"open": "1"})
    v.refresh_from_db()
    assert v.approval_status == "approved" and v.is_open
    assert AuditEntry.objects.filter(action="venue.approval_decided").exists()
    client.post(url + "approval/decide/", {"status": "rejected"})
    v.refresh_from_db()
    assert not v.is_open


def test_database_refuses_an_open_unapproved_branch(demo_event):
    v = demo_event.venues.get(code="110000")
    with pytest.raises(IntegrityError), transaction.atomic():
        Venue.objects.filter(pk=v.pk).update(is_open=True)


def test_event_without_approval_requirement(client, organizer, demo_event):
    demo_event.approval_required = False
    demo_event.save()
    client.force_login(organizer)
    client.post(f"/manage/{EV}/venues/110000/open/", {"open": "1"})
    v = demo_event.venues.get(code="110000")
    assert v.is_open and v.approval_waived
    assert "当地审批" not in client.get(EDIT).content.decode()


def test_coordinator_cannot_use_organizer_actions(coord):
    assert coord.post(f"/manage/{EV}/venues/110000/extend/", {"until": "2030-01-01T10:00"}).status_code == 403
    assert coord.post(f"/manage/{EV}/venues/110000/approval/decide/", {"status": "approved"}).status_code == 403
    assert coord.post(f"/manage/{EV}/remind/").status_code == 403


def test_main_venue_units_file_separately(client, make_user, demo_event, organizer):
    main = demo_event.venues.get(code="main")
    vus = list(main.invited_units.select_related("unit").order_by("unit__order"))
    assoc = make_user("assoc", "main_unit", venue=main, unit=vus[1].unit)
    client.force_login(assoc)
    url = f"/manage/{EV}/venues/main/receipt/"
    body = client.get(url).content.decode()
    assert "中国成人教育协会" in body and "当地审批" not in body and "视频调试负责人" not in body
    rows = [{"name": "周敏", "unit": "中国成人教育协会", "position": "秘书长", "category": "association_lead"}]
    resp = client.post(url, form(rows))
    assert resp.status_code == 302, resp.content.decode()[:3000]
    r = Receipt.objects.get()
    assert r.unit == vus[1].unit
    client.force_login(organizer)
    resp = client.post(url + f"?unit={vus[0].unit_id}", form([{"name": "吴强", "unit": "职成司", "position": "司长"}],
                                                             filing_unit=str(vus[0].unit_id)))
    assert resp.status_code == 302
    assert Receipt.objects.filter(venue=main).count() == 2
    client.force_login(assoc)
    detail = client.get(f"/manage/{EV}/venues/main/").content.decode()
    assert "周敏" in detail and "吴强" not in detail


def test_reminder_from_the_overview(client, organizer, smtp_server, make_user, demo_event,
                                    django_capture_on_commit_callbacks):
    from huiwu.accounts.services import create_invitation

    create_invitation(demo_event.venues.get(code="310000"), email="sh@example.cn")
    client.force_login(organizer)
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(f"/manage/{EV}/remind/", follow=True)
    body = resp.content.decode()
    assert "已向 1 个未报会场" in body and "没有联系人邮箱" in body
    assert [m["to"] for m in smtp_server.messages] == [["sh@example.cn"]]
    assert AuditEntry.objects.filter(action="receipt.remind").exists()


def pdf_text(pdf: bytes) -> str:
    """The text drawn in a reportlab PDF with the STSong-Light CID font (UTF-16BE strings)."""
    import base64
    import re
    import zlib

    out = []
    for m in re.finditer(rb"stream\r?\n(.*?)~>\s*endstream", pdf, re.S):
        content = zlib.decompress(base64.a85decode(m.group(1), adobe=False))
        for lit in re.finditer(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", content, re.S):
            raw = re.sub(rb"\\([0-7]{1,3}|.)", lambda e: bytes([int(e.group(1), 8)]) if e.group(1)[:1].isdigit()
                         else {b"n": b"\n", b"r": b"\r", b"t": b"\t"}.get(e.group(1), e.group(1)), lit.group(1), flags=re.S)
            if len(raw) % 2 == 0:
                out.append(raw.decode("utf-16-be", "replace"))
    return "".join(out)


def test_confirmation_pdf_renders_chinese_text(coord):
    coord.post(EDIT, form(TEN[:2]))
    pdf = coord.get(f"/manage/{EV}/venues/110000/receipt/confirmation.pdf").content
    assert b"/STSong-Light" in pdf and b"UniGB-UCS2-H" in pdf
    text = pdf_text(pdf)
    for expected in ("回执确认单", "北京市分会场", "参会甲", "参会乙", "北京市教育委员会", "视频调试负责人", "赵敏", "13910002000",
                     "凭签到码入场", "入场凭证"):
        assert expected in text, (expected, text[:300])


def test_main_venue_invitation_is_per_unit(client, organizer, demo_event):
    from huiwu.accounts.models import Invitation

    main = demo_event.venues.get(code="main")
    vu = main.invited_units.select_related("unit").get(unit__name="中国成人教育协会")
    client.force_login(organizer)
    body = client.get(f"/manage/{EV}/venues/main/").content.decode()
    assert "参会单位邀请链接" in body and "中国成人教育协会" in body
    resp = client.post(f"/manage/{EV}/venues/main/invite/", {"unit": vu.unit_id, "email": "a@example.cn"}, follow=True)
    assert "/accounts/invite/" in resp.content.decode()
    inv = Invitation.objects.get()
    assert inv.role == "main_unit" and inv.unit == vu.unit


def test_upload_a_filled_file_on_the_page(coord, demo_event):
    from huiwu.receipts.services import set_tech_contact

    set_tech_contact(demo_event.venues.get(code="110000"), {"name": "赵敏", "phone": "13910002000"})
    csv = "姓名,单位,职务,手机\n王立,北京市教育委员会,处长,13800138000\n"
    resp = coord.post(f"/manage/{EV}/venues/110000/receipt/upload/",
                      {"receipt_file": SimpleUploadedFile("回执.csv", csv.encode("utf-8"))}, follow=True)
    said = resp.content.decode()
    assert "已从文件导入回执（第1版，1人）" in said
    assert "确认邮件将发送至" in said or "未发送确认邮件" in said  # what happens to the mail, as the form says
    assert Receipt.objects.get().channel == "upload" and Attendee.objects.get(status="active").name == "王立"
    resp = coord.post(f"/manage/{EV}/venues/110000/receipt/upload/",
                      {"receipt_file": SimpleUploadedFile("x.docx", b"MZ\x90\x00" * 10)}, follow=True)
    assert "文件未导入" in resp.content.decode() and Receipt.objects.count() == 1


def test_rows_typed_with_single_spaces_are_split_into_columns():
    from huiwu.receipts.services import parse_pasted

    rows = parse_pasted("张明 北京市教育委员会 处长 13800138001\n1 王芳 北京开放大学 校长 139 0000 1111\n"
                        "李华 北京市 教育委员会 社区 教育 指导 中心 主任\n")
    assert rows[0] == {**rows[0], "name": "张明", "unit": "北京市教育委员会", "position": "处长", "phone": "13800138001"}
    # a leading serial number is dropped; a phone written in groups is one cell
    assert (rows[1]["name"], rows[1]["position"], rows[1]["phone"]) == ("王芳", "校长", "13900001111")
    # more words than columns: the spaces belong inside a cell, the line is kept whole for the person to fix
    assert rows[2]["name"] == "李华 北京市 教育委员会 社区 教育 指导 中心 主任" and rows[2]["unit"] == ""
