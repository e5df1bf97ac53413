"""The admission rule engine: pure Python (no Django ORM), shared by the pages, the door and the CLI.

`evaluate(rules, declaration, event_start, venue_kind, venue_code=None) -> Verdict`

Rules are dicts as the notice parser emits them (see huiwu/notices/parser.py), each with a
`kind` and a `venues` scope (`all` / `main` / `branch`), optionally `venue_codes` (the rule then
holds only at those venues) and `enabled` (false: ignored). Unknown keys are ignored; a rule of
an unknown kind is skipped and listed in `Verdict.skipped`.

  {"kind": "symptoms",          "window_days": 14, "venues": "all"}
  {"kind": "risk_area_contact", "window_days": 14, "venues": "all"}
  {"kind": "risk_area_stay",    "window_days": 14, "venues": "all"}
  {"kind": "health_code",       "color": "green", "issuer": "北京健康宝", "venues": "main"}
  {"kind": "itinerary_code",    "venues": "main"}
  {"kind": "nucleic_acid_test", "window_hours": 48, "applies_to": "returned_from_travel" | "all",
                                "venues": "main"}

A declaration holds `symptoms`, `risk_area_contact`, `risk_area_stay` (bools, meaning "within
the rule's window"; an ISO date of the last occurrence is also accepted and compared with the
window), `health_code` (green|yellow|red|null), `itinerary_code_ok` (bool|null),
`returned_from_travel` (bool), `nucleic_acid_test` ({"sampled_at": ISO, "result":
negative|positive|pending} or null).

Verdict: `not_eligible` when any rule fails, else `pending` when any rule lacks an answer (or a
test result is not in yet), else `eligible`. Windows count back from the event's start in its
time zone: a test counts when sampled within `window_hours` before the start (inclusive; a test
taken 47 h 59 min before passes, 48 h 01 min before does not). Reasons are plain Chinese and
name the rule; `reasons` lists the rules behind the verdict (failures for not_eligible, the
missing answers for pending).

Readings where the contract leaves room, chosen as a health officer would (each one tested in
tests/test_heldout_style.py):

* Every failing rule is a reason, in the rules' order: the person (or their coordinator) sees the
  whole list of what is wrong, not only the first. With a failure, missing answers are not listed:
  the person is replaced whatever they would have answered.
* A missing or null answer is never taken as "no": it is `pending` and the reason asks for it.
  This includes `returned_from_travel` under a travel-only test rule, unless a valid test is
  declared anyway (then the answer does not matter).
* `venues` missing or unreadable → the rule holds at every venue; Chinese names (主会场/分会场)
  and a list of kinds are read too. `applies_to` missing → the test is required of everyone;
  `color` missing → green; `window_hours` missing → any test taken before the start counts.
* Times without an offset are in the event's time zone (`tz`), whatever offset the start is
  written with; `Z`/`+00:00` times are instants. A sampling date without a time decides only when
  its whole day (00:00–24:00) lies inside the window (counts) or outside it (too old / after the
  start); a day across an edge is `pending`, asking for the time.
* A test sampled after the start does not count (not_eligible: it is no test "before the
  meeting"); a test too old is not_eligible even while its result is pending.
* A positive result inside the window fails anyone, travelled or not; outside the window it
  still fails those the rule applies to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo


def gettext_noop(message: str) -> str:
    """Marks a label for makemessages; it is translated where shown. (Django's own gettext_noop
    reads the settings, and the engine also runs in a bare Python process.)"""
    return message


def _(message: str) -> str:
    """Django's gettext when settings are configured (pages, API, CLI); the Chinese text as written
    otherwise, so the engine also runs in a bare Python process."""
    from django.conf import settings

    if not settings.configured:
        return message
    from django.utils.translation import gettext

    return gettext(message)


def ngettext(singular: str, plural: str, number: int) -> str:
    """Django's ngettext when settings are configured; otherwise as gettext's fallback chooses."""
    from django.conf import settings

    if not settings.configured:
        return singular if number == 1 else plural
    from django.utils.translation import ngettext as django_ngettext

    return django_ngettext(singular, plural, number)


ELIGIBLE = "eligible"
NOT_ELIGIBLE = "not_eligible"
PENDING = "pending"
VERDICTS = (ELIGIBLE, NOT_ELIGIBLE, PENDING)

KINDS = ("symptoms", "risk_area_contact", "risk_area_stay", "health_code", "itinerary_code", "nucleic_acid_test")
SCOPES = ("all", "main", "branch")
DEFAULT_TZ = "Asia/Shanghai"
MIN_YEAR, MAX_YEAR = 1900, 2999  # times outside are typing errors, read as no answer
MAX_WINDOW_DAYS = 36500  # a longer window means "ever" just as well

#: the seed's rules (教职成厅函〔2021〕24号, 四(三)), exactly as the notice parser reads them
SEED_RULES: list[dict[str, Any]] = [
    {"kind": "symptoms", "window_days": 14, "venues": "all"},
    {"kind": "risk_area_contact", "window_days": 14, "venues": "all"},
    {"kind": "risk_area_stay", "window_days": 14, "venues": "all"},
    {"kind": "itinerary_code", "venues": "main"},
    {"kind": "health_code", "color": "green", "issuer": "北京健康宝", "venues": "main"},  # i18n: data
    {"kind": "nucleic_acid_test", "window_hours": 48, "applies_to": "returned_from_travel", "venues": "main"},
]
PRESETS: dict[str, list[dict[str, Any]]] = {"seed": SEED_RULES, "empty": []}

#: labels are marked for makemessages here and translated where they are shown (`_` below)
KIND_LABELS = {
    "symptoms": gettext_noop("疑似症状"),
    "risk_area_contact": gettext_noop("中高风险地区人员接触史"),
    "risk_area_stay": gettext_noop("中高风险地区驻留史"),
    "health_code": gettext_noop("健康码"),
    "itinerary_code": gettext_noop("行程码"),
    "nucleic_acid_test": gettext_noop("核酸检测"),
}
COLOR_LABELS = {"green": gettext_noop("绿码"), "yellow": gettext_noop("黄码"), "red": gettext_noop("红码")}
SCOPE_LABELS = {"all": gettext_noop("所有会场"), "main": gettext_noop("主会场"), "branch": gettext_noop("分会场")}

#: the declaration fields each rule kind asks about, in the order a form asks them
QUESTIONS = ("symptoms", "risk_area_contact", "risk_area_stay", "health_code", "itinerary_code_ok",
             "returned_from_travel", "nucleic_acid_test")


# -- reading lenient input -----------------------------------------------------------------------
_TRUE = {"true", "yes", "y", "1", "是", "有", "对"}
_FALSE = {"false", "no", "n", "0", "否", "无", "没有", "不是"}


def as_bool(value: Any) -> bool | None:
    """True/False, or None when there is no (readable) answer."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    return None


