"""Admission pages: the access matrix of every role, privacy of health details, and the flows."""

from __future__ import annotations

import pytest

from huiwu.admission import services
from huiwu.admission.models import AdmissionRule, Declaration
from huiwu.audit.models import AuditEntry
from huiwu.receipts.models import Attendee

from .conftest import clean_answers, make_attendee

ROLES = ["organizer", "coordinator", "other_coordinator", "main_unit", "door", "health", "anonymous"]


@pytest.fixture
def world(seeded, make_user):
    """Users of every role, a Beijing attendee who is not eligible, and their declaration."""
    beijing = seeded.venues.get(code="110000")
    main = seeded.venues.get(code="main")
    unit = main.invited_units.first().unit
    users = {
        "organizer": make_user("org", "organizer"),
        "coordinator": make_user("coord_bj", "coordinator", venue=beijing),
        "other_coordinator": make_user("coord_sh", "coordinator", venue=seeded.venues.get(code="310000")),
        "main_unit": make_user("dept", "main_unit", venue=main, unit=unit),
        "door": make_user("door_bj", "door", venue=beijing),
        "health": make_user("medic", "health", event=seeded),
        "anonymous": None,
    }
    attendee = make_attendee(beijing, "林黛玉")
    decl = services.submit_declaration(attendee, clean_answers(seeded, symptoms="yes"))
    return {"event": seeded, "venue": beijing, "users": users, "attendee": attendee, "decl": decl}


def _urls(w) -> dict[str, str]:
    slug, a, d = w["event"].slug, w["attendee"], w["decl"]
    return {
        "venue": f"/manage/{slug}/venues/110000/admission/",
        "link": f"/manage/{slug}/venues/110000/admission/{a.pk}/link/",
        "replace": f"/manage/{slug}/venues/110000/admission/{a.pk}/replace/",
        "rules": f"/manage/{slug}/admission/",
        "export": f"/manage/{slug}/admission/eligibility.csv",
        "health": f"/manage/{slug}/health/",
        "health_detail": f"/manage/{slug}/health/{d.pk}/",
    }


# page → status for each role, in ROLES order; 302 = sent to the login page
MATRIX = {
    "venue":         [200, 200, 404, 404, 200, 200, 302],
    "link":          [200, 200, 404, 404, 403, 403, 302],
    "replace":       [200, 200, 404, 404, 403, 403, 302],
    "rules":         [200, 403, 403, 403, 403, 403, 302],
    "export":        [200, 403, 403, 403, 403, 403, 302],
    "health":        [403, 403, 403, 403, 403, 200, 302],
    "health_detail": [403, 403, 403, 403, 403, 200, 302],
}


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(client, world, role):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    urls = _urls(world)
    for page, statuses in MATRIX.items():
        resp = client.get(urls[page])
        expected = statuses[ROLES.index(role)]
        assert resp.status_code == expected, (role, page, resp.status_code)
        if expected == 302:
            assert "/accounts/login/" in resp["Location"]
        if expected != 200:
            assert "林黛玉" not in resp.content.decode("utf-8", "replace")


def test_declaration_link_is_open_to_anyone_holding_it_and_only_them(client, world):
    path = services.declaration_path(world["attendee"])
    assert client.get(path).status_code == 200
    resp = client.get(path[:-3] + "x/")
    assert resp.status_code == 404 and "链接无效" in resp.content.decode()


def test_attendee_of_another_venue_is_not_found_through_ones_own_venue(client, world, make_user):
    shanghai = world["event"].venues.get(code="310000")
    stranger = make_attendee(shanghai, "薛宝钗")
    client.force_login(world["users"]["coordinator"])
    slug = world["event"].slug
    for what in ("link", "replace"):
        resp = client.get(f"/manage/{slug}/venues/110000/admission/{stranger.pk}/{what}/")
        assert resp.status_code == 404 and "薛宝钗" not in resp.content.decode()


def test_verdict_pages_show_rule_names_never_health_details(client, world):
    for role in ("coordinator", "door", "organizer"):
        client.force_login(world["users"][role])
        body = client.get(_urls(world)["venue"]).content.decode()
        assert "林黛玉" in body and "不符合入场条件" in body and "会前14天内无疑似症状" in body
        assert "申报有" not in body and "须更换为其他人员参会" not in body
    client.force_login(world["users"]["organizer"])
    body = client.get(_urls(world)["export"]).content.decode()
    assert "林黛玉" in body and "申报有" not in body


