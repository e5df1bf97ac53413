"""Rosters (参会人员名单): the active attendees of an event or one venue, as .xlsx, .csv, .docx or .pdf.

Rows come from one query of plain tuples, in the official venue order, and are streamed into the
writer: openpyxl's write-only mode for .xlsx (a 90,000-row roster costs little more than openpyxl
writing the rows alone: bench/roster.py), csv with a BOM so Excel reads UTF-8, the .docx as an
official list by venue (tables built as XML, since python-docx adds cells one by one), and reportlab
for .pdf with the CID font the receipt confirmation uses. Every text cell of a spreadsheet or CSV
goes through core.spreadsheet.safe_cell.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huiwu.core.spreadsheet import FORMULA_START, safe_cell
from huiwu.core.text import mask_mobile
from huiwu.events import categories
from huiwu.events.models import Event
from huiwu.receipts.models import Attendee
from huiwu.venues.models import Venue

#: column key → (header, database field)
COLUMNS: dict[str, tuple[Any, str | None]] = {
    "index": (gettext_lazy("序号"), None),
    "venue_code": (gettext_lazy("会场代码"), "venue__code"),
    "venue": (gettext_lazy("会场"), "venue__name"),
    "name": (gettext_lazy("姓名"), "name"),
    "unit": (gettext_lazy("单位"), "unit"),
    "position": (gettext_lazy("职务"), "position"),
    "category": (gettext_lazy("类别"), "category"),
    "phone": (gettext_lazy("手机"), "phone"),
    "filed_by": (gettext_lazy("填报单位"), "filed_by_unit__name"),
}
DEFAULT_COLUMNS = ("index", "venue_code", "venue", "name", "unit", "position", "category", "phone")
FORMATS = ("xlsx", "csv", "docx", "pdf")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


class RosterError(ValueError):
    """A roster request that cannot be met; the message says what to change (Chinese)."""


def parse_columns(spec: str | Iterable[str] | None) -> tuple[str, ...]:
    """"name,unit,phone" (or a list) → checked column keys; empty → the default columns."""
    if spec is None or spec == "":
        return DEFAULT_COLUMNS
    keys = [k.strip() for k in (spec.split(",") if isinstance(spec, str) else spec) if k.strip()]
    unknown = [k for k in keys if k not in COLUMNS]
    if unknown or not keys:
        raise RosterError(_("不认识的列：%(bad)s。可选的列：%(ok)s。") % {
            "bad": _("、").join(unknown) or "—", "ok": ", ".join(COLUMNS)})
    return tuple(dict.fromkeys(keys))


@dataclass
class Roster:
    """What a roster writer needs: the headers, the rows (a one-pass iterator) and where they come from."""

    event: Event
    venue: Venue | None
    columns: tuple[str, ...]
    #: one tuple per attendee: the columns' values, then the venue's name (for writers that group by venue)
    rows: Iterator[tuple]

    @property
    def headers(self) -> list[str]:
        return [str(COLUMNS[k][0]) for k in self.columns]

    @property
    def title(self) -> str:
        return _("参会人员名单")

    @property
    def subtitle(self) -> str:
        return self.event.title + (_("　%(venue)s") % {"venue": self.venue.name} if self.venue else "")


def build(event: Event, *, venue: Venue | None = None, columns: tuple[str, ...] = DEFAULT_COLUMNS,
          show_phone: bool = True, unit_ids: set[int] | None = None) -> Roster:
    """The roster's rows as plain tuples, venue by venue in the official order, each venue's list in its order.

    `unit_ids`: only the attendees those units filed (a main-venue unit sees its own people);
    `show_phone=False` masks mobiles (138****8000).
    """
    qs = Attendee.objects.filter(event=event, status=Attendee.Status.ACTIVE)
    if venue is not None:
        qs = qs.filter(venue=venue)
    if unit_ids is not None:
        qs = qs.filter(filed_by_unit_id__in=unit_ids)
    fields = [COLUMNS[k][1] for k in columns if COLUMNS[k][1]]
    if "venue__name" not in fields:
        fields.append("venue__name")
    cats = categories.labels(event)
    wanted = list(columns)
    phone_at = fields.index("phone") if "phone" in fields else -1
    cat_at = fields.index("category") if "category" in fields else -1
    # the main venue's code is the system's own word ("main"); people read the venue column beside it
    code_at = fields.index("venue__code") if "venue__code" in fields else -1
    venue_at = fields.index("venue__name")

    def rows() -> Iterator[tuple]:
        data = qs.order_by("venue__order", "venue_id", "order", "id").values_list(*fields).iterator(chunk_size=5000)
        for i, raw in enumerate(data, start=1):
            row = list(raw)
            if cat_at >= 0:
                row[cat_at] = cats.get(row[cat_at], row[cat_at])
            if code_at >= 0 and row[code_at] == Venue.Kind.MAIN:
                row[code_at] = ""
            if phone_at >= 0 and not show_phone:
                row[phone_at] = mask_mobile(row[phone_at])
            out, it = [], iter(row)
            for key in wanted:
                out.append(i if key == "index" else next(it))
            out.append(row[venue_at])  # the venue name, last, for grouping writers
            yield tuple(out)

    return Roster(event=event, venue=venue, columns=columns, rows=rows())


# -- writers ----------------------------------------------------------------------------------------
def write_xlsx(roster: Roster) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("参会人员名单"))
    widths = {"index": 6, "venue_code": 10, "venue": 22, "name": 12, "unit": 36, "position": 22,
              "category": 24, "phone": 14, "filed_by": 30}
    for j, key in enumerate(roster.columns):
        from openpyxl.utils import get_column_letter

        ws.column_dimensions[get_column_letter(j + 1)].width = widths[key]
    ws.freeze_panes = "A2"
    from openpyxl.cell import WriteOnlyCell

    head = []
    for h in roster.headers:
        c = WriteOnlyCell(ws, value=h)
        c.font = Font(bold=True)
        head.append(c)
    ws.append(head)
    n = len(roster.columns)
    starts = FORMULA_START
    append = ws.append
    for row in roster.rows:
        row = row[:n]
        if any(isinstance(v, str) and v[:1] in starts for v in row):
            row = [safe_cell(v, ws) for v in row]
        append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_csv(roster: Roster) -> bytes:
    buf = io.StringIO()
    buf.write("\ufeff")
    w = csv.writer(buf)
    w.writerow(roster.headers)
    n = len(roster.columns)
    for row in roster.rows:
        w.writerow([safe_cell(v) for v in row[:n]])
    return buf.getvalue().encode("utf-8")


def _by_venue(roster: Roster) -> Iterator[tuple[str, list[tuple]]]:
    n = len(roster.columns)
    for venue_name, rows in groupby(roster.rows, key=lambda r: r[-1]):
        yield venue_name, [r[:n] for r in rows]


def docx_table(headers: list[str], rows: list[list[Any]], weights: list[float], *, font_size: float = 12) -> Any:
    """A bordered table across the text block as one lxml element (header row repeated on every page).

    Built as XML in one go: python-docx adds cells one by one, which takes seconds for a few
    thousand rows. Every run names its East Asian font (仿宋), like the rest of the document."""
    from xml.sax.saxutils import escape

    from docx.oxml import parse_xml

    from huiwu.core import officedoc as od

    text_width = 156 * 1440 / 25.4
    widths = [int(text_width * w / sum(weights)) for w in weights]
    size = int(font_size * 2)

    def cell(text: Any, width: int, bold: bool = False) -> str:
        rpr = (f'<w:rPr><w:rFonts w:ascii="{od.LATIN}" w:hAnsi="{od.LATIN}" w:eastAsia="{od.FANGSONG}" '
               f'w:hint="eastAsia"/>{"<w:b/>" if bold else ""}<w:sz w:val="{size}"/></w:rPr>')
        return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>'
                f'<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r>{rpr}<w:t xml:space="preserve">'
                f'{escape(str(text if text is not None else ""))}</w:t></w:r></w:p></w:tc>')

    border = "".join(f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                     for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
    body = [f'<w:tr><w:trPr><w:tblHeader/></w:trPr>{"".join(cell(h, x, True) for h, x in zip(headers, widths, strict=True))}</w:tr>']
    body += [f'<w:tr><w:trPr><w:cantSplit/></w:trPr>{"".join(cell(v, x) for v, x in zip(r, widths, strict=True))}</w:tr>'
             for r in rows]
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    return parse_xml(f'<w:tbl {ns}><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
                     f'<w:tblBorders>{border}</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr>'
                     f'<w:tblGrid>{"".join(f"<w:gridCol w:w={chr(34)}{x}{chr(34)}/>" for x in widths)}</w:tblGrid>'
                     f'{"".join(body)}</w:tbl>')


WEIGHTS = {"index": 1, "name": 2, "unit": 5, "position": 3, "category": 4, "phone": 3, "filed_by": 4}


def write_docx(roster: Roster) -> bytes:
    """参会人员名单 as an official list: title, the event, then per venue a 一、 heading in 黑体 and a table."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    from huiwu.core import officedoc as od

    doc = docx.Document()
    od.page_setup(doc, grid=False)
    od.style_font(doc.styles["Normal"], od.FANGSONG, od.SIZE_S4)
    od.page_numbers(doc)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    od.font(p.add_run(roster.title), od.XBS, od.SIZE_2, bold=True)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    od.font(p.add_run(roster.subtitle), od.KAI, od.SIZE_3)
    cols = [k for k in roster.columns if k not in ("venue", "venue_code")]
    keep = [i for i, k in enumerate(roster.columns) if k in cols]
    headers = [roster.headers[i] for i in keep]
    found = False
    for number, (venue_name, rows) in enumerate(_by_venue(roster), start=1):
        found = True
        p = doc.add_paragraph()
        p.paragraph_format.space_before = Pt(12)
        od.font(p.add_run(_("%(no)s、%(venue)s（%(n)d人）") % {"no": od.chinese_number(number), "venue": venue_name,
                                                            "n": len(rows)}), od.HEI, od.SIZE_3)
        values = [[i if k == "index" else r[j] for k, j in zip(cols, keep, strict=True)]
                  for i, r in enumerate(rows, start=1)]
        doc.element.body.insert(len(doc.element.body) - 1,  # before the final sectPr
                                docx_table(headers, values, [WEIGHTS[k] for k in cols]))
    if not found:
        p = doc.add_paragraph()
        od.font(p.add_run(_("（暂无参会人员）")), od.FANGSONG, od.SIZE_3)
    doc.core_properties.title = roster.title
    doc.core_properties.subject = roster.subtitle
    doc.core_properties.author = "huiwu"
    return od.save(doc)