def as_int(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


_WRITTEN = re.compile(
    r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s*[Tt]?\s*(?P<H>\d{1,2})\s*[:：时点]\s*(?P<M>\d{1,2})?\s*分?(?:\s*[:：]\s*(?P<S>\d{1,2})\s*秒?)?)?"
    r"\s*(?P<utc>Z|UTC|GMT)?")


def read_moment(value: Any, tz: tzinfo) -> tuple[datetime, bool] | None:
    """An aware datetime and whether it has a time of day (a date alone: 00:00, False), else None.

    ISO 8601 first; then what people type: 2021/11/21 10:01, 2021年11月21日10时1分, a trailing
    UTC. Naive times are in the event's time zone `tz`."""
    if isinstance(value, datetime):
        moment, timed = value, True
    elif isinstance(value, date):
        moment, timed = datetime(value.year, value.month, value.day), False
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            moment = datetime.fromisoformat(re.sub(r"[Zz]$", "+00:00", text))
            timed = "T" in text.upper() or ":" in text
        except ValueError:
            m = _WRITTEN.fullmatch(text)
            if not m:
                return None
            try:
                moment = datetime(int(m["y"]), int(m["m"]), int(m["d"]), int(m["H"] or 0), int(m["M"] or 0),
                                  int(m["S"] or 0), tzinfo=UTC if m["utc"] else None)
            except ValueError:
                return None
            timed = m["H"] is not None
    else:
        return None
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        return None  # no real sampling or event time (and no overflow at the calendar's ends)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment, timed


