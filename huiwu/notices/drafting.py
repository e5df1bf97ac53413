"""Draft the event's notice (通知) as an official document in the GB/T 9704-2012 layout.

`notice_blocks(event)` writes the notice once, as a list of blocks (what each paragraph says and
what it is: the issuing office's mark, the doc number, a 一、 heading, body text…); `draft_docx`
lays the blocks out in Word (A4, 37/35/28/26 mm margins, a 22 × 28 document grid, the red mark and
rule, 方正小标宋 / 仿宋 / 黑体 / 楷体 with East Asian font attributes on every run, “— 1 —” page
numbers), followed by the receipt forms (附件1, 附件2) built by receipts.documents.templates;
`draft_html` renders the same blocks for the page's preview.

The wording is chosen so that `huiwu notice parse` reads the draft back to the same event
(`expected_fields(event)` is that event in the parser's schema; tests compare field for field).
Every sentence is document data in Chinese, the same in every language of the pages.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from huiwu.core import officedoc as od
from huiwu.events.models import Event
from huiwu.venues.models import Venue

# i18n: data (the rest of this module writes the notice's own Chinese sentences)
WEEKDAYS = "一二三四五六日"
GENERIC_ADDRESSEES = re.compile(r"^(?:有关单位|各有关单位|相关单位|有关部门)$")


@dataclass
class Block:
    """One paragraph of the notice: `kind` says how it is laid out, `runs` are (text, role) pieces
    (role: body, h1 = 一、 heading in 黑体, h2 = （一） heading in 楷体)."""

    kind: str
    runs: list[tuple[str, str]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(t for t, _role in self.runs)


def _tz(event: Event) -> ZoneInfo:
    return ZoneInfo(event.time_zone or "Asia/Shanghai")


def _day(moment: datetime, *, year: bool = True, weekday: bool = False) -> str:
    out = (f"{moment.year}年" if year else "") + f"{moment.month}月{moment.day}日"  # i18n: data
    return out + (f"（星期{WEEKDAYS[moment.weekday()]}）" if weekday else "")  # i18n: data


def _end_of_day(moment: datetime) -> bool:
    """A deadline stored as 23:59:59 was given as a day (“11月20日前”): the notice says the day only."""
    return (moment.hour, moment.minute, moment.second) == (23, 59, 59)


def _clock(moment: datetime) -> str:
    return f"{moment.hour}:{moment.minute:02d}"


def _span(start: datetime, end: datetime, *, weekday: bool = True) -> str:
    """“2021年11月23日（星期二）10:00—11:30”, or across days “…9:00至11月24日17:00”."""
    if start.date() == end.date():
        return f"{_day(start, weekday=weekday)}{_clock(start)}—{_clock(end)}"  # i18n: data
    return f"{_day(start, weekday=weekday)}{_clock(start)}至{_day(end, year=start.year != end.year)}{_clock(end)}"  # i18n: data


def doc_number(event: Event) -> str:
    """The 发文字号 with its year in 〔〕 (GB/T 9704), whatever brackets it was typed with."""
    return re.sub(r"[\[［(（【]\s*(\d{4})\s*[\]］)）】]", r"〔\1〕", (event.doc_number or "").strip())


def addressee_list(event: Event) -> list[str]:
    return [a.strip() for a in re.split(r"[，,]\s*", event.addressees or "") if a.strip()]


def branch_hosts(event: Event) -> list[str]:
    """The addressees that host branch venues: all but the catch-all “有关单位”."""
    return [a for a in addressee_list(event) if not GENERIC_ADDRESSEES.match(a)]


def _venues(event: Event) -> tuple[Venue | None, list[Venue]]:
    venues = list(event.venues.select_related("host_unit").order_by("order", "id"))
    main = next((v for v in venues if v.kind == Venue.Kind.MAIN), None)
    return main, [v for v in venues if v.kind == Venue.Kind.BRANCH]


def branch_capacity(branches: list[Venue]) -> int | None:
    """The capacity most branch venues have (the notice states one number for all)."""
    return Counter(v.capacity for v in branches).most_common(1)[0][0] if branches else None


def _rules(event: Event) -> list[dict]:
    try:
        from huiwu.admission.services import event_rules
    except ImportError:
        return []
    return [r for r in event_rules(event) if not r.get("venue_codes")]


def _contacts(event: Event) -> list[Any]:
    """The notice's 联系人: the event's contacts but the rehearsal contact, who is named in 视频调试."""
    out = []
    for c in event.contacts.all():
        same_as_tech = (c.name == event.rehearsal_contact_name
                        and set(c.phones or []) <= {event.rehearsal_contact_phone} and not c.fax)
        if not same_as_tech:
            out.append(c)
    return out


_SCOPE_SUBJECT = {"all": "参会人员", "main": "主会场参会人员", "branch": "分会场参会人员"}  # i18n: data


def _family(rule: dict) -> tuple:
    kind = rule["kind"]
    if kind in ("symptoms", "risk_area_contact", "risk_area_stay"):
        return ("history", rule.get("window_days"))
    if kind in ("itinerary_code", "health_code"):
        return ("codes",)
    return ("test", id(rule))


_HISTORY_WORDS = {"symptoms": "新冠肺炎疑似症状", "risk_area_contact": "疫情中高风险地区人员接触史",  # i18n: data
                  "risk_area_stay": "疫情中高风险地区驻留史"}  # i18n: data


def rule_sentences(rules: list[dict]) -> list[str]:
    """The admission rules as the notice's sentences, in the rules' order (the parser keeps the notice's
    order); neighbours of one kind family and venue scope share a sentence, as notices write them."""
    groups: list[list[dict]] = []
    for r in rules:
        key = (r.get("venues", "all"), _family(r))
        if groups and (groups[-1][0].get("venues", "all"), _family(groups[-1][0])) == key:
            groups[-1].append(r)
        else:
            groups.append([r])
    out: list[str] = []
    for group in groups:
        subject = _SCOPE_SUBJECT[group[0].get("venues", "all")]
        family = _family(group[0])[0]
        if family == "history":
            days = group[0].get("window_days")
            window = f"会前{days}天内" if days else ""  # i18n: data
            words = [_HISTORY_WORDS[r["kind"]] for r in group]
            what = words[0] if len(words) == 1 else "、".join(words[:-1]) + "或" + words[-1]  # i18n: data
            out.append(f"拟{subject}{window}如有{what}的，请更换其他参会人员。")  # i18n: data
        elif family == "codes":
            codes = []
            for r in group:
                if r["kind"] == "itinerary_code":
                    codes.append("行程码")  # i18n: data
                elif r.get("issuer"):
                    colour = "绿码" if r.get("color") == "green" else ""  # i18n: data
                    codes.append(f"“{r['issuer']}”{colour}")
                else:
                    codes.append("健康码绿码" if r.get("color") == "green" else "健康码")  # i18n: data
            out.append(f"{subject}需提供{'和'.join(codes)}。")  # i18n: data
        else:
            r = group[0]
            hours = f"会前{r['window_hours']}小时内" if r.get("window_hours") else ""  # i18n: data
            if r.get("applies_to") == "returned_from_travel":
                out.append(f"{subject}如出差返回，需在{hours}进行核酸检测，结果无异常方可参会。")  # i18n: data
            else:
                out.append(f"{subject}需在{hours}进行核酸检测，结果无异常方可参会。")  # i18n: data
    return out


def _phones(c: Any) -> str:
    phones = "；".join(c.phones or [])  # i18n: data
    if c.fax:
        phones = (phones + "；" if phones else "") + f"{c.fax}（传真）"  # i18n: data
    return phones


def notice_blocks(event: Event) -> list[Block]:
    """The notice, paragraph by paragraph (head, title, addressees, the four sections, contacts,
    附件 lines, signature and date)."""
    tz = _tz(event)
    main, branches = _venues(event)
    start, end = event.starts_at.astimezone(tz), event.ends_at.astimezone(tz)
    hosts = branch_hosts(event)
    b: list[Block] = []

    def add(kind: str, *runs: tuple[str, str]) -> None:
        b.append(Block(kind, list(runs)))

    def body(text: str) -> None:
        add("body", (text, "body"))

    if event.issuer:
        add("mark", (event.issuer, "mark"))
    if event.doc_number:
        add("docno", (doc_number(event), "body"))
    add("rule")
    title = f"{event.issuer or ''}关于举办{event.title}的通知"  # i18n: data
    add("title", (title, "title"))
    if addressee_list(event):
        add("addressees", ("，".join(addressee_list(event)) + "：", "body"))  # i18n: data
    body(f"经研究，定于{_day(start)}举办{event.title}。现将有关事项通知如下：")  # i18n: data

    add("h1", ("一、主要内容", "h1"))  # i18n: data
    if event.theme:
        body(f"{event.title}围绕“{event.theme}”主题，总结交流工作经验，部署推进下一阶段工作。")  # i18n: data
    else:
        body(f"{event.title}总结交流工作经验，部署推进下一阶段工作。具体议程另行印发。")  # i18n: data

    add("h1", ("二、时间、地点和形式", "h1"))  # i18n: data
    add("h2", ("（一）时间：", "h2"), (_span(start, end), "body"))  # i18n: data
    place = main.address if main and main.address else ""
    if branches:
        where = f"主会场设在{place}，" if place else ""  # i18n: data
        at = f"在{'、'.join(hosts)}设分会场。" if hosts else "各分会场由承办单位设置。"  # i18n: data
        add("h2", ("（二）地点和形式：", "h2"),  # i18n: data
            (f"会议采用“主会场+分会场”视频会议方式，线上线下相结合。{where}{at}", "body"))  # i18n: data
        if event.approval_required:
            body("各分会场须经当地有关部门审批同意后方可开设，保持安全距离间隔就坐，做好防护措施。")  # i18n: data
        else:
            body("各分会场无需另行审批，由承办单位组织收看。")  # i18n: data
    else:
        where = f"地点为{place}，" if place else ""  # i18n: data
        add("h2", ("（二）地点和形式：", "h2"), (f"会议以线下方式召开，{where}不设分会场。", "body"))  # i18n: data

    add("h1", ("三、参加人员", "h1"))  # i18n: data
    units = [vu.unit.name for vu in main.invited_units.select_related("unit").order_by("unit__order", "id")] if main else []
    if main:
        who = f"{'；'.join(u + '负责人' for u in units)}等。" if units else "主办单位确定的有关负责人。"  # i18n: data
        text = f"{who}{'主会场' if branches else '会议'}总人数在{main.capacity}人以内。"  # i18n: data
        if event.arrive_before_minutes:
            text += f"请参会代表提前{event.arrive_before_minutes}分钟入位。"  # i18n: data
        if branches:
            add("h2", ("（一）主会场：", "h2"), (text, "body"))  # i18n: data
        else:
            body(text)
    if branches:
        add("h2", ("（二）分会场：", "h2"),  # i18n: data
            (f"各分会场承办单位有关负责同志等。每个分会场总人数在{branch_capacity(branches)}人以内。", "body"))  # i18n: data

    add("h1", ("四、有关要求", "h1"))  # i18n: data
    n = 0
    items: list[tuple[str, str]] = []
    if event.registration_deadline:
        when = event.registration_deadline.astimezone(tz)
        by = f"{_day(when, year=False)}{'' if _end_of_day(when) else _clock(when)}前"  # i18n: data
        ask = "参加人员的姓名、单位、职务"  # i18n: data
        if branches and event.rehearsal_starts_at:
            ask += "以及会场视频调试负责人的联系方式（手机）"  # i18n: data
        to = f"发到电子邮箱（{event.registration_email}）" if event.registration_email else "通过会务系统报送"  # i18n: data
        items.append(("报名要求。", f"请各单位于{by}将{ask}{to}。"))  # i18n: data
    if event.rehearsal_starts_at and event.rehearsal_ends_at:
        rs, re_ = event.rehearsal_starts_at.astimezone(tz), event.rehearsal_ends_at.astimezone(tz)
        text = f"定于{_span(rs, re_, weekday=False)}进行参会网络视频调试。请各分会场提前做好准备，届时派专人负责。"  # i18n: data
        if event.rehearsal_contact_name or event.rehearsal_contact_phone:
            who = " ".join(x for x in (event.rehearsal_contact_name, event.rehearsal_contact_phone) if x)
            text += f"如遇技术问题，请及时联系（联系人及联系电话：{who}）。"  # i18n: data
        items.append(("视频调试。", text))  # i18n: data
    elif event.rehearsal_contact_name or event.rehearsal_contact_phone:
        who = " ".join(x for x in (event.rehearsal_contact_name, event.rehearsal_contact_phone) if x)
        items.append(("视频调试。", f"请各分会场做好视频调试准备。如遇技术问题，请及时联系（联系人及联系电话：{who}）。"))  # i18n: data
    sentences = rule_sentences(_rules(event))
    if sentences:
        items.append(("疫情防控。", "".join(sentences) + "请各单位严格按照当地疫情防控要求做好会议安排。"))  # i18n: data
    if not items:
        items.append(("会议纪律。", "请参会人员遵守会场纪律，按时参会。"))  # i18n: data
    for head, text in items:
        n += 1
        add("h2", (f"（{od.chinese_number(n)}）{head}", "h2"), (text, "body"))  # i18n: data

    contacts = _contacts(event)
    if contacts:
        add("blank")
    for c in contacts:
        add("contact", (f"联系人：{(c.org + '  ') if c.org else ''}{c.name}", "body"))  # i18n: data
        if _phones(c):
            add("contact", (f"电  话：{_phones(c)}", "body"))  # i18n: data
    attachments = list(event.attachments.all())
    if attachments:
        add("blank")
        for i, a in enumerate(attachments, start=1):
            add("attachment", ((f"附件：{i}.{a.title}" if i == 1 else f"{i}.{a.title}"), "body"))  # i18n: data
    add("blank")
    add("blank")
    if event.issuer:
        add("signature", (event.issuer, "body"))
    if event.issued_on:
        d = event.issued_on
        add("date", (f"{d.year}年{d.month}月{d.day}日", "body"))  # i18n: data
    return b


# -- the event as the parser's JSON (what the draft must read back to) -------------------------------------
def expected_fields(event: Event) -> dict[str, Any]:
    """The event in `huiwu notice parse --json`'s schema, as its drafted notice states it (NFKC, as the
    parser gives text)."""
    tz = _tz(event)
    main, branches = _venues(event)

    def nf(s: str | None) -> str | None:
        return unicodedata.normalize("NFKC", s) if s else s

    def iso(m: datetime | None) -> str | None:
        return m.astimezone(tz).isoformat() if m else None

    contacts = [{"name": c.name, "org": nf(c.org) or None, "phones": list(c.phones or []), "fax": c.fax or None}
                for c in _contacts(event)]
    asked = ["name", "unit", "position"] + (["tech_contact_phone"] if branches and event.rehearsal_starts_at else [])
    return {
        "title": nf(f"{event.issuer or ''}关于举办{event.title}的通知"),  # i18n: data
        "doc_number": nf(doc_number(event)) or None,
        "issuer": nf(event.issuer) or None,
        "issued_on": event.issued_on.isoformat() if event.issued_on else None,
        "addressees": [nf(a) for a in addressee_list(event)],
        "theme": nf(event.theme) or None,
        "event": {"starts_at": iso(event.starts_at), "ends_at": iso(event.ends_at)},
        "format": {"hybrid": bool(branches), "main_and_branch": bool(branches)},
        "main_venue": {"name": nf(main.address) or None if main else None,
                       "capacity": main.capacity if main else None,
                       "arrive_before_minutes": event.arrive_before_minutes or None},
        "branch_venues": {"hosts": [nf(h) for h in branch_hosts(event)] if branches else [],
                          "capacity": branch_capacity(branches),
                          "approval_required": bool(event.approval_required) if branches else None},
        "registration": {"deadline": (event.registration_deadline.astimezone(tz).date().isoformat()
                                      if event.registration_deadline and _end_of_day(event.registration_deadline.astimezone(tz))
                                      else iso(event.registration_deadline)),
                         "email": event.registration_email or None,
                         "fields": asked if event.registration_deadline else []},
        "rehearsal": {"starts_at": iso(event.rehearsal_starts_at), "ends_at": iso(event.rehearsal_ends_at),
                      "contact": ({"name": event.rehearsal_contact_name or None,
                                   "phone": event.rehearsal_contact_phone or None}
                                  if event.rehearsal_contact_name or event.rehearsal_contact_phone else None)},
        "contacts": contacts,
        "attachments": [nf(a.title) for a in event.attachments.all()],
        "admission_rules": _rules(event),
    }


# -- Word ---------------------------------------------------------------------------------------------------
FONT_OF = {"body": od.FANGSONG, "h1": od.HEI, "h2": od.KAI, "title": od.XBS, "mark": od.XBS}


def _width(text: str) -> float:
    """Width in characters of 三号: Chinese characters 1, digits and Latin letters ½."""
    return sum(1 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)


def _indent_chars(p: Any, chars: int, *, first_line: bool = True) -> None:
    """Indent by whole characters (w:firstLineChars / w:leftChars, in hundredths), with a twips fallback."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    fmt = p.paragraph_format
    if first_line:
        fmt.first_line_indent = Pt(od.BODY_PT * chars)
    else:
        fmt.left_indent = Pt(od.BODY_PT * chars)
    ind = p._p.get_or_add_pPr().find(qn("w:ind"))
    ind.set(qn("w:firstLineChars" if first_line else "w:leftChars"), str(chars * 100))


