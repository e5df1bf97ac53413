"""Read an official conference notice (通知) into the fields huiwu needs to set the event up.

Pure Python (no Django): `parse(text) -> dict` gives PRODUCT.md's `huiwu notice parse --json`
schema; `parse_with_sources(text) -> (result, sources, normalised_text)` also says which part of the
normalised text each field came from (for the web review).

The grammar is one plain function per field family, all working on the normalised text
(`normalise`: NFKC, traditional → simplified with OpenCC t2s, hard-wrapped lines joined):

  find_body          where the notice itself starts and ends, so site menus, related-news lists
                     and footers never feed dates, phones or e-mails into the result
  title_fields       title, doc number, issuer, issued date
  addressees         the addressee line (主送单位)
  theme              the theme in quotes after 主题
  event_time         the meeting's start and end
  meeting_format     hybrid (线上线下) / main and branch venues (false only when the notice
                     says so: online only, on site only, 不设分会场)
  main_venue         place, capacity, minutes to arrive early
  branch_venues      host units, capacity per branch, whether local approval is required
  registration       deadline, e-mail, asked fields
  rehearsal          the video test window and its contact
  contacts           people to call, their units, phones and faxes
  attachments        the 附件 list
  admission_rules    epidemic rules

Conventions of the output (the contract with the rest of huiwu):

* Nothing is guessed: a field the notice does not give is null (lists: []).
* Date-times are ISO 8601 with the +08:00 offset: "2021-11-23T10:00:00+08:00". When the notice
  gives a day but no time of day ("11月20日前"), the value is the bare ISO date "2021-11-20":
  the parser does not invent a time; whoever stores it decides (huiwu's service reads a date-only
  deadline as the end of that day, and asks the organizer for a start time).
* A date without a year takes the notice's year (the signature date, else the doc number's
  year); a date more than 60 days before the notice date is read as next year's (a January
  meeting in a December notice).
* Text values are the notice's own words after NFKC (full-width punctuation becomes ASCII:
  "庆建党百年华诞,谱终身学习新篇").
* Phones: mobiles are 11 digits ("18500219116"); landlines are "area-number" with the area code
  as written or, when omitted, the area code of the landline before it in the same contact
  ("010—66096253;66020434(传真)" → phone "010-66096253", fax "010-66020434"); an extension is
  appended with "-" ("010-66096253-8001"). A landline given without any area code stays bare.
* contacts are the people of the 联系人 / 联系方式 / 技术支持 blocks (also "(联系人:…)" under the
  signature), each with the unit named before them in the same block; the person named inside
  the rehearsal paragraph ("(联系人及联系电话:付宇豪 185…)") is rehearsal.contact only. A fax
  written once for several people is everyone's; one written after a person is theirs.
* A rule's venues: the venue its sentence names (主会场 → main, 分会场 → branch, both → all);
  a sentence without a subject of its own ("如出差返京,需…") takes the venue of the sentence
  before it in the same paragraph; otherwise all. health_code.color is null when the notice
  names the code but no colour.
* Capacities are limits of a venue: the head count of an online-only meeting (线上方式, 不设分会场)
  is no venue's capacity; a quota per unit ("每单位限报2人") is none either.
* A check the notice lifts ("无需查验健康码、行程卡", "不再查验核酸检测证明") is no rule, and checks
  outside the kinds below (体温检测, 场所码, 疫苗接种, 境外旅居史) give no rule at all.
* A date the notice cites for an earlier meeting ("2022年2月8日召开的…会议", "…召开以来") is never the
  event's time; "具体时间另行通知" leaves the event null.
* registration.email is where the names go: the address of the receipt sentence, of its paragraph,
  or the one address of "发送至联系人邮箱"; a mailbox for papers, questions or complaints
  (投稿, 咨询, 举报) is not it.
* registration.fields uses stable English keys, in the notice's order: name, gender, ethnicity,
  unit, position, professional_title, phone, email, id_number for each attendee; and
  tech_contact_name, tech_contact_phone for the video-test contact.

Admission rule shapes (consumed by huiwu.admission; every rule has `kind` and `venues`, one of
"all" / "main" / "branch"; windows count back from the meeting's start):

  {"kind": "symptoms",          "window_days": 14 | null, "venues": ...}
  {"kind": "risk_area_contact", "window_days": 14 | null, "venues": ...}
  {"kind": "risk_area_stay",    "window_days": 14 | null, "venues": ...}
  {"kind": "health_code",       "color": "green", "issuer": "北京健康宝" | null, "venues": ...}
  {"kind": "itinerary_code",    "venues": ...}
  {"kind": "nucleic_acid_test", "window_hours": 48 | null,
                                "applies_to": "all" | "returned_from_travel", "venues": ...}

Rules come in the order the notice names them (the seed: symptoms, risk_area_contact,
risk_area_stay, itinerary_code, health_code, nucleic_acid_test); one rule per kind and scope.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import Any

TZ = timezone(timedelta(hours=8))
Span = tuple[int, int]

# ---------------------------------------------------------------------------------------------
# normalisation
# ---------------------------------------------------------------------------------------------

_HEAD_START = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|\(\s*[一二三四五六七八九十\d]+\s*\)|\d+[.、]|附\s*件|联\s*系|电\s*话|传\s*真|"
    r"手\s*机|邮\s*箱|电子邮箱|地\s*址|[^\s]{2,8}[:])"
)
_SENTENCE_END = "。;:!?”\")"


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def _width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line.strip())


def _wrap_width(lines: list[str]) -> int | None:
    """The column a hard-wrapped text was cut at, when most long lines end there; else None."""
    widths = [_width(x) for x in lines if _width(x) >= 40]
    if len(widths) < 3:
        return None
    top = max(set(widths), key=lambda w: sum(1 for x in widths if w - 2 <= x <= w))
    near = sum(1 for x in widths if top - 2 <= x <= top)
    return top if near >= 3 and near >= 0.4 * len(widths) else None


def normalise(text: str) -> str:
    """NFKC, traditional → simplified, unified line breaks, hard-wrapped paragraph lines joined.

    A line is joined to the next when the text is visibly hard-wrapped: either most long lines
    end at the same column, or paragraphs are indented and the next line is not; and the line
    does not end a sentence, is not a title, and reads like running text (has a comma)."""
    text = unicodedata.normalize("NFKC", text or "")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u200b", "").replace("\ufeff", "")
    text = _t2s().convert(text)
    lines = text.split("\n")
    wrap = _wrap_width(lines)
    indented = sum(1 for x in lines if re.match(r"^\s{2,}\S", x)) >= 2
    if wrap is None and not indented:
        return text
    out: list[str] = []
    prev: str | None = None
    for line in lines:
        join = False
        if prev is not None and line.strip() and not _HEAD_START.match(line):
            p = prev.rstrip()
            nxt = line.strip()
            running = (
                # a closing bracket ends a line that is a bracketed remark, not "各县(市、区)"
                (p[-1:] not in _SENTENCE_END or (p[-1:] == ")" and not p.lstrip().startswith("(")))
                and re.search(r"[,、。]", p) is not None
                and not _title_candidate(p) and not _TITLE_END.search(p)
                and not re.search(r"(?:联系人|电话|传真|手机|邮箱|附件)\s*:", p)
                # a signature (unit name, date) under the last paragraph is not its continuation
                and not _DATE_LINE.match(nxt)
                and not (len(nxt) <= 30 and not re.search(r"[,。;:、]", nxt) and _ORG_SUFFIX.search(nxt))
            )
            by_width = wrap is not None and _width(prev) >= wrap - 2
            by_indent = indented and _width(prev) >= 30 and not re.match(r"^\s", line)
            join = running and (by_width or by_indent)
        if join:
            out[-1] = out[-1].rstrip() + line.strip()
            prev = out[-1]
        else:
            out.append(line)
            prev = line
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# numbers, dates and times
# ---------------------------------------------------------------------------------------------

_CN_DIGIT = {"〇": 0, "零": 0, "○": 0, "O": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
CN_NUM = r"[〇零○一二两三四五六七八九十百千]+"
NUM = rf"(?:\d+|{CN_NUM})"


def cn_int(s: str) -> int | None:
    """'30' / '三十' / '一百二十' / '二〇二一' → int; None when it is not a number."""
    s = s.strip()
    if not s:
        return None
    if s.isdigit():
        return int(s)
    if all(c in _CN_DIGIT for c in s):  # digit by digit: 二〇二一
        return int("".join(str(_CN_DIGIT[c]) for c in s))
    total, current = 0, 0
    for c in s:
        if c in _CN_DIGIT:
            current = _CN_DIGIT[c]
        elif c in _CN_UNIT:
            total += (current or 1) * _CN_UNIT[c]
            current = 0
        else:
            return None
    return total + current


DASH = r"(?:\s*(?:[-~—–―−]+|至|到)\s*)"
_WEEKDAY = r"(?:\s*\(?\s*(?:星期|周|礼拜)[一二三四五六日天]\s*\)?)"
DATE_RE = (
    rf"(?:(?:\d{{4}}|[〇零○一二三四五六七八九]{{4}})\s*年\s*)?{NUM}\s*月\s*{NUM}\s*[日号]{_WEEKDAY}?"
    rf"|\d{{4}}\s*[-/.]\s*\d{{1,2}}\s*[-/.]\s*\d{{1,2}}(?!\d){_WEEKDAY}?"
)
_PERIOD = r"(?:上午|下午|晚上|中午|早上|早晨|凌晨|傍晚|晚间|夜间|午后|晚)"
TIME_RE = (
    rf"(?:{_PERIOD}\s*)?(?:\d{{1,2}}\s*:\s*\d{{2}}(?!\d)"
    rf"|{NUM}\s*[时点](?:\s*(?:{NUM}\s*分|半|整))?)"
)
DAY_ONLY_RE = rf"{NUM}\s*[日号]{_WEEKDAY}?"
WHEN_RE = re.compile(
    rf"(?P<d1>{DATE_RE})?(?:\s*\)(?=\s*{TIME_RE}))?\s*(?P<t1>{TIME_RE})?"
    rf"(?:(?P<dash>{DASH})(?P<d2>{DATE_RE}|{DAY_ONLY_RE})?\s*(?P<t2>{TIME_RE})?)?"
    rf"(?P<before>\s*(?:或|及)?\s*(?:下班|当日|当天|中午)?\s*(?:之前|以前|前))?"
)
_DATE_PARTS = re.compile(
    rf"(?:(?P<y>\d{{4}}|[〇零○一二三四五六七八九]{{4}})\s*年\s*)?(?P<m>{NUM})\s*月\s*(?P<d>{NUM})\s*[日号]"
    rf"|(?P<y2>\d{{4}})\s*[-/.]\s*(?P<m2>\d{{1,2}})\s*[-/.]\s*(?P<d2>\d{{1,2}})"
    rf"|(?P<d3>{NUM})\s*[日号]"
)
_TIME_PARTS = re.compile(
    rf"(?P<p>{_PERIOD})?\s*(?:(?P<h>\d{{1,2}})\s*:\s*(?P<mi>\d{{2}})"
    rf"|(?P<h2>{NUM})\s*[时点](?:\s*(?P<mi2>{NUM})\s*分|\s*(?P<half>半))?)"
)
_PM = {"下午", "晚上", "傍晚", "晚间", "夜间", "午后", "晚"}


@dataclass
class When:
    """A date/time expression found in the text."""

    start_day: date | None
    start_time: time | None
    end_day: date | None
    end_time: time | None
    before: bool
    span: Span

    def start_iso(self) -> str | None:
        return _iso(self.start_day, self.start_time)

    def end_iso(self) -> str | None:
        if self.end_day is None and self.end_time is None:
            return None
        return _iso(self.end_day or self.start_day, self.end_time)


def _iso(day: date | None, t: time | None) -> str | None:
    if day is None:
        return None
    if t is None:
        return day.isoformat()
    return datetime.combine(day, t, tzinfo=TZ).isoformat()


def _resolve_day(y: int | None, m: int, d: int, ref: Ref) -> date | None:
    try:
        if y is not None:
            return date(y, m, d)
        if ref.day is not None:
            cand = date(ref.day.year, m, d)
            if cand < ref.day - timedelta(days=60):
                cand = date(ref.day.year + 1, m, d)
            return cand
        if ref.year is not None:
            return date(ref.year, m, d)
    except ValueError:
        return None
    return None


def _parse_date(s: str, ref: Ref, month_of: date | None = None) -> date | None:
    m = _DATE_PARTS.search(s)
    if not m:
        return None
    if m.group("y2"):
        try:
            return date(int(m.group("y2")), int(m.group("m2")), int(m.group("d2")))
        except ValueError:
            return None
    if m.group("d3") is not None and m.group("m") is None:
        if month_of is None:
            return None
        d = cn_int(m.group("d3"))
        try:
            return date(month_of.year, month_of.month, d or 0)
        except ValueError:
            return None
    y = cn_int(m.group("y")) if m.group("y") else None
    mo, d = cn_int(m.group("m")), cn_int(m.group("d"))
    if not mo or not d:
        return None
    return _resolve_day(y, mo, d, ref)


def _parse_time(s: str, inherit: str | None = None, after: time | None = None) -> tuple[time | None, str | None]:
    m = _TIME_PARTS.search(s)
    if not m:
        return None, None
    period = m.group("p")
    if m.group("h") is not None:
        h, mi = int(m.group("h")), int(m.group("mi"))
    else:
        h = cn_int(m.group("h2"))
        mi = 30 if m.group("half") else (cn_int(m.group("mi2")) if m.group("mi2") else 0)
        if h is None or mi is None:
            return None, None
    own = period
    period = period or inherit
    if period in _PM and h < 12:
        h += 12
    elif period == "中午" and h < 6:
        h += 12
    if after is not None and own is None and h < after.hour and h + 12 < 24:
        h += 12  # "上午11:00-1:00" is 13:00
    if not (0 <= h <= 24 and 0 <= mi < 60):
        return None, None
    if h == 24:
        h, mi = 23, 59
    return time(h, mi), period


@dataclass
class Ref:
    """What undated days are read against: the notice's date, or at least its year."""

    day: date | None = None
    year: int | None = None