def test_main_unit_sees_only_its_own_people(client, world):
    event = world["event"]
    main = event.venues.get(code="main")
    units = [vu.unit for vu in main.invited_units.order_by("id")]
    mine = make_attendee(main, "贾宝玉", filed_by_unit=units[0])
    theirs = make_attendee(main, "王熙凤", filed_by_unit=units[1])
    client.force_login(world["users"]["main_unit"])
    body = client.get(f"/manage/{event.slug}/venues/main/admission/").content.decode()
    assert "贾宝玉" in body and "王熙凤" not in body
    assert client.get(f"/manage/{event.slug}/venues/main/admission/{theirs.pk}/link/").status_code == 404
    assert client.get(f"/manage/{event.slug}/venues/main/admission/{mine.pk}/link/").status_code == 200


def test_health_officer_views_are_audited(client, world):
    client.force_login(world["users"]["health"])
    body = client.get(_urls(world)["health_detail"]).content.decode()
    assert "疑似症状" in body and "申报有新冠肺炎疑似症状" in body
    entry = AuditEntry.objects.filter(action="declaration.view").latest("id")
    assert entry.actor == world["users"]["health"] and entry.object_id == str(world["decl"].pk)
    client.get(_urls(world)["health"])
    assert AuditEntry.objects.filter(action="declaration.list", actor=world["users"]["health"]).exists()
    other_event_decl = world["decl"].pk + 10_000
    assert client.get(f"/manage/{world['event'].slug}/health/{other_event_decl}/").status_code == 404


def test_attendee_declares_on_the_page_and_sees_the_verdict_at_once(client, world):
    venue = world["venue"]
    a = make_attendee(venue, "史湘云")
    path = services.declaration_path(a)
    page = client.get(path).content.decode()
    # a branch venue asks the three questions of its rules, nothing about codes or tests
    assert "疑似症状" in page and "风险地区" in page and "健康宝" not in page and "核酸" not in page
    assert "11月9日" in page or "以来" in page
    resp = client.post(path, clean_answers(world["event"]))
    body = resp.content.decode()
    assert resp.status_code == 200 and "符合入场条件" in body and "已提交" in body
    assert Declaration.objects.get(attendee=a).verdict == "eligible"
    again = client.get(path).content.decode()  # write-only: a blank form that says one exists
    assert "重新提交申报" in again and "checked" not in again and "符合入场条件" not in again and "已于" in again
    assert AuditEntry.objects.filter(action="declaration.submit", actor_label="declaration-link").exists()


def test_main_venue_declaration_with_a_test(client, world):
    main = world["event"].venues.get(code="main")
    a = make_attendee(main, "妙玉")
    path = services.declaration_path(a)
    page = client.get(path).content.decode()
    assert "北京健康宝" in page and "核酸" in page and "行程卡" in page
    resp = client.post(path, clean_answers(world["event"], main=True, result="pending"))
    body = resp.content.decode()
    assert "待定" in body and "尚未出来" in body
    resp = client.post(path, clean_answers(world["event"], main=True, symptoms="maybe"))
    assert "请选择“是”或“否”" in resp.content.decode()


def test_coordinator_replaces_through_the_page(client, world):
    client.force_login(world["users"]["coordinator"])
    urls = _urls(world)
    page = client.get(urls["replace"]).content.decode()
    assert "会前14天内无疑似症状" in page and "申报有" not in page
    resp = client.post(urls["replace"], {"name": "晴雯", "unit": "北京市教育委员会", "position": "科员",
                                         "phone": "13700001111", "category": "other"})
    assert resp.status_code == 302
    new = Attendee.objects.get(name="晴雯")
    assert resp["Location"].endswith(f"/admission/{new.pk}/link/") and new.replaces == world["attendee"]
    body = client.get(urls["venue"]).content.decode()
    assert "晴雯" in body and "更换记录" in body and "coord_bj" in body
    # the second attempt is refused plainly
    resp = client.post(urls["replace"], {"name": "袭人", "unit": "北京市教育委员会", "category": "other"})
    assert "已被更换" in resp.content.decode()
    link = client.get(f"/manage/{world['event'].slug}/venues/110000/admission/{new.pk}/link/").content.decode()
    assert "<svg" in link and "晴雯您好" in link


def test_organizer_rules_page_presets_adopt_toggle(client, world):
    client.force_login(world["users"]["organizer"])
    url = _urls(world)["rules"]
    assert "北京健康宝绿码" in client.get(url).content.decode()
    client.post(url, {"action": "preset", "name": "empty"})
    assert not AdmissionRule.objects.filter(event=world["event"]).exists()
    resp = client.post(url, {"action": "adopt", "rules_json": '{"admission_rules": [{"kind": "symptoms", '
                                                                 '"window_days": 10, "venues": "branch"}]}'})
    assert resp.status_code == 302
    rule = AdmissionRule.objects.get(event=world["event"])
    assert rule.title == "会前10天内无疑似症状" and rule.venue_scope == "branch"
    client.post(url, {"action": "toggle", "rule": rule.pk})
    rule.refresh_from_db()
    assert rule.enabled is False
    bad = client.post(url, {"action": "adopt", "rules_json": "[{"}).content.decode()
    assert "不是有效的 JSON" in bad
    bad = client.post(url, {"action": "adopt", "rules_json": '[{"kind": "mood"}]'}, follow=True).content.decode()
    assert "不认识的规则类型" in bad