def _red_rule(p: Any) -> None:
    """The red separator line under the doc number: a paragraph border across the text block."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "12"), ("w:space", "1"), ("w:color", od.RED)):
        bottom.set(qn(k), v)
    borders.append(bottom)
    # pBdr goes before spacing/ind/jc in CT_PPr's sequence
    anchor = next((ppr.find(qn(t)) for t in ("w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc") if ppr.find(qn(t)) is not None), None)
    if anchor is not None:
        anchor.addprevious(borders)
    else:
        ppr.append(borders)


def _append_attachment(doc: Any, venue: Venue) -> None:
    """The receipt form of `venue`'s kind (附件1 / 附件2), as receipts' template builds it, on a new page."""
    import io

    import docx
    from docx.enum.text import WD_BREAK
    from docx.oxml.ns import qn

    from huiwu.receipts.documents.templates import render_docx

    form = docx.Document(io.BytesIO(render_docx(venue)))
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    body = doc.element.body
    sect = body.find(qn("w:sectPr"))
    for el in list(form.element.body):
        if el.tag == qn("w:sectPr"):
            continue
        if el.tag == qn("w:p") and el.find(".//" + qn("w:vanish")) is not None:
            continue  # the form's hidden venue marker: the notice's copy is for every venue
        el = copy.deepcopy(el)
        for par in el.iter(qn("w:p")):
            _own_layout(par)
        body.insert(body.index(sect), el)


def _own_layout(par: Any) -> None:
    """A form's paragraph keeps its own layout: single line spacing, not snapped to the notice's grid."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ppr = par.get_or_add_pPr()
    if ppr.find(qn("w:snapToGrid")) is None:
        snap = OxmlElement("w:snapToGrid")
        snap.set(qn("w:val"), "0")
        ppr.insert_element_before(snap, "w:spacing", "w:ind", "w:jc", "w:textAlignment", "w:rPr", "w:sectPr",
                                  "w:pPrChange")
    spacing = ppr.get_or_add_spacing()
    spacing.set(qn("w:line"), "240")
    spacing.set(qn("w:lineRule"), "auto")


