"""Paper: the seat chart (座次表) as PDF and .xlsx, and the name cards (桌签) as PDF.

PDFs use reportlab's CID font STSong-Light as the receipt confirmation does (the viewer supplies
the glyphs from its Adobe-GB1 set, so no font file is shipped). The chart is drawn as the room
looks from the back of the hall with the front (and the rostrum) at the top of the page,
audience-left on the left. Each name card is one A4 landscape page folded in half along the
middle: the lower half reads normally, the upper half is turned 180° so the card reads from both
sides. The .xlsx goes through `safe_cell`, so a name starting with = + - @ stays text.
"""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A3, A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from huiwu.receipts.models import Attendee

from .models import SeatingPlan
from .services import PlanView, plan_view, seat_label

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _txt(text: str) -> str:
    # Adobe-GB1's UCS-2 map has no U+00B7; the name separator is drawn with its GB2312 twin U+30FB
    return (text or "").replace("\u00b7", "\u30fb")


def _people(view: PlanView) -> dict[int, Attendee]:
    ids = [s["attendee"] for s in view.seats if s.get("attendee") is not None] + list(view.unseated)
    return {a.pk: a for a in Attendee.objects.filter(pk__in=ids)}


def _fit(c: canvas.Canvas, text: str, size: float, width: float) -> float:
    """The largest font size up to `size` at which `text` fits `width`."""
    w = pdfmetrics.stringWidth(text, FONT, size)
    return size if w <= width else max(4.0, size * width / w)


def chart_pdf(plan: SeatingPlan, *, paper: str = "A4") -> bytes:
    """座次表: every seat as a box with row/seat label and name; front and rostrum labelled."""
    view = plan_view(plan)
    people = _people(view)
    venue = plan.venue
    size = landscape(A3 if paper.upper() == "A3" else A4)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=size)
    c.setTitle(_("座次表 %(venue)s") % {"venue": venue.name})
    c.setAuthor(_("huiwu 会务"))
    pw, ph = size
    margin = 12 * mm
    c.setFont(FONT, 16)
    c.drawCentredString(pw / 2, ph - margin - 4 * mm, _txt(_("%(event)s 座次表") % {"event": venue.event.title})[:80])
    c.setFont(FONT, 10)
    sub = _("%(venue)s　最小间距 %(d)s 米　%(mode)s　生成于 %(at)s") % {
        "venue": venue.name, "d": f"{float(plan.min_distance):g}", "mode": plan.get_mode_display(),
        "at": timezone.localtime(plan.created_at).strftime("%Y-%m-%d %H:%M")}
    c.drawCentredString(pw / 2, ph - margin - 10 * mm, _txt(sub))
    if view.stale:
        c.setFillColor(colors.HexColor("#b00020"))
        c.drawCentredString(pw / 2, ph - margin - 15 * mm, _("注意：名单在排座后有变化，本表可能已过时，请重新排座。"))
        c.setFillColor(colors.black)
    seats = view.seats
    if not seats:
        c.showPage()
        c.save()
        return buf.getvalue()
    xs = [s["x"] for s in seats]
    ys = [s["y"] for s in seats]
    top = ph - margin - 30 * mm
    bottom = margin + 14 * mm
    left, right = margin + 16 * mm, pw - margin
    span_x = max(max(xs) - min(xs), 0.5)
    span_y = max(max(ys) - min(ys), 0.5)
    # not to scale: across and front-to-back each fill the page, so names stay readable
    scale_x = (right - left - 28 * mm) / span_x
    scale_y = (top - bottom - 14 * mm) / span_y
    gap_x, gap_y = _min_gap(xs), _min_gap(ys)
    # a 3,000-seat hall has 60-seat rows: boxes shrink to the pitch rather than overlap
    box_w = max(3 * mm, min(28 * mm, gap_x * scale_x * 0.9 if gap_x else 28 * mm))
    box_h = max(3 * mm, min(11 * mm, gap_y * scale_y * 0.8 if gap_y else 11 * mm))
    cx0 = (left + right) / 2 - (min(xs) + max(xs)) / 2 * scale_x

    def pos(s: dict) -> tuple[float, float]:
        return cx0 + s["x"] * scale_x, top - 10 * mm - (s["y"] - min(ys)) * scale_y

    # the front of the room
    c.setFillColor(colors.HexColor("#444444"))
    c.rect(left, top + 2 * mm, right - left, 6 * mm, fill=1, stroke=0)
    c.setFillColor(colors.white)
    c.setFont(FONT, 11)
    c.drawCentredString((left + right) / 2, top + 3.6 * mm, _("前　方（主席台方向）"))
    c.setFillColor(colors.black)
    rows_done = set()
    for s in seats:
        x, y = pos(s)
        key = (s["row"], s.get("rostrum", False))
        if key not in rows_done:
            rows_done.add(key)
            c.setFont(FONT, 9)
            c.setFillColor(colors.black)
            label = _("主席台") if s.get("rostrum") else _("第%(row)s排") % {"row": s["row"]}
            c.drawRightString(left - 2 * mm, y - 1.5 * mm, _txt(label))
        a = people.get(s.get("attendee"))
        c.setStrokeColor(colors.HexColor("#8a1c1c") if s.get("rostrum") else colors.HexColor("#555555"))
        c.setFillColor(colors.HexColor("#fbeaea") if a else colors.white)
        c.rect(x - box_w / 2, y - box_h / 2, box_w, box_h, fill=1, stroke=1)
        if box_w >= 8 * mm and box_h >= 6 * mm:
            c.setFillColor(colors.grey)
            c.setFont(FONT, 5.5)
            c.drawString(x - box_w / 2 + 0.6 * mm, y + box_h / 2 - 2.4 * mm, _txt(str(s["seat"])))
        if a:
            c.setFillColor(colors.black)
            name = _txt(a.name)
            fs = _fit(c, name, min(11.0, box_h / mm * 1.6), box_w - min(1.5 * mm, box_w / 5))
            c.setFont(FONT, fs)
            c.drawCentredString(x, y - fs * 0.35, name)
    c.setFillColor(colors.black)
    c.setFont(FONT, 9)
    seated = sum(1 for s in seats if s.get("attendee") is not None)
    foot = _("就座 %(n)d 人；未安排座位 %(u)d 人。") % {"n": seated, "u": len(view.unseated)}
    if view.unseated:
        names = _("、").join(people[pk].name for pk in view.unseated if pk in people)
        foot += _("未安排：%(names)s") % {"names": names}
    c.drawString(margin, margin, _txt(foot)[:160])
    c.showPage()
    c.save()
    return buf.getvalue()


