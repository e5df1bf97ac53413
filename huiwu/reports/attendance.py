"""The attendance report (参会情况报告) after the event, and its chart by venue.

The figures come from the domains that own them: check-in (`checkin.services.attendance`: expected,
arrived, late, replaced, not eligible per venue), rehearsals (`rehearsals.services.results_by_venue`)
and receipts (`receipts.services.filing_states`, as the overview counts them). `report_data` puts them
together once; the .docx (official layout, tables built as XML like the roster's), the .pdf (reportlab)
and the chart (matplotlib, Agg, Noto Sans CJK found through the font manager) are drawn from it.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from huiwu.events.models import Event

#: more venues than this: the chart shows the ones with the lowest share arrived (a 3,000-bar chart says nothing)
CHART_MAX_VENUES = 40


def report_data(event: Event) -> dict[str, Any]:
    """Totals and one row per venue: filed receipt, expected, arrived, late, replaced, not eligible, rehearsal."""
    from huiwu.checkin.services import attendance
    from huiwu.receipts.services import filing_states
    from huiwu.rehearsals.models import Status
    from huiwu.rehearsals.services import results_by_venue
    from huiwu.venues.models import Venue

    att = attendance(event)
    ids = dict(Venue.objects.filter(event=event).values_list("code", "id"))
    filing = filing_states(event)  # the overview's rule: the main venue once every confirmed unit has filed
    rehearsal = results_by_venue(event)
    labels = dict(Status.choices)
    rows = []
    for r in att["venues"]:
        vid = ids.get(r["venue"])
        reh = rehearsal.get(vid) or {}
        state = filing.get(vid)
        rows.append({**r, "filed_version": state.version if state and state.filed else None,
                     "units_filed": (state.units_filed, state.units_confirmed) if state and state.partly_filed else None,
                     "rehearsal": str(labels.get(reh.get("status"), "")) if reh.get("status") else "",
                     "rehearsal_status": reh.get("status"), "selftest": reh.get("selftest_grade")})
    totals = dict(att["totals"])
    totals["venues"] = len(rows)
    totals["filed"] = sum(1 for r in rows if r["filed_version"])
    branch = [r for r in rows if r["kind"] == "branch"]
    totals["rehearsal_passed"] = sum(1 for r in branch if r["rehearsal_status"] == Status.PASSED)
    totals["rehearsal_failed"] = sum(1 for r in branch if r["rehearsal_status"] in (Status.FAILED, Status.RETEST))
    totals["rehearsal_none"] = sum(1 for r in branch if r["rehearsal_status"] in (None, Status.PENDING))
    totals["branches"] = len(branch)
    return {"event": event, "rows": rows, "totals": totals, "generated_at": timezone.now()}


def _rate(n: int, d: int) -> str:
    return f"{100 * n / d:.0f}%" if d else "—"


# -- the chart -------------------------------------------------------------------------------------------
def cjk_font() -> Any:
    """Noto Sans CJK SC (any Noto Sans CJK face, else another CJK sans) from matplotlib's font manager;
    None when the machine has none (the chart then cannot show Chinese: CI installs fonts-noto-cjk)."""
    from matplotlib import font_manager

    names = {f.name: f.fname for f in font_manager.fontManager.ttflist}
    for want in ("Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", "WenQuanYi Zen Hei",
                 "Noto Serif CJK SC"):
        if want in names:
            return font_manager.FontProperties(family=want)
    return None


def chart(data: dict[str, Any], fmt: str = "png") -> bytes:
    """Horizontal bars per venue: expected and arrived (late shown within arrived)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    rows = [r for r in data["rows"]]
    title = _("各会场参会情况")
    if len(rows) > CHART_MAX_VENUES:
        rows = sorted(rows, key=lambda r: (r["checked_in"] / r["expected"]) if r["expected"] else 2)[:CHART_MAX_VENUES]
        title = _("到会率最低的 %(n)d 个会场（共 %(total)d 个）") % {"n": CHART_MAX_VENUES, "total": len(data["rows"])}
    rows = list(reversed(rows))  # the first venue on top
    font = cjk_font()
    kw = {"fontproperties": font} if font is not None else {}
    height = max(2.5, 0.28 * len(rows) + 1.2)
    fig = Figure(figsize=(7.5, height), dpi=110)
    ax = fig.add_subplot()
    ys = range(len(rows))
    ax.barh([y + 0.2 for y in ys], [r["expected"] for r in rows], height=0.4, color="#c9d6e3", label=_("应到"))
    ax.barh([y - 0.2 for y in ys], [r["checked_in"] for r in rows], height=0.4, color="#2e7d4f", label=_("实到"))
    ax.barh([y - 0.2 for y in ys], [r["late"] for r in rows], height=0.4, color="#e0a030", label=_("其中迟到"))
    ax.set_yticks(list(ys))
    ax.set_yticklabels([r["name"] for r in rows], **kw)
    ax.tick_params(axis="y", labelsize=8)
    ax.set_xlabel(_("人数"), **kw)
    ax.set_title(title, **kw)
    ax.legend(prop=font, loc="lower right", fontsize=8) if font is not None else ax.legend(loc="lower right")
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    # people start at 0; with nobody listed yet the axis would otherwise run from -0.045 to 0.045
    ax.set_xlim(0, max([r["expected"] for r in rows] + [r["checked_in"] for r in rows] + [1]) * 1.05)
    ax.grid(axis="x", color="#eeeeee")
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    return buf.getvalue()