def _blank_form_venue(event: Event, kind: str, capacity: int) -> Venue:
    """An unsaved venue standing for “any venue of this kind”: the form in the notice is filled in by hand."""
    return Venue(event=event, kind=kind, code="", name="", address="", capacity=capacity)


def draft_docx(event: Event, *, attachments: bool = True) -> bytes:
    """The notice as .docx bytes in the GB/T 9704-2012 layout, with the receipt forms as attachments."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Pt, Twips

    doc = docx.Document()
    od.page_setup(doc)
    normal = doc.styles["Normal"]
    od.style_font(normal, od.FANGSONG, od.BODY_PT)
    line_pitch, _space = od.grid_values()
    pf = normal.paragraph_format
    pf.space_before = pf.space_after = Pt(0)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Twips(line_pitch)
    pf.widow_control = False
    od.page_numbers(doc)

    def para(block: Block, align: Any = None) -> Any:
        p = doc.add_paragraph()
        if align is not None:
            p.alignment = align
        for text, role in block.runs:
            if role == "mark":
                od.font(p.add_run(text), od.XBS, 36, color=od.RED)
            elif role == "title":
                od.font(p.add_run(text), od.XBS, od.SIZE_2, bold=True)
            else:
                od.font(p.add_run(text), FONT_OF[role], od.BODY_PT)
        return p

    blocks = notice_blocks(event)
    date_block = next((b for b in blocks if b.kind == "date"), None)
    first_body = True
    for block in blocks:
        k = block.kind
        if k == "mark":
            for _ in range(2):
                para(Block("blank"))
            p = para(block, WD_ALIGN_PARAGRAPH.CENTER)
            p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            para(Block("blank"))
        elif k == "docno":
            para(block, WD_ALIGN_PARAGRAPH.CENTER)
        elif k == "rule":
            _red_rule(para(Block("blank")))
            para(Block("blank"))
        elif k == "title":
            p = para(block, WD_ALIGN_PARAGRAPH.CENTER)
            p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            p.paragraph_format.line_spacing = Twips(line_pitch)
            para(Block("blank"))
        elif k == "addressees":
            para(block, WD_ALIGN_PARAGRAPH.JUSTIFY)
        elif k in ("body", "h1", "h2", "contact"):
            p = para(block, WD_ALIGN_PARAGRAPH.JUSTIFY)
            _indent_chars(p, 2)
            first_body = False
        elif k == "attachment":
            p = para(block, WD_ALIGN_PARAGRAPH.LEFT)
            if block.text.startswith("附件："):  # i18n: data
                _indent_chars(p, 2)
            else:
                _indent_chars(p, 5)
        elif k in ("signature", "date"):
            # the date 4 characters from the right edge, the signature centred over it
            p = para(block, WD_ALIGN_PARAGRAPH.RIGHT)
            shift = 0.0
            if k == "signature" and date_block is not None:
                shift = max(0.0, (_width(date_block.text) - _width(block.text)) / 2)
            p.paragraph_format.right_indent = Pt(od.BODY_PT * (4 + shift))
        else:
            para(block)
    del first_body
    props = doc.core_properties
    props.title = blocks[[b.kind for b in blocks].index("title")].text
    props.subject = event.title
    props.author = event.issuer or "huiwu"
    props.keywords = doc_number(event)
    if attachments:
        main, branches = _venues(event)
        for a in event.attachments.all():
            if a.template_kind == "main" and main is not None:
                _append_attachment(doc, _blank_form_venue(event, Venue.Kind.MAIN, main.capacity))
            elif a.template_kind == "branch" and branches:
                _append_attachment(doc, _blank_form_venue(event, Venue.Kind.BRANCH, branch_capacity(branches) or 30))
    return od.save(doc)


# -- HTML preview -------------------------------------------------------------------------------------------
def draft_html(event: Event) -> str:
    """The same blocks as HTML for the page's preview (classes say what each paragraph is; CSS lays it out)."""
    from django.utils.html import escape

    out = []
    for block in notice_blocks(event):
        if block.kind == "rule":
            out.append('<hr class="gw-rule">')
            continue
        if block.kind == "blank":
            out.append('<p class="gw-blank">&nbsp;</p>')
            continue
        runs = "".join(f'<span class="gw-r-{role}">{escape(text)}</span>' for text, role in block.runs)
        out.append(f'<p class="gw-{block.kind}">{runs}</p>')
    return "\n".join(out)


