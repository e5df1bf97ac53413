"""Which branch venues a notice asks for, read from its branch-venue sentence (or its addressees).

各省、自治区、直辖市… → the 31 provinces; 各计划单列市 → the five cities; 新疆生产建设兵团 → 660000;
各设区市 / 各地市 / 各市 of a provincial issuer → that province's prefecture-level divisions;
各区县 / 各区 / 各县(市、区) of a city issuer → its counties (of a provincial issuer: the province's).
The divisions come from the GB/T 2260 table (`huiwu.events.divisions`). Anything else addressed
(各高职院校, 有关单位, a region the table does not know) is offered as a unit the organizer confirms
and names; the review page lists every venue before anything is created.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from huiwu.core.text import fold
from huiwu.events import divisions as D

# i18n: data — the words of notices, matched as written
_PROVINCES = re.compile(r"各省|省级|省、自治区、直辖市|省\(区、市\)|省区市")
_PLAN_CITIES = re.compile(r"计划单列市")
_CORPS = re.compile(r"新疆生产建设兵团|兵团")
_PREFECTURES = re.compile(r"各(?:省辖市|设区的?市|地级以上市|地级市|地市|地、州、市|市、州|市州|州、市|市(?!民|场|直|属|级|政府各))")
_COUNTIES = re.compile(r"(?:各|、)(?:区县|县区|县市区|县\(市、区\)|县\(区、市\)|区\(县\)|区、县|县、区|区|县)(?![属直级])")
_BELOW_COUNTY = re.compile(r"各(?:乡|镇|街道|村|社区)")
_REGION_WORDS = re.compile(
    r"^各?(?:省、自治区、直辖市(?:及新疆生产建设兵团)?|省级|计划单列市|新疆生产建设兵团|设区的?|地级以上|地级|省辖|"
    r"[省市县区州盟旗]|、|及|\([省市县区州盟旗、]+\))+")


@dataclass
class Planned:
    """One branch venue the notice asks for, as the review page shows it."""

    #: six-digit GB/T 2260 code of its region; "" for a unit that is not a region
    code: str
    #: the venue's name (济南市分会场) and its host unit's (济南市教育局)
    name: str
    unit: str
    #: created without asking (regions); units that are not regions wait for the organizer
    keep: bool
    #: the notice's words it came from
    source: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _suffix(phrase: str) -> str:
    """The office after the region words: 各设区市教育局 → 教育局 (names a new region's unit)."""
    rest = _REGION_WORDS.sub("", phrase).lstrip("的")  # i18n: data
    return rest if 0 < len(rest) <= 20 and not rest.startswith("各") else ""  # i18n: data


def _known(codes: list[str]) -> dict[str, tuple[str, str]]:
    """The units that exist already for these regions (name, region name), in one query."""
    from huiwu.events.models import Unit

    return {c: (n, r) for c, n, r in Unit.objects.filter(region_code__in=set(codes))
            .values_list("region_code", "name", "region_name")}


def _region(code: str, suffix: str, source: str, known: dict[str, tuple[str, str]]) -> Planned:
    existing = known.get(code)
    division = D.lookup(code)
    region = existing[1] if existing and existing[1] else (division.name if division else code)
    unit = existing[0] if existing else region + suffix
    return Planned(code, f"{region}分会场", unit, True, source)  # i18n: data (a venue's stored name)


def hosts_of(parsed: dict[str, Any]) -> list[str]:
    """The phrases that name branch venues: the branch-venue sentence's, else the addressees."""
    branch = parsed.get("branch_venues") or {}
    hosts = [h for h in branch.get("hosts") or [] if h]
    return hosts or [a for a in parsed.get("addressees") or [] if a]


def plan(parsed: dict[str, Any]) -> list[Planned]:
    """Every branch venue the notice asks for, regions first in the official order, then the units
    to confirm, without duplicates."""
    issuer = D.in_text(fold(parsed.get("issuer") or ""))
    wanted: list[tuple[str, str, str]] = []
    others: list[Planned] = []
    for raw in hosts_of(parsed):
        phrase = fold(raw).replace(" ", "")
        suffix = _suffix(phrase)
        found: list[str] = []
        if _PROVINCES.search(phrase) and (issuer is None or issuer.level != "province"):
            found += [d.code for d in D.provinces()]
        if _PLAN_CITIES.search(phrase):
            found += D.PLAN_CITIES
        if _CORPS.search(phrase):
            found.append(D.CORPS)
        if issuer is not None and not found:
            if _PREFECTURES.search(phrase) and issuer.level == "province":
                found += [d.code for d in D.prefectures(issuer.code)]
            if _COUNTIES.search(phrase) and not _BELOW_COUNTY.search(phrase):
                if issuer.level == "prefecture" or issuer.code in D.MUNICIPALITIES:
                    found += [d.code for d in D.counties(issuer.code)]
                elif issuer.level == "province" and _PREFECTURES.search(phrase):
                    found += [d.code for d in D.counties(issuer.code)]
        if found:
            wanted += [(code, suffix, raw) for code in found]
        else:  # not a region this table knows: a unit the organizer names and confirms
            name = re.sub(r"^各", "", raw.strip())
            others.append(Planned("", f"{name}分会场", name, False, raw))  # i18n: data
    known = _known([code for code, _s, _r in wanted])
    regions = [_region(code, suffix, raw, known) for code, suffix, raw in wanted]
    out, seen = [], set()
    for p in regions + others:
        key = p.code or p.unit
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def from_lines(text: str, *, source: str = "") -> list[Planned]:
    """Venues the organizer adds on the review page, one a line: a six-digit code, a region's name
    (济南市), or any unit's name (浙江机电职业技术学院)."""
    out = []
    for line in (text or "").splitlines():
        line = fold(line).strip()
        if not line:
            continue
        division = D.lookup(line) if re.fullmatch(r"\d{6}", line) else D.by_name(line)
        if division is not None or line == D.CORPS:
            code = division.code if division is not None else line
            out.append(_region(code, "", source or line, _known([code])))
        else:
            out.append(Planned("", f"{line}分会场", line, True, source or line))  # i18n: data
    return out