def parse_moment(value: Any, tz: tzinfo) -> datetime | None:
    """An aware datetime from ISO (or plainly written) text, naive times in `tz`; else None."""
    read = read_moment(value, tz)
    return read[0] if read else None


def sample_span(value: Any, tz: tzinfo) -> tuple[datetime, datetime] | None:
    """The earliest and latest moment a sampling time can mean: one moment, or a whole day
    (00:00 to 24:00 in the event's time zone) when only a date is given; None if unreadable."""
    read = read_moment(value, tz)
    if read is None:
        return None
    moment, timed = read
    if not timed:
        return moment, moment + timedelta(days=1) - timedelta(microseconds=1)
    return moment, moment


def as_itinerary(value: Any) -> bool | None:
    """The itinerary code's state: a yes/no, or a word (正常/green → True; 异常/带星/red → False)."""
    answer = as_bool(value)
    if answer is not None or not isinstance(value, str):
        return answer
    text = value.strip().lower()
    if text in ("正常", "normal", "ok", "green", "绿", "绿色", "无星", "不带星"):
        return True
    if text in ("异常", "abnormal", "red", "yellow", "红", "黄", "带星", "带星号", "star", "starred"):
        return False
    return None


_COLOR_WORDS = {"green": {"green", "绿", "绿码", "绿色"}, "yellow": {"yellow", "黄", "黄码", "黄色"},
                "red": {"red", "红", "红码", "红色"}}