def find_whens(text: str, start: int, end: int, ref: Ref) -> list[When]:
    """Every date/time expression in text[start:end] that has a date or a time of day."""
    out: list[When] = []
    pos = start
    while pos < end:
        m = WHEN_RE.search(text, pos, end)
        if m is None:
            break
        pos = max(m.end(), pos + 1)
        if not (m.group("d1") or m.group("t1")):
            if m.group("dash"):
                pos = m.end("dash")  # "截至12月25日": 至 is no range here, the date after it is one
            continue
        if not m.group("d1") and m.group("t1") and not re.search(r"[:时点]", m.group("t1")):
            continue
        d1 = _parse_date(m.group("d1"), ref) if m.group("d1") else None
        if m.group("d1") and d1 is None:
            continue
        t1, period = _parse_time(m.group("t1")) if m.group("t1") else (None, None)
        d2 = _parse_date(m.group("d2"), ref, month_of=d1) if m.group("d2") else None
        t2 = None
        if m.group("t2"):
            t2, _ = _parse_time(m.group("t2"), inherit=period, after=t1)
        if m.group("dash") and not (d2 or t2):
            # "11月22日-" with nothing usable after the dash: keep only the first part
            end_pos = m.start("dash")
        else:
            end_pos = m.end()
        if d2 and d1 and d2 < d1 and m.group("d2") and "月" not in m.group("d2"):
            d2 = None
        out.append(When(d1, t1, d2, t2, bool(m.group("before")), (m.start(), end_pos)))
    out.extend(_day_ranges(text, start, end, ref))
    return sorted(out, key=lambda w: w.span)


_DAY_RANGE = re.compile(
    rf"(?:(?P<y>\d{{4}})\s*年\s*)?(?P<m>{NUM})\s*月\s*(?P<a>{NUM})\s*(?:[-~—–]|至|到)\s*(?P<b>{NUM})\s*[日号]{_WEEKDAY}?"
)


def _day_ranges(text: str, start: int, end: int, ref: Ref) -> list[When]:
    """'11月22-23日': two days of one month written with one 日 (the main grammar needs 日 on both)."""
    out = []
    for m in _DAY_RANGE.finditer(text, start, end):
        y = cn_int(m.group("y")) if m.group("y") else None
        mo, a, b = cn_int(m.group("m")), cn_int(m.group("a")), cn_int(m.group("b"))
        if not (mo and a and b) or b <= a:
            continue
        first = _resolve_day(y, mo, a, ref)
        if first is None:
            continue
        try:
            last = first.replace(day=b)
        except ValueError:
            continue
        out.append(When(first, None, last, None, False, (m.start(), m.end())))
    return out


# ---------------------------------------------------------------------------------------------
# the document: body bounds, paragraphs and sentences
# ---------------------------------------------------------------------------------------------

DOC_NO_RE = re.compile(
    r"[\u4e00-\u9fff]{1,14}\s*[〔\[【(（]\s*(?:\d{4})\s*[〕\]】)）]\s*(?:第\s*)?\d{1,4}\s*号"
)
_DATE_LINE = re.compile(
    r"^\s*(?P<who>[^\n\d]{2,40}?)?\s*(?P<date>(?:\d{4}|[〇零○一二三四五六七八九]{4})\s*年\s*"
    rf"{NUM}\s*月\s*{NUM}\s*日)\s*$"
)
_CHROME = re.compile(
    r"更多\s*>>|相关(?:新闻|阅读|链接|文章|文件|推荐)|上一篇|下一篇|责任编辑|【\s*(?:打印|关闭)|打印本页|关闭窗口|"
    r"版权所有|ICP\s*备|网站地图|扫描二维码|分享到|主办单位\s*:|网站标识码|公网安备|"
    r"^\s*(?:上一条|下一条|上一页|下一页)\s*:|网站主办"
)
_PAGE_META = re.compile(
    r"^\s*(?:\d{4}-\d{1,2}-\d{1,2}|发布(?:时间|日期)|来源\s*:|作者\s*:|浏览|点击|阅读(?:次数|量)|字号|【?\s*字体|"
    r"分享到|责任编辑|编辑\s*:|文章来源)"
)
_TITLE_END = re.compile(r"(?:通知|通告|公告|通函|函|的函|启事|安排)$")
_ORG_SUFFIX = re.compile(
    r"(?:厅|局|委|委员会|部|处|院|校|学|会|中心|单位|部门|机构|政府|办|办公室|公司|集团|站|馆|所|社|团|队|司|科|组|室|处室)$"
)


@dataclass
class Doc:
    """The normalised text, where the notice's body lies in it, and its reference date."""

    text: str
    start: int = 0
    end: int = 0
    ref: Ref = field(default_factory=Ref)
    title_span: Span | None = None
    doc_no_span: Span | None = None
    addressee_span: Span | None = None
    signature_span: Span | None = None

    def lines(self, start: int | None = None, end: int | None = None) -> list[tuple[int, int]]:
        """(start, end) of each non-empty line inside [start, end) (default: the body)."""
        start = self.start if start is None else start
        end = self.end if end is None else end
        out = []
        pos = start
        for line in self.text[start:end].split("\n"):
            s, e = pos, pos + len(line)
            pos = e + 1
            stripped = line.strip()
            if stripped:
                lead = len(line) - len(line.lstrip())
                out.append((s + lead, s + lead + len(stripped)))
        return out

    def sentences(self) -> list[tuple[int, int]]:
        """Sentences of the body: split at 。;!? and line ends."""
        out = []
        for ls, le in self.lines():
            for m in re.finditer(r"[^。;!?]+[。;!?]?", self.text[ls:le]):
                s, e = ls + m.start(), ls + m.end()
                seg = self.text[s:e]
                lead = len(seg) - len(seg.lstrip())
                if seg.strip():
                    out.append((s + lead, s + lead + len(seg.strip())))
        return out

    def paragraph_of(self, pos: int) -> Span:
        s = self.text.rfind("\n", 0, pos) + 1
        e = self.text.find("\n", pos)
        return (s, len(self.text) if e < 0 else e)

    def sub(self, span: Span) -> str:
        return self.text[span[0]:span[1]]


_SENT_TO = re.compile(r"^\s*主\s*送(?:单位|机关)?\s*:\s*")  # "主送:各市语委,各高等学校"


def _is_addressee_line(line: str) -> bool:
    s = line.strip()
    if _SENT_TO.match(s) and len(s) <= 300:
        return True
    if not s.endswith(":") or len(s) < 4 or len(s) > 300:
        return False
    body = s[:-1].strip()
    if re.search(r"如下|通知|要求|事项|安排|内容|说明", body):
        return False
    # a field label ("联系人:", "一、会议时间:") is not an addressee line
    if re.search(r"(?:附件|联系人|联系方式|电话|时间|地点|形式|主题|方式|人员|邮箱|回执|传真|地址)$", body) and len(body) <= 12:
        return False
    if body.startswith("各"):
        return True
    parts = [p for p in re.split(r"[,、;]", body) if p.strip()]
    return bool(parts) and _ORG_SUFFIX.search(re.sub(r"\([^)]*\)$", "", parts[-1].strip())) is not None


def _pick_addressee(text: str, lines: list[Span]) -> int | None:
    """The addressee line: '各…,…:' is sure; a lone 'X单位:' only right after a title or doc number."""
    best, best_score = None, -1
    for i, (s, e) in enumerate(lines):
        line = text[s:e]
        if not _is_addressee_line(line):
            continue
        score = (2 if line.strip().startswith("各") or _SENT_TO.match(line) else 0) + (1 if re.search(r"[,、]", line) else 0)
        if score == 0:
            near = lines[max(0, i - 2):i]
            if not any(_title_candidate(text[a:b]) or DOC_NO_RE.search(text[a:b]) for a, b in near):
                continue
        if score > best_score:
            best, best_score = i, score
    return best


def _title_candidate(line: str) -> bool:
    s = line.strip().strip("《》\"“”")
    return 6 <= len(s) <= 120 and "关于" in s and _TITLE_END.search(s) is not None and "。" not in s


