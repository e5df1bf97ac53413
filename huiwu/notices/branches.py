"""Which branch venues a notice asks for, read from its branch-venue sentence (or its addressees).

各省、自治区、直辖市… → the 31 provinces; 各计划单列市 → the five cities; 新疆生产建设兵团 → 660000;
各设区市 / 各地市 / 各市 of a provincial issuer → that province's prefecture-level divisions, and the
county-level ones it administers itself where the phrase says so (海南 各市县, 河南 济源示范区,
湖北 直管市、神农架林区, 新疆 自治区直辖县级市); 各区县 / 各区 / 各县(市、区) of a city issuer → its counties
(of a provincial issuer: the province's). The divisions come from the GB/T 2260 table
(`huiwu.events.divisions`). Each region's host unit is named after the office the phrase addresses,
in the region's form (教育厅(教委) → 河北省教育厅, 北京市教育委员会; 卫生健康委 → 北京市卫生健康委员会;
without an office word, the issuer's: 广西壮族自治区教育厅 to 各设区市 → 南宁市教育局). Anything else
addressed (各高职院校, 有关单位, 赣江新区, a region the table does not know) is offered as a unit the
organizer confirms and names; the review page lists every venue before anything is created.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from huiwu.core.text import fold
from huiwu.events import divisions as D
from huiwu.events.divisions import Authority, authority, host_name

# i18n: data — the words of notices, matched as written
_PROVINCES = re.compile(r"各省|省级|省、自治区、直辖市|省\(区、市\)|省区市")
_PLAN_CITIES = re.compile(r"计划单列市")
_CORPS = re.compile(r"新疆生产建设兵团|兵团")
_PREFECTURES = re.compile(r"各(?:省辖市|设区的?市|地级以上市|地级市|地市|地、州、市|市、州|市州|州、市|市(?!民|场|直|属|级|政府各))")
_COUNTIES = re.compile(r"(?:各|、)(?:区县|县区|县市区|县\(市、区\)|县\(区、市\)|区\(县\)|区、县|县、区|区|县)(?![属直级])")
_BELOW_COUNTY = re.compile(r"各(?:乡|镇|街道|村|社区)")
#: the county-level units a province administers itself, named as a group
_DIRECT_ALL = re.compile(r"省直辖县|省直管县|直管县|直辖县|省直管|省直辖|市县|市、县")
_DIRECT_CITIES = re.compile(r"直管市|直辖县级市|省直辖市")
_DIRECT_FOREST = re.compile(r"(?<![\u4e00-\u9fff]{2})林区")
#: a place named in the phrase that is no GB/T 2260 division (赣江新区, 杨凌示范区)
_ZONE = re.compile(r"[\u4e00-\u9fff]{2,8}?(?:新区|示范区|实验区|试验区|开发区|管理区|林区)")
_REGION_WORDS = re.compile(
    r"^各?(?:省、自治区、直辖市(?:及新疆生产建设兵团)?|省级|计划单列市|新疆生产建设兵团|设区的?|地级以上|地级|省辖|"
    r"直管市|直管县|直辖县级市?|省直辖县级?|自治县|自治区(?=直辖)|地(?=[、市州])|"
    r"[省市县区州盟旗]|、|及|\([省市县区州盟旗地、]+\))+")
_ISSUER_OFFICE = re.compile(r"^(?:中华人民共和国|国家)?(.{2,12}?)(?:办公厅|办公室|秘书处)?$")
_NAMED_OFFICE = re.compile(r"[^省市县区州盟旗各、()]{1,12}(?:厅|局|委员会|委)")
_PROVINCE_WORD = re.compile(r"^[\u4e00-\u9fff]{2,8}?(?:省|自治区)(?!级)")


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


def issuer_authority(issuer: str) -> Authority | None:
    """The issuer's own office as the authority its regions answer to, for addressees that name no
    office (广西壮族自治区教育厅 to 各设区市 → 教育局; 教育部 → 教育厅 / 教育委员会 / 教育局;
    国家卫生健康委员会 → 卫生健康委员会). None when the issuer is no such office (a society)."""
    text = fold(issuer).replace(" ", "")
    division = D.in_text(text)
    if division is not None:
        for name in (division.name, D.short(division.name)):
            if text.startswith(name):
                text = text[len(name):]
                break
    else:
        text = _PROVINCE_WORD.sub("", text)
    m = _ISSUER_OFFICE.match(text)
    office = (m.group(1) if m else "").replace("总局", "局")  # i18n: data (国家体育总局 → 体育局)
    if re.fullmatch(r".{2,10}部", office):  # i18n: data (a ministry: its provincial departments)
        return authority(office[:-1] + "部门")  # i18n: data
    if re.fullmatch(r".{2,12}(?:厅|局|委员会|委)", office) and not office.endswith("人民政府"):  # i18n: data
        return authority(office)
    return None


def _region(code: str, form: Authority | None, source: str, *, label: str = "") -> Planned:
    """A region's venue: named after the region (or the notice's word for it, 济源示范区), hosted by
    the region's unit of this authority; without one, the region's existing unit (the 37 of the
    data migration) or its bare name for the organizer to complete."""
    region = label or D.region_name(code)
    if form is not None:
        unit = host_name(code, form, region=region)
    else:
        unit = _first_unit(code) or region
    return Planned(code, f"{region}分会场", unit, True, source)  # i18n: data (a venue's stored name)


def _first_unit(code: str) -> str:
    from huiwu.events.models import Unit

    return Unit.objects.filter(region_code=code).order_by("id").values_list("name", flat=True).first() or ""


def hosts_of(parsed: dict[str, Any]) -> list[str]:
    """The phrases that name branch venues: the branch-venue sentence's, else the addressees."""
    branch = parsed.get("branch_venues") or {}
    hosts = [h for h in branch.get("hosts") or [] if h]
    return hosts or [a for a in parsed.get("addressees") or [] if a]