def norm_color(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    for key, words in _COLOR_WORDS.items():
        if text in words:
            return key
    return None


def norm_result(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    if text in ("negative", "阴性", "normal", "无异常", "正常", "未见异常"):
        return "negative"
    if text in ("positive", "阳性", "abnormal", "异常"):
        return "positive"
    if text in ("pending", "待出", "未出", "检测中", "等待结果"):
        return "pending"
    return None


def fmt(moment: datetime, tz: tzinfo) -> str:
    local = moment.astimezone(tz)
    return _("%(month)d月%(day)d日 %(time)s") % {"month": local.month, "day": local.day, "time": f"{local:%H:%M}"}


# -- rules -----------------------------------------------------------------------------------------
def rule_title(rule: dict[str, Any]) -> str:
    """The rule's name in plain Chinese, as coordinators see it (never a health detail)."""
    kind = rule.get("kind")
    if kind in ("symptoms", "risk_area_contact", "risk_area_stay"):
        days = as_int(rule.get("window_days"))
        label = _(KIND_LABELS[kind])
        if days:
            return ngettext("会前%(days)s天内无%(label)s", "会前%(days)s天内无%(label)s", days) % {
                "days": days, "label": label}
        return _("无%(label)s") % {"label": label}
    if kind == "health_code":
        color = _(COLOR_LABELS[norm_color(rule.get("color")) or "green"])
        issuer = str(rule.get("issuer") or "").strip("“”\"")
        if issuer:
            return _("%(issuer)s%(color)s") % {"issuer": issuer, "color": color}
        return _("健康码为%(color)s") % {"color": color}
    if kind == "itinerary_code":
        return _("行程码正常")
    if kind == "nucleic_acid_test":
        hours = as_int(rule.get("window_hours"))
        if rule.get("applies_to") == "returned_from_travel":
            if hours:
                return ngettext("出差返回人员会前%(hours)s小时内核酸检测结果无异常",
                                "出差返回人员会前%(hours)s小时内核酸检测结果无异常", hours) % {"hours": hours}
            return _("出差返回人员会前核酸检测结果无异常")
        if hours:
            return ngettext("会前%(hours)s小时内核酸检测结果无异常", "会前%(hours)s小时内核酸检测结果无异常", hours) % {
                "hours": hours}
        return _("会前核酸检测结果无异常")
    return str(kind or _("未知规则"))


_SCOPE_WORDS = {"all": "all", "both": "all", "全部": "all", "所有": "all", "所有会场": "all", "全部会场": "all",
                "main": "main", "主会场": "main", "branch": "branch", "分会场": "branch", "各分会场": "branch"}


def scope_of(value: Any) -> set[str]:
    """The venue kinds a rule's `venues` names: all/main/branch, their Chinese names, or a list of
    them. Missing or unreadable → all (a health rule nobody can place holds everywhere)."""
    items = value if isinstance(value, list | tuple) else [value]
    kinds = {_SCOPE_WORDS.get(str(v).strip().lower(), "") for v in items if v is not None} - {""}
    return {"all"} if not kinds or {"main", "branch"} <= kinds else kinds


def applies(rule: dict[str, Any], venue_kind: str, venue_code: str | None = None) -> bool:
    """Whether the rule holds at a venue of this kind (and code, for per-venue rules)."""
    if not isinstance(rule, dict) or rule.get("enabled", True) is False:
        return False
    scopes = scope_of(rule.get("venues"))
    if "all" not in scopes and venue_kind not in scopes:
        return False
    codes = rule.get("venue_codes")
    if codes:
        if isinstance(codes, str):
            codes = [codes]
        return venue_code is not None and str(venue_code) in {str(c) for c in codes}
    return True


def rules_at(rules: list[dict[str, Any]], venue_kind: str, venue_code: str | None = None) -> list[dict[str, Any]]:
    return [r for r in rules or [] if applies(r, venue_kind, venue_code) and r.get("kind") in KINDS]


def questions(rules: list[dict[str, Any]], venue_kind: str, venue_code: str | None = None) -> list[str]:
    """The declaration fields the venue's rules need (so a form asks nothing else)."""
    need: set[str] = set()
    for r in rules_at(rules, venue_kind, venue_code):
        kind = r["kind"]
        if kind in ("symptoms", "risk_area_contact", "risk_area_stay", "health_code"):
            need.add(kind)
        elif kind == "itinerary_code":
            need.add("itinerary_code_ok")
        elif kind == "nucleic_acid_test":
            need.add("nucleic_acid_test")
            if r.get("applies_to") == "returned_from_travel":
                need.add("returned_from_travel")
    return [q for q in QUESTIONS if q in need]


def window_start(rule: dict[str, Any], event_start: datetime) -> datetime | None:
    """The earliest moment a rule's window covers (counted back from the event's start)."""
    if rule.get("kind") == "nucleic_acid_test":
        hours = as_int(rule.get("window_hours"))
        back = timedelta(hours=min(hours, MAX_WINDOW_DAYS * 24)) if hours else None
    else:
        days = as_int(rule.get("window_days"))
        back = timedelta(days=min(days, MAX_WINDOW_DAYS)) if days else None
    return event_start - back if back else None


# -- the verdict ------------------------------------------------------------------------------------
@dataclass
class Check:
    """One rule's outcome: ok, fail, pending (answer missing / result not in) or skipped."""

    rule: dict[str, Any]
    outcome: str
    message: str = ""


@dataclass
class Verdict:
    verdict: str
    reasons: list[dict[str, str]] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """PRODUCT.md's `huiwu admission evaluate --json` shape."""
        return {"verdict": self.verdict, "reasons": [dict(r) for r in self.reasons]}

    @property
    def rule_kinds(self) -> list[str]:
        """The kinds of the rules behind the verdict: what may be shown beside it (no detail)."""
        return [r["rule"] for r in self.reasons]

    @property
    def rule_titles(self) -> list[str]:
        """The names of the rules behind the verdict, in the order of `reasons` (no detail)."""
        if self.verdict == ELIGIBLE:
            return []
        return [rule_title(c.rule) for c in self.checks if c.outcome == self.verdict]


def _occurred_in_window(value: Any, rule: dict[str, Any], event_start: datetime, tz: tzinfo) -> bool | None:
    """A yes/no answer, or a date of the last occurrence compared with the rule's window."""
    answer = as_bool(value)
    if answer is not None:
        return answer
    if isinstance(value, str | date | datetime) and not isinstance(value, bool):
        moment = parse_moment(value, tz)
        if moment is None:
            return None
        days = as_int(rule.get("window_days"))
        if moment > event_start:
            return False  # after the meeting began: not before it
        if not days:
            return True
        first_day = event_start.astimezone(tz).date() - timedelta(days=min(days, MAX_WINDOW_DAYS))
        return moment.astimezone(tz).date() >= first_day
    return None


_FACT = {
    "symptoms": (gettext_noop("申报有新冠肺炎疑似症状"), gettext_noop("尚未回答是否有疑似症状")),
    "risk_area_contact": (gettext_noop("申报有中高风险地区人员接触史"),
                          gettext_noop("尚未回答是否接触过中高风险地区人员")),
    "risk_area_stay": (gettext_noop("申报有中高风险地区驻留史"), gettext_noop("尚未回答是否到过中高风险地区")),
}


class _Title:
    """A rule's title, made only when a message shows it (`%s` formatting calls `str`): a check that
    passes, which is most of them at the door, never translates or formats anything."""

    __slots__ = ("rule", "text")

    def __init__(self, rule: dict[str, Any]):
        self.rule, self.text = rule, None

    def __str__(self) -> str:
        if self.text is None:
            self.text = rule_title(self.rule)
        return self.text


def _check(rule: dict[str, Any], decl: dict[str, Any], start: datetime, tz: tzinfo) -> Check:
    kind = rule["kind"]
    title = _Title(rule)
    if kind in _FACT:
        answer = _occurred_in_window(decl.get(kind), rule, start, tz)
        if answer is None:
            return Check(rule, PENDING, _("“%(title)s”：%(missing)s，请填写。") % {"title": title,
                                                                              "missing": _(_FACT[kind][1])})
        if answer:
            return Check(rule, NOT_ELIGIBLE, _("不符合“%(title)s”：%(fact)s，须更换为其他人员参会。")
                         % {"title": title, "fact": _(_FACT[kind][0])})
        return Check(rule, "ok")
    if kind == "health_code":
        want = norm_color(rule.get("color")) or "green"
        code = decl.get("health_code")
        have = norm_color(code.get("color") if isinstance(code, dict) else code)
        if have is None:
            return Check(rule, PENDING, _("“%(title)s”：尚未申报健康码颜色，请填写。") % {"title": title})
        if have != want:
            return Check(rule, NOT_ELIGIBLE, _("不符合“%(title)s”：健康码为%(have)s，须为%(want)s。") % {
                "title": title, "have": _(COLOR_LABELS[have]), "want": _(COLOR_LABELS[want])})
        return Check(rule, "ok")
    if kind == "itinerary_code":
        ok = as_itinerary(decl.get("itinerary_code_ok", decl.get("itinerary_code")))
        if ok is None:
            return Check(rule, PENDING, _("“%(title)s”：尚未申报行程码是否正常，请填写。") % {"title": title})
        if not ok:
            return Check(rule, NOT_ELIGIBLE, _("不符合“%(title)s”：行程码异常（带星号或途经中高风险地区）。")
                         % {"title": title})
        return Check(rule, "ok")
    return _check_test(rule, decl, start, tz, title)


def _check_test(rule: dict[str, Any], decl: dict[str, Any], start: datetime, tz: tzinfo, title: _Title) -> Check:
    test = decl.get("nucleic_acid_test")
    if not isinstance(test, dict):
        test = None
    travelled: bool | None = True
    if rule.get("applies_to") == "returned_from_travel":
        travelled = as_bool(decl.get("returned_from_travel"))
    earliest = window_start(rule, start)
    raw_sampled = test.get("sampled_at") if test else None
    span = sample_span(raw_sampled, tz) if raw_sampled else None
    sampled = span[0] if span else None
    result = norm_result(test.get("result")) if test else None
    # certainly inside the window / certainly outside it (a date alone may be neither)
    in_window = span is not None and span[1] <= start and (earliest is None or span[0] >= earliest)
    outside = span is not None and (span[0] > start or (earliest is not None and span[1] < earliest))
    # a positive result fails whoever declares it within the window (travelled or not), and
    # anyone the rule applies to whenever it was taken
    if result == "positive" and (travelled is not False or not outside):
        return Check(rule, NOT_ELIGIBLE, _("不符合“%(title)s”：核酸检测结果异常，不能参会，须更换为其他人员参会。")
                     % {"title": title})
    if travelled is False:
        return Check(rule, "n/a")
    def ask_travel() -> str:
        return _("“%(title)s”：尚未回答是否出差返回，请填写。") % {"title": title}

    if not raw_sampled:
        if travelled is None:
            return Check(rule, PENDING, ask_travel())
        if earliest is not None:
            when = _("（须在%(earliest)s至%(start)s之间采样）") % {"earliest": fmt(earliest, tz), "start": fmt(start, tz)}
        else:
            when = _("（须在会议开始前采样）")
        if test is not None:  # a test is declared, but not when it was taken
            return Check(rule, PENDING, _("“%(title)s”：尚未填写核酸检测的采样时间%(when)s，请填写。")
                         % {"title": title, "when": when})
        return Check(rule, PENDING, _("“%(title)s”：尚未做核酸检测%(when)s。") % {"title": title, "when": when})
    if sampled is None:
        return Check(rule, PENDING, _("“%(title)s”：采样时间“%(value)s”无法识别，请按“2021-11-21 09:30”的格式填写。")
                     % {"title": title, "value": str(raw_sampled)[:40]})
    if not in_window and not outside:  # a date whose day straddles an edge of the window
        return Check(rule, PENDING, _("“%(title)s”：只填了采样日期%(value)s，无法判断是否在规定时间内，请填写具体采样时间"
                                      "（如“2021-11-21 09:30”）。") % {"title": title, "value": str(raw_sampled)[:40]})
    if not in_window:
        if span[0] == span[1]:
            shown = fmt(sampled, tz)
        else:
            shown = _("%(month)d月%(day)d日") % {"month": sampled.month, "day": sampled.day}
        if travelled is None:  # the test does not count; whether it is needed is not known yet
            return Check(rule, PENDING, ask_travel())
        if sampled > start:
            return Check(rule, NOT_ELIGIBLE, _("不符合“%(title)s”：采样时间%(sampled)s晚于会议开始时间%(start)s，请核对。")
                         % {"title": title, "sampled": shown, "start": fmt(start, tz)})
        hours = as_int(rule.get("window_hours"))
        return Check(rule, NOT_ELIGIBLE, ngettext(
            "不符合“%(title)s”：采样时间%(sampled)s距会议开始已超过%(hours)s小时，请在%(earliest)s之后重新采样检测。",
            "不符合“%(title)s”：采样时间%(sampled)s距会议开始已超过%(hours)s小时，请在%(earliest)s之后重新采样检测。",
            hours or 0) % {"title": title, "sampled": shown, "hours": hours,
                           "earliest": fmt(earliest, tz) if earliest else ""})
    if result != "negative":
        return Check(rule, PENDING, _("“%(title)s”：核酸检测结果尚未出来，出结果后请更新申报。") % {"title": title})
    return Check(rule, "ok")


def evaluate(
    rules: list[dict[str, Any]],
    declaration: dict[str, Any] | None,
    event_start: datetime,
    venue_kind: str,
    venue_code: str | None = None,
    *,
    tz: str | tzinfo | None = None,
) -> Verdict:
    """Judge one declaration against the rules that hold at the venue.

    `tz` is the event's time zone (default: event_start's own offset, else Asia/Shanghai); it
    places naive times and the first day of day-windows.
    """
    zone: tzinfo
    if isinstance(tz, str):
        zone = ZoneInfo(tz)
    elif tz is not None:
        zone = tz
    elif event_start.tzinfo is not None:
        zone = event_start.tzinfo
    else:
        zone = ZoneInfo(DEFAULT_TZ)
    start = event_start if event_start.tzinfo else event_start.replace(tzinfo=zone)
    decl = declaration if isinstance(declaration, dict) else {}
    skipped = [r for r in rules or [] if isinstance(r, dict) and applies(r, venue_kind, venue_code)
               and r.get("kind") not in KINDS]
    checks = [_check(r, decl, start, zone) for r in rules_at(rules, venue_kind, venue_code)]
    failed = [c for c in checks if c.outcome == NOT_ELIGIBLE]
    waiting = [c for c in checks if c.outcome == PENDING]
    if failed:
        verdict, behind = NOT_ELIGIBLE, failed
    elif waiting:
        verdict, behind = PENDING, waiting
    else:
        verdict, behind = ELIGIBLE, []
    reasons = [{"rule": c.rule["kind"], "message": c.message} for c in behind]
    return Verdict(verdict, reasons, checks, skipped)