def font_notes() -> list[str]:
    """The fonts the drafted document names that this machine lacks (Word/WPS on the reader's computer
    use them if installed; nothing is embedded)."""
    return od.missing_fonts((od.XBS, od.FANGSONG, od.HEI, od.KAI, od.SONG))


# -- the rendered preview (LibreOffice → PDF → PNG) ---------------------------------------------------------
PREVIEW_TIMEOUT = 90


def for_libreoffice(data: bytes) -> bytes:
    """The draft as LibreOffice should render it for the preview.

    LibreOffice puts a 16-pt character that is wider than a negative-charSpace grid cell (15.8 pt) into
    two cells, so 28 characters a line become 14. The preview copy therefore keeps the 22-line grid
    (type "lines") and narrows the body's characters by 0.25 pt instead — 28 a line, as Word shows the
    real file. The file handed out is never changed.
    """
    import io
    import zipfile

    from lxml import etree

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            part = src.read(info.filename)
            if info.filename == "word/document.xml":
                root = etree.fromstring(part)
                for grid in root.iter(f"{{{w}}}docGrid"):
                    grid.set(f"{{{w}}}type", "lines")
                    grid.attrib.pop(f"{{{w}}}charSpace", None)
                # LibreOffice sets quotation marks in a run's Latin font (Word follows w:hint="eastAsia"),
                # which breaks a line into font runs that PDF text extraction reorders: one font per run,
                # and a font this machine has for each one it lacks
                stand_in = _stand_ins()
                for rfonts in root.iter(f"{{{w}}}rFonts"):
                    east = rfonts.get(f"{{{w}}}eastAsia")
                    if east:
                        east = stand_in.get(east, east)
                        for attr in ("ascii", "hAnsi", "eastAsia"):
                            rfonts.set(f"{{{w}}}{attr}", east)
                part = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            elif info.filename == "word/styles.xml":
                root = etree.fromstring(part)
                for style in root.iter(f"{{{w}}}style"):
                    if style.get(f"{{{w}}}styleId") == "Normal":
                        rpr = style.find(f"{{{w}}}rPr")
                        if rpr is not None and rpr.find(f"{{{w}}}spacing") is None:
                            spacing = etree.SubElement(rpr, f"{{{w}}}spacing")
                            spacing.set(f"{{{w}}}val", "-5")
                            # CT_RPr order: spacing comes before sz
                            sz = rpr.find(f"{{{w}}}sz")
                            if sz is not None:
                                sz.addprevious(spacing)
                part = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            dst.writestr(info, part)
    return out.getvalue()