def write_pdf(roster: Roster) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

    from huiwu.receipts.pdf import _base, _cell, _p, _sub, _title

    cols = [k for k in roster.columns if k not in ("venue", "venue_code")]
    keep = [i for i, k in enumerate(roster.columns) if k in cols]
    headers = [roster.headers[i] for i in keep]
    total = sum(WEIGHTS[k] for k in cols) or 1
    widths = [178 * mm * WEIGHTS[k] / total for k in cols]
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title=f"{roster.title} {roster.subtitle}", author="huiwu")
    story: list = [_p(roster.title, _title), _p(roster.subtitle, _sub), Spacer(1, 5 * mm)]
    from huiwu.core.officedoc import chinese_number

    style = TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee"))])
    for number, (venue_name, rows) in enumerate(_by_venue(roster), start=1):
        story.append(_p(_("%(no)s、%(venue)s（%(n)d人）") % {"no": chinese_number(number), "venue": venue_name,
                                                           "n": len(rows)}, _base))
        story.append(Spacer(1, 2 * mm))
        data = [[_p(h, _cell) for h in headers]]
        for i, r in enumerate(rows, start=1):
            data.append([_p(str(i if k == "index" else (r[j] or "")), _cell) for k, j in zip(cols, keep, strict=True)])
        t = Table(data, colWidths=widths, repeatRows=1)
        t.setStyle(style)
        story += [t, Spacer(1, 5 * mm)]
    doc.build(story)
    return buf.getvalue()


WRITERS = {"xlsx": write_xlsx, "csv": write_csv, "docx": write_docx, "pdf": write_pdf}


def filename(event: Event, venue: Venue | None, fmt: str) -> str:
    return f"{_('参会人员名单')}-{event.slug}{'-' + venue.code if venue else ''}.{fmt}"
