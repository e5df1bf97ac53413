"""Declarations judged as the held-out set will be: `huiwu admission evaluate ... --json`.

Each case is (rules, declaration, event start, venue kind) -> verdict + the rule kinds in
`reasons`, written from PRODUCT.md's contract and the seed notice 四(三), not from the engine.
Every case runs through `engine.evaluate` and through the command's own code path
(call_command); a handful also through a real `huiwu` process, as the harness runs it.
"""

from __future__ import annotations

import io
import json
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from huiwu.admission import engine
from huiwu.notices.parser import parse

ROOT = Path(__file__).resolve().parents[3]
SEED_NOTICE = Path("/work/shared/seed/000_6c7442209d79a2e8.txt")
HUIWU = ROOT / ".venv" / "bin" / "huiwu"

START = "2021-11-23T10:00:00+08:00"  # the seed's meeting: 11-23 10:00 Beijing time
OK3 = {"symptoms": False, "risk_area_contact": False, "risk_area_stay": False}
CODES = {"health_code": "green", "itinerary_code_ok": True}
HOME = {**OK3, **CODES, "returned_from_travel": False, "nucleic_acid_test": None}


def _seed_rules() -> list[dict[str, Any]]:
    """The rules exactly as the notice parser reads them from the seed (the held-out rules' source)."""
    if SEED_NOTICE.exists():
        return parse(SEED_NOTICE.read_text(encoding="utf-8"))["admission_rules"]
    return engine.SEED_RULES  # pragma: no cover - outside this checkout's machine


SEED = _seed_rules()


def travelled(sampled: str | None, result: str | None = "negative", **more: Any) -> dict[str, Any]:
    """A main-venue attendee back from a trip, everything else in order."""
    test = None if sampled is None else {"sampled_at": sampled, "result": result}
    return {**OK3, **CODES, "returned_from_travel": True, "nucleic_acid_test": test, **more}


def nat(window_hours: int | None = 48, applies_to: str | None = "returned_from_travel", venues: str = "all"):
    return [{"kind": "nucleic_acid_test", "window_hours": window_hours, "applies_to": applies_to, "venues": venues}]


def rule(kind: str, venues: str = "all", **more: Any) -> list[dict[str, Any]]:
    return [{"kind": kind, "venues": venues, **more}]


E, N, P = "eligible", "not_eligible", "pending"
ALL_MAIN = ["symptoms", "risk_area_contact", "risk_area_stay", "itinerary_code", "health_code", "nucleic_acid_test"]