def _direct(phrase: str, province: str) -> tuple[list[tuple[str, str]], str]:
    """The county-level divisions a province administers itself that the phrase asks for, as
    (code, the notice's word for it or ""), and the phrase without the words naming them."""
    direct = D.direct_counties(province)
    if not direct:
        return [], phrase
    named = D.named_in(phrase, direct)
    for _d, word in named:
        phrase = phrase.replace(word, "")
    wanted = {d.code: word for d, word in named}
    if _DIRECT_ALL.search(phrase):
        wanted.update({d.code: "" for d in direct if d.code not in wanted})
    if _DIRECT_CITIES.search(phrase):
        wanted.update({d.code: "" for d in direct if d.kind == "县级市" and d.code not in wanted})  # i18n: data
    if _DIRECT_FOREST.search(phrase):
        wanted.update({d.code: "" for d in direct if d.kind == "林区" and d.code not in wanted})  # i18n: data
    return [(d.code, wanted[d.code]) for d in direct if d.code in wanted], phrase


def _one_region(phrase: str) -> D.Division | None:
    """The division a phrase names with its office right after the full name (韩城市教育局,
    北京市教育委员会), not a unit inside it (平潭综合实验区社会事业局, 北京开放大学)."""
    division = D.in_text(phrase)
    if division is None or not phrase.startswith(division.name):
        return None
    office = phrase[len(division.name):]
    return division if _NAMED_OFFICE.fullmatch(office) else None


def authority_of(parsed: dict[str, Any]) -> Authority | None:
    """The office the notice's branch venues belong to: the first region phrase's, else the issuer's
    (for venues the organizer adds by name or code on the review page or later)."""
    for raw in hosts_of(parsed):
        phrase = fold(raw).replace(" ", "")
        region_words = _REGION_WORDS.match(phrase)
        if region_words and region_words.group(0).strip("各") and _suffix(phrase):  # i18n: data
            return authority(_suffix(phrase))
    return issuer_authority(parsed.get("issuer") or "")