def find_body(text: str) -> Doc:
    """Locate the notice inside a page: from the doc number / addressee line (or the title)
    to the signature date. Everything outside is site chrome and is never read."""
    doc = Doc(text=text, start=0, end=len(text))
    lines = doc.lines(0, len(text))
    addressee_idx = _pick_addressee(text, lines)
    doc_no_idx = None
    for i, (s, e) in enumerate(lines):
        line = text[s:e]
        m = DOC_NO_RE.search(line)
        if m and (m.group(0).strip() == line.strip()
                  or re.match(r"^\s*(?:文\s*号|发文字号|发文编号)\s*:", line)):
            if addressee_idx is not None and i > addressee_idx:
                break
            doc_no_idx = i
            doc.doc_no_span = (s + m.start(), s + m.end())
            if addressee_idx is None:
                break
    # the title: the nearest title-like line before the anchor
    anchor = next((i for i in (doc_no_idx, addressee_idx) if i is not None), None)
    if anchor is None:
        # no doc number nor addressee: the first long paragraph ends the header
        anchor = next((i for i, (s, e) in enumerate(lines)
                       if e - s >= 40 and text[e - 1] in "。:" and not _title_candidate(text[s:e])), len(lines))
    title_idx = None
    for i in range(min(anchor, len(lines)) - 1, -1, -1):
        s, e = lines[i]
        if _title_candidate(text[s:e]) or re.match(r"^\s*(?:标\s*题|名\s*称)\s*:", text[s:e]):
            title_idx = i
            break
        # a title wrapped over two lines: "…关于召开…\n…的通知"
        if i > 0 and _TITLE_END.search(text[s:e]) and "。" not in text[s:e] and e - s < 60:
            ps, pe = lines[i - 1]
            if _title_candidate(text[ps:pe] + text[s:e]):
                title_idx = i
                break
    if title_idx is None:
        title_idx = next((i for i, (s, e) in enumerate(lines) if _title_candidate(text[s:e])), None)
    if title_idx is not None:
        s, e = lines[title_idx]
        label = re.match(r"^\s*(?:标\s*题|名\s*称)\s*:\s*", text[s:e])
        if label:
            s += label.end()
        # a title wrapped over two lines: "…关于举办…\n…的通知"
        if "关于" not in text[s:e] and title_idx > 0:
            ps, pe = lines[title_idx - 1]
            if "关于" in text[ps:pe] and pe - ps < 60:
                s = ps
        doc.title_span = (s, e)
    if addressee_idx is not None:
        a_start, a_end = lines[addressee_idx]
        # an addressee line wrapped over lines: "各省…(教委),各计划单列市教育局,\n新疆…,有关单位:"
        k = addressee_idx
        while k > 0 and text[lines[k - 1][1] - 1] in ",、" and k - 1 != doc_no_idx and addressee_idx - k < 3:
            k -= 1
            a_start = lines[k][0]
        doc.addressee_span = (a_start, a_end)
        addressee_idx = k
    starts = [lines[i][0] for i in (doc_no_idx, addressee_idx) if i is not None]
    if starts:
        doc.start = min(starts)
        if doc_no_idx is not None and addressee_idx is not None and addressee_idx - doc_no_idx > 6:
            doc.start = lines[addressee_idx][0]  # a doc number in a far-away info table
    elif title_idx is not None:
        doc.start = lines[title_idx][1]
    # the end: the signature date, or the first piece of chrome
    body_lines = [(s, e) for (s, e) in lines if s >= doc.start]
    end = len(text)
    seen_text = bool(starts)  # a body opened by its doc number or addressee line has no page metadata
    for j, (s, e) in enumerate(body_lines):
        if not seen_text and (_CHROME.search(text[s:e]) or _PAGE_META.match(text[s:e])):
            # page metadata right under the title ("发布时间:… 来源:… 分享到") is not the notice
            doc.start = max(doc.start, e)
            continue
        if "。" in text[s:e] or (len(text[s:e]) >= 15 and re.search(r"[,:]", text[s:e])):
            seen_text = True
        m = _DATE_LINE.match(text[s:e])
        if m and j > 0 and seen_text:
            who = (m.group("who") or "").strip()
            sig_start = s + m.start("date")
            if not who and j > 0:
                ps, pe = body_lines[j - 1]
                prev = text[ps:pe]
                if len(prev) <= 40 and not re.search(r"[。,;:.]", prev) and not re.match(r"^\s*\d", prev):
                    who = prev.strip()
                    sig_start = ps
            doc.signature_span = (sig_start, e)
            end = e
            # "(此件主动公开)" and "(联系人: …)" under the date still belong to the notice
            for s2, e2 in body_lines[j + 1:j + 4]:
                if text[s2] == "(" and re.search(r"此件|公开|联系|电话", text[s2:e2]):
                    end = e2
                else:
                    break
            break
        if _CHROME.search(text[s:e]) and s > doc.start:
            end = s
            break
    if doc.signature_span is None:
        # no dated signature: a last line that is just a unit's name still signs the notice
        last = [(s, e) for (s, e) in body_lines if e <= end]
        if last:
            s, e = last[-1]
            line = text[s:e].strip()
            if 3 <= len(line) <= 30 and not re.search(r"[,。;:!?()\d]", line) and _ORG_SUFFIX.search(line):
                doc.signature_span = (s, e)
    doc.end = end
    return doc


# ---------------------------------------------------------------------------------------------
# field families
# ---------------------------------------------------------------------------------------------


def title_fields(doc: Doc) -> dict[str, tuple[Any, Span | None]]:
    """Title, doc number, issuer (signature, else the title's 'X关于'), issued date (signature)."""
    out: dict[str, tuple[Any, Span | None]] = {}
    title = re.sub(r"\s*\n\s*", "", doc.sub(doc.title_span)).strip().strip("《》\"“”") if doc.title_span else None
    out["title"] = (title or None, doc.title_span)
    out["doc_number"] = (re.sub(r"\s+", "", doc.sub(doc.doc_no_span)), doc.doc_no_span) if doc.doc_no_span else (None, None)
    issuer, issued, span = None, None, None
    if doc.signature_span:
        sig = doc.sub(doc.signature_span)
        m = re.search(r"(?:\d{4}|[〇零○一二三四五六七八九]{4})\s*年\s*" + NUM + r"\s*月\s*" + NUM + r"\s*日", sig)
        if m:
            issued = _parse_date(m.group(0), Ref())
            who = sig[:m.start()].strip()
            issuer = re.sub(r"\s{2,}", " ", who) or None
        else:
            issuer = sig.strip() or None
        span = doc.signature_span
    if issuer is None and title:
        m = re.match(r"^(.{2,40}?)关于", title)
        if m and _ORG_SUFFIX.search(m.group(1).split()[-1]):
            issuer = m.group(1)
            span = doc.title_span
    out["issuer"] = (issuer, span)
    out["issued_on"] = (issued.isoformat() if issued else None, doc.signature_span if issued else None)
    return out


def reference(doc: Doc, issued_on: str | None) -> Ref:
    """The date undated days are read against: the signature date, else the doc number's year."""
    if issued_on:
        return Ref(day=date.fromisoformat(issued_on), year=int(issued_on[:4]))
    if doc.doc_no_span:
        m = re.search(r"\d{4}", doc.sub(doc.doc_no_span))
        if m:
            return Ref(year=int(m.group(0)))
    m = re.search(r"(\d{4})\s*年\s*\d{1,2}\s*月", doc.text[doc.start:doc.end])
    if m:
        return Ref(year=int(m.group(1)))
    if doc.title_span:
        m = re.search(r"(20\d{2})\s*年", doc.sub(doc.title_span))
        if m:
            return Ref(year=int(m.group(1)))
    return Ref()


def split_units(s: str) -> list[str]:
    """'各省、自治区、直辖市教育厅(教委)、各计划单列市教育局及新疆生产建设兵团教育局' → three units.

    Splits at 、 / 及 / 和 / 以及 / , and glues back pieces that do not end like a unit
    (各省、自治区、直辖市 … 教育厅)."""
    pieces = [p.strip() for p in re.split(r"、|,|;|以及|及|和|与", s) if p and p.strip()]
    seps = re.findall(r"、|,|;|以及|及|和|与", s)
    out: list[str] = []
    buf = ""
    for i, p in enumerate(pieces):
        buf = buf + (seps[i - 1] if buf and i - 1 < len(seps) else "") + p
        core = re.sub(r"\([^)]*\)$", "", buf).strip()
        if _ORG_SUFFIX.search(core) or i == len(pieces) - 1:
            out.append(buf.strip())
            buf = ""
    return out


def addressees(doc: Doc) -> tuple[list[str], Span | None]:
    """The addressee line, split into units at commas (、 stays inside a unit's name)."""
    if not doc.addressee_span:
        return [], None
    line = re.sub(r"\s*\n\s*", "", doc.sub(doc.addressee_span)).strip().rstrip(":。").strip()
    line = _SENT_TO.sub("", line)
    out: list[str] = []
    for part in re.split(r"[,;]", line):
        if part.strip():
            out.extend(split_units(part.strip()))
    return out, doc.addressee_span


def theme(doc: Doc) -> tuple[str | None, Span | None]:
    """The theme: the quoted words after 主题 ('围绕“…”主题' or '主题为“…”' or '主题:…')."""
    t = doc.text
    # "“不忘初心、牢记使命”主题教育" / "主题党日": a campaign's name, not this event's theme
    for m in re.finditer(r"主题(?!\s*(?:教育|党日|团日|征文|宣传|实践|班会|队日))", t[doc.start:doc.end]):
        pos = doc.start + m.start()
        before = t[max(doc.start, pos - 60):pos]
        q = re.search(r"[“\"]([^”\"\n]{2,60})[”\"]\s*(?:为|作为)?\s*$", before)
        if q:
            s = pos - len(before) + q.start(1)
            return q.group(1), (s, s + len(q.group(1)))
        after = t[pos:pos + 80]
        q = re.match(r"主题\s*(?:为|是|:)?\s*[“\"]([^”\"\n]{2,60})[”\"]", after)
        if q:
            s = pos + q.start(1)
            return q.group(1), (s, s + len(q.group(1)))
        q = re.match(r"(?:活动|会议)?主题\s*:\s*([^。;\n]{2,60})", after)
        if q:
            s = pos + q.start(1)
            return q.group(1).strip(), (s, s + len(q.group(1).strip()))
    return None, None


_LABEL_TIME = re.compile(
    r"(?:^|[)\s、.])\s*(?:会议|活动|开幕式|开幕|举办|举行|大会|仪式|培训|会期"
    # "报告会时间:" / "启动仪式时间:" / "论坛时间:": a short event noun before 时间
    r"|[\u4e00-\u9fff]{0,6}(?:会|式|班|礼|赛|坛|座|周))?\s*(?:时\s*间|日\s*期)\s*(?::|$)"
)
_NOT_EVENT = re.compile(r"调试|联调|测试|彩排|演练|报名|报送|回执|截止|报到|签到|申报")


def event_time(doc: Doc) -> tuple[dict[str, str | None], Span | None]:
    """The meeting's start and end: a '时间:' line, else '定于/将于 … 举行/举办/召开'."""
    t = doc.text
    dated: When | None = None
    dated_span: Span | None = None
    lines = doc.lines()
    for k, (ls, le) in enumerate(lines):
        line = t[ls:le]
        m = _LABEL_TIME.search(line)
        if not m or _NOT_EVENT.search(line[:m.end()]):
            continue
        if not line[:m.end()].rstrip().endswith(":"):
            # a heading "一、会议时间" with the time on the next line
            if k + 1 >= len(lines):
                continue
            ls, le = lines[k + 1]
            whens = [w for w in find_whens(t, ls, le, doc.ref) if w.start_day or w.start_time]
        else:
            whens = [w for w in find_whens(t, ls + m.end(), le, doc.ref) if w.start_day or w.start_time]
        if whens:
            w = whens[0]
            if w.start_day is None:
                intro = _intro_when(doc)
                if intro and intro[0].start_day:
                    w.start_day = intro[0].start_day
            if w.start_day is not None and w.start_time is None:
                w = _time_on_next_label(doc, lines[k + 1:k + 3], w)
            if w.start_day is not None:
                return _event_value(w), (ls, le)
    for s, e in doc.sentences():
        sent = t[s:e]
        verb = re.search(r"举行|举办|召开|开幕", sent)
        other = _NOT_EVENT.search(sent)
        if not verb:
            continue
        if other:
            # "定于…召开座谈会,请…参加,并于6月13日前将参会回执报送…": the part before the task
            if other.start() < verb.start():
                continue
            e = s + other.start()
            sent = t[s:e]
        # "在7月10日前召开专题会议" is a task's deadline, not this meeting's time
        found = [w for w in find_whens(t, s, e, doc.ref) if not w.before and not _past_reference(t, w)]
        whens = [w for w in found if w.start_day]
        if whens:
            w = whens[0]
            if w.start_time is None:
                w = _with_later_time(t, w, found)
            if w.start_time is not None:
                return _event_value(w), (s, e)
            if dated is None:
                dated, dated_span = w, (s, e)
    if dated:
        return _event_value(dated), dated_span
    return {"starts_at": None, "ends_at": None}, None


def _time_on_next_label(doc: Doc, nxt: list[Span], day: When) -> When:
    """'一、日期:10月8日(星期六)' then '二、时间:下午2时30分至4时30分': the day, with the hours of the
    time line right under it."""
    for ls, le in nxt:
        m = _LABEL_TIME.search(doc.text[ls:le])
        if not m or _NOT_EVENT.search(doc.text[ls:ls + m.end()]):
            continue
        for w in find_whens(doc.text, ls + m.end(), le, doc.ref):
            if w.start_day is None and w.start_time is not None:
                return When(day.start_day, w.start_time, day.start_day if w.end_time else None, w.end_time,
                            False, day.span)
    return day


def _past_reference(t: str, w: When) -> bool:
    """'2023年2月8日召开的全市经济工作会议…' / '…会议召开以来': an earlier meeting the notice cites."""
    after = t[w.span[1]:w.span[1] + 30]
    return re.match(r"[^,。;]{0,24}?(?:召开|举行|举办)(?:的|以来|后)", after) is not None