# id: (rules, declaration, event start, venue kind, verdict, rule kinds in reasons)
CASES: dict[str, tuple[Any, Any, str, str, str, list[str]]] = {
    # -- no rules, nothing to judge
    "empty-rules-main": ([], {}, START, "main", E, []),
    "empty-rules-branch": ([], {"symptoms": True}, START, "branch", E, []),
    # -- the seed's rules, everything in order
    "seed-main-home": (SEED, HOME, START, "main", E, []),
    "seed-branch-only-three-answers": (SEED, OK3, START, "branch", E, []),
    "seed-branch-red-code-is-local-business": (SEED, {**OK3, "health_code": "red"}, START, "branch", E, []),
    "seed-branch-travel-without-test": (SEED, {**OK3, "returned_from_travel": True}, START, "branch", E, []),
    "seed-main-nothing-declared": (SEED, {}, START, "main", P, ALL_MAIN),
    "seed-branch-nothing-declared": (SEED, {}, START, "branch", P, ALL_MAIN[:3]),
    # -- the 14-day facts, at both kinds of venue
    "symptoms-main": (SEED, {**HOME, "symptoms": True}, START, "main", N, ["symptoms"]),
    "symptoms-branch": (SEED, {**OK3, "symptoms": True}, START, "branch", N, ["symptoms"]),
    "contact-main": (SEED, {**HOME, "risk_area_contact": True}, START, "main", N, ["risk_area_contact"]),
    "stay-branch": (SEED, {**OK3, "risk_area_stay": True}, START, "branch", N, ["risk_area_stay"]),
    "symptoms-null": (SEED, {**HOME, "symptoms": None}, START, "main", P, ["symptoms"]),
    "stay-missing": (SEED, {k: v for k, v in HOME.items() if k != "risk_area_stay"}, START, "main", P,
                     ["risk_area_stay"]),
    "contact-null-branch": (SEED, {**OK3, "risk_area_contact": None}, START, "branch", P, ["risk_area_contact"]),
    "symptoms-window-null-still-judged": (rule("symptoms", window_days=None), {"symptoms": True}, START, "main",
                                          N, ["symptoms"]),
    # -- health code (main only in the seed)
    "health-yellow": (SEED, {**HOME, "health_code": "yellow"}, START, "main", N, ["health_code"]),
    "health-red": (SEED, {**HOME, "health_code": "red"}, START, "main", N, ["health_code"]),
    "health-null": (SEED, {**HOME, "health_code": None}, START, "main", P, ["health_code"]),
    "health-missing": (SEED, {k: v for k, v in HOME.items() if k != "health_code"}, START, "main", P,
                       ["health_code"]),
    "health-rule-without-colour-means-green": (rule("health_code", color=None, issuer=None),
                                               {"health_code": "yellow"}, START, "main", N, ["health_code"]),
    "health-rule-for-branch-not-at-main": (rule("health_code", "branch", color="green", issuer="粤康码"),
                                           {"health_code": "red"}, START, "main", E, []),
    "health-rule-for-branch-at-branch": (rule("health_code", "branch", color="green", issuer="粤康码"),
                                         {"health_code": "red"}, START, "branch", N, ["health_code"]),
    # -- itinerary code
    "itinerary-false": (SEED, {**HOME, "itinerary_code_ok": False}, START, "main", N, ["itinerary_code"]),
    "itinerary-null": (SEED, {**HOME, "itinerary_code_ok": None}, START, "main", P, ["itinerary_code"]),
    "itinerary-false-at-branch": (SEED, {**OK3, "itinerary_code_ok": False}, START, "branch", E, []),
    "itinerary-rule-all-at-branch": (rule("itinerary_code", "all"), {"itinerary_code_ok": False}, START, "branch",
                                     N, ["itinerary_code"]),
    # -- nucleic-acid test window edges (48 h before 11-23 10:00 is 11-21 10:00 Beijing time)
    "test-47h59": (SEED, travelled("2021-11-21T10:01:00+08:00"), START, "main", E, []),
    "test-exactly-48h": (SEED, travelled("2021-11-21T10:00:00+08:00"), START, "main", E, []),
    "test-48h01": (SEED, travelled("2021-11-21T09:59:00+08:00"), START, "main", N, ["nucleic_acid_test"]),
    "test-at-the-start": (SEED, travelled("2021-11-23T10:00:00+08:00"), START, "main", E, []),
    "test-after-the-start": (SEED, travelled("2021-11-23T10:30:00+08:00"), START, "main", N,
                             ["nucleic_acid_test"]),
    "test-utc-47h59": (SEED, travelled("2021-11-21T02:01:00Z"), START, "main", E, []),
    "test-utc-48h01": (SEED, travelled("2021-11-21T01:59:00Z"), START, "main", N, ["nucleic_acid_test"]),
    "test-naive-is-beijing-47h59": (SEED, travelled("2021-11-21T10:01:00"), START, "main", E, []),
    "test-naive-is-beijing-48h01": (SEED, travelled("2021-11-21 09:59"), START, "main", N, ["nucleic_acid_test"]),
    # a date without a time: decided when the whole day is inside / outside the window, else ask
    "test-date-only-inside": (SEED, travelled("2021-11-22"), START, "main", E, []),
    "test-date-only-straddles-edge": (SEED, travelled("2021-11-21"), START, "main", P, ["nucleic_acid_test"]),
    "test-date-only-too-old": (SEED, travelled("2021-11-20"), START, "main", N, ["nucleic_acid_test"]),
    "test-date-only-after": (SEED, travelled("2021-11-24"), START, "main", N, ["nucleic_acid_test"]),
    # typed the way people write it
    "test-slashes-47h59": (SEED, travelled("2021/11/21 10:01"), START, "main", E, []),
    "test-chinese-48h01": (SEED, travelled("2021年11月21日9时59分"), START, "main", N, ["nucleic_acid_test"]),
    "test-chinese-date-only-straddles": (SEED, travelled("2021年11月21日"), START, "main", P, ["nucleic_acid_test"]),
    "test-trailing-utc": (SEED, travelled("2021-11-21T02:01:00UTC"), START, "main", E, []),
    # -- results
    "test-positive": (SEED, travelled("2021-11-22T08:00:00+08:00", "positive"), START, "main", N,
                      ["nucleic_acid_test"]),
    "test-result-pending": (SEED, travelled("2021-11-22T08:00:00+08:00", "pending"), START, "main", P,
                            ["nucleic_acid_test"]),
    "test-result-null": (SEED, travelled("2021-11-22T08:00:00+08:00", None), START, "main", P,
                         ["nucleic_acid_test"]),
    "test-result-pending-but-too-old": (SEED, travelled("2021-11-20T08:00:00+08:00", "pending"), START, "main",
                                        N, ["nucleic_acid_test"]),
    "test-positive-from-someone-who-stayed-home": (
        SEED, {**HOME, "nucleic_acid_test": {"sampled_at": "2021-11-22T08:00:00+08:00", "result": "positive"}},
        START, "main", N, ["nucleic_acid_test"]),
    # -- whether the test is needed
    "travel-true-no-test": (SEED, travelled(None), START, "main", P, ["nucleic_acid_test"]),
    "travel-false-no-test": (SEED, HOME, START, "main", E, []),
    "travel-missing-no-test": (SEED, {**OK3, **CODES}, START, "main", P, ["nucleic_acid_test"]),
    "travel-missing-fresh-test": (SEED, {**OK3, **CODES, "nucleic_acid_test": {
        "sampled_at": "2021-11-22T08:00:00+08:00", "result": "negative"}}, START, "main", E, []),
    "test-for-all-stayed-home-no-test": (nat(applies_to="all"), {"returned_from_travel": False}, START, "branch",
                                         P, ["nucleic_acid_test"]),
    "test-for-all-stayed-home-fresh": (nat(applies_to="all"), {"returned_from_travel": False, "nucleic_acid_test": {
        "sampled_at": "2021-11-22T08:00:00+08:00", "result": "negative"}}, START, "branch", E, []),
    "test-applies-to-null-means-all": (nat(applies_to=None), {"returned_from_travel": False}, START, "main", P,
                                       ["nucleic_acid_test"]),
    "test-24h-window": (nat(24), travelled("2021-11-22T08:00:00+08:00"), START, "main", N, ["nucleic_acid_test"]),
    "test-no-window-any-time-before": (nat(None), travelled("2021-11-10T08:00:00+08:00"), START, "main", E, []),
    "test-sampled-time-missing": (nat(), {"returned_from_travel": True, "nucleic_acid_test": {"result": "negative"}},
                                  START, "main", P, ["nucleic_acid_test"]),
    "test-sampled-in-the-year-1": (nat(), travelled("0001-01-01T00:00:00+08:00"), START, "main", P,
                                   ["nucleic_acid_test"]),
    "window-beyond-the-calendar": (rule("risk_area_stay", window_days=10**12), {"risk_area_stay": "2001-05-01"},
                                   START, "main", N, ["risk_area_stay"]),
    "test-sampled-time-unreadable": (nat(), travelled("昨天上午"), START, "main", P, ["nucleic_acid_test"]),
    # -- several failures at once: every failing rule is listed, in the rules' order
    "many-failures": (SEED, {**HOME, "symptoms": True, "risk_area_stay": True, "health_code": "red",
                             "itinerary_code_ok": False}, START, "main", N,
                      ["symptoms", "risk_area_stay", "itinerary_code", "health_code"]),
    "failure-and-missing-answer": (SEED, {**HOME, "risk_area_contact": True, "health_code": None}, START, "main",
                                   N, ["risk_area_contact"]),
    "old-test-and-yellow-code": (SEED, travelled("2021-11-20T08:00:00+08:00", health_code="yellow"), START, "main",
                                 N, ["health_code", "nucleic_acid_test"]),
    "two-pendings": (SEED, {**HOME, "itinerary_code_ok": None, "returned_from_travel": True}, START, "main", P,
                     ["itinerary_code", "nucleic_acid_test"]),
    # -- odd rules and declarations
    "unknown-kind-skipped": ([{"kind": "temperature", "max": 37.3, "venues": "all"}, *rule("symptoms")],
                             {"symptoms": False}, START, "main", E, []),
    "rule-without-venues-holds-everywhere": ([{"kind": "risk_area_stay", "window_days": 14}],
                                             {"risk_area_stay": True}, START, "branch", N, ["risk_area_stay"]),
    "venues-in-chinese-main-not-at-branch": (rule("itinerary_code", "主会场"), {"itinerary_code_ok": False}, START,
                                             "branch", E, []),
    "venues-in-chinese-branch-at-branch": (rule("symptoms", "分会场"), {"symptoms": True}, START, "branch", N,
                                           ["symptoms"]),
    "venues-as-a-list-of-both": (rule("risk_area_contact", ["main", "branch"]), {"risk_area_contact": True}, START,
                                 "branch", N, ["risk_area_contact"]),
    "venues-unreadable-holds-everywhere": (rule("health_code", "lobby", color="green"), {"health_code": "red"},
                                           START, "branch", N, ["health_code"]),
    "disabled-rule-ignored": (rule("symptoms", enabled=False), {"symptoms": True}, START, "main", E, []),
    "declaration-with-extra-keys": (SEED, {**HOME, "name": "林晓", "phone": "13800000000", "note": "无"}, START,
                                    "main", E, []),
    "event-start-without-offset": (SEED, travelled("2021-11-21T10:01:00+08:00"), "2021-11-23T10:00:00", "main",
                                   E, []),
    "event-start-without-offset-late": (SEED, travelled("2021-11-21T09:59:00+08:00"), "2021-11-23T10:00:00",
                                        "main", N, ["nucleic_acid_test"]),
    "event-start-in-utc-naive-test-is-beijing": (SEED, travelled("2021-11-21T10:01:00"), "2021-11-23T02:00:00Z",
                                                 "main", E, []),
    "event-start-in-utc-naive-test-late": (SEED, travelled("2021-11-21T09:59:00"), "2021-11-23T02:00:00Z",
                                           "main", N, ["nucleic_acid_test"]),
}


