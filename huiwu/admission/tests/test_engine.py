"""The rule engine on its own: every rule kind at its window edges, every venue kind × rule scope."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from huiwu.admission.engine import (
    ELIGIBLE,
    NOT_ELIGIBLE,
    PENDING,
    PRESETS,
    SEED_RULES,
    applies,
    evaluate,
    questions,
    rule_title,
)

TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2021, 11, 23, 10, 0, tzinfo=TZ)

CLEAN = {
    "symptoms": False, "risk_area_contact": False, "risk_area_stay": False, "health_code": "green",
    "itinerary_code_ok": True, "returned_from_travel": False, "nucleic_acid_test": None,
}


def iso(moment: datetime) -> str:
    return moment.isoformat()


def test_seed_preset_is_what_the_notice_parser_reads():
    from pathlib import Path

    from huiwu.notices.parser import parse

    seed = Path("/work/shared/seed/000_6c7442209d79a2e8.txt")
    if not seed.exists():
        pytest.skip("the seed notice is not on this machine")
    assert parse(seed.read_text())["admission_rules"] == SEED_RULES
    assert PRESETS["empty"] == []


@pytest.mark.parametrize("kind", ["symptoms", "risk_area_contact", "risk_area_stay"])
def test_yes_no_rules(kind):
    rules = [{"kind": kind, "window_days": 14, "venues": "all"}]
    assert evaluate(rules, {kind: False}, START, "branch").verdict == ELIGIBLE
    v = evaluate(rules, {kind: True}, START, "branch")
    assert v.verdict == NOT_ELIGIBLE and v.reasons[0]["rule"] == kind
    assert rule_title(rules[0]) in v.reasons[0]["message"] and "更换" in v.reasons[0]["message"]
    for missing in ({}, {kind: None}, {kind: "不知道"}):
        v = evaluate(rules, missing, START, "branch")
        assert v.verdict == PENDING and v.reasons[0]["rule"] == kind and "尚未" in v.reasons[0]["message"]
    assert evaluate(rules, {kind: "否"}, START, "main").verdict == ELIGIBLE
    assert evaluate(rules, {kind: "是"}, START, "main").verdict == NOT_ELIGIBLE


@pytest.mark.parametrize("kind", ["symptoms", "risk_area_contact", "risk_area_stay"])
def test_day_window_edges_with_a_date_of_last_occurrence(kind):
    """14 days back from 11-23 (in the event's time zone) starts on 11-09."""
    rules = [{"kind": kind, "window_days": 14, "venues": "all"}]
    assert evaluate(rules, {kind: "2021-11-09"}, START, "main").verdict == NOT_ELIGIBLE
    assert evaluate(rules, {kind: "2021-11-08"}, START, "main").verdict == ELIGIBLE
    # 11-08 23:30 in Beijing is 11-08 15:30 UTC: still outside the window
    assert evaluate(rules, {kind: "2021-11-08T15:30:00+00:00"}, START, "main").verdict == ELIGIBLE
    # 11-08 16:30 UTC is 11-09 00:30 in Beijing: inside
    assert evaluate(rules, {kind: "2021-11-08T16:30:00+00:00"}, START, "main").verdict == NOT_ELIGIBLE
    wider = [{"kind": kind, "window_days": 21, "venues": "all"}]
    assert evaluate(wider, {kind: "2021-11-08"}, START, "main").verdict == NOT_ELIGIBLE


NAT = [{"kind": "nucleic_acid_test", "window_hours": 48, "applies_to": "all", "venues": "all"}]


def nat(sampled: datetime | str | None, result: str | None = "negative") -> dict:
    return {"nucleic_acid_test": None if sampled is None else
            {"sampled_at": sampled if isinstance(sampled, str) else iso(sampled), "result": result}}


def test_test_window_edges():
    ok = evaluate(NAT, nat(START - timedelta(hours=47, minutes=59)), START, "main")
    assert ok.verdict == ELIGIBLE, ok.reasons
    late = evaluate(NAT, nat(START - timedelta(hours=48, minutes=1)), START, "main")
    assert late.verdict == NOT_ELIGIBLE and late.reasons[0]["rule"] == "nucleic_acid_test"
    assert "超过48小时" in late.reasons[0]["message"] and "11月21日 10:00" in late.reasons[0]["message"]
    assert evaluate(NAT, nat(START - timedelta(hours=48)), START, "main").verdict == ELIGIBLE
    assert evaluate(NAT, nat(START), START, "main").verdict == ELIGIBLE
    after = evaluate(NAT, nat(START + timedelta(minutes=1)), START, "main")
    assert after.verdict == NOT_ELIGIBLE and "晚于会议开始" in after.reasons[0]["message"]


def test_test_window_counts_in_the_events_time_zone_whatever_the_offset_given():
    sampled_utc = (START - timedelta(hours=47, minutes=59)).astimezone(ZoneInfo("UTC"))
    assert evaluate(NAT, nat(sampled_utc), START, "main").verdict == ELIGIBLE
    # a naive sampling time is read in the event's time zone
    assert evaluate(NAT, nat("2021-11-21T10:01:00"), START, "main").verdict == ELIGIBLE
    assert evaluate(NAT, nat("2021-11-21T09:59:00"), START, "main").verdict == NOT_ELIGIBLE
    # the same naive time in an event held in another zone
    london = datetime(2021, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/London"))
    assert evaluate(NAT, nat("2021-11-21T10:01:00"), london, "main").verdict == ELIGIBLE
    assert evaluate(NAT, nat("2021-11-21T10:01:00+08:00"), london, "main").verdict == NOT_ELIGIBLE


def test_test_results():
    fresh = START - timedelta(hours=20)
    positive = evaluate(NAT, nat(fresh, "positive"), START, "main")
    assert positive.verdict == NOT_ELIGIBLE and "异常" in positive.reasons[0]["message"]
    # positive is not eligible even when taken too early
    assert evaluate(NAT, nat(START - timedelta(days=5), "positive"), START, "main").verdict == NOT_ELIGIBLE
    pending = evaluate(NAT, nat(fresh, "pending"), START, "main")
    assert pending.verdict == PENDING and "尚未出来" in pending.reasons[0]["message"]
    assert evaluate(NAT, nat(fresh, None), START, "main").verdict == PENDING
    assert evaluate(NAT, nat(fresh, "阴性"), START, "main").verdict == ELIGIBLE
    none = evaluate(NAT, nat(None), START, "main")
    assert none.verdict == PENDING and "尚未做核酸检测" in none.reasons[0]["message"]
    bad = evaluate(NAT, nat("next tuesday"), START, "main")
    assert bad.verdict == PENDING and "无法识别" in bad.reasons[0]["message"]


def test_test_for_travellers_only():
    rules = [{"kind": "nucleic_acid_test", "window_hours": 48, "applies_to": "returned_from_travel", "venues": "main"}]
    assert evaluate(rules, {"returned_from_travel": False}, START, "main").verdict == ELIGIBLE
    v = evaluate(rules, {"returned_from_travel": True}, START, "main")
    assert v.verdict == PENDING and "尚未做核酸检测" in v.reasons[0]["message"]
    v = evaluate(rules, {}, START, "main")
    assert v.verdict == PENDING and "出差" in v.reasons[0]["message"]
    good = {"returned_from_travel": True, **nat(START - timedelta(hours=47, minutes=59))}
    assert evaluate(rules, good, START, "main").verdict == ELIGIBLE
    old = {"returned_from_travel": True, **nat(START - timedelta(hours=48, minutes=1))}
    assert evaluate(rules, old, START, "main").verdict == NOT_ELIGIBLE
    # an answer about travel missing, but a valid test given: nothing is missing for this rule
    assert evaluate(rules, nat(START - timedelta(hours=3)), START, "main").verdict == ELIGIBLE


def test_health_code():
    rules = [{"kind": "health_code", "color": "green", "issuer": "北京健康宝", "venues": "main"}]
    assert evaluate(rules, {"health_code": "green"}, START, "main").verdict == ELIGIBLE
    for color, label in (("yellow", "黄码"), ("red", "红码")):
        v = evaluate(rules, {"health_code": color}, START, "main")
        assert v.verdict == NOT_ELIGIBLE and label in v.reasons[0]["message"] and "北京健康宝" in v.reasons[0]["message"]
    assert evaluate(rules, {"health_code": None}, START, "main").verdict == PENDING
    assert evaluate(rules, {"health_code": "purple"}, START, "main").verdict == PENDING
    assert evaluate(rules, {"health_code": "绿码"}, START, "main").verdict == ELIGIBLE
    no_color = [{"kind": "health_code", "color": None, "issuer": None, "venues": "all"}]
    assert evaluate(no_color, {"health_code": "green"}, START, "branch").verdict == ELIGIBLE
    assert evaluate(no_color, {"health_code": "red"}, START, "branch").verdict == NOT_ELIGIBLE


def test_itinerary_code():
    rules = [{"kind": "itinerary_code", "venues": "main"}]
    assert evaluate(rules, {"itinerary_code_ok": True}, START, "main").verdict == ELIGIBLE
    v = evaluate(rules, {"itinerary_code_ok": False}, START, "main")
    assert v.verdict == NOT_ELIGIBLE and v.reasons == [{"rule": "itinerary_code", "message": v.reasons[0]["message"]}]
    assert evaluate(rules, {"itinerary_code_ok": None}, START, "main").verdict == PENDING


VENUE_KINDS = ("main", "branch")
SCOPES = ("all", "main", "branch")


@pytest.mark.parametrize(("venue_kind", "scope"), list(itertools.product(VENUE_KINDS, SCOPES)))
@pytest.mark.parametrize("kind", ["symptoms", "health_code", "itinerary_code", "nucleic_acid_test"])
def test_every_venue_kind_and_rule_scope(venue_kind, scope, kind):
    """A failing answer fails exactly where the rule's scope covers the venue."""
    rule = {"kind": kind, "venues": scope, "window_days": 14, "window_hours": 48, "applies_to": "all",
            "color": "green"}
    failing = {**CLEAN, "symptoms": True, "health_code": "red", "itinerary_code_ok": False,
               "nucleic_acid_test": {"sampled_at": iso(START - timedelta(days=4)), "result": "negative"}}
    covered = scope in ("all", venue_kind)
    assert applies(rule, venue_kind) is covered
    verdict = evaluate([rule], failing, START, venue_kind).verdict
    assert verdict == (NOT_ELIGIBLE if covered else ELIGIBLE)


@pytest.mark.parametrize("venue_kind", VENUE_KINDS)
def test_per_venue_rules(venue_kind):
    code = "main" if venue_kind == "main" else "440300"
    rule = {"kind": "symptoms", "window_days": 7, "venues": "all", "venue_codes": [code]}
    assert evaluate([rule], {"symptoms": True}, START, venue_kind, code).verdict == NOT_ELIGIBLE
    assert evaluate([rule], {"symptoms": True}, START, venue_kind, "350200").verdict == ELIGIBLE
    assert evaluate([rule], {"symptoms": True}, START, venue_kind, None).verdict == ELIGIBLE
    assert evaluate([{**rule, "enabled": False}], {"symptoms": True}, START, venue_kind, code).verdict == ELIGIBLE


def test_seed_rules_main_and_branch():
    decl = {**CLEAN, "returned_from_travel": True, **nat(START - timedelta(hours=30))}
    assert evaluate(SEED_RULES, decl, START, "main").verdict == ELIGIBLE
    # a branch venue does not ask for the Beijing code, the itinerary code or the test
    branch = {"symptoms": False, "risk_area_contact": False, "risk_area_stay": False}
    assert evaluate(SEED_RULES, branch, START, "branch").verdict == ELIGIBLE
    assert evaluate(SEED_RULES, branch, START, "main").verdict == PENDING
    assert questions(SEED_RULES, "branch") == ["symptoms", "risk_area_contact", "risk_area_stay"]
    assert questions(SEED_RULES, "main") == [
        "symptoms", "risk_area_contact", "risk_area_stay", "health_code", "itinerary_code_ok",
        "returned_from_travel", "nucleic_acid_test"]
    assert questions([], "main") == []
    assert evaluate([], {}, START, "main").verdict == ELIGIBLE


def test_failures_win_over_missing_answers_and_list_every_failed_rule():
    decl = {"symptoms": True, "health_code": "yellow"}
    v = evaluate(SEED_RULES, decl, START, "main")
    assert v.verdict == NOT_ELIGIBLE
    assert [r["rule"] for r in v.reasons] == ["symptoms", "health_code"]
    assert v.to_dict() == {"verdict": NOT_ELIGIBLE, "reasons": v.reasons}


def test_lenient_to_unknown_keys_and_kinds():
    rules = [{"kind": "symptoms", "window_days": 14, "venues": "all", "source": "notice", "confidence": 0.9},
             {"kind": "vaccination", "doses": 2, "venues": "all"},
             {"kind": "symptoms", "window_days": 14, "venues": "nowhere"}]
    v = evaluate(rules, {"symptoms": False, "favourite_colour": "blue"}, START, "branch")
    assert v.verdict == ELIGIBLE and [r["kind"] for r in v.skipped] == ["vaccination"]
    assert evaluate(rules, None, START, "branch").verdict == PENDING
    # a naive event start is read in Asia/Shanghai
    naive = evaluate(NAT, nat("2021-11-21T10:01:00+08:00"), datetime(2021, 11, 23, 10, 0), "main")
    assert naive.verdict == ELIGIBLE


TRAVEL_NAT = [{"kind": "nucleic_acid_test", "window_hours": 48, "applies_to": "returned_from_travel", "venues": "main"}]


def test_positive_result_fails_even_someone_who_did_not_travel():
    fresh = {"returned_from_travel": False, **nat(START - timedelta(hours=5), "positive")}
    assert evaluate(TRAVEL_NAT, fresh, START, "main").verdict == NOT_ELIGIBLE
    # an old positive of someone the rule does not cover is outside this rule
    old = {"returned_from_travel": False, **nat(START - timedelta(days=20), "positive")}
    assert evaluate(TRAVEL_NAT, old, START, "main").verdict == ELIGIBLE


def test_travel_unknown_and_a_test_that_does_not_count_is_pending_not_a_failure():
    old = nat(START - timedelta(hours=48, minutes=1))
    v = evaluate(TRAVEL_NAT, old, START, "main")
    assert v.verdict == PENDING and "出差" in v.reasons[0]["message"]
    assert evaluate(TRAVEL_NAT, {"returned_from_travel": True, **old}, START, "main").verdict == NOT_ELIGIBLE
    assert evaluate(TRAVEL_NAT, {"returned_from_travel": False, **old}, START, "main").verdict == ELIGIBLE
    pending = nat(START - timedelta(hours=3), "pending")
    assert evaluate(TRAVEL_NAT, pending, START, "main").verdict == PENDING


def test_itinerary_code_in_words():
    rules = [{"kind": "itinerary_code", "venues": "all"}]
    for word, verdict in (("正常", ELIGIBLE), ("green", ELIGIBLE), ("带星", NOT_ELIGIBLE), ("red", NOT_ELIGIBLE),
                          ("?", PENDING)):
        assert evaluate(rules, {"itinerary_code_ok": word}, START, "branch").verdict == verdict, word
    assert evaluate(rules, {"itinerary_code": False}, START, "branch").verdict == NOT_ELIGIBLE