def plan(parsed: dict[str, Any]) -> list[Planned]:
    """Every branch venue the notice asks for, regions first in the official order, then the units
    to confirm, without duplicates."""
    issuer_text = fold(parsed.get("issuer") or "").replace(" ", "")
    issuer = D.in_text(issuer_text)
    # an issuer the table does not know but that calls itself a province (示例省…) is not national
    provincial = (issuer is not None and issuer.level == "province") or (
        issuer is None and bool(_PROVINCE_WORD.match(issuer_text)))
    from_issuer = issuer_authority(issuer_text)
    regions: list[Planned] = []
    others: list[Planned] = []
    for raw in hosts_of(parsed):
        phrase = fold(raw).replace(" ", "")
        found: list[tuple[str, str]] = []
        zones: list[str] = []
        if _PROVINCES.search(phrase) and not provincial:
            found += [(d.code, "") for d in D.provinces()]
        if _PLAN_CITIES.search(phrase):
            found += [(code, "") for code in D.PLAN_CITIES]
        if _CORPS.search(phrase):
            found.append((D.CORPS, ""))
        if issuer is not None and not found:
            direct, rest = _direct(phrase, issuer.code) if issuer.level == "province" else ([], phrase)
            prefectures = _PREFECTURES.search(rest)
            counties = _COUNTIES.search(rest) and not _BELOW_COUNTY.search(rest)
            if prefectures and issuer.level == "province":
                found += [(d.code, "") for d in D.prefectures(issuer.code)]
            if counties and (issuer.level == "prefecture" or issuer.code in D.MUNICIPALITIES):
                found += [(d.code, "") for d in D.counties(issuer.code)]
            elif counties and issuer.level == "province" and prefectures and not (direct and "区" not in rest):
                # 各市、县(区): every county; in a province with counties of its own and no 区 named
                # (海南 各市、县、自治县) the phrase means those, not the cities' districts
                found += [(d.code, "") for d in D.counties(issuer.code)]
            found += direct
            if direct or prefectures:
                zones = [z for z in _ZONE.findall(rest) if not D.named_in(z, D.direct_counties(issuer.code))]
                for z in zones:
                    rest = rest.replace(z, "")
            phrase = rest
        named = _one_region(phrase) if not found else None
        if named is not None:  # 韩城市教育局: that region's office, as written
            regions.append(Planned(named.code, f"{named.name}分会场", phrase, True, raw))  # i18n: data
            continue
        if not found:  # not a region this table knows: a unit the organizer names and confirms
            name = re.sub(r"^各", "", raw.strip())
            others.append(Planned("", f"{name}分会场", name, False, raw))  # i18n: data
            continue
        words = _suffix(phrase)
        form = authority(words) if words else from_issuer
        regions += [_region(code, form, raw, label=label) for code, label in found]
        for zone in zones:  # 各设区市、赣江新区教育局: the zone's office, to confirm
            others.append(Planned("", f"{zone}分会场", host_name("", form, region=zone), False, raw))  # i18n: data
    out, seen = [], set()
    for p in regions + others:
        key = p.code or p.unit
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def from_lines(text: str, *, source: str = "", form: Authority | None = None) -> list[Planned]:
    """Venues the organizer adds on the review page, one a line: a six-digit code, a region's name
    (济南市), or any unit's name (浙江机电职业技术学院). A region's unit is named for `form` (the
    notice's authority, `authority_of`), else it is the region's existing unit or its name."""
    out = []
    for line in (text or "").splitlines():
        line = fold(line).strip()
        if not line:
            continue
        division = D.lookup(line) if re.fullmatch(r"\d{6}", line) else D.by_name(line)
        if division is not None or line in (D.CORPS, D.region_name(D.CORPS)):
            code = division.code if division is not None else D.CORPS
            out.append(_region(code, form, source or line))
        else:
            out.append(Planned("", f"{line}分会场", line, True, source or line))  # i18n: data
    return out