def kinds(out: dict[str, Any]) -> list[str]:
    return [r["rule"] for r in out["reasons"]]


def run_command(tmp_path: Path, rules: Any, decl: Any, start: str, kind: str) -> dict[str, Any]:
    """The command's own code path, in this process: JSON on stdout, nothing else."""
    r = tmp_path / "rules.json"
    d = tmp_path / "decl.json"
    r.write_text(json.dumps(rules, ensure_ascii=False), encoding="utf-8")
    d.write_text(json.dumps(decl, ensure_ascii=False), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("admission", "evaluate", "--rules", str(r), "--declaration", str(d), "--event-start", start,
                 "--venue-kind", kind, "--json", stdout=out, stderr=err)
    return json.loads(out.getvalue())


def test_there_are_enough_cases_and_the_seed_rules_are_the_parsers():
    assert len(CASES) >= 40
    assert [r["kind"] for r in SEED] == ALL_MAIN


@pytest.mark.parametrize("case", list(CASES))
def test_case_through_the_engine(case):
    rules, decl, start, kind, verdict, behind = CASES[case]
    got = engine.evaluate(rules, decl, datetime.fromisoformat(start.replace("Z", "+00:00")), kind,
                          tz="Asia/Shanghai")
    assert (got.verdict, got.rule_kinds) == (verdict, behind), got.reasons
    assert all(r["message"] for r in got.reasons)


@pytest.mark.parametrize("case", list(CASES))
def test_case_through_the_command(case, tmp_path):
    rules, decl, start, kind, verdict, behind = CASES[case]
    out = run_command(tmp_path, rules, decl, start, kind)
    assert set(out) == {"verdict", "reasons"}
    assert (out["verdict"], kinds(out)) == (verdict, behind), out
    for r in out["reasons"]:
        assert set(r) == {"rule", "message"} and r["message"].strip()


# -- the command's input handling ------------------------------------------------------------------
def _files(tmp_path: Path, rules: Any, decl: Any) -> tuple[str, str]:
    r, d = tmp_path / "rules.json", tmp_path / "decl.json"
    for path, data in ((r, rules), (d, decl)):
        path.write_bytes(data if isinstance(data, bytes) else
                         (data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)).encode("utf-8"))
    return str(r), str(d)


