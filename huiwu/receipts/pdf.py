"""The receipt confirmation (回执确认单) as a PDF.

reportlab's built-in CID font STSong-Light renders Chinese without shipping font files (the PDF
viewer supplies the glyphs from its standard Adobe-GB1 set), so this works on any server.
"""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from huiwu.events import categories

from .models import Receipt

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

_base = ParagraphStyle("cjk", fontName=FONT, fontSize=10.5, leading=15, wordWrap="CJK")
_title = ParagraphStyle("title", parent=_base, fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=4)
_sub = ParagraphStyle("sub", parent=_base, fontSize=11, alignment=TA_CENTER, textColor=colors.HexColor("#555555"))
_cell = ParagraphStyle("cell", parent=_base, fontSize=9.5, leading=13)


def _p(text: str, style: ParagraphStyle = _base) -> Paragraph:
    from xml.sax.saxutils import escape

    # Adobe-GB1's UCS-2 map has no U+00B7; the name separator is drawn with its GB2312 twin U+30FB
    return Paragraph(escape((text or "").replace("\u00b7", "\u30fb")), style)


def confirmation_pdf(receipt: Receipt, *, show_phone: bool = True) -> bytes:
    """What was filed in this version, who filed it and when — for the unit's own records."""
    from huiwu.core.text import mask_mobile

    from .services import CODES_NOTE, format_deadline

    venue = receipt.venue
    event = venue.event
    snap = receipt.snapshot or {}
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm,
                            title=_("回执确认单 %(venue)s 第%(version)d版") % {"venue": venue.name, "version": receipt.version},
                            author=_("huiwu 会务"))
    phone = (lambda p: p) if show_phone else mask_mobile
    story = [
        _p(event.title, _sub),
        _p(_("回执确认单"), _title),
        _p(f"{event.doc_number}", _sub) if event.doc_number else Spacer(1, 1),
        Spacer(1, 6 * mm),
    ]
    who = receipt.submitted_by.display_name or receipt.submitted_by.username if receipt.submitted_by_id else "—"
    facts = [
        (_("会场"), _("%(venue)s（%(code)s）") % {"venue": venue.name, "code": venue.code}),
        (_("填报单位"), receipt.unit.name if receipt.unit_id else "—"),
        (_("地址"), f"{venue.address} {venue.room}".strip() or "—"),
        (_("版本"), _("第 %(version)d 版（%(channel)s）") % {"version": receipt.version,
                                                          "channel": receipt.get_channel_display()}),
        (_("提交时间"), format_deadline(venue, receipt.submitted_at)),
        (_("提交人"), who),
        (_("状态"), receipt.get_status_display()),
    ]
    t = Table([[_p(k, _cell), _p(v, _cell)] for k, v in facts], colWidths=[28 * mm, 150 * mm])
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("TEXTCOLOR", (0, 0), (0, -1), colors.grey)]))
    story += [t, Spacer(1, 5 * mm)]
    attendees = snap.get("attendees", [])
    story.append(_p(ngettext("参会人员（%(n)d 人）", "参会人员（%(n)d 人）", len(attendees)) % {"n": len(attendees)}))
    story.append(Spacer(1, 2 * mm))
    head = [_("序号"), _("姓名"), _("单位"), _("职务"), _("手机"), _("类别")]
    from huiwu.seating.services import seat_labels  # the venue's current seating plan, if any

    seats = seat_labels(venue)
    category = categories.labeller(event)
    widths = [11 * mm, 22 * mm, 52 * mm, 30 * mm, 26 * mm, 37 * mm]
    if seats:
        head.append(_("座位"))
        widths = [11 * mm, 22 * mm, 40 * mm, 30 * mm, 26 * mm, 29 * mm, 20 * mm]
    data = [[_p(h, _cell) for h in head]]
    for i, a in enumerate(attendees, start=1):
        data.append([_p(str(i), _cell), _p(a.get("name", ""), _cell), _p(a.get("unit", ""), _cell),
                     _p(a.get("position", ""), _cell), _p(phone(a.get("phone", "")), _cell),
                     # none chosen is stored as "other": the column stays empty then
                     _p(category(a.get("category", "")), _cell)]
                    + ([_p(seats.get(a.get("id"), "—"), _cell)] if seats else []))
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    story += [table, Spacer(1, 5 * mm)]
    tc = snap.get("tech_contact")
    if venue.kind == "branch":  # the main venue has no video rehearsal of its own
        story.append(_p(_("视频调试负责人：%(contact)s")
                        % {"contact": f"{tc['name']}  {phone(tc['phone'])}" if tc else _("未填写")}))
    story.append(Spacer(1, 4 * mm))
    story.append(_p(str(CODES_NOTE)))
    story.append(Spacer(1, 8 * mm))
    story.append(_p(_("本确认单由 huiwu 会务系统于 %(time)s 生成，内容以系统中该版本回执为准。")
                    % {"time": format_deadline(venue, timezone.now())}, _sub))
    doc.build(story)
    return buf.getvalue()
