"""The seed's two receipt forms as .docx and .xlsx, filled in for one venue, with a marker.

附件1 (main venue: 主会场参会回执) and 附件2 (branch venue: 分会场参加人员及视频调试负责人回执),
laid out as an official attachment: the 附件 heading top left, a centred title, the venue,
unit and deadline, a 序号/姓名/单位/职务/手机 table with one numbered row per seat, and the
rehearsal-contact block. The marker (event slug + venue code [+ unit id]) is written three
times so that a save in Word or WPS keeps at least one: a custom document property, the core
properties' keywords, and hidden text (Word) / a hidden sheet and a defined name (Excel).
The importer reads it back to know the venue without guessing.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _

from huiwu.events.services import effective_deadline
from huiwu.venues.models import Venue

from .model import Marker

# The form is a Chinese official attachment and the reader finds its way through it by these words,
# so they are document data, the same in every language of the pages: the attachment numbers and
# titles of the notice, the column headers and the contact caption (extract.py looks for them), the
# 会场代码/填报单位 lines (importer.py and extract.py read the venue code and the unit from them),
# the font names and the sheet name. What only tells a person how to fill the form in (the notes,
# the deadline line) goes through gettext: reading the form back never looks at it.
# i18n: data
HEADER = ("序号", "姓名", "单位", "职务", "手机")
# i18n: data
TITLE = {"main": "主会场参会回执", "branch": "分会场参加人员及视频调试负责人回执"}
# i18n: data
ATTACHMENT_NO = {"main": "附件1", "branch": "附件2"}
# i18n: data
CONTACT_CAPTION, CONTACT_HEADER = "视频调试负责人", ("姓名", "单位", "职务", "手机")
# i18n: data (font names as Word and WPS know them, and the form's sheet)
HEI, SONG, FANGSONG, KAI, SHEET = "黑体", "宋体", "仿宋", "楷体", "回执"
MIN_ROWS, MAX_ROWS = 10, 30
CUSTOM_PROPERTY = "huiwu_marker"


def marker_for(venue: Venue, unit: Any = None) -> Marker:
    return Marker(event=venue.event.slug, venue=venue.code, unit_id=getattr(unit, "pk", None))


def _facts(venue: Venue, unit: Any) -> dict:
    from huiwu.receipts.services import format_deadline

    event = venue.event
    deadline = effective_deadline(venue)
    kind = "main" if venue.kind == Venue.Kind.MAIN else "branch"
    unit_name = getattr(unit, "name", "") or ("" if kind == "main" else getattr(venue.host_unit, "name", ""))
    place = venue.name + (f"（{venue.address}）" if venue.address else "")  # i18n: data
    facts = {
        "kind": kind,
        "attachment": ATTACHMENT_NO[kind],
        "title": TITLE[kind],
        "event": event.title,
        "venue_line": f"会场：{place}　会场代码：{venue.code}",  # i18n: data
        "unit_line": f"填报单位（盖章）：{unit_name}",  # i18n: data
        "deadline_line": "",
        "rows": max(MIN_ROWS, min(MAX_ROWS, venue.capacity or MAX_ROWS)),
        "notes": [
            _("注：1. 本会场参会总人数不超过%(n)d人，请逐行填写姓名、单位、职务和11位手机号码。") % {"n": venue.capacity},
            _("2. 请勿改动表头和文件属性，系统据此识别会场；多余的空行可以保留。"),
        ],
        "marker": marker_for(venue, unit).text(),
    }
    if deadline is not None:
        where = _("发送至 %(email)s，或登录系统上传") % {"email": event.registration_email} \
            if event.registration_email else _("登录系统上传")
        facts["deadline_line"] = _("请于%(when)s前填好，%(where)s。") % {"when": format_deadline(venue, deadline), "where": where}
    if kind == "branch" and event.rehearsal_starts_at:
        from huiwu.receipts.services import format_deadline as fmt

        facts["notes"].append(_("3. 视频调试于%(when)s开始，届时请视频调试负责人保持手机畅通。") % {"when": fmt(venue, event.rehearsal_starts_at)})
    return facts


# -- Word ----------------------------------------------------------------------------------
def _font(run, east_asia: str, size_pt: float, *, bold: bool = False, color: str | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    run.font.name = "Times New Roman"
    run.font.size = Pt(size_pt)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:ascii"), "Times New Roman")
    rfonts.set(qn("w:hAnsi"), "Times New Roman")
    if color:
        run.font.color.rgb = RGBColor.from_string(color)


def _para(doc, text: str, east_asia: str, size: float, *, bold=False, align=None, space_after: float = 0):
    from docx.shared import Pt

    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(space_after)
    _font(p.add_run(text), east_asia, size, bold=bold)
    return p


def _cell_text(cell, text: str, *, bold: bool = False, size: float = 12) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = cell.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(text), FANGSONG, size, bold=bold)


def _custom_properties_part(package, marker: str) -> None:
    """docProps/custom.xml with the marker (python-docx has no API for custom properties)."""
    from xml.sax.saxutils import escape

    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="2" name="{CUSTOM_PROPERTY}">'
        f"<vt:lpwstr>{escape(marker)}</vt:lpwstr></property></Properties>"
    ).encode()
    part = Part(PackURI("/docProps/custom.xml"),
                "application/vnd.openxmlformats-officedocument.custom-properties+xml", xml, package)
    package.relate_to(part, RT.CUSTOM_PROPERTIES)


def render_docx(venue: Venue, unit: Any = None) -> bytes:
    import docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    f = _facts(venue, unit)
    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FANGSONG)

    _para(doc, f["attachment"], HEI, 16, space_after=6)
    _para(doc, f["title"], SONG, 22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=4)
    _para(doc, f"（{f['event']}）", KAI, 14, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=10)  # i18n: data
    _para(doc, f["venue_line"], FANGSONG, 14)
    _para(doc, f["unit_line"], FANGSONG, 14, space_after=6)

    table = doc.add_table(rows=f["rows"] + 1, cols=len(HEADER))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = [Cm(1.3), Cm(2.6), Cm(5.6), Cm(3.2), Cm(3.2)]
    for j, label in enumerate(HEADER):
        _cell_text(table.cell(0, j), label, bold=True)
    for i in range(1, f["rows"] + 1):
        _cell_text(table.cell(i, 0), str(i))
    table.autofit = False
    for j, column in enumerate(table.columns):
        column.width = widths[j]
    for row in table.rows:
        row.height = Cm(0.8)
        for j, cell in enumerate(row.cells):
            cell.width = widths[j]
    # repeat the header row on every page
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    tbl_header = OxmlElement("w:tblHeader")
    tr_pr.append(tbl_header)

    if f["kind"] == "branch":
        _para(doc, "", FANGSONG, 10)
        _para(doc, CONTACT_CAPTION, HEI, 14, space_after=4)
        contact = doc.add_table(rows=2, cols=4)
        contact.style = "Table Grid"
        contact.alignment = WD_TABLE_ALIGNMENT.CENTER
        for j, label in enumerate(CONTACT_HEADER):
            _cell_text(contact.cell(0, j), label, bold=True)
        for row in contact.rows:
            row.height = Cm(0.8)
    _para(doc, "", FANGSONG, 10)
    if f["deadline_line"]:
        _para(doc, f["deadline_line"], FANGSONG, 12)
    for note in f["notes"]:
        _para(doc, note, FANGSONG, 12)

    # the marker, three times: hidden white 1-pt text, keywords, custom property
    hidden = doc.add_paragraph()
    run = hidden.add_run(f["marker"])
    _font(run, SONG, 1, color="FFFFFF")
    run.font.hidden = True
    props = doc.core_properties
    props.keywords = f["marker"]
    props.title = f["title"]
    props.subject = f["event"]
    props.author = "huiwu"
    _custom_properties_part(doc.part.package, f["marker"])
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# -- Excel ---------------------------------------------------------------------------------
def render_xlsx(venue: Venue, unit: Any = None) -> bytes:
    import openpyxl
    from openpyxl.packaging.custom import StringProperty
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.workbook.defined_name import DefinedName

    f = _facts(venue, unit)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    cols = len(HEADER)
    last = openpyxl.utils.get_column_letter(cols)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    body = Font(name=FANGSONG, size=12)

    ws["A1"] = f["attachment"]
    ws["A1"].font = Font(name=HEI, size=14)
    ws["A2"] = f["title"]
    ws["A2"].font = Font(name=SONG, size=18, bold=True)
    ws["A2"].alignment = center
    ws.merge_cells(f"A2:{last}2")
    ws["A3"] = f"（{f['event']}）"  # i18n: data
    ws["A3"].font = Font(name=KAI, size=12)
    ws["A3"].alignment = center
    ws.merge_cells(f"A3:{last}3")
    for r, key in ((4, "venue_line"), (5, "unit_line")):
        ws.cell(row=r, column=1, value=f[key]).font = body
        ws.merge_cells(f"A{r}:{last}{r}")
    ws.row_dimensions[2].height = 30

    header_row = 7
    for j, label in enumerate(HEADER, start=1):
        c = ws.cell(row=header_row, column=j, value=label)
        c.font = Font(name=FANGSONG, size=12, bold=True)
        c.alignment, c.border = center, box
    for i in range(1, f["rows"] + 1):
        r = header_row + i
        for j in range(1, cols + 1):
            c = ws.cell(row=r, column=j, value=i if j == 1 else None)
            c.font, c.alignment, c.border = body, center, box
        ws.cell(row=r, column=5).number_format = "@"  # phones stay text, never 1.38E+10
        ws.row_dimensions[r].height = 20
    r = header_row + f["rows"] + 2
    if f["kind"] == "branch":
        ws.cell(row=r, column=1, value=CONTACT_CAPTION).font = Font(name=HEI, size=12)
        r += 1
        for j, label in enumerate(CONTACT_HEADER, start=1):
            c = ws.cell(row=r, column=j, value=label)
            c.font, c.alignment, c.border = Font(name=FANGSONG, size=12, bold=True), center, box
        for j in range(1, 5):
            c = ws.cell(row=r + 1, column=j)
            c.font, c.alignment, c.border = body, center, box
        ws.cell(row=r + 1, column=4).number_format = "@"
        r += 3
    lines = ([f["deadline_line"]] if f["deadline_line"] else []) + f["notes"]
    for line in lines:
        ws.cell(row=r, column=1, value=line).font = Font(name=FANGSONG, size=11)
        ws.merge_cells(f"A{r}:{last}{r}")
        r += 1
    for letter, width in zip("ABCDE", (7, 14, 34, 18, 18), strict=True):
        ws.column_dimensions[letter].width = width
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToHeight = 0

    hidden = wb.create_sheet("_huiwu")
    hidden["A1"] = f["marker"]
    hidden.sheet_state = "hidden"
    wb.defined_names[CUSTOM_PROPERTY] = DefinedName(CUSTOM_PROPERTY, attr_text=f'"{f["marker"]}"')
    wb.custom_doc_props.append(StringProperty(name=CUSTOM_PROPERTY, value=f["marker"]))
    wb.properties.keywords = f["marker"]
    wb.properties.title = f["title"]
    wb.properties.subject = f["event"]
    wb.properties.creator = "huiwu"
    wb.active = 0
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def template_filename(venue: Venue, fmt: str, unit: Any = None) -> str:
    kind = "main" if venue.kind == Venue.Kind.MAIN else "branch"
    who = getattr(unit, "name", "") or venue.name
    return f"{ATTACHMENT_NO[kind]}-{TITLE[kind]}-{who}.{fmt}"


def render_template(venue: Venue, fmt: str, unit: Any = None) -> bytes:
    """The venue's receipt form (附件1 for the main venue, 附件2 for a branch) as .docx or .xlsx bytes.

    `unit`: at the main venue, the invited unit the form is for (its id goes into the marker).
    Serve with CONTENT_TYPES[fmt] and template_filename(venue, fmt, unit).
    """
    if fmt == "docx":
        return render_docx(venue, unit)
    if fmt == "xlsx":
        return render_xlsx(venue, unit)
    raise ValueError(_("模板格式只能是 docx 或 xlsx。"))


def template_response(venue: Venue, fmt: str, unit: Any = None):
    """The form as a download, for every page that hands one out; an unknown format is 404."""
    from django.http import Http404, HttpResponse
    from django.utils.http import content_disposition_header

    if fmt not in CONTENT_TYPES:
        raise Http404(fmt)
    response = HttpResponse(render_template(venue, fmt, unit), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, template_filename(venue, fmt, unit))
    return response