def _min_gap(values: list[float]) -> float:
    v = sorted(set(round(x, 3) for x in values))
    gaps = [b - a for a, b in zip(v, v[1:], strict=False) if b - a > 1e-6]
    return min(gaps) if gaps else 0.0


def chart_xlsx(plan: SeatingPlan) -> bytes:
    """座次表 as a workbook: one sheet drawn like the room, one list sheet (row, seat, name, unit)."""
    from openpyxl import Workbook

    from huiwu.core.spreadsheet import safe_cell

    view = plan_view(plan)
    people = _people(view)
    wb = Workbook(write_only=True)
    room = wb.create_sheet(_("座次图"))
    rows: dict[tuple[bool, str], list[dict]] = {}
    for s in view.seats:
        rows.setdefault((not s.get("rostrum", False), s["row"]), []).append(s)
    room.append([safe_cell(_("前方（主席台方向）"), room)])
    ordered = sorted(rows.items(), key=lambda kv: (kv[0][0], kv[1][0]["y"]))
    for (audience, label), seats in ordered:
        seats.sort(key=lambda s: s["x"])
        head = _("主席台") if not audience else _("第%(row)s排") % {"row": label}
        cells = [safe_cell(head, room)]
        for s in seats:
            a = people.get(s.get("attendee"))
            cells.append(safe_cell(a.name if a else "", room))
        room.append(cells)
    listing = wb.create_sheet(_("名单"))
    listing.append([_("排"), _("座"), _("姓名"), _("单位"), _("职务")])
    for (audience, label), seats in ordered:
        for s in seats:
            a = people.get(s.get("attendee"))
            if a:
                listing.append([safe_cell(_("主席台") if not audience else label, listing),
                                safe_cell(str(s["seat"]), listing), safe_cell(a.name, listing),
                                safe_cell(a.unit, listing), safe_cell(a.position, listing)])
    for pk in view.unseated:
        a = people.get(pk)
        if a:
            listing.append(["", safe_cell(_("未安排"), listing), safe_cell(a.name, listing),
                            safe_cell(a.unit, listing), safe_cell(a.position, listing)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def cards_pdf(plan: SeatingPlan) -> bytes:
    """桌签: one A4 landscape page per seated person in seat order, the name large on both halves,
    the upper half turned 180°, a fold line across the middle."""
    view = plan_view(plan)
    people = _people(view)
    pw, ph = landscape(A4)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(pw, ph))
    c.setTitle(_("桌签 %(venue)s") % {"venue": plan.venue.name})
    c.setAuthor(_("huiwu 会务"))
    order = {pk: i for i, pk in enumerate(plan.order)}
    seated = sorted((s for s in view.seats if s.get("attendee") in people),
                    key=lambda s: order.get(s["attendee"], len(order)))
    for s in seated:
        a = people[s["attendee"]]
        name = _txt(a.name)
        # a two-character name gets an ideographic space between (两字名中间空一格)
        spaced = "\u3000".join(name) if len(name) == 2 else name  # i18n: data
        fs = _fit(c, spaced, 150, pw - 40 * mm)
        half = ph / 2
        # lower half: reads normally for the person in front of the card
        c.setFont(FONT, fs)
        c.drawCentredString(pw / 2, half / 2 - fs * 0.35, spaced)
        # upper half: turned 180° about the page centre, reads from the other side
        c.saveState()
        c.translate(pw / 2, ph - half / 2)
        c.rotate(180)
        c.setFont(FONT, fs)
        c.drawCentredString(0, -fs * 0.35, spaced)
        c.restoreState()
        c.setStrokeColor(colors.HexColor("#bbbbbb"))
        c.setDash(4, 4)
        c.line(10 * mm, half, pw - 10 * mm, half)
        c.setDash()
        c.setFont(FONT, 8)
        c.setFillColor(colors.grey)
        c.drawString(10 * mm, 6 * mm, _txt(seat_label(s["row"], s["seat"], s.get("rostrum", False))))
        c.setFillColor(colors.black)
        c.showPage()
    if not seated:
        c.setFont(FONT, 14)
        c.drawCentredString(pw / 2, ph / 2, _("没有已就座的人员。"))
        c.showPage()
    c.save()
    return buf.getvalue()