# -- the documents ---------------------------------------------------------------------------------------
def _headers() -> list[str]:
    return [_("会场"), _("回执"), _("应到"), _("实到"), _("迟到"), _("更换"), _("不符合入场条件"), _("视频调试")]


def _cells(r: dict[str, Any]) -> list[str]:
    if r["filed_version"]:
        filed = _("第%(v)d版") % {"v": r["filed_version"]}
    elif r.get("units_filed"):
        filed = _("部分单位已报 %(done)d/%(of)d") % dict(zip(("done", "of"), r["units_filed"], strict=True))
    else:
        filed = _("未报")
    return [r["name"], filed, str(r["expected"]), str(r["checked_in"]), str(r["late"]), str(r["replaced"]),
            str(r["not_eligible"]), r["rehearsal"] or ("—" if r["kind"] == "main" else _("未安排"))]


def summary_lines(data: dict[str, Any]) -> list[str]:
    t = data["totals"]
    lines = [
        _("共 %(venues)d 个会场，%(filed)d 个报送了回执。") % t,
        _("应到 %(expected)d 人，实到 %(checked_in)d 人（到会率 %(rate)s），其中迟到 %(late)d 人；更换 %(replaced)d 人，"
          "不符合入场条件 %(not_eligible)d 人。") % {**t, "rate": _rate(t["checked_in"], t["expected"])},
    ]
    if t["branches"]:
        lines.append(_("视频调试：%(branches)d 个分会场中 %(rehearsal_passed)d 个通过，%(rehearsal_failed)d 个未通过或需复测，"
                       "%(rehearsal_none)d 个未调试。") % t)
    return lines


def write_docx(data: dict[str, Any]) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    from huiwu.core import officedoc as od

    from .roster import docx_table

    event = data["event"]
    doc = docx.Document()
    od.page_setup(doc, grid=False)
    od.style_font(doc.styles["Normal"], od.FANGSONG, od.SIZE_3)
    od.page_numbers(doc)

    def para(text: str, font: str, size: float, *, bold: bool = False, center: bool = False):
        p = doc.add_paragraph()
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        od.font(p.add_run(text), font, size, bold=bold)
        return p

    para(_("%(title)s参会情况报告") % {"title": event.title}, od.XBS, od.SIZE_2, bold=True, center=True)
    para("", od.FANGSONG, od.SIZE_3)
    para(_("一、总体情况"), od.HEI, od.SIZE_3)
    for line in summary_lines(data):
        para(line, od.FANGSONG, od.SIZE_3)
    para(_("二、各会场情况"), od.HEI, od.SIZE_3)
    doc.element.body.insert(len(doc.element.body) - 1, docx_table(
        _headers(), [_cells(r) for r in data["rows"]], [5, 2, 1.4, 1.4, 1.4, 1.4, 2.2, 2], font_size=10.5))
    para(_("三、到会情况图"), od.HEI, od.SIZE_3)
    png = chart(data, "png")
    from PIL import Image as PILImage

    w, h = PILImage.open(io.BytesIO(png)).size
    scale = min(150 / w, 200 / h)  # millimetres: within the text block of a page
    doc.add_picture(io.BytesIO(png), width=Mm(w * scale), height=Mm(h * scale))
    local = timezone.localtime(data["generated_at"])
    para(_("（统计截至 %(when)s）") % {"when": f"{local:%Y-%m-%d %H:%M}"}, od.KAI, od.SIZE_4)
    doc.core_properties.title = _("参会情况报告")
    doc.core_properties.subject = event.title
    doc.core_properties.author = "huiwu"
    return od.save(doc)


def write_pdf(data: dict[str, Any]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from huiwu.receipts.pdf import _base, _cell, _p, _title

    event = data["event"]
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title=_("参会情况报告"), author="huiwu")
    story: list[Any] = [_p(_("%(title)s参会情况报告") % {"title": event.title}, _title), Spacer(1, 4 * mm)]
    story += [_p(line, _base) for line in summary_lines(data)] + [Spacer(1, 4 * mm)]
    table: list[list[Paragraph]] = [[_p(h, _cell) for h in _headers()]]
    table += [[_p(c, _cell) for c in _cells(r)] for r in data["rows"]]
    t = Table(table, colWidths=[w * mm for w in (52, 18, 14, 14, 14, 14, 26, 26)], repeatRows=1)
    t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                           ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee"))]))
    story += [t, Spacer(1, 6 * mm)]
    png = chart(data, "png")
    from reportlab.lib.utils import ImageReader

    w, h = ImageReader(io.BytesIO(png)).getSize()
    # as wide as the text block, but never taller than a page
    scale = min(170 * mm / w, 230 * mm / h)
    story.append(Image(io.BytesIO(png), width=w * scale, height=h * scale))
    doc.build(story)
    return buf.getvalue()


WRITERS = {"docx": write_docx, "pdf": write_pdf}
CONTENT_TYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 "pdf": "application/pdf"}