def _with_later_time(t: str, day: When, found: list[When]) -> When:
    """'定于4月22日召开…,会期半天,上午9:00开始': the day, and the hour the sentence later says the
    meeting starts at (an hour to sign in, gather or arrive by is not it)."""
    for w in found:
        if w.span[0] > day.span[0] and w.start_day is None and w.start_time is not None \
                and re.match(r"\s*(?:正式)?(?:开始|开会|召开|举行|开幕)(?!\s*(?:签到|报到|入场))", t[w.span[1]:w.span[1] + 10]):
            return When(day.start_day, w.start_time, day.start_day if w.end_time else None, w.end_time,
                        False, (day.span[0], w.span[1]))
    return day


def _intro_when(doc: Doc) -> tuple[When, Span] | None:
    for s, e in doc.sentences():
        if re.search(r"定于|将于|拟于|于", doc.text[s:e]) and re.search(r"举行|举办|召开", doc.text[s:e]):
            whens = [w for w in find_whens(doc.text, s, e, doc.ref)
                     if w.start_day and not w.before and not _past_reference(doc.text, w)]
            if whens:
                return whens[0], (s, e)
    return None


def _event_value(w: When) -> dict[str, str | None]:
    return {"starts_at": w.start_iso(), "ends_at": w.end_iso()}


def _meeting_mode(body: str, rx: re.Pattern[str]) -> re.Match[str] | None:
    """The first mention of a format that is the meeting's: "采取线上线下相结合方式开展学习活动"
    describes activities the notice asks for, not how the meeting is held."""
    for m in rx.finditer(body):
        rest = re.match(r"[^,。;]*", body[m.end():]).group(0)
        if not re.search(r"开展|组织开展|推进|宣传", rest):
            return m
    return None


def meeting_format(doc: Doc) -> tuple[dict[str, bool | None], Span | None]:
    """hybrid: true when the notice says 线上线下, false only when it says online only or on
    site only (a "视频会议" alone says neither); main_and_branch: true when it names a main venue
    and branch venues, false only when it says there are none (不设分会场); else null."""
    body = doc.text[doc.start:doc.end]
    hybrid: bool | None = None
    span = None
    # the meeting's own format ("采取线上线下相结合形式"), not "开展线上线下学习活动"
    m = _meeting_mode(body, re.compile(
        r"线上\s*[+与和、及]?\s*线下\s*(?:相结合|结合|同步|混合|并行|方式|形式|会议|参会|举行|召开|举办)"
        r"|线下\s*[+与和、及]?\s*线上\s*(?:相结合|结合|同步|混合|并行|方式|形式|会议|参会)"
        r"|(?:采用|采取|以)[^。;,]{0,6}线上\s*[+与和、及]?\s*线下"))
    single = _meeting_mode(body, re.compile(
        r"(?:以|采用|采取|通过)\s*(?:纯)?(?:线上|网络直播|线下|现场)\s*(?:方式|形式|直播)"
        r"|(?:仅|只)\s*(?:线上|线下|现场)|线上举办|网络直播进行|不设现场"))
    if m:
        hybrid = True
        span = doc.paragraph_of(doc.start + m.start())
    elif single:
        hybrid = False
        span = doc.paragraph_of(doc.start + single.start())
    main_and_branch: bool | None = None
    none = _NO_BRANCH.search(body)
    mb = re.search(r"主会场\s*(?:\+|加|和|与|及)\s*分会场", body)
    if none:
        main_and_branch = False
        span = span or doc.paragraph_of(doc.start + none.start())
    elif mb or ("主会场" in body and "分会场" in body):
        main_and_branch = True
        if span is None:
            pos = doc.start + (mb.start() if mb else body.find("分会场"))
            span = doc.paragraph_of(pos)
    return {"hybrid": hybrid, "main_and_branch": main_and_branch}, span


_NO_BRANCH = re.compile(r"不(?:再|另)?设(?:立|置)?(?:视频)?分会场|无分会场")
_ONLINE_ONLY = re.compile(
    r"(?:以|采用|采取|通过)\s*(?:纯)?(?:线上|网络直播|网络会议|网络)\s*(?:方式|形式|直播)"
    r"|(?:仅|只)\s*线上|线上举办|网络直播进行|不设现场")

_COUNT_RES = [
    rf"(?:不超过|不多于|不得超过|最多|至多|上限为?|限额?|控制在|限定在?|限制在|限于)\s*(?P<n>{NUM})\s*(?:人|名)",
    rf"(?P<n>{NUM})\s*(?:人|名)\s*(?:以内|之内|以下|左右|上下|内)",
    rf"约\s*(?P<n>{NUM})\s*(?:人|名)",
    rf"(?:人数|规模)\s*(?:为|:)?\s*(?P<n>{NUM})\s*(?:人|名)",
    rf"以\s*(?P<n>{NUM})\s*(?:人|名)\s*为(?:限|宜)",
    rf"容纳\s*(?P<n>{NUM})\s*(?:人|名)",
]
_COUNT_RE = re.compile("|".join(f"(?:{r})" for r in _COUNT_RES).replace("?P<n>", "?:"))


def counts(text: str, start: int, end: int) -> list[tuple[int, Span]]:
    """Head counts written as limits: 30人以内, 不超过三十人, 约五十人, 50人左右, 限60人."""
    out = []
    for m in _COUNT_RE.finditer(text, start, end):
        before = text[max(start, m.start() - 12):m.start()]
        if re.search(r"每[^,。;]{0,8}$", before) and not re.search(r"每\s*(?:个|一)?\s*(?:分)?会场|每处", before):
            continue  # a quota per unit or per group ("每单位不超过5人"), not a venue's capacity
        n = re.search(NUM, m.group(0))
        value = cn_int(n.group(0)) if n else None
        if value:
            out.append((value, (m.start(), m.end())))
    return out


def _venue_kind_at(doc: Doc, pos: int, sent: Span) -> str | None:
    """Whether a count at `pos` speaks of the main venue, the branch venues, or both ('all')."""
    # "不设分会场" names no branch venue: blank it out
    t = _NO_BRANCH.sub(lambda m: " " * len(m.group(0)), doc.text)
    clause = t[sent[0]:pos]
    has_main, has_branch = "主会场" in clause, "分会场" in clause
    if has_main and has_branch:
        # "主会场和各分会场均不超过30人" speaks of both; otherwise the nearer one
        if re.search(r"主会场\s*(?:和|与|及|、)\s*(?:各)?\s*分会场|分会场\s*(?:和|与|及|、)\s*主会场", clause):
            return "all"
        return "main" if clause.rfind("主会场") > clause.rfind("分会场") else "branch"
    if has_main:
        return "main"
    if has_branch:
        return "branch"
    body = t[doc.start:doc.end]
    if "分会场" not in body:
        if "主会场" not in body and _ONLINE_ONLY.search(body):
            return None  # an online meeting's head count is no room's capacity
        return "main"  # one venue only: its head count is the main venue's
    para = doc.paragraph_of(pos)
    look = body[max(0, para[0] - 400 - doc.start):pos - doc.start]
    i_main, i_branch = look.rfind("主会场"), look.rfind("分会场")
    if i_main < 0 and i_branch < 0:
        return None
    return "main" if i_main > i_branch else "branch"


def venue_counts(doc: Doc) -> dict[str, tuple[int, Span]]:
    """Capacity of the main venue and of each branch venue, from the count's nearest venue word."""
    out: dict[str, tuple[int, Span]] = {}
    for s, e in doc.sentences():
        sent = doc.text[s:e]
        if re.search(r"调试|测试|派\s*(?:专|1|一)", sent) and not re.search(r"总?人数|规模", sent):
            continue
        for value, span in counts(doc.text, s, e):
            kind = _venue_kind_at(doc, span[0], (s, e))
            kinds = ["main", "branch"] if kind == "all" else [kind] if kind else []
            for k in kinds:
                out.setdefault(k, (value, (s, e)))
    return out