def test_organizer_sets_and_deletes_rules_by_the_form(client, world):
    """No JSON to write: one rule at a time, replacing a rule of the same kind for the same venues."""
    event = world["event"]
    client.force_login(world["users"]["organizer"])
    url = _urls(world)["rules"]
    page = client.get(url).content.decode()
    assert 'id="rule-put"' in page and 'id="rules-json"' in page  # the JSON box is tucked away
    client.post(url, {"action": "preset", "name": "empty"})
    resp = client.post(url, {"action": "put", "venues": "all", "kind": "symptoms", "window_days": "7"}, follow=True)
    assert "已设置规则：会前7天内无疑似症状（所有会场）" in resp.content.decode()
    client.post(url, {"action": "put", "venues": "all", "kind": "symptoms", "window_days": "14"})
    client.post(url, {"action": "put", "venues": "main", "kind": "nucleic_acid_test", "window_hours": "48",
                      "applies_to": "returned_from_travel"})
    rules = {r.title: r for r in AdmissionRule.objects.filter(event=event)}
    assert set(rules) == {"会前14天内无疑似症状", "出差返回人员会前48小时内核酸检测结果无异常"}
    assert rules["出差返回人员会前48小时内核酸检测结果无异常"].venue_scope == "main"
    # the rules judge at once: a Beijing attendee with symptoms is not eligible under the form's rule
    from huiwu.admission.services import door_verdict

    assert door_verdict(world["attendee"]).verdict == "not_eligible"
    bad = client.post(url, {"action": "put", "venues": "all", "kind": "symptoms", "window_days": "0"},
                      follow=True).content.decode()
    assert "天数应为1到60之间的整数" in bad and AdmissionRule.objects.filter(event=event).count() == 2
    client.post(url, {"action": "delete", "rule": rules["会前14天内无疑似症状"].pk})
    assert set(AdmissionRule.objects.filter(event=event).values_list("kind", flat=True)) == {"nucleic_acid_test"}
    # a coordinator cannot
    client.force_login(world["users"]["coordinator"])
    assert client.post(url, {"action": "put", "venues": "all", "kind": "itinerary_code"}).status_code in (403, 404)


def test_coordinator_adds_and_removes_a_local_rule(client, world):
    client.force_login(world["users"]["coordinator"])
    slug = world["event"].slug
    url = f"/manage/{slug}/venues/110000/admission/local-rules/"
    resp = client.post(url, {"action": "add", "kind": "nucleic_acid_test", "window_hours": "24", "applies_to": "all"})
    assert resp.status_code == 302
    rule = AdmissionRule.objects.get(venue=world["venue"], source="local")
    assert rule.title == "会前24小时内核酸检测结果无异常"
    assert "会前24小时内核酸检测" in client.get(_urls(world)["venue"]).content.decode()
    bad = client.post(url, {"action": "add", "kind": "symptoms", "window_days": "0"}, follow=True).content.decode()
    assert "天数应为1到60之间的整数" in bad
    client.post(url, {"action": "delete", "rule": rule.pk})
    assert not AdmissionRule.objects.filter(venue=world["venue"]).exists()
    # door staff and other venues' coordinators cannot
    client.force_login(world["users"]["door"])
    assert client.post(url, {"action": "add", "kind": "itinerary_code"}).status_code == 403
    client.force_login(world["users"]["other_coordinator"])
    assert client.post(url, {"action": "add", "kind": "itinerary_code"}).status_code == 404
    assert not AdmissionRule.objects.filter(venue=world["venue"]).exists()


def test_declaration_page_tells_the_attendee_how_early_to_arrive(client, world):
    """The notice's 请提前15分钟到场 reaches the one person it is for, on their personal page."""
    from huiwu.events.models import Event

    attendee = world["attendee"]
    Event.objects.filter(pk=attendee.event_id).update(arrive_before_minutes=15)
    assert "请提前 15 分钟入位" in client.get(services.declaration_path(attendee)).content.decode()
    Event.objects.filter(pk=attendee.event_id).update(arrive_before_minutes=0)
    assert "arrive-before" not in client.get(services.declaration_path(attendee)).content.decode()