def _stand_ins() -> dict[str, str]:
    """For the preview only: an installed font for each official font this machine lacks."""
    have = od.installed_font_families()
    serif = next((f for f in ("Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN") if f in have), None)
    sans = next((f for f in ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei") if f in have), None)
    out = {}
    for name in od.missing_fonts():
        pick = sans if name == od.HEI else serif or sans
        if pick:
            out[name] = pick
    return out


def preview_pdf(data: bytes) -> bytes | None:
    """The draft rendered to PDF by LibreOffice (None when LibreOffice is not installed)."""
    import os
    import shutil
    import subprocess
    import tempfile
    from pathlib import Path

    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if not binary:
        return None
    with tempfile.TemporaryDirectory(prefix="huiwu-preview-") as tmp:
        src = Path(tmp) / "draft.docx"
        src.write_bytes(for_libreoffice(data))
        cmd = [binary, "--headless", "--norestore", "--nolockcheck", f"-env:UserInstallation=file://{tmp}/profile",
               "--convert-to", "pdf", "--outdir", tmp, str(src)]
        try:
            subprocess.run(cmd, env={**os.environ, "HOME": tmp}, capture_output=True, timeout=PREVIEW_TIMEOUT,
                           check=False, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return None
        out = Path(tmp) / "draft.pdf"
        return out.read_bytes() if out.exists() else None


def preview_png(pdf: bytes, page: int = 1, dpi: int = 80) -> bytes | None:
    """One page of the PDF preview as PNG, by poppler's pdftoppm (None when it is not installed)."""
    import shutil
    import subprocess
    import tempfile
    from pathlib import Path

    binary = shutil.which("pdftoppm")
    if not binary:
        return None
    with tempfile.TemporaryDirectory(prefix="huiwu-preview-") as tmp:
        src = Path(tmp) / "draft.pdf"
        src.write_bytes(pdf)
        try:
            subprocess.run([binary, "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile",
                            str(src), str(Path(tmp) / "page")], capture_output=True, timeout=60, check=False,
                           stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return None
        out = Path(tmp) / "page.png"
        return out.read_bytes() if out.exists() else None