def _evaluate(rules_path: str, decl_path: str, *more: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("admission", "evaluate", "--rules", rules_path, "--declaration", decl_path, *more,
                 stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


ARGS = ("--event-start", START, "--venue-kind", "main", "--json")


def test_rules_may_be_the_whole_notice_parse_output(tmp_path):
    notice = parse(SEED_NOTICE.read_text(encoding="utf-8")) if SEED_NOTICE.exists() else {"admission_rules": SEED}
    out = _evaluate(*_files(tmp_path, notice, travelled("2021-11-21T09:59:00+08:00")), *ARGS)
    assert (out["verdict"], kinds(out)) == (N, ["nucleic_acid_test"])
    # {"admission_rules": null}: the notice gave none
    assert _evaluate(*_files(tmp_path, {"admission_rules": None}, {}), *ARGS) == {"verdict": E, "reasons": []}


def test_a_file_saved_with_a_bom_is_read(tmp_path):
    rules = "\ufeff" + json.dumps(SEED, ensure_ascii=False)
    assert _evaluate(*_files(tmp_path, rules, HOME), *ARGS)["verdict"] == E


@pytest.mark.parametrize(("rules", "decl", "words"), [
    ("[{\"kind\": \"symptoms\",", {}, "不是有效的 JSON"),
    ([], "{symptoms: false}", "不是有效的 JSON"),
    ({"kind": "symptoms"}, {}, "规则文件应为规则列表"),
    ([{"window_days": 14}], {}, "缺少 kind"),
    (["symptoms"], {}, "规则文件应为规则列表"),
    ([], [], "申报文件应为一个 JSON 对象"),
    ([], ["symptoms"], "申报文件应为一个 JSON 对象"),
    ([], "null", "申报文件应为一个 JSON 对象"),
    ([], b"\xb7\xf1", "不是 UTF-8"),
    ("[" * 100_000 + "]" * 100_000, {}, "嵌套层数太多"),
])
def test_bad_files_get_a_plain_chinese_error(tmp_path, rules, decl, words):
    with pytest.raises(CommandError) as err:
        _evaluate(*_files(tmp_path, rules, decl), *ARGS)
    assert words in str(err.value)


def test_missing_files_and_bad_start_get_a_plain_chinese_error(tmp_path):
    rules, decl = _files(tmp_path, SEED, HOME)
    with pytest.raises(CommandError, match="找不到规则文件"):
        _evaluate(str(tmp_path / "nope.json"), decl, *ARGS)
    with pytest.raises(CommandError, match="不是 ISO 8601"):
        _evaluate(rules, decl, "--event-start", "11月23日上午10点", "--venue-kind", "main", "--json")
    with pytest.raises(CommandError, match="年份不对"):
        _evaluate(rules, decl, "--event-start", "0001-01-01T00:00:00+08:00", "--venue-kind", "main", "--json")
    with pytest.raises(CommandError, match="缺少必填参数：--event-start"):
        _evaluate(rules, decl, "--venue-kind", "main", "--json")
    with pytest.raises(CommandError, match="--venue-kind 的值“hall”无效"):
        _evaluate(rules, decl, "--event-start", START, "--venue-kind", "hall", "--json")


def test_venue_kind_is_read_whatever_its_case(tmp_path):
    out = _evaluate(*_files(tmp_path, SEED, {**OK3, "health_code": "red"}), "--event-start", START,
                    "--venue-kind", "Branch", "--json")
    assert out == {"verdict": E, "reasons": []}


def test_a_list_of_declarations_is_judged_one_by_one(tmp_path):
    decls = [HOME, {**HOME, "health_code": "red"}, {}]
    out = io.StringIO()
    call_command("admission", "evaluate", "--rules", _files(tmp_path, SEED, decls)[0], "--declaration",
                 str(tmp_path / "decl.json"), *ARGS, stdout=out, stderr=io.StringIO())
    assert [v["verdict"] for v in json.loads(out.getvalue())] == [E, N, P]


# -- a few runs of the real console script, exactly as the held-out harness calls it --------------
def _huiwu(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(HUIWU), "admission", "evaluate", *args], capture_output=True, text=True,
                          timeout=60, cwd=ROOT)


@pytest.mark.skipif(not HUIWU.exists(), reason="needs the project's console script")
def test_console_script_prints_only_the_verdict(tmp_path):
    rules = [*SEED, {"kind": "body_temperature", "max": 37.3, "venues": "all"}]
    r, d = _files(tmp_path, rules, travelled("2021-11-21T09:59:00+08:00", health_code="yellow"))
    done = _huiwu("--rules", r, "--declaration", d, "--event-start", START, "--venue-kind", "main", "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)  # the whole of stdout is one JSON document
    assert list(out) == ["verdict", "reasons"] and out["verdict"] == N
    assert kinds(out) == ["health_code", "nucleic_acid_test"]
    assert "body_temperature" in done.stderr  # the skipped rule is said, on stderr only


@pytest.mark.skipif(not HUIWU.exists(), reason="needs the project's console script")
def test_console_script_errors_are_chinese_with_a_non_zero_exit(tmp_path):
    r, d = _files(tmp_path, "[{", HOME)
    bad = _huiwu("--rules", r, "--declaration", d, "--event-start", START, "--venue-kind", "main", "--json")
    assert bad.returncode != 0 and bad.stdout == "" and "不是有效的 JSON" in bad.stderr
    missing = _huiwu("--rules", r, "--declaration", d, "--venue-kind", "main", "--json")
    assert missing.returncode == 2 and missing.stdout == ""
    assert "缺少必填参数：--event-start" in missing.stderr and "usage" not in missing.stderr


# -- every rule kind × scope × venue kind: a failing answer counts exactly where the rule holds ----
FAILING = {
    "symptoms": {"symptoms": True}, "risk_area_contact": {"risk_area_contact": True},
    "risk_area_stay": {"risk_area_stay": True}, "health_code": {"health_code": "yellow"},
    "itinerary_code": {"itinerary_code_ok": False},
    "nucleic_acid_test": {"returned_from_travel": True,
                          "nucleic_acid_test": {"sampled_at": "2021-11-21T09:59:00+08:00", "result": "negative"}},
}
PARAMS = {"symptoms": {"window_days": 14}, "risk_area_contact": {"window_days": 14},
          "risk_area_stay": {"window_days": 14}, "health_code": {"color": "green", "issuer": "北京健康宝"},
          "itinerary_code": {}, "nucleic_acid_test": {"window_hours": 48, "applies_to": "returned_from_travel"}}


@pytest.mark.parametrize("kind", list(FAILING))
@pytest.mark.parametrize("scope", ["all", "main", "branch"])
@pytest.mark.parametrize("venue_kind", ["main", "branch"])
def test_scope_matrix(kind, scope, venue_kind):
    rules = rule(kind, scope, **PARAMS[kind])
    got = engine.evaluate(rules, FAILING[kind], datetime.fromisoformat(START), venue_kind, tz="Asia/Shanghai")
    holds = scope in ("all", venue_kind)
    assert (got.verdict, got.rule_kinds) == ((N, [kind]) if holds else (E, []))
