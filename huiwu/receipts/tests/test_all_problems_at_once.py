"""A file with several problems says them all at once; a valid list without a rehearsal contact is
kept as filed (the venue and the reply ask for the contact); a filled template saved as Word 97–2003
.doc reads like its .docx, the rehearsal contact's table included."""

from __future__ import annotations

import io
import shutil
import subprocess

import docx
import pytest

from huiwu.receipts.documents.importer import import_file, import_files
from huiwu.receipts.documents.templates import render_template
from huiwu.receipts.models import Attendee, Receipt, TechContact

from .files import docx_bytes, simple_docx

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def many(n: int) -> list[tuple[str, str, str, str]]:
    return [(f"张{chr(0x4e00 + i)}{chr(0x4e80 + i)}", "北京市教育委员会", "干部", f"1380013{i:04d}") for i in range(n)]


def test_too_many_people_and_no_contact_are_both_reported(demo_event):
    report = import_file(simple_docx(many(35), contact_line=None), "京.docx", event=demo_event)
    assert report["status"] == "rejected"
    said = " ".join([e["message"] for e in report["errors"]] + report["warnings"])
    assert "上限为30人" in said and "本次为35人" in said
    assert said.count("视频调试负责人") == 1, said  # once, not twice
    assert not Attendee.objects.exists()


def test_bad_rows_too_many_people_and_no_contact_at_once(demo_event):
    rows = many(33) + [("王五", "北京市教育委员会", "处长", "12345")]
    report = import_file(simple_docx(rows, contact_line=None), "京.docx", event=demo_event)
    messages = [e["message"] for e in report["errors"]]
    assert any("第35行" in m for m in messages), messages  # the bad phone, on the file's row
    assert any("上限为30人" in m for m in messages), messages
    assert any("视频调试负责人" in w for w in report["warnings"]), report["warnings"]


def test_valid_list_without_contact_is_kept_and_asked_for(demo_event, client, make_user):
    from huiwu.receipts.mailintake import ingest_message

    from .test_mail_intake import eml

    report = import_file(simple_docx(many(3), contact_line=None), "京.docx", event=demo_event)
    assert report["status"] == "accepted" and not report["errors"], report
    assert [w for w in report["warnings"] if "缺视频调试负责人" in w]
    bj = demo_event.venues.get(code="110000")
    assert Attendee.objects.filter(venue=bj, status="active").count() == 3 and not TechContact.objects.exists()
    assert Receipt.objects.get(venue=bj).snapshot["tech_contact"] is None
    # the venue page says what is missing
    user = make_user("bjc", "coordinator", venue=bj)
    client.force_login(user)
    assert "缺视频调试负责人" in client.get(f"/manage/{demo_event.slug}/venues/110000/").content.decode()
    # by mail: the reply lists the people and asks for the contact
    tj = simple_docx([("霍光", "天津市教育委员会", "处长", "13600136222")], contact_line=None,
                     unit_line="填报单位：天津市教育委员会")
    result = ingest_message(eml(sender="tj@example.org", files=[("津.docx", tj)], message_id="<nc@x>"),
                            event=demo_event)
    from huiwu.receipts.mailintake import reply_text

    text = reply_text(demo_event, result)
    assert "已接收" in text and "霍光" in text and "缺视频调试负责人" in text


def _filled_template(venue) -> bytes:
    d = docx.Document(io.BytesIO(render_template(venue, "docx")))
    people = [("贾  宝", "某区社区学院", "院长", "13811112222"), ("林黛", "某市老年大学", "教师", "139 1111 3333")]
    for i, row in enumerate(people, start=1):
        for j, value in enumerate(row, start=1):
            d.tables[0].rows[i].cells[j].text = value
    cells = d.tables[1].rows[1].cells
    cells[0].text, cells[1].text, cells[2].text, cells[3].text = "甄  士", "海南省教育厅", "信息中心", "13722223333"
    return docx_bytes(d)


def test_filled_template_saved_as_doc_reads_like_its_docx(demo_event, tmp_path):
    from conftest import require_office

    require_office("doc")
    venue = demo_event.venues.get(code="460000")
    data = _filled_template(venue)
    (tmp_path / "r.docx").write_bytes(data)
    done = subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/p", "--convert-to",
                           "doc:MS Word 97", "--outdir", str(tmp_path / "out"), str(tmp_path / "r.docx")],
                          capture_output=True, timeout=180)
    if not (tmp_path / "out" / "r.doc").exists():
        pytest.skip(f"LibreOffice could not write .doc here: {done.stderr[-200:]!r}")
    old = (tmp_path / "out" / "r.doc").read_bytes()
    assert old.startswith(b"\xd0\xcf\x11\xe0")  # a real Word 97-2003 file
    out = import_files([("海南.docx", data), ("海南.doc", old)], event=demo_event, dry_run=True)
    new, legacy = out["files"]
    keys = ("status", "venue", "attendees", "tech_contact", "errors")
    assert {k: legacy[k] for k in keys} == {k: new[k] for k in keys}
    assert new["tech_contact"] == {"name": "甄士", "phone": "13722223333"}
    assert [a["name"] for a in new["attendees"]] == ["贾宝", "林黛"]