def arrive_before(doc: Doc) -> tuple[int | None, Span | None]:
    """'提前15分钟入位' / '会前半小时到场' → minutes."""
    rx = re.compile(
        rf"(?:提前|会前|开会前|开始前)\s*(?:(?P<n>{NUM})\s*分钟|(?P<half>半)\s*(?:个)?\s*小时|(?P<h>{NUM})\s*(?:个)?\s*小时|(?P<q>一刻钟))"
        r"\s*(?:以上)?\s*(?:入位|入场|到场|到达|签到|入座|就座|就位|进场|抵达|报到)"
    )
    for s, e in doc.sentences():
        m = rx.search(doc.text, s, e)
        if m:
            if m.group("n"):
                v = cn_int(m.group("n"))
            elif m.group("half"):
                v = 30
            elif m.group("h"):
                v = (cn_int(m.group("h")) or 0) * 60
            else:
                v = 15
            return v, (s, e)
    # "请于9:45前入场" with the meeting at 10:00: 15 minutes
    start = event_time(doc)[0]["starts_at"]
    if start and len(start) > 10:
        begin = datetime.fromisoformat(start)
        for s, e in doc.sentences():
            m = re.search(r"(?:入场|到场|入座|入位|就座|就位|进场|签到)", doc.text[s:e])
            if not m:
                continue
            for w in find_whens(doc.text, s, s + m.start() + 1, doc.ref):
                if w.before and w.start_time and not w.end_time:
                    at = datetime.combine(w.start_day or begin.date(), w.start_time, tzinfo=TZ)
                    minutes = int((begin - at).total_seconds() // 60)
                    if 0 < minutes <= 120:
                        return minutes, (s, e)
    return None, None


_PLACE_END = re.compile(r"(?:室|厅|堂|楼|馆|中心|宾馆|酒店|大厦|会场)(?:\([^()]*\))?$")


def main_venue(doc: Doc) -> tuple[dict[str, Any], dict[str, Span]]:
    """Name (主会场设在X / 在X设主会场 / 地点:X), capacity, minutes to arrive early."""
    t = doc.text
    name, span = None, None
    rxs = [
        r"主会场\s*(?:(?:设在|设于|设置在|位于)\s*:?|地点\s*(?:为|:)?|为|:)\s*(?P<x>[^,。;:\n][^,。;\n]{1,59})",
        r"在\s*(?P<x>[^,。;\n]{2,60}?)\s*设(?:立|置)?主会场",
        r"主会场\s*\(\s*(?:设在|地点:|位于)?\s*(?P<x>[^,;)]{2,40})",
        # "会议地点:省人社厅五楼会议室(主会场);…": the place, then its role in brackets
        r"(?:^|[,。;:])\s*(?P<x>[^,。;:\n()]{2,60})\s*\(\s*主会场\s*\)",
        r"(?:会议|活动)?地\s*点\s*:\s*(?P<x>[^,。;\n]{2,60})",
        # "会议地点不变,仍为省教育厅301会议室" / "会议地点调整为…"
        r"(?:会议|活动)?地\s*点\s*(?:不变\s*,)?\s*(?:仍|调整|改)?\s*为\s*(?P<x>[^,。;:\n]{2,60})",
        # "定于…在市文旅局五楼会议室召开": a room named in the opening sentence (a city is no room)
        r"(?:定于|将于|拟于|决定于)[^。;\n]{0,40}?在\s*(?P<x>[^,。;:\n]{2,40}?)\s*(?:召开|举行|举办)",
    ]
    for rx in rxs:
        for m in re.finditer(rx, t[doc.start:doc.end]):
            x = m.group("x").strip()
            if re.search(r"采用|方式|形式|分会场|线上|线下|另行通知|负责|同志|代表|人员|领导|参会|出席|人数", x):
                continue
            # "主会场设在…视频会议室" is a room; "主会场为视频会议" is not a place
            if "视频" in x and not _PLACE_END.search(x):
                continue
            if rx.startswith("(?:定于") and not re.search(r"(?:会议室|报告厅|会议厅|礼堂|多功能厅)$", x):
                continue  # a room only: "在市民学习中心举办" names an institution, not the hall
            if rx.startswith("(?:会议|活动)?地") and "分会场" in t[doc.start:doc.end] and "主会场" in t[doc.start:doc.end]:
                continue
            name = x.rstrip(")").strip() if x.count("(") < x.count(")") else x
            name = re.sub(r"\((?:地址\s*:)?[^()]*(?:路|街|道|号|区|巷|大厦|楼)[^()]*\)$", "", name).strip()
            # "(会场可容纳100人)": a note on the room's size, not part of its name
            name = re.sub(r"\([^()]*(?:容纳|座位|\d+\s*人)[^()]*\)$", "", name).strip()
            s = doc.start + m.start("x")
            span = doc.paragraph_of(s)
            break
        if name:
            break
    counts_ = venue_counts(doc)
    ab, ab_span = arrive_before(doc)
    spans: dict[str, Span] = {}
    if span:
        spans["main_venue.name"] = span
    if "main" in counts_:
        spans["main_venue.capacity"] = counts_["main"][1]
    if ab_span:
        spans["main_venue.arrive_before_minutes"] = ab_span
    return {"name": name, "capacity": counts_["main"][0] if "main" in counts_ else None,
            "arrive_before_minutes": ab}, spans


# "分会场:各市教育局。" names units; "分会场:各市分管负责同志" names who attends there
_BRANCH_LABEL = r"分会场\s*:\s*(?P<x>[^,。;:\n]{2,60}?)\s*(?:[,。;]|$)"
_PEOPLE = re.compile(r"负责|同志|人员|领导|代表|成员|干部|班子|主任|局长|校长")
_ROOM = r"(?:视频会议室|会议室|视频会场|报告厅|会议厅)"
_SELF_PLACE = re.compile(r"(?:本|当地|本地|各自|所在地?|属地)[\u4e00-\u9fff]{0,4}")


def branch_venues(doc: Doc) -> tuple[dict[str, Any], dict[str, Span]]:
    """Host units (在X设分会场 / 分会场设在X), capacity per branch, local approval required."""
    t = doc.text
    hosts: list[str] = []
    spans: dict[str, Span] = {}
    rxs = [
        r"在\s*(?P<x>[^,。;:\n]{2,200}?)\s*(?:分别|统一|各)?\s*(?:设立?|开设|设置)\s*(?:视频)?分会场",
        r"分会场\s*(?:设在|设于|设置在|设立在)\s*(?P<x>[^,。;:\n]{2,200})",
        r"(?:^|[,。;])\s*(?P<x>[^,。;:\n]{2,100}?)\s*(?:分别|统一|各)?\s*(?:设立?|开设|设置)\s*(?:视频)?分会场",
        # "分会场:各区卫生健康局视频会议室" names a place (a list of people there does not end in a room)
        rf"分会场\s*:\s*(?P<x>[^,。;:\n]{{2,100}}?{_ROOM})\s*(?:[,。;]|$)",
        r"分会场\s*(?:地点|设置)\s*(?:为|:)\s*(?P<x>[^,。;:\n]{2,100})",
        _BRANCH_LABEL,
    ]
    for rx in rxs:
        m = re.search(rx, t[doc.start:doc.end], re.M)
        if m:
            x = re.sub(r"^(?:根据[^,]*,)?\s*", "", m.group("x")).strip()
            if _SELF_PLACE.fullmatch(x):
                # "各高校在本校设分会场": the host is the subject before 在, not "本校"
                subj = re.search(r"(?:^|[,。;:\n])\s*([^,。;:\n]{2,60}?)\s*(?:均|各|统一|分别)?\s*在\s*$",
                                 t[doc.start:doc.start + m.start("x")])
                if not subj:
                    continue
                x = subj.group(1).strip()
            x = re.sub(r"^(?:同时|并|另|此外|还)\s*", "", x)
            if rx is _BRANCH_LABEL and (not _ORG_SUFFIX.search(x) or _PEOPLE.search(x)):
                continue
            # "各市州教育局视频会议室": the room's unit hosts the branch venue
            unit = re.sub(_ROOM + "$", "", x)
            if unit != x and _ORG_SUFFIX.search(unit):
                x = unit
            if len(x) >= 2 and not re.search(r"主会场|根据|要求|视情|可以|可|请|自行|如需|需要|是否|不", x):
                hosts = split_units(x)
                spans["branch_venues.hosts"] = doc.paragraph_of(doc.start + m.start("x"))
                break
    counts_ = venue_counts(doc)
    capacity = counts_["branch"][0] if "branch" in counts_ else None
    if "branch" in counts_:
        spans["branch_venues.capacity"] = counts_["branch"][1]
    approval: bool | None = None
    for s, e in doc.sentences():
        sent = t[s:e]
        if "分会场" in sent and re.search(r"审批|批准|同意后|报批|备案同意|须(?:经|报)[^。;]{0,24}同意", sent):
            approval = not re.search(r"无需|不需|不必|免于", sent)
            spans["branch_venues.approval_required"] = (s, e)
            break
    if approval is None and "分会场" not in t[doc.start:doc.end]:
        approval = None
    return {"hosts": hosts, "capacity": capacity, "approval_required": approval}, spans


_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
_REG_WORDS = re.compile(
    r"报名|回执|报送|发送|发至|发到|提交|反馈|填报|报至|报给|报于|报回|传至|发给|截止|截至|回复|名单|注册"
    r"|将[^,。;]{1,30}?报(?!告|道)")  # "将分会场参会人数报局办公室"
_FIELD_WORDS = [
    ("name", r"姓名"), ("gender", r"性别"), ("ethnicity", r"民族"),
    ("unit", r"(?:工作)?单位"), ("position", r"职务"), ("professional_title", r"职称"),
    ("phone", r"(?:手机号码|手机号|手机|联系电话|联系方式|电话)(?:\s*\(\s*手机\s*\))?"),
    ("email", r"(?:电子)?邮箱"), ("id_number", r"身份证(?:号码|号)?"),
]
_TECH_ROLE = re.compile(r"调试负责人|技术负责人|技术联系人|技术人员|调试人员|调试联系人|技术保障人员")


_ATTENDANCE = re.compile(r"参会|参加|回执|报名|名单|人员|人数|参训|出席|收看|观看|与会|代表|联系人|负责人")


def registration(doc: Doc) -> tuple[dict[str, Any], dict[str, Span]]:
    """Deadline ('X月X日XX:XX前' in a sentence about sending names), e-mail, asked fields."""
    t = doc.text
    spans: dict[str, Span] = {}
    deadline = email = None
    fields: list[str] = []
    prev_about_attendance: Span | None = None  # the paragraph whose last sentence spoke of attendance
    for s, e in doc.sentences():
        sent = t[s:e]
        about = _ATTENDANCE.search(sent) is not None
        # "已报送参会回执的单位无需重复报送;尚未报送的,请于…前发送至…": the sentence goes on about it
        follows = prev_about_attendance == doc.paragraph_of(s)
        prev_about_attendance = doc.paragraph_of(s) if about else None
        if re.search(r"调试|联调|彩排", sent[:12]):
            continue
        if not (_REG_WORDS.search(sent) or _EMAIL_RE.search(sent) or len(_asked_fields(sent)) >= 2):
            continue
        # about who attends ("参会人员名单", "回执"), not any report the notice asks for
        if not (about or (follows and _REG_WORDS.search(sent))):
            continue
        whens = [w for w in find_whens(t, s, e, doc.ref) if w.start_day]
        pick = next((w for w in whens if w.before), None)
        if pick is None and re.search(r"截止|截至", sent):
            pick = whens[0] if whens else None
        if pick is None and whens and re.search(r"即日起|(?:报名|报送|注册)(?:时间|日期)\s*:", sent):
            # a sign-up window: its last day is the deadline
            w = whens[0]
            pick = When(w.end_day, w.end_time, None, None, True, w.span) if w.end_day else w
        if pick is not None and pick.start_time is None:
            # "请于11月29日前…,截止时间为11月29日18:00": the same day with its hour is more exact
            pick = next((w for w in whens if w.start_day == pick.start_day and w.start_time), pick)
        if pick is not None and (
            deadline is None
            # "11月20日下班前 … 截止时间:11月20日17时": the same day with its hour is more exact
            or (len(deadline) == 10 and pick.start_time is not None and (pick.start_iso() or "")[:10] == deadline)
        ):
            deadline = pick.start_iso()
            spans["registration.deadline"] = (s, e)
        if email is None and (_REG_WORDS.search(sent) or len(_asked_fields(sent)) >= 2) \
                and not re.search(r"联\s*系\s*人\s*:", sent) and not _OTHER_MAILBOX.search(sent):
            m = _EMAIL_RE.search(sent)
            if m:
                email = m.group(0).rstrip(".")
                spans["registration.email"] = (s, e)
        if not fields:
            fields = _asked_fields(sent)
            if fields:
                spans["registration.fields"] = (s, e)
        if deadline and len(deadline) > 10 and email and fields:
            break
    if email is None and "registration.deadline" in spans:
        email, span = _email_beside(doc, spans["registration.deadline"])
        if email:
            spans["registration.email"] = span
    if email is None and "registration.deadline" in spans:
        # "发送至联系人邮箱": the one address the notice gives
        ds, de = spans["registration.deadline"]
        # "发送至联系人邮箱" / "以邮件形式报送", not "姓名、职务、手机号及邮箱" (an asked field)
        if re.search(r"(?:至|到|给|往|通过|以|用)[^,。;、]{0,8}(?:邮箱|邮件)|(?:邮箱|邮件)\s*(?:发送|报送|提交)", t[ds:de]):
            found = {m.group(0) for m in _EMAIL_RE.finditer(t, doc.start, doc.end)}
            if len(found) == 1:
                email = found.pop().rstrip(".")
                spans["registration.email"] = (ds, de)
    return {"deadline": deadline, "email": email, "fields": fields}, spans


# mailboxes for something other than attendance: papers, questions, complaints
_OTHER_MAILBOX = re.compile(r"投稿|论文|稿件|作品|咨询|投诉|举报|监督")


def _email_beside(doc: Doc, deadline: Span) -> tuple[str | None, Span]:
    """'请于…前将名单报送医政司。电子邮箱:x@y。': the one address in the deadline's own paragraph,
    outside a contact person's line, is where the names go."""
    para = doc.paragraph_of(deadline[0])
    found = []
    for s, e in doc.sentences():
        if para[0] <= s < para[1] and not _CONTACT_AT.search(doc.text, s, e) \
                and not _OTHER_MAILBOX.search(doc.text, s, e):
            found += [(m.group(0).rstrip("."), (s, e)) for m in _EMAIL_RE.finditer(doc.text, s, e)]
    if len({f[0] for f in found}) == 1:
        return found[0]
    return None, deadline


def _asked_fields(sent: str) -> list[str]:
    """The attendee fields a receipt sentence asks for, and the tech contact's, as English keys."""
    hits: list[tuple[int, int, str]] = []
    for key, rx in _FIELD_WORDS:
        for m in re.finditer(rx, sent):
            hits.append((m.start(), m.end(), key))
    hits.sort()
    # drop overlaps (联系电话 vs 电话) keeping the longer, earlier one
    kept: list[tuple[int, int, str]] = []
    for h in hits:
        if kept and h[0] < kept[-1][1]:
            continue
        kept.append(h)
    tech = _TECH_ROLE.search(sent)
    out: list[str] = []
    for i, (s, e, key) in enumerate(kept):
        prev_end = kept[i - 1][1] if i else None
        next_start = kept[i + 1][0] if i + 1 < len(kept) else None
        in_tech = tech is not None and s >= tech.end() and s - tech.end() <= 12
        joined_prev = prev_end is not None and re.fullmatch(r"\s*(?:、|和|及|以及|与|,|/)\s*", sent[prev_end:s])
        joined_next = next_start is not None and re.fullmatch(r"\s*(?:、|和|及|以及|与|,|/)\s*", sent[e:next_start])
        if tech is not None and s >= tech.end() and out and out[-1].startswith("tech_"):
            in_tech = in_tech or bool(joined_prev)
        if not (joined_prev or joined_next or in_tech):
            continue
        if in_tech:
            k = {"name": "tech_contact_name", "phone": "tech_contact_phone"}.get(key)
            if k and k not in out:
                out.append(k)
        elif key not in out:
            out.append(key)
    return out


_REHEARSAL = re.compile(r"调试|联调|调测|测试|彩排|演练")
_REHEARSAL_IN_NAME = re.compile(
    r"(?:召开|举办|举行)[^,。;]{0,30}?(?:调试|联调|调测|测试|彩排|演练)[^,。;]{0,12}?(?:会议|推进会|座谈会|会|培训班|培训)")
PHONE_RE = re.compile(
    r"(?<![\d])(?:(?:\+?86\s*)?1[3-9]\d(?:[\s-]?\d){8}"
    r"|\(?0\d{2,3}\)?\s*[-—–－]?\s*\d{7,8}(?:\s*(?:-|转)\s*\d{1,5})?"
    r"|\d{7,8}(?:\s*(?:-|转)\s*\d{1,5})?)(?![\d])"
)
_NAME = r"[\u4e00-\u9fff·]{2,5}"


def normalise_phone(raw: str, area: str | None = None) -> str:
    """Mobile → 11 digits; landline → 'area-number[-ext]', missing area code borrowed from `area`."""
    s = re.sub(r"\s+", "", raw).replace("—", "-").replace("–", "-").replace("－", "-")
    s = s.replace("转", "-")
    digits = re.sub(r"\D", "", s)
    if re.fullmatch(r"(?:86)?1[3-9]\d{9}", digits):
        return digits[-11:]
    m = re.fullmatch(r"\(?(0\d{2,3})\)?-?(\d{7,8})(?:-(\d{1,5}))?", s) if re.match(r"\(?0\d{2,3}[-)]", s) else None
    if m:
        out = f"{m.group(1)}-{m.group(2)}"
        return out + (f"-{m.group(3)}" if m.group(3) else "")
    m = re.fullmatch(r"(\d{7,8})(?:-(\d{1,5}))?", s)
    if m:
        out = f"{area}-{m.group(1)}" if area else m.group(1)
        return out + (f"-{m.group(2)}" if m.group(2) else "")
    if re.fullmatch(r"0(?:10|2\d)\d{7,8}", digits):
        return f"{digits[:3]}-{digits[3:]}"
    if re.fullmatch(r"0\d{3}\d{7,8}", digits):
        return f"{digits[:4]}-{digits[4:]}"
    return s


def _area_of(phone: str) -> str | None:
    m = re.match(r"(0\d{2,3})-", phone)
    return m.group(1) if m else None


def rehearsal(doc: Doc) -> tuple[dict[str, Any], dict[str, Span]]:
    """The video-test window (a sentence about 调试 with a date and time) and its contact person.

    '6月27日下午5点前完成调试' gives only the end. The contact is a person with a phone in the
    same paragraph, else a 技术/调试联系人 in the lines after it or in the contact block."""
    t = doc.text
    spans: dict[str, Span] = {}
    starts = ends = None
    contact: dict[str, Any] | None = None
    para: Span | None = None
    deadline_only: tuple[When, Span] | None = None
    for s, e in doc.sentences():
        sent = t[s:e]
        if not _REHEARSAL.search(sent) or re.search(r"负责人|联系人", sent[:_REHEARSAL.search(sent).start()][-8:]):
            continue
        if _REHEARSAL_IN_NAME.search(sent):
            continue  # "召开全省应急演练工作推进会": the meeting's own name, not a video test
        whens = [w for w in find_whens(t, s, e, doc.ref) if w.start_day]
        window = [w for w in whens if not w.before]
        if window:
            w = window[0]
            starts, ends = w.start_iso(), w.end_iso()
            spans["rehearsal.starts_at"] = spans["rehearsal.ends_at"] = (s, e)
            para = doc.paragraph_of(s)
            break
        if whens and deadline_only is None and whens[0].start_time and not _REG_WORDS.search(sent):
            deadline_only = (whens[0], (s, e))
    if para is None and deadline_only is not None:
        w, sp = deadline_only
        ends = w.start_iso()
        spans["rehearsal.ends_at"] = sp
        para = doc.paragraph_of(sp[0])
    if para is not None:
        contact, cspan = _tech_person(t, para[0], para[1]) or _any_person(t, para[0], para[1]) or (None, None)
        if contact is None:
            for ls, le in doc.lines(para[1], doc.end)[:3]:
                if re.match(r"\s*(?:\(\s*[一二三四五六七八九十]+\s*\)|[一二三四五六七八九十]+、)", t[ls:le]):
                    break
                found = _tech_person(t, ls, le)
                if found:
                    contact, cspan = found
                    break
        if contact:
            spans["rehearsal.contact"] = cspan
    if contact is None and para is not None:
        found = _tech_person(t, doc.start, doc.end) or _noted_tech_person(t, doc.start, doc.end)
        if found:
            contact, spans["rehearsal.contact"] = found
    return {"starts_at": starts, "ends_at": ends, "contact": contact}, spans


# "市大数据局 林峰": a unit, then a space, then the person
_UNIT_BEFORE_NAME = r"[\u4e00-\u9fff]{2,20}(?:中心|处|司|局|厅|部|室|科|办|组|站|所|公司|委|馆|院|校|会)\s+"
_PHONE_ONE = r"(?:\+?86\s*)?1[3-9]\d(?:[\s-]?\d){8}(?!\d)|\(?0\d{2,3}\)?\s*[-—–]?\s*\d{7,8}(?!\d)"


def _tech_person(t: str, s: int, e: int) -> tuple[dict[str, Any], Span] | None:
    """'技术联系人:王海涛,13880000002' / '调试联系人:郑凯 136…' / '技术支持:林志强,电话:…'."""
    m = re.compile(
        rf"(?:技术|调试|视频调试|技术保障|技术支持)\s*(?:联系人|负责人|支持|保障)?(?:及(?:联系)?电话)?\s*:\s*"
        rf"(?:{_UNIT_BEFORE_NAME})?"
        rf"(?P<name>[\u4e00-\u9fff·](?:\s{{0,3}}[\u4e00-\u9fff·]){{1,4}}?)\s*(?:同志|老师)?\s*[,]?\s*(?:(?:联系)?(?:电话|手机)\s*:?\s*)?"
        rf"(?P<phone>{_PHONE_ONE})"
    ).search(t, s, e)
    if not m or _NOT_NAME.search(m.group("name")):
        return None
    return {"name": re.sub(r"\s+", "", m.group("name")), "phone": normalise_phone(m.group("phone"))}, (m.start(), m.end())


_NOTED_TECH = re.compile(
    rf"(?P<name>[\u4e00-\u9fff·]{{2,4}})\s*\(\s*(?:技术|调试|视频调试)[^()]{{0,6}}\)\s*"
    rf"(?:(?:联系)?(?:电话|手机)\s*:?\s*)?(?P<phone>{_PHONE_ONE})"
)


def _noted_tech_person(t: str, s: int, e: int) -> tuple[dict[str, Any], Span] | None:
    """'李娜(技术)139…' in the contact lines: the person the notice marks as the technical one."""
    m = _NOTED_TECH.search(t, s, e)
    if not m or _NOT_NAME.search(m.group("name")):
        return None
    return {"name": m.group("name"), "phone": normalise_phone(m.group("phone"))}, (m.start(), m.end())


_ANY_PERSON = re.compile(
    rf"(?:[:(,]|联系|咨询)\s*(?:{_UNIT_BEFORE_NAME})?(?P<name>[\u4e00-\u9fff·](?:\s{{0,3}}[\u4e00-\u9fff·]){{1,4}}?)\s*(?:同志|老师)?\s*[,]?\s*"
    rf"(?:(?:联系)?(?:电话|手机)\s*:?\s*)?\(?\s*(?P<phone>{_PHONE_ONE})"
)


def _any_person(t: str, s: int, e: int) -> tuple[dict[str, Any], Span] | None:
    """A name right before a phone, after a colon, a bracket or 联系: '(联系人及联系电话:付宇豪 185…)',
    '请联系马骏(139…)'."""
    pos = s
    while pos < e:
        m = _ANY_PERSON.search(t, pos, e)
        if not m:
            return None
        if not _NOT_NAME.search(m.group("name")) and not re.match(r"[请如]", m.group("name")):
            return {"name": re.sub(r"\s+", "", m.group("name")), "phone": normalise_phone(m.group("phone"))}, (m.start() + 1, m.end())
        pos = m.start() + 1  # matches overlap: "请联系马骏" is rejected, "联系马骏" is not
    return None


_LABELS = (r"联\s*(?:系|络)\s*人|请\s*联系|联\s*系\s*方\s*式|技术支持|技术保障|联系\s*电话|办公\s*电话|固定\s*电话|电\s*话|手\s*机|传\s*真|电子\s*邮箱|电子\s*邮件|邮\s*箱|"
           r"e-?mail|地\s*址|通讯地址|联系\s*单位|邮\s*编")
_LABEL_RE = re.compile(rf"(?P<label>{_LABELS})(?:\s*及\s*(?:联系)?(?:电话|方式))?\s*:", re.I)
_CONTACT_AT = re.compile(
    r"(?:[\u4e00-\u9fff]{0,6})联\s*(?:系|络)\s*(?:人(?:\s*及\s*(?:联系)?(?:电话|方式))?|方式)\s*:"
    r"|请\s*联系\s*:")  # "如有疑问,请联系:张三 138…"
_NOT_NAME = re.compile(r"电话|手机|传真|邮箱|联系|办公|地址|同志们|负责|老师们|处长|科长|方式|号码|以上|如下|咨询|技术|会务|报名|监督|举报|投诉")


_CONTACT_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|\(\s*[一二三四五六七八九十\d]+\s*\)|\d+\s*[.、])?\s*(?:联\s*系\s*人|联\s*络\s*人|联系方式)\s*$")


