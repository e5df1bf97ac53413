"""The 起草通知 page: organizers only, HTML preview, .docx download (audited), page images when LibreOffice is there."""

from __future__ import annotations

import io
import shutil

import docx
import pytest

from huiwu.audit.models import AuditEntry


def test_page_shows_the_notice_and_links(client, organizer, demo_event):
    client.force_login(organizer)
    r = client.get(f"/manage/{demo_event.slug}/notice/draft/")
    body = r.content.decode()
    assert r.status_code == 200
    assert '<p class="gw-mark"><span class="gw-r-mark">教育部办公厅</span></p>' in body
    assert "教职成厅函〔2021〕24号" in body and "一、主要内容" in body and "附件：1.主会场参会回执" in body
    assert f"/manage/{demo_event.slug}/notice/draft.docx" in body
    overview = client.get(f"/manage/{demo_event.slug}/").content.decode()
    assert f"/manage/{demo_event.slug}/notice/draft/" in overview
    assert f"/manage/{demo_event.slug}/roster.xlsx" in overview


def test_page_names_missing_fonts(client, organizer, demo_event, monkeypatch):
    from huiwu.notices import drafting

    monkeypatch.setattr(drafting, "font_notes", lambda: ["方正小标宋简体", "仿宋"])
    client.force_login(organizer)
    body = client.get(f"/manage/{demo_event.slug}/notice/draft/").content.decode()
    assert "方正小标宋简体、仿宋" in body and "不嵌入字体" in body


def test_docx_download_is_the_draft_and_audited(client, organizer, demo_event):
    client.force_login(organizer)
    r = client.get(f"/manage/{demo_event.slug}/notice/draft.docx")
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    d = docx.Document(io.BytesIO(r.content))
    assert d.paragraphs[2].text == "教育部办公厅" or any(p.text == "教育部办公厅" for p in d.paragraphs[:5])
    assert AuditEntry.objects.filter(action="notice.draft", actor=organizer).exists()


def test_coordinators_cannot_draft(client, coordinator, demo_event):
    client.force_login(coordinator)
    assert client.get(f"/manage/{demo_event.slug}/notice/draft/").status_code == 403
    assert client.get(f"/manage/{demo_event.slug}/notice/draft.docx").status_code == 403


@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftoppm")), reason="LibreOffice/poppler not installed")
def test_page_image_and_pdf(client, organizer, demo_event):
    client.force_login(organizer)
    png = client.get(f"/manage/{demo_event.slug}/notice/draft-1.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    assert client.get(f"/manage/{demo_event.slug}/notice/draft-99.png").status_code == 404
    pdf = client.get(f"/manage/{demo_event.slug}/notice/draft.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
