"""Receipt templates: the official layout, the marker in three places, and the round trip
(generate → fill → save → read back → same venue)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile

import docx
import openpyxl
import pytest

from huiwu.receipts.documents.extract import extract
from huiwu.receipts.documents.reader import read_document
from huiwu.receipts.documents.templates import render_template, template_filename

from .files import docx_bytes, rezip, xlsx_bytes

pytestmark = pytest.mark.django_db
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def test_branch_docx_layout(demo_event):
    venue = demo_event.venues.get(code="440300")
    d = docx.Document(io.BytesIO(render_template(venue, "docx")))
    texts = [p.text for p in d.paragraphs]
    assert texts[0] == "附件2"
    assert texts[1] == "分会场参加人员及视频调试负责人回执"
    assert d.paragraphs[1].alignment == 1  # centred
    assert any("深圳市教育局" in t for t in texts)
    assert any("截止" in t or "前填好" in t for t in texts)
    table = d.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["序号", "姓名", "单位", "职务", "手机"]
    assert len(table.rows) == 1 + 30 and table.rows[30].cells[0].text == "30"
    assert [c.text for c in d.tables[1].rows[0].cells] == ["姓名", "单位", "职务", "手机"]
    assert "视频调试负责人" in texts
    fonts = {el.get(f"{W}eastAsia") for el in d.element.body.iter(f"{W}rFonts")}
    assert {"黑体", "宋体", "仿宋"} <= fonts


def test_main_docx_is_attachment_1_without_contact_block(demo_event):
    main = demo_event.venues.get(code="main")
    unit = main.invited_units.get(unit__name="中国成人教育协会").unit
    d = docx.Document(io.BytesIO(render_template(main, "docx", unit=unit)))
    assert d.paragraphs[0].text == "附件1" and d.paragraphs[1].text == "主会场参会回执"
    assert len(d.tables) == 1
    assert any("中国成人教育协会" in p.text for p in d.paragraphs)
    assert template_filename(main, "docx", unit).startswith("附件1-主会场参会回执-中国成人教育协会")


def test_xlsx_layout_and_markers(demo_event):
    venue = demo_event.venues.get(code="210200")
    wb = openpyxl.load_workbook(io.BytesIO(render_template(venue, "xlsx")))
    ws = wb["回执"]
    assert ws["A1"].value == "附件2" and ws["A2"].value == "分会场参加人员及视频调试负责人回执"
    assert [ws.cell(row=7, column=j).value for j in range(1, 6)] == ["序号", "姓名", "单位", "职务", "手机"]
    assert ws.cell(row=8, column=5).number_format == "@"
    assert wb["_huiwu"].sheet_state == "hidden"
    assert wb["_huiwu"]["A1"].value == f"huiwu-receipt:{demo_event.slug}:210200"
    assert "huiwu_marker" in wb.defined_names
    assert any(p.value.endswith(":210200") for p in wb.custom_doc_props.props)


def _fill_docx(data: bytes, rows, contact=None) -> bytes:
    d = docx.Document(io.BytesIO(data))
    for i, row in enumerate(rows, start=1):
        for j, value in enumerate(row, start=1):
            d.tables[0].rows[i].cells[j].text = value
    if contact:
        cells = d.tables[1].rows[1].cells
        cells[0].text, cells[3].text = contact
    return docx_bytes(d)


PEOPLE = [("贾  宝", "某区社区学院", "院长", "13811112222"), ("林黛", "某市老年大学", "教师", "139 1111 3333")]


@pytest.mark.parametrize("keep", ["custom_property", "core_keywords", "hidden_text"])
def test_each_docx_marker_alone_is_enough(demo_event, keep):
    venue = demo_event.venues.get(code="460000")
    data = _fill_docx(render_template(venue, "docx"), PEOPLE, ("甄  士", "13722223333"))
    src = zipfile.ZipFile(io.BytesIO(data))
    replace = {}
    if keep != "custom_property":
        replace["docProps/custom.xml"] = src.read("docProps/custom.xml").replace(b"huiwu-receipt", b"x")
    if keep != "core_keywords":
        replace["docProps/core.xml"] = src.read("docProps/core.xml").replace(b"huiwu-receipt", b"x")
    if keep != "hidden_text":
        replace["word/document.xml"] = src.read("word/document.xml").replace(b"huiwu-receipt", b"x")
    parsed = read_document(rezip(data, replace=replace), "filled.docx")
    assert parsed.marker is not None and parsed.marker.venue == "460000" and parsed.marker.event == demo_event.slug
    assert keep in parsed.marker_sources
    ex = extract(parsed)
    assert [r.data["name"] for r in ex.attendees] == ["贾宝", "林黛"]
    assert [r.row for r in ex.attendees] == [2, 3]
    assert ex.tech_contact == {"name": "甄士", "phone": "13722223333"}


@pytest.mark.parametrize("keep", ["custom_property", "defined_name", "hidden_sheet"])
def test_each_xlsx_marker_alone_is_enough(demo_event, keep):
    venue = demo_event.venues.get(code="540000")
    wb = openpyxl.load_workbook(io.BytesIO(render_template(venue, "xlsx")))
    ws = wb["回执"]
    ws["B8"], ws["C8"], ws["E8"] = "扎  西", "某县教育局", 13911112222
    if keep != "custom_property":
        wb.custom_doc_props.props.clear()
    if keep != "defined_name":
        del wb.defined_names["huiwu_marker"]
    if keep != "hidden_sheet":
        del wb["_huiwu"]
    wb.properties.keywords = None
    parsed = read_document(xlsx_bytes(wb), "filled.xlsx")
    assert parsed.marker is not None and parsed.marker.venue == "540000"
    assert keep in parsed.marker_sources
    ex = extract(parsed)
    assert [(r.row, r.data["name"], r.data["phone"]) for r in ex.attendees] == [(8, "扎西", "13911112222")]


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_marker_survives_a_save_in_another_office_suite(demo_event, tmp_path, fmt):
    """LibreOffice rewrites every part of the file, as WPS does; the marker must come through."""
    from conftest import require_office

    require_office(fmt)
    venue = demo_event.venues.get(code="530000")
    src = tmp_path / f"in.{fmt}"
    data = render_template(venue, fmt)
    if fmt == "docx":
        data = _fill_docx(data, PEOPLE, ("段  誉", "13733334444"))
    src.write_bytes(data)
    out = tmp_path / "out"
    subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", fmt,
                    "--outdir", str(out), str(src)], check=True, capture_output=True, timeout=120)
    saved = (out / f"in.{fmt}").read_bytes()
    assert saved != data
    parsed = read_document(saved, f"saved.{fmt}")
    assert parsed.marker is not None and parsed.marker.venue == "530000"
    if fmt == "docx":
        ex = extract(parsed)
        assert [r.data["name"] for r in ex.attendees] == ["贾宝", "林黛"]
        assert ex.tech_contact == {"name": "段誉", "phone": "13733334444"}


def test_template_rows_follow_capacity(demo_event):
    venue = demo_event.venues.get(code="630000")
    venue.capacity = 12
    venue.save()
    d = docx.Document(io.BytesIO(render_template(venue, "docx")))
    assert len(d.tables[0].rows) == 13
    assert re.search(r"不超过12人", "\n".join(p.text for p in d.paragraphs))


def test_unknown_format_refused(demo_event):
    with pytest.raises(ValueError):
        render_template(demo_event.venues.get(code="main"), "pdf")