def _people_under_heading(t: str, lines: list[Span], i: int) -> tuple[list[dict[str, Any]], int]:
    """'四、联系人' alone on its line, then '许诺 电话:0411-…' lines: each line one or more people."""
    j = i
    while j < len(lines):
        s2, e2 = lines[j]
        nxt = t[s2:e2]
        if len(nxt) > 60 or "。" in nxt or not PHONE_RE.search(nxt) or re.match(r"^\s*附", nxt):
            break
        j += 1
    if j == i:
        return [], i
    block = "联系人:" + t[lines[i][0]:lines[j - 1][1]]
    return _parse_contact_block(block, 0, len(block)), j


def contacts(doc: Doc, rehearsal_para: Span | None = None) -> tuple[list[dict[str, Any]], Span | None]:
    """People to call: '联系人:<unit> <name>' then '电话:…;…(传真)' lines; several people, several
    blocks (会务联系人 / 技术联系人), or '(联系人:…)' under the signature."""
    t = doc.text
    lines = doc.lines()
    out: list[dict[str, Any]] = []
    first: int | None = None
    last: int | None = None
    i = 0
    while i < len(lines):
        ls, le = lines[i]
        if rehearsal_para and rehearsal_para[0] <= ls < rehearsal_para[1]:
            i += 1
            continue
        m = _CONTACT_AT.search(t, ls, le)
        if not m and _CONTACT_HEADING.match(t[ls:le]) and i + 1 < len(lines) \
                and not _CONTACT_AT.search(t, *lines[i + 1]):
            people, j = _people_under_heading(t, lines, i + 1)
            if people:
                out.extend(people)
                first = ls if first is None else first
                last = lines[j - 1][1]
            i = max(j, i + 1)
            continue
        if not m:
            i += 1
            continue
        # the block: from 联系人 to the end of the line, and the contact lines after it
        block_end = le
        j = i + 1
        while j < len(lines):
            s2, e2 = lines[j]
            nxt = t[s2:e2]
            labelled = re.match(rf"^\s*(?:{_LABELS})\s*:", nxt, re.I) and not _CONTACT_AT.match(nxt.strip()) \
                and not re.match(r"^\s*[^:]{0,8}(?:监督|举报|投诉)", nxt)
            person_line = len(nxt) <= 60 and "。" not in nxt and PHONE_RE.search(nxt) \
                and not re.match(r"^\s*(?:附|[^:]{0,8}(?:监督|举报|投诉))", nxt)  # a complaints line is no contact
            if labelled or person_line:
                block_end = e2
                j += 1
            else:
                break
        people = _parse_contact_block(t, m.start(), block_end)
        if people:
            out.extend(people)
            first = m.start() if first is None else first
            last = block_end
        i = j
    return out, ((first, last) if first is not None and last is not None else None)


def _parse_contact_block(t: str, start: int, end: int) -> list[dict[str, Any]]:
    """Tokens in order (units, names, phones, faxes), then phones assigned to people:
    by position when they follow each person, in order when N names are followed by N phones,
    to everyone when several people share one office phone."""
    text = t[start:end]
    labels = list(_LABEL_RE.finditer(text))
    segments: list[tuple[str, int, int]] = []  # (label, start, end) in text
    for k, m in enumerate(labels):
        seg_end = labels[k + 1].start() if k + 1 < len(labels) else len(text)
        label = re.sub(r"\s+", "", m.group("label")).lower()
        # a label's value ends with its line: "邮箱:a@b\n    李四 电话:…" names the next person
        nl = text.find("\n", m.end(), seg_end)
        if nl < 0:
            segments.append((label, m.end(), seg_end))
        else:
            segments.append((label, m.end(), nl))
            segments.append(("line", nl + 1, seg_end))
    person_labels = ("联系人", "联络人", "请联系", "联系方式", "技术支持", "技术保障")
    tokens: list[tuple[int, str, str]] = []  # (pos, kind, value)
    marked_faxes: set[int] = set()
    for label, s, e in segments:
        if label in ("地址", "通讯地址", "邮编", "电子邮箱", "电子邮件", "邮箱", "e-mail", "email"):
            continue
        # "王  立": names padded with spaces to align them are one name
        seg = re.sub(r"(?<![\u4e00-\u9fff])([\u4e00-\u9fff])(\s+)([\u4e00-\u9fff])(?![\u4e00-\u9fff])",
                     lambda x: x.group(1) + x.group(3) + x.group(2), text[s:e])
        if label in person_labels:
            tokens.append((s - 1, "segment", label))
        phones = list(PHONE_RE.finditer(seg))
        for m in phones:
            tail = seg[m.end():m.end() + 8]
            is_fax = label == "传真" or bool(re.match(r"\s*\(\s*传真", tail))
            tokens.append((s + m.start(), "fax" if is_fax else "phone", m.group(0)))
            if is_fax and label != "传真":
                marked_faxes.add(s + m.start())  # "刘畅,010-66096002(传真)": that person's own
            if re.match(r"\s*\(\s*(?:兼|同)\s*传真", tail):  # "(兼传真)": the phone is the fax too
                tokens.append((s + m.start() + 1, "fax", m.group(0)))
        rest = seg
        for m in reversed(phones):
            rest = rest[:m.start()] + " " * (m.end() - m.start()) + rest[m.end():]
        rest = re.sub(r"_[^\s]*", " ", rest)
        rest = re.sub(r"\(\s*传真\s*\)|[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+", lambda x: " " * len(x.group(0)), rest)
        # a note in brackets after a phone ("138…(住宿)", "(办)") is no name nor unit
        rest = re.sub(r"(?<=\s)\([^()]*\)", lambda x: " " * len(x.group(0)), rest)
        for m in re.finditer(r"[^\s,、;:()/]+(?:\([^()]*\))?", rest):
            word = m.group(0)
            core = re.sub(r"\([^)]*\)$", "", word)
            paren = re.search(r"\(([^)]*)\)$", word)
            if re.fullmatch(r"(?:[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,6}·[\u4e00-\u9fff]{1,8})(?:同志|老师)?", core) \
                    and not _ORG_SUFFIX.search(re.sub(r"(?:同志|老师)$", "", core)) \
                    and not _NOT_NAME.search(core) and not re.search(r"和|及|与", core):
                tokens.append((s + m.start(), "name", re.sub(r"同志$", "", core)))
                if paren and _ORG_SUFFIX.search(paren.group(1)):
                    tokens.append((s + m.start() + 1, "org_after", paren.group(1)))
            elif (len(core) >= 3 or re.search(r"[司局厅处部委会院办]$", core)) and _ORG_SUFFIX.search(core) \
                    and not re.search(r"电话|手机|传真|邮箱|地址", core):
                tokens.append((s + m.start(), "org", word))
            elif re.search(r"和|及|与", core) and label in ("联系人", "联络人"):
                for part in re.split(r"和|及|与", core):
                    if re.fullmatch(r"[\u4e00-\u9fff]{2,3}", part):
                        tokens.append((s + m.start() + core.index(part), "name", part))
    tokens.sort()
    persons: list[dict[str, Any]] = []
    org: str | None = None
    loose: list[str] = []      # phones not (yet) tied to one person
    faxes: list[str] = []
    area: str | None = None
    for _pos, kind, value in tokens:
        if kind == "segment":
            org = None  # a new 联系人 / 技术支持 label: the unit named before is not theirs
        elif kind == "org":
            org = value
            for p in persons:
                if p["org"] is None and not p["phones"]:
                    p["org"] = org
        elif kind == "org_after":
            if persons:
                persons[-1]["org"] = value
        elif kind == "name":
            persons.append({"name": value, "org": org, "phones": [], "fax": None})
        elif kind in ("phone", "fax"):
            number = normalise_phone(value, area)
            area = _area_of(number) or area
            if kind == "fax":
                faxes.append(number)
            else:
                loose.append(number)
    if not persons:
        return []
    # tie phones: phones right after a person (before the next person) are theirs, unless all
    # people are named before any phone ("联系人:A、B / 电话:P1,P2": in order, or shared by all)
    kinds = [kind for _pos, kind, _v in tokens if kind in ("name", "phone")]
    names_first = all(k == "name" for k in kinds[:len(persons)])
    if names_first:
        if len(persons) > 1 and len(loose) == len(persons):
            for p, ph in zip(persons, loose, strict=True):
                p["phones"].append(ph)
        else:
            for p in persons:
                p["phones"].extend(loose)
        for p in persons:
            p["fax"] = faxes[0] if faxes else None
    else:
        idx, k, f = -1, 0, 0
        own_fax: dict[int, str] = {}
        for _pos, kind, _v in tokens:
            if kind == "name":
                idx += 1
            elif kind == "phone":
                persons[max(idx, 0)]["phones"].append(loose[k])
                k += 1
            elif kind == "fax":
                own_fax.setdefault(max(idx, 0), faxes[f])
                f += 1
        # a fax named once under its own 传真 label serves them all; one marked "(传真)" right
        # after a person's number is that person's
        shared = len(set(faxes)) == 1 and not any(pos in marked_faxes for pos, kind, _v in tokens if kind == "fax")
        for i, p in enumerate(persons):
            p["fax"] = own_fax.get(i) or (faxes[0] if shared else None)
    for p in persons:
        p["phones"] = list(dict.fromkeys(p["phones"]))
    return persons


def attachments(doc: Doc) -> tuple[list[str], Span | None]:
    """The 附件 list: '附件:1.X 2.Y' on one line or one per line, or '附件:X' alone, or '附件1:X'."""
    t = doc.text
    lines = doc.lines()
    for i, (ls, le) in enumerate(lines):
        line = t[ls:le]
        m = re.match(r"^\s*附\s*件\s*(?:\d+|[一二三四五六七八九十]+)?\s*[:]\s*(.*)$", line)
        if not m:
            continue
        items: list[str] = []
        first_item = m.group(1).strip()
        end = le
        numbered = re.compile(r"^\s*(?:\d+\s*[.、.]|\(\s*\d+\s*\))\s*")
        if first_item:
            pieces = re.split(r"(?:^|[\s;,、]+)(?=\d+\s*[.、](?!\d))", first_item)
            for p in pieces:
                p = numbered.sub("", p).strip().rstrip(";。,")
                if p:
                    items.append(p)
        for s2, e2 in lines[i + 1:]:
            nxt = t[s2:e2]
            n = numbered.match(nxt)
            m2 = re.match(r"^\s*附\s*件\s*(?:\d+|[一二三四五六七八九十]+)\s*[:]\s*(.+)$", nxt)
            if n:
                items.append(nxt[n.end():].strip().rstrip(";。,"))
                end = e2
            elif m2:
                items.append(m2.group(1).strip().rstrip(";。,"))
                end = e2
            else:
                break
        items = [x for x in items if x]
        if items:
            return items, (ls, end)
    return [], None


_PEOPLE_HEAD = re.compile(
    r"^\s*[一二三四五六七八九十]+\s*[、.]\s*(?:参加人员|参会人员|与会人员|出席人员|参会范围|参加范围|参会对象|参加对象)\s*$")
_TOP_HEAD = re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.]")
_KIND_ITEM = re.compile(
    r"^\s*(?:\(\s*[一二三四五六七八九十\d]+\s*\)|[一二三四五六七八九十]+\s*[、.]|\d+\s*[.、])?\s*(主会场|分会场)\s*[:]\s*(.+)$")
#: a head count said beside the people (，每个分会场不超过25人; 总人数在二十人以内), not a kind of person
_HEAD_COUNT = re.compile(r"人数|以内|左右|不超过|不多于|控制在|座位|名额|[\d一二三四五六七八九十百]+\s*人$")
#: one kind of person ends with one of these words (the 、 after it starts the next)
_PERSON_END = re.compile(r"(?:(?<=负责人)|(?<=负责同志)|(?<=代表)|(?<=人员)|(?<=干部)|(?<=主任)|(?<=局长)|(?<=校长))、")


def attendee_categories(doc: Doc) -> tuple[dict[str, list[str]], Span | None]:
    """The kinds of people the 参加人员 section names for the main venue and for the branch
    venues: '(一)主会场:A;B;C(视频致辞)等。' → [A, B, C]. Not in `parse`'s schema (PRODUCT.md's);
    the review page offers them as the event's attendee categories."""
    t = doc.text
    lines = doc.lines()
    for i, (ls, le) in enumerate(lines):
        if not _PEOPLE_HEAD.match(t[ls:le]):
            continue
        out: dict[str, list[str]] = {"main": [], "branch": []}
        end = le
        for s2, e2 in lines[i + 1:]:
            line = t[s2:e2]
            if _TOP_HEAD.match(line):
                break
            m = _KIND_ITEM.match(line)
            if m:
                # both on one line: '主会场:A;B。分会场:C'
                kind, rest = m.group(1), m.group(2)
                for part in re.split(r"(?<=[;；。,，])\s*(?=(?:主会场|分会场)\s*:)", rest):
                    other = re.match(r"(主会场|分会场)\s*:\s*", part)
                    if other:
                        kind, part = other.group(1), part[other.end():]
                    out["main" if kind == "主会场" else "branch"] = _people_kinds(part)
                end = e2
        if out["main"] or out["branch"]:
            return out, (ls, end)
    return {"main": [], "branch": []}, None


def _people_kinds(text: str) -> list[str]:
    items: list[str] = []
    for part in re.split(r"[;；,，]", text.split("。", 1)[0]):
        for kind in _PERSON_END.split(part):
            kind = re.sub(r"等$", "", kind.strip(" 、")).strip()
            kind = re.sub(r"\([^()]*\)$", "", kind).strip()  # a note after the last one: (视频致辞)
            if 2 <= len(kind) <= 60 and kind not in items and not _HEAD_COUNT.search(kind):
                items.append(display_punctuation(kind))
    return items


_SYMPTOM = re.compile(r"症状|发热|发烧|咳嗽|乏力")
_CONTACT_RISK = re.compile(
    r"风险(?:地区|区)\s*(?:人员|来往人员|人群)?\s*(?:(?:旅居|驻留|居住|停留|旅行|逗留)史\s*[、和及或/]\s*)?接触史"
    r"|接触(?:过)?[^,、;。]{0,12}风险(?:地区|区)|风险地区[^,、;。]{0,6}人员接触"
)
_STAY_RISK = re.compile(
    r"风险(?:地区|区)[^,;。]{0,6}?(?:驻留|旅居|居住|停留|旅行|逗留)史"
    r"|(?:到过|去过|途经|旅居|驻留|停留|居住)[^,、;。]{0,12}风险(?:地区|区)"
)
_SUBJECT = re.compile(r"参会人员|与会人员|参会代表|所有人员|全体|参加人员|入场人员|拟参会")


def _scope(sent: str) -> str | None:
    main, branch = "主会场" in sent, "分会场" in sent
    if main and not branch:
        return "main"
    if branch and not main:
        return "branch"
    if main and branch:
        return "all"
    return None


def _waived(sent: str, pos: int) -> bool:
    """'参会人员无需查验健康码、行程卡…' / '不再查验核酸检测证明': the clause lifts the check."""
    clause = sent[max(sent.rfind(",", 0, pos), sent.rfind(";", 0, pos), 0):pos]
    return re.search(r"无需|无须|不再|不需|不用|不必|取消|免于|免除|免查", clause) is not None


def admission_rules(doc: Doc) -> tuple[list[dict[str, Any]], Span | None]:
    """Epidemic rules, each with the venues it covers (its sentence's venue, else the one before
    it when the sentence has no subject of its own, else all)."""
    t = doc.text
    found: list[tuple[int, dict[str, Any]]] = []
    first = last = None
    prev_scope: str | None = None
    prev_para: Span | None = None
    for s, e in doc.sentences():
        sent = t[s:e]
        para = doc.paragraph_of(s)
        if para != prev_para:
            prev_scope, prev_para = None, para
        scope = _scope(sent)
        if scope is None:
            scope = prev_scope if (prev_scope and not _SUBJECT.search(sent)) else "all"
        rules: list[dict[str, Any]] = []
        days = None
        dm = re.search(rf"(?P<n>{NUM})\s*(?:天|日)\s*(?:内|以内)|近\s*(?P<n2>{NUM})\s*(?:天|日)|(?P<w>{NUM})\s*周\s*(?:内|以内)", sent)
        if dm:
            if dm.group("w"):
                days = (cn_int(dm.group("w")) or 0) * 7
            else:
                days = cn_int(dm.group("n") or dm.group("n2"))
        # each rule with where the sentence names it: rules come out in the notice's order
        at: list[int] = []
        if _SYMPTOM.search(sent) and re.search(
            r"更换|不得|不能|谢绝|不参加|不再|禁止|暂缓|劝返|不予|请勿|如有|凡有|有.{0,6}者|(?:无|未出现|没有|未有)[^。;]{0,14}(?:症状|发热|发烧|咳嗽)", sent):
            rules.append({"kind": "symptoms", "window_days": days, "venues": scope})
            at.append(_SYMPTOM.search(sent).start())
        if _CONTACT_RISK.search(sent):
            rules.append({"kind": "risk_area_contact", "window_days": days, "venues": scope})
            cm = _CONTACT_RISK.search(sent)
            at.append(sent.find("接触", cm.start()) if "接触" in cm.group(0) else cm.start())
        if _STAY_RISK.search(sent):
            rules.append({"kind": "risk_area_stay", "window_days": days, "venues": scope})
            sm = _STAY_RISK.search(sent)
            kw = re.search(r"驻留|旅居|居住|停留|旅行|逗留|到过|去过|途经", sm.group(0))
            at.append(sm.start() + (kw.start() if kw else 0))
        hc = re.search(r"健康码|健康宝|[粤随苏浙渝鄂湘赣闽皖豫]?[康申]码|绿码|健康通行码", sent)
        if hc:
            issuer = None
            q = re.search(r"[“\"「]([^”\"」]{2,12}(?:健康宝|健康码|康码|申码|健康通|码))[”\"」]", sent)
            if q and q.group(1) not in ("健康码", "绿码"):
                issuer = q.group(1)
            else:
                q = re.search(r"粤康码|随申码|苏康码|渝康码|安康码|([\u4e00-\u9fff]{2})(?:健康宝|健康码)", sent)
                # the two characters before 健康码 name a place (北京健康宝, 浙江健康码), unless they
                # are a verb or a pronoun (出示健康码, 本人健康码)
                if q and not (q.group(1) and re.search(r"[示持供验查看扫本人须需应及和并或的用码]", q.group(1))):
                    issuer = q.group(0)
                if issuer is None:
                    # a local code named right before its colour: "出示吉祥码绿码"
                    q = re.search(r"([\u4e00-\u9fff]{2}[码宝通])\s*(?:为|呈|显示)?\s*绿", sent)
                    if q and q.group(1) not in ("健康码", "健康宝", "行程码", "场所码", "通行码") \
                            and not re.search(r"[示持供验查看扫本人须需应及和并或的用]", q.group(1)[:2]):
                        issuer = q.group(1)
            color = "green" if re.search(r"绿|红码|黄码|红黄码", sent) else None
            rules.append({"kind": "health_code", "color": color, "issuer": issuer, "venues": scope})
            at.append(hc.start())
        ic = re.search(r"行程码|行程卡", sent)
        if ic:
            rules.append({"kind": "itinerary_code", "venues": scope})
            at.append(ic.start())
        if "核酸" in sent:
            hm = re.search(rf"(?P<n>{NUM})\s*(?:小时|h)\s*(?:内|以内)?", sent)
            hours = cn_int(hm.group("n")) if hm else None
            if hours is None:
                dm2 = re.search(rf"(?P<n>{NUM})\s*(?:天|日)\s*(?:内|以内)", sent)
                hours = (cn_int(dm2.group("n")) or 0) * 24 if dm2 else None
            travel = re.search(r"返[\u4e00-\u9fff]|出差|外地|外省|外市|来京|抵京|来自|从外|(?:省|市|区|京|县|境)外|途经|旅居", sent)
            rules.append({"kind": "nucleic_acid_test", "window_hours": hours,
                          "applies_to": "returned_from_travel" if travel else "all", "venues": scope})
            at.append(sent.index("核酸"))
        explicit = _scope(sent)
        if explicit:
            prev_scope = explicit
        for r, pos in zip(rules, at, strict=True):
            if _waived(sent, pos):
                continue
            found.append((s + pos, r))
            first = s if first is None else first
            last = e
    seen: set[tuple[str, str]] = set()
    out: list[dict[str, Any]] = []
    for _, r in sorted(found, key=lambda x: x[0]):
        key = (r["kind"], r["venues"])
        if key in seen:
            continue
        seen.add(key)
        out.append(r)
    return out, ((first, last) if first is not None and last is not None else None)


# ---------------------------------------------------------------------------------------------
# the whole notice
# ---------------------------------------------------------------------------------------------

FIELD_PATHS = [
    "title", "doc_number", "issuer", "issued_on", "addressees", "theme",
    "event.starts_at", "event.ends_at", "format.hybrid", "format.main_and_branch",
    "main_venue.name", "main_venue.capacity", "main_venue.arrive_before_minutes",
    "branch_venues.hosts", "branch_venues.capacity", "branch_venues.approval_required",
    "registration.deadline", "registration.email", "registration.fields",
    "rehearsal.starts_at", "rehearsal.ends_at", "rehearsal.contact",
    "contacts", "attachments", "admission_rules",
]


def parse_with_sources(text: str) -> tuple[dict[str, Any], dict[str, Span], str]:
    """The parsed notice, the (start, end) in the normalised text each field came from, and
    that normalised text (spans index into it)."""
    norm = normalise(text)
    doc = find_body(norm)
    spans: dict[str, Span] = {}

    def keep(path: str, span: Span | None) -> None:
        if span is not None:
            spans[path] = span

    tf = title_fields(doc)
    for k, (_, sp) in tf.items():
        keep(k, sp)
    doc.ref = reference(doc, tf["issued_on"][0])
    addr, sp = addressees(doc)
    keep("addressees", sp)
    th, sp = theme(doc)
    keep("theme", sp)
    ev, sp = event_time(doc)
    keep("event.starts_at", sp)
    keep("event.ends_at", sp if ev["ends_at"] else None)
    fmt, sp = meeting_format(doc)
    keep("format.hybrid", sp if fmt["hybrid"] is not None else None)
    keep("format.main_and_branch", sp if fmt["main_and_branch"] is not None else None)
    mv, mv_spans = main_venue(doc)
    spans.update(mv_spans)
    bv, bv_spans = branch_venues(doc)
    spans.update(bv_spans)
    reg, reg_spans = registration(doc)
    spans.update(reg_spans)
    reh, reh_spans = rehearsal(doc)
    spans.update(reh_spans)
    reh_para = doc.paragraph_of(reh_spans["rehearsal.starts_at"][0]) if "rehearsal.starts_at" in reh_spans else None
    if reh_para is None and "rehearsal.contact" in reh_spans:
        reh_para = reh_spans["rehearsal.contact"]
    cts, sp = contacts(doc, reh_para)
    keep("contacts", sp)
    att, sp = attachments(doc)
    keep("attachments", sp)
    rules, sp = admission_rules(doc)
    keep("admission_rules", sp)
    result = {
        "title": tf["title"][0],
        "doc_number": tf["doc_number"][0],
        "issuer": tf["issuer"][0],
        "issued_on": tf["issued_on"][0],
        "addressees": addr,
        "theme": th,
        "event": ev,
        "format": fmt,
        "main_venue": mv,
        "branch_venues": bv,
        "registration": reg,
        "rehearsal": reh,
        "contacts": cts,
        "attachments": att,
        "admission_rules": rules,
    }
    return result, spans, norm


def parse(text: str) -> dict[str, Any]:
    """The notice as PRODUCT.md's `huiwu notice parse --json` schema."""
    return parse_with_sources(text)[0]


_CJK = "\u3400-\u9fff\u3000-\u303f\uff00-\uffef“”‘’"
# NFKC made the notice's full-width punctuation ASCII for the grammar; people read it as written
_WIDE_PUNCT = [
    (re.compile(rf"(?<=[{_CJK}]),|,(?=[{_CJK}])"), "，"),
    (re.compile(rf"(?<=[{_CJK}]);|;(?=[{_CJK}])"), "；"),
    (re.compile(rf"(?<=[{_CJK}]):"), "："),  # 9:30 keeps its colon
    (re.compile(rf"(?<=[{_CJK}])!"), "！"),
    (re.compile(rf"(?<=[{_CJK}])\?"), "？"),
    (re.compile(rf"\((?=[^()\n]*[{_CJK}][^()\n]*\))"), "（"),
    (re.compile(r"(?<=（)([^()\n]*)\)"), r"\1）"),
]


def display_punctuation(text: str) -> str:
    """Chinese punctuation back where NFKC folded it: ',' beside a Chinese character is '，', ':'
    after one is '：', '(' … ')' around Chinese text '（…）'. One character for one, so offsets hold;
    times (9:30), numbers (1,000), e-mail addresses and Latin text are left as they are."""
    for pattern, wide in _WIDE_PUNCT:
        text = pattern.sub(wide, text)
    return text


def notice_body(text: str) -> str:
    """The notice without the page around it: its title, then doc number to signature, in the
    notice's own punctuation (the grammar reads the folded text)."""
    doc = find_body(normalise(text))
    title = re.sub(r"\s*\n\s*", "", doc.sub(doc.title_span)).strip() if doc.title_span else ""
    body = doc.text[doc.start:doc.end].strip()
    if title and not body.startswith(title):
        body = f"{title}\n\n{body}"
    return display_punctuation(body)


def get_path(result: dict[str, Any], path: str) -> Any:
    """result['main_venue']['capacity'] for 'main_venue.capacity'."""
    cur: Any = result
    for part in path.split("."):
        cur = cur.get(part) if isinstance(cur, dict) else None
    return cur


def missing_fields(result: dict[str, Any]) -> list[str]:
    """The field paths the notice did not give (null or empty)."""
    return [p for p in FIELD_PATHS if get_path(result, p) in (None, [], "")]


def event_name(title: str | None, issuer: str | None = None) -> str | None:
    """The event's own name inside the notice title: '教育部办公厅关于举办X的通知' → 'X'."""
    if not title:
        return None
    name = re.sub(r"^.*?关于(?:举办|召开|举行|组织|开展|做好)?", "", title)
    name = re.sub(r"(?:有关事项|相关事宜|有关事宜|事宜)?的?(?:通知|通告|公告|函)$", "", name)
    return name.strip() or title
